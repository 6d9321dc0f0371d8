// Small helpers shared by the runners: paths, polling, temp dirs and process-group shutdown.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
/** Ignored cache folder, shared with @vscode/test-electron's downloads. */
export const vscodeTestDir = path.join(repoRoot, '.vscode-test');
export const artifactsDir = path.join(repoRoot, 'artifacts');
/** The bundled mocha entry that esbuild.js builds from test/integration/index.ts. */
export const suiteEntry = path.join(repoRoot, 'out', 'test', 'integration', 'suite.js');

/** Builds the extension and the suite, so a runner never tests a stale bundle. */
export function build(): void {
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'esbuild.js')], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`node esbuild.js failed (exit ${result.status ?? result.signal})`);
}

/** The executable `command` on PATH, if any. */
export function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

export function log(message: string): void {
  process.stderr.write(`[runner] ${message}\n`);
}

export function verbose(): boolean {
  return /^(1|true|yes)$/i.test(process.env.FLORA_TEST_VERBOSE ?? '');
}

export function envMs(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number of ms, got "${raw}"`);
  return value;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(intervalMs);
  }
}

/**
 * A fresh temp dir with a short path: code-server and the extension host create unix sockets in
 * it, and socket paths are limited to ~108 characters (macOS's TMPDIR alone is ~50).
 */
export function makeShortTempDir(prefix: string): string {
  const root = process.platform !== 'win32' && fs.existsSync('/tmp') ? '/tmp' : os.tmpdir();
  return fs.mkdtempSync(path.join(root, prefix));
}

export function removeDir(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  } catch (err) {
    log(`could not remove ${dir}: ${errorMessage(err)}`);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Stops a process started with `detached: true` together with everything it spawned (code-server's
 * extension host, file watcher, pty host): SIGTERM to the group, then SIGKILL if it lingers.
 */
export async function killProcessGroup(pid: number, graceMs = 5000): Promise<void> {
  if (process.platform === 'win32') {
    const { spawnSync } = await import('node:child_process');
    spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore' });
    return;
  }
  if (!groupAlive(pid)) return;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await delay(100);
  if (groupAlive(pid)) {
    signalGroup(pid, 'SIGKILL');
    const killDeadline = Date.now() + 5000;
    while (groupAlive(pid) && Date.now() < killDeadline) await delay(100);
  }
}

/**
 * Runs `cleanup` once on SIGINT/SIGTERM/SIGHUP, then exits with the conventional 128+n code.
 * Returns a function that removes the handlers again.
 */
export function onTerminationSignal(cleanup: (signal: NodeJS.Signals) => Promise<void>): () => void {
  const codes: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  let running = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (running) return;
    running = true;
    log(`${signal}: cleaning up…`);
    cleanup(signal).then(
      () => process.exit(codes[signal] ?? 1),
      (err: unknown) => {
        log(`cleanup failed: ${errorMessage(err)}`);
        process.exit(codes[signal] ?? 1);
      },
    );
  };
  const signals = Object.keys(codes) as NodeJS.Signals[];
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}

/** Rejects after `ms` with `message`; `cancel()` stops the timer so the process can exit. */
export function deadline(ms: number, message: string): { promise: Promise<never>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  // Without a handler, a deadline that fires after its race was settled would crash the process.
  promise.catch(() => undefined);
  return { promise, cancel: () => clearTimeout(timer) };
}
