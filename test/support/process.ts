import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface SpawnedSwitchboard {
  child: ChildProcess;
  url: string;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Ctrl-C in a terminal: SIGINT to the whole foreground process group (spawned with processGroup). */
  ctrlC(): Promise<void>;
}

/**
 * Runs `src/app/main.ts <role>` as a real separate process and waits until it reports ready.
 * With processGroup it leads a process group of its own, as a command run in a terminal does, so
 * ctrlC() reaches it and every child it did not detach. viaNpm runs it as `npm start` does
 * (role all), npm included: npm forwards the signals it gets to the app.
 */
export async function spawnSwitchboard(
  role: 'api' | 'worker' | 'all',
  env: Record<string, string>,
  options: { processGroup?: boolean; readyTimeoutMs?: number; viaNpm?: boolean } = {},
): Promise<SpawnedSwitchboard> {
  const [command, args] = options.viaNpm ? ['npm', ['start']] : [process.execPath, ['--import', 'tsx', 'src/app/main.ts', role]];
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.processGroup === true,
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${role} did not start in ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const check = () => {
      const match = /Health:\s+(http:\/\/[^/\s]+)\/readyz/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${role} exited with ${code}:\n${output}`));
    });
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    url,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (exited()) return;
      child.kill(signal);
      await once(child, 'exit');
    },
    async ctrlC() {
      if (exited()) return;
      const exit = once(child, 'exit');
      process.kill(-child.pid!, 'SIGINT');
      await exit;
    },
  };
}
