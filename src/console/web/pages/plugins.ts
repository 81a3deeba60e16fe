import { api, errorText } from '../api.js';
import { announce, badge, button, field, fillDialog, formatDate, h, openDialog, pageHeader, replace } from '../dom.js';
import type { Page } from '../page.js';
import { connectorTabs } from './connectorTabs.js';

/** What GET /api/plugins and GET /api/plugins/:id answer (src/plugins/schemas.ts). */
interface Plugin {
  id: string;
  connectorId: string;
  name: string;
  version: number;
  sha256: string;
  actions: string[];
  allowedHosts: string[];
  updatedAt: string;
}
interface PluginDetail extends Plugin {
  manifest: Record<string, unknown>;
  versions: Array<{ version: number; sha256: string; actions: string[]; allowedHosts: string[]; createdAt: string }>;
}
interface PluginTest {
  ok: boolean;
  message?: string;
  error?: string;
}

/** A manifest to start from (docs/hosted.md#wasm-plugins). */
const MANIFEST_TEMPLATE = {
  description: '',
  category: 'other',
  allowedHosts: ['api.example.com'],
  auth: { type: 'bearer' },
  actions: [{ id: 'get_item', title: 'Get an item', export: 'get_item', idempotent: true, parameters: [{ name: 'id', type: 'string', required: true }] }],
};

const hostsOf = (hosts: string[]) => (hosts.length ? hosts.join(', ') : h('span', { class: 'muted' }, 'None'));

/** Connectors › Plugins: the account's WASM plugins, uploads (a new name or a new version), versions and tests. */
export const renderPlugins: Page = async (main, config) => {
  const { plugins } = await api<{ plugins: Plugin[] }>('GET', '/api/plugins');
  const reload = () => void renderPlugins(main, config, []).catch((error: unknown) => announce(errorText(error), 'error'));
  const rows = plugins.map((plugin) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row', class: 'name-cell' }, h('span', {}, plugin.name), h('div', { class: 'muted small' }, plugin.connectorId)),
      h('td', {}, `v${plugin.version}`),
      h('td', {}, plugin.actions.join(', ')),
      h('td', {}, hostsOf(plugin.allowedHosts)),
      h('td', {}, formatDate(plugin.updatedAt)),
      h(
        'td',
        { class: 'row-actions' },
        button('Versions', () => void openVersionsDialog(plugin), { ariaLabel: `Versions of ${plugin.name}` }),
        button('Test', () => openPluginTest(plugin.name, { id: plugin.id }), { ariaLabel: `Test ${plugin.name}` }),
        button('New version', () => void openNewVersion(plugin, reload), { ariaLabel: `Upload a new version of ${plugin.name}` }),
      ),
    ),
  );
  replace(
    main,
    h(
      'section',
      { class: 'card' },
      pageHeader('Connectors', 'WebAssembly plugins: agents see each as plugin-<name>', button('Upload', () => openUploadDialog({ onSaved: reload }), { tone: 'primary', ariaLabel: 'Upload plugin' })),
      connectorTabs('plugins'),
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'table' },
          h('caption', { class: 'visually-hidden' }, 'Plugins'),
          h('thead', {}, h('tr', {}, ...['Name', 'Version', 'Actions', 'Allowed hosts', 'Updated'].map((title) => h('th', { scope: 'col' }, title)), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
          h('tbody', {}, rows),
        ),
      ),
      plugins.length === 0 ? h('p', { class: 'empty' }, 'No plugins') : null,
    ),
  );
};

/** POST /api/plugins/test: the version loads with a call's limits and exports every action. */
function openPluginTest(name: string, body: { id: string; version?: number }) {
  const handle = openDialog({ title: 'Test Plugin', description: body.version ? `${name} version ${body.version}` : name });
  const status = h('div', { role: 'status', 'aria-live': 'polite', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading…'));
  fillDialog(handle, status, h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'button', onclick: () => handle.close() }, 'Close')));
  api<PluginTest>('POST', '/api/plugins/test', body)
    .then((result) => replace(status, result.ok ? badge(result.message ?? 'Loaded', 'success') : badge('Error', 'danger'), result.ok ? null : h('pre', { class: 'error-text' }, result.error ?? '')))
    .catch((error: unknown) => replace(status, h('pre', { class: 'error-text' }, errorText(error))))
    .finally(() => status.setAttribute('aria-busy', 'false'));
}

async function openVersionsDialog(plugin: Plugin) {
  const detail = await api<PluginDetail>('GET', `/api/plugins/${encodeURIComponent(plugin.id)}`).catch((error: unknown) => announce(errorText(error), 'error'));
  if (!detail) return;
  const handle = openDialog({ title: 'Plugin versions', description: `${detail.name}: calls use version ${detail.version}`, wide: true });
  const rows = detail.versions.map((version) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, `v${version.version}`, version.version === detail.version ? h('span', {}, ' ', badge('in use', 'success')) : null),
      h('td', {}, h('code', { title: version.sha256 }, version.sha256.slice(0, 12))),
      h('td', {}, version.actions.join(', ')),
      h('td', {}, hostsOf(version.allowedHosts)),
      h('td', {}, formatDate(version.createdAt)),
      h('td', {}, button('Test', () => openPluginTest(detail.name, { id: detail.id, version: version.version }), { ariaLabel: `Test version ${version.version}` })),
    ),
  );
  fillDialog(
    handle,
    h(
      'table',
      { class: 'table' },
      h('caption', { class: 'visually-hidden' }, `Versions of ${detail.name}`),
      h('thead', {}, h('tr', {}, ...['Version', 'SHA-256', 'Actions', 'Allowed hosts', 'Uploaded', ''].map((title) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, rows),
    ),
    h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'button', onclick: () => handle.close() }, 'Close')),
  );
}

async function openNewVersion(plugin: Plugin, onSaved: () => void) {
  const detail = await api<PluginDetail>('GET', `/api/plugins/${encodeURIComponent(plugin.id)}`).catch((error: unknown) => announce(errorText(error), 'error'));
  if (detail) openUploadDialog({ name: detail.name, manifest: detail.manifest, onSaved });
}

function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read'));
    reader.readAsDataURL(file);
  });
}

/** Upload: a new name is version 1 of a new plugin, an existing name its next version. */
function openUploadDialog(options: { name?: string; manifest?: Record<string, unknown>; onSaved: () => void }) {
  const handle = openDialog({ title: options.name ? 'Upload a new version' : 'Upload Plugin', description: 'A WebAssembly module (Extism) and its manifest', wide: true });
  const name = field('Name', h('input', { type: 'text', name: 'name', required: true, maxlength: 100, value: options.name ?? '', readOnly: Boolean(options.name) }));
  const module = field('Module (.wasm)', h('input', { type: 'file', name: 'module', accept: '.wasm,application/wasm', required: true }));
  const manifest = field('Manifest (JSON)', h('textarea', { name: 'manifest', rows: 14, spellcheck: false, required: true }), 'Actions (the functions the module exports), their parameters, allowedHosts and auth');
  manifest.input.value = JSON.stringify(options.manifest ?? MANIFEST_TEMPLATE, null, 2);
  const formError = h('p', { class: 'field-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Upload');
  const form = h(
    'form',
    { novalidate: true, onsubmit: (event: Event) => (event.preventDefault(), void save()) },
    name.element,
    module.element,
    manifest.element,
    formError,
    h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'button', onclick: () => handle.close() }, 'Cancel'), submit),
  );

  async function save() {
    const trimmed = name.input.value.trim();
    name.setError(trimmed ? undefined : 'Name is required');
    const file = (module.input as HTMLInputElement).files?.[0];
    module.setError(file ? undefined : 'Choose a .wasm file');
    let parsed: unknown;
    try {
      parsed = JSON.parse(manifest.input.value);
      manifest.setError(undefined);
    } catch (error) {
      manifest.setError(`Not JSON: ${(error as Error).message}`);
    }
    const invalid = form.querySelector<HTMLElement>('[aria-invalid=true]');
    if (invalid || !file) return (invalid ?? form).focus();
    submit.disabled = true;
    try {
      const uploaded = await api<Plugin>('POST', '/api/plugins', { name: trimmed, module: await base64Of(file), manifest: parsed });
      handle.close();
      announce(`${uploaded.name} version ${uploaded.version} uploaded`);
      options.onSaved();
    } catch (error) {
      formError.textContent = errorText(error);
      submit.disabled = false;
    }
  }

  fillDialog(handle, form);
}
