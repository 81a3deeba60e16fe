#!/usr/bin/env python3
"""Adds lock entries for other platforms' optional native binaries.

The npm registry mirror this project is built against serves only Linux builds of platform
packages (@swc/core-darwin-arm64 answers 404), so `npm install` cannot record them, and
`npm ci` then refuses the lock ("Missing: … from lock file"). An entry with the package's
os/cpu (read from its name, as every such package spells them) lets `npm ci` skip it as
unsupported without fetching anything. Run after `npm install`; idempotent.
"""
import json
import re
import sys

OS = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'aix', 'openharmony', 'wasm32']
CPU = {'arm64': 'arm64', 'aarch64': 'arm64', 'x64': 'x64', 'ia32': 'ia32', 'arm': 'arm', 'armv7': 'arm',
       'ppc64': 'ppc64', 'ppc64le': 'ppc64', 's390x': 's390x', 'riscv64': 'riscv64', 'loong64': 'loong64',
       'mips64el': 'mips64el', 'universal': None, 'wasi': 'wasm32'}

def platform_of(name):
    words = re.split(r'[-/_.]', name.lower())
    os_ = next((w for w in words if w in OS), None)
    cpu = next((CPU[w] for w in words if w in CPU and CPU[w]), None)
    if os_ == 'wasm32':
        return None
    return os_, cpu

path = sys.argv[1] if len(sys.argv) > 1 else 'package-lock.json'
lock = json.load(open(path))
packages = lock['packages']
added = 0
for key, entry in list(packages.items()):
    for name, version in (entry.get('optionalDependencies') or {}).items():
        target = f'node_modules/{name}'
        if target in packages or (key and f'{key}/node_modules/{name}' in packages):
            continue
        platform = platform_of(name)
        if not platform or not platform[0]:
            continue
        os_, cpu = platform
        new = {'version': version.lstrip('^~=') if re.match(r'^[\^~=]?\d', version) else version, 'optional': True}
        if cpu:
            new['cpu'] = [cpu]
        if entry.get('dev'):
            new['dev'] = True
        if entry.get('devOptional'):
            new['devOptional'] = True
        new['os'] = [os_]
        packages[target] = new
        added += 1
lock['packages'] = dict(sorted(packages.items(), key=lambda item: (item[0] != '', item[0])))
with open(path, 'w') as handle:
    json.dump(lock, handle, indent=2)
    handle.write('\n')
print(f'{added} platform entries added')
