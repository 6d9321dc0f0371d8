// The Debian packages the test host and the demo need (Chromium, code-server's build tools), so
// that `npm install && npm run demo` and `npm test` are enough on a fresh machine: installed here
// when missing and run as root with apt-get, otherwise a stop at once with the command to run.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { log, vscodeTestDir, which } from './util';

/**
 * Makes sure `packages` are installed on a Debian-family machine. Elsewhere (no dpkg) it does
 * nothing: the callers' own checks then say what is missing. `why` says what needs them.
 */
export function ensureDebianPackages(packages: readonly string[], why: string): void {
  if (process.platform !== 'linux' || !which('dpkg-query')) return;
  const missing = packages.filter((p) => !isInstalled(p));
  if (missing.length === 0) return;
  const refusal = cannotInstall(missing, why, { root: process.getuid?.() === 0, aptGet: !!which('apt-get') });
  if (refusal) throw new Error(refusal);
  fs.mkdirSync(vscodeTestDir, { recursive: true });
  const logFile = path.join(vscodeTestDir, 'apt.log');
  log(`${why} needs Debian packages: installing ${missing.join(', ')} (as root; log: ${logFile})…`);
  const started = Date.now();
  for (const args of [
    ['update', '-q'],
    ['install', '-y', '-q', ...missing],
  ]) {
    const out = fs.openSync(logFile, 'a');
    const result = spawnSync('apt-get', args, {
      stdio: ['ignore', out, out],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    fs.closeSync(out);
    if (result.status !== 0) {
      const tail = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-20).join('\n');
      throw new Error(
        `apt-get ${args[0]} failed (exit ${result.status}); last lines of ${logFile}:\n${tail}`,
      );
    }
  }
  const still = missing.filter((p) => !isInstalled(p));
  if (still.length) throw new Error(`apt-get did not install: ${still.join(', ')} (see ${logFile})`);
  log(`installed ${missing.join(', ')} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/**
 * Why `missing` cannot be installed here, as the message that stops the run with the exact
 * command to run instead; undefined when this process can install them itself (root, apt-get).
 */
export function cannotInstall(
  missing: readonly string[],
  why: string,
  can: { root: boolean; aptGet: boolean },
): string | undefined {
  if (can.root && can.aptGet) return undefined;
  const command = can.aptGet
    ? `sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`
    : `install ${missing.join(', ')} with your system's package manager`;
  return (
    `${why} needs these packages: ${missing.join(', ')}.\n` +
    `Run this, then the same npm command again:\n  ${command}`
  );
}

function isInstalled(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}
