// Installs code-server into .vscode-test/code-server on first use and reuses it afterwards, the way
// @vscode/test-electron caches VS Code. See /work/shared/vscode-test-host.md for why code-server.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDebianPackages } from './systemPackages';
import { delay, envMs, errorMessage, isAlive, log, removeDir, vscodeTestDir, which } from './util';

/**
 * What code-server's install needs from Debian (installed by ensureDebianPackages when missing):
 * a C++ toolchain and Python for node-gyp, which builds the four native modules that the demo and
 * the tests use (see SKIPPED_MODULES for the ones left out), and the system's ripgrep for offline
 * machines (see seedRipgrepCache). No libkrb5-dev: the one module that needs it is skipped.
 */
const CODE_SERVER_BUILD_PACKAGES = ['build-essential', 'python3', 'ripgrep'];

/**
 * Native modules of VS Code's server that code-server's install would build and that nothing here
 * uses, so they are taken out of lib/vscode/package.json before its nested install runs:
 * - `kerberos`: Kerberos proxy authentication only (VS Code loads it lazily and copes without it);
 *   building it is what needs libkrb5-dev.
 * - `@vscode/windows-process-tree`, `@vscode/windows-registry`: loaded on Windows only.
 * - `@vscode/deviceid`: a telemetry device id; VS Code falls back to a random one without it.
 * Kept (each is built from source, offline): `argon2` (code-server loads it at start for password
 * auth), `@vscode/spdlog` (VS Code's log files, which the tests read), `native-watchdog` (stops a
 * hung extension host), `node-pty` (the terminal, for the demo).
 */
const SKIPPED_MODULES =
  process.platform === 'win32'
    ? ['kerberos', '@vscode/deviceid']
    : ['kerberos', '@vscode/windows-process-tree', '@vscode/windows-registry', '@vscode/deviceid'];

/** The last code-server whose engines.node is 20 (VS Code 1.100.3). */
export const CODE_SERVER_VERSION = '4.100.3';
/** Versions pinned inside code-server 4.100.3's nested install (lib/vscode). */
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_BINARY_VERSION = 'v13.0.0-10';

const installDir = path.join(vscodeTestDir, 'code-server');
const lockDir = path.join(vscodeTestDir, 'code-server.lock');
const markerName = '.flora-provisioned.json';
const LOCK_WAIT_MS = 20 * 60_000;

interface Marker {
  version: string;
  /** Native modules are built against this ABI: a Node upgrade needs a fresh install. */
  nodeAbi: string;
  arch: string;
}

function expectedMarker(): Marker {
  return { version: CODE_SERVER_VERSION, nodeAbi: process.versions.modules, arch: process.arch };
}

function entryOf(dir: string): string {
  return path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

function isComplete(dir: string): boolean {
  try {
    const marker = JSON.parse(fs.readFileSync(path.join(dir, markerName), 'utf8')) as Marker;
    const want = expectedMarker();
    return (
      marker.version === want.version &&
      marker.nodeAbi === want.nodeAbi &&
      marker.arch === want.arch &&
      fs.existsSync(entryOf(dir))
    );
  } catch {
    return false;
  }
}

/** Returns the path of code-server's entry script, installing it first if needed. */
export async function ensureCodeServer(): Promise<string> {
  if (isComplete(installDir)) return entryOf(installDir);
  fs.mkdirSync(vscodeTestDir, { recursive: true });
  const release = await acquireLock();
  try {
    // Another run may have finished the install while we waited for the lock.
    if (isComplete(installDir)) return entryOf(installDir);
    await install();
    return entryOf(installDir);
  } finally {
    release();
  }
}

async function acquireLock(): Promise<() => void> {
  const started = Date.now();
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(
        path.join(lockDir, 'owner.json'),
        JSON.stringify({ pid: process.pid, host: os.hostname() }),
      );
      const release = (): void => {
        process.off('exit', release);
        fs.rmSync(lockDir, { recursive: true, force: true });
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (lockIsStale()) {
      log('removing a stale provisioning lock left by an interrupted run');
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!announced) {
      log('another run is provisioning code-server; waiting for it…');
      announced = true;
    }
    if (Date.now() - started > LOCK_WAIT_MS) {
      throw new Error(
        `timed out waiting for the provisioning lock ${lockDir}; remove it if no install is running`,
      );
    }
    await delay(1000);
  }
}

function lockIsStale(): boolean {
  try {
    const owner = JSON.parse(fs.readFileSync(path.join(lockDir, 'owner.json'), 'utf8')) as {
      pid: number;
      host: string;
    };
    return owner.host === os.hostname() && !isAlive(owner.pid);
  } catch {
    // No owner file: either the owner is between mkdir and write, or it died there. Give it a moment.
    try {
      return Date.now() - fs.statSync(lockDir).mtimeMs > 30_000;
    } catch {
      return false;
    }
  }
}

async function install(): Promise<void> {
  // We hold the lock, so any partial install is an interrupted one.
  for (const name of fs.readdirSync(vscodeTestDir)) {
    if (name.startsWith('code-server.partial-') || name.startsWith('code-server.old-')) {
      removeDir(path.join(vscodeTestDir, name));
    }
  }
  // node-gyp's toolchain for the native modules, and the offline ripgrep (see seedRipgrepCache).
  ensureDebianPackages(CODE_SERVER_BUILD_PACKAGES, "code-server's one-time install");
  checkBuildPrerequisites();

  const partial = fs.mkdtempSync(path.join(vscodeTestDir, 'code-server.partial-'));
  const tmp = path.join(partial, '.tmp');
  fs.mkdirSync(tmp);
  fs.writeFileSync(path.join(partial, 'package.json'), JSON.stringify({ private: true }) + '\n');
  seedRipgrepCache(tmp);

  const logFile = path.join(vscodeTestDir, 'code-server-install.log');
  log(`provisioning code-server ${CODE_SERVER_VERSION} into ${installDir} (one time, about a minute)…`);
  log(`install log: ${logFile}`);
  const started = Date.now();
  const installTimeoutMs = envMs('FLORA_PROVISION_TIMEOUT_MS', 20 * 60_000);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // code-server's postinstall runs a nested npm install that builds native modules.
    npm_config_unsafe_perm: 'true', // refused as root otherwise
    npm_config_yes: 'true', // node-pty runs `npx node-gyp`, which cancels without it
    npm_config_foreground_scripts: 'true', // keep the nested builds' output in the log
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_progress: 'false',
    TMPDIR: tmp, // where @vscode/ripgrep looks for its seeded download
  };
  const nodedir = localNodeDir();
  if (nodedir && !process.env.npm_config_nodedir) env.npm_config_nodedir = nodedir;

  const out = fs.openSync(logFile, 'w');
  const deadline = Date.now() + installTimeoutMs;
  const step = async (what: string, command: string, args: string[], cwd: string): Promise<void> => {
    fs.writeSync(out, `\n### ${what}: ${command} ${args.join(' ')}\n`);
    const code = await runLogged(command, args, { cwd, env, out, deadline });
    if (code !== 0) {
      throw new Error(
        `${what} failed (exit ${code}).\n--- last lines of ${logFile} ---\n${tail(logFile, 40)}\n` +
          `Needed on Debian/Ubuntu: apt-get install -y ${CODE_SERVER_BUILD_PACKAGES.join(' ')}`,
      );
    }
  };
  try {
    // 1. The package without its scripts, so that its nested install can be trimmed before it runs.
    await step(
      `npm install code-server@${CODE_SERVER_VERSION}`,
      npmCommand(),
      ['install', '--no-save', '--no-package-lock', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`],
      partial,
    );
    // 2. The one native module of code-server itself (its prebuilt download is on GitHub: built here).
    await step('building argon2', npmCommand(), ['rebuild', 'argon2'], partial);
    // 3. code-server's own postinstall (VS Code's server dependencies), without the unused modules.
    const codeServerDir = path.join(partial, 'node_modules', 'code-server');
    skipUnusedModules(path.join(codeServerDir, 'lib', 'vscode', 'package.json'));
    const userAgent = `npm/${npmVersion()} node/${process.version} ${process.platform} ${process.arch}`;
    env.npm_config_user_agent = userAgent; // postinstall.sh reads the Node version from it
    await step("code-server's postinstall", 'sh', ['./postinstall.sh'], codeServerDir);
    // Even --version writes a default config and logs under HOME/XDG dirs: keep them in our tmp.
    const version = spawnSync(process.execPath, [entryOf(partial), '--version'], {
      encoding: 'utf8',
      env: { ...process.env, HOME: tmp, XDG_CONFIG_HOME: tmp, XDG_DATA_HOME: tmp, XDG_CACHE_HOME: tmp },
    });
    if (version.status !== 0 || !version.stdout.includes(`${CODE_SERVER_VERSION} `)) {
      throw new Error(`installed code-server does not run: ${version.stderr || version.stdout}`);
    }
  } catch (err) {
    removeDir(partial);
    throw err;
  } finally {
    fs.closeSync(out);
  }

  removeDir(tmp);
  fs.writeFileSync(path.join(partial, markerName), JSON.stringify(expectedMarker(), null, 2) + '\n');
  // Swap into place only once complete, so an interrupted install never looks like a good one.
  if (fs.existsSync(installDir)) {
    const old = `${installDir}.old-${process.pid}`;
    fs.renameSync(installDir, old);
    fs.renameSync(partial, installDir);
    removeDir(old);
  } else {
    fs.renameSync(partial, installDir);
  }
  log(`code-server ${CODE_SERVER_VERSION} provisioned in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

function npmCommand(): string {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

function npmVersion(): string {
  const r = spawnSync(npmCommand(), ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' });
  return r.stdout.trim() || '10.0.0';
}

/** Takes SKIPPED_MODULES out of VS Code's server dependencies, so its nested install never builds them. */
function skipUnusedModules(packageJson: string): void {
  const pkg = JSON.parse(fs.readFileSync(packageJson, 'utf8')) as {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  for (const name of SKIPPED_MODULES) {
    delete pkg.dependencies?.[name];
    delete pkg.optionalDependencies?.[name];
  }
  fs.writeFileSync(packageJson, JSON.stringify(pkg, null, 2) + '\n');
}

/**
 * Runs a command with its output in the install log, in its own process group so that the
 * deadline or our own exit also stops the builds it starts. Resolves with its exit code.
 */
function runLogged(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; out: number; deadline: number },
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', options.out, options.out],
      detached: true,
      shell: process.platform === 'win32',
    });
    const killOnExit = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(process.platform === 'win32' ? child.pid : -child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    process.on('exit', killOnExit);
    const timer = setTimeout(
      () => {
        log('the install took longer than FLORA_PROVISION_TIMEOUT_MS allows; stopping it');
        killOnExit();
      },
      Math.max(0, options.deadline - Date.now()),
    );
    child.on('error', reject);
    child.on('exit', (status, signal) => {
      clearTimeout(timer);
      process.off('exit', killOnExit);
      resolve(status ?? (signal ? 1 : 0));
    });
  });
}

/** Fails before a long install that is bound to fail, with the package to install. */
function checkBuildPrerequisites(): void {
  if (process.platform !== 'linux') return;
  const missing: string[] = [];
  if (!which('make') || !(which('g++') || which('c++'))) missing.push('build-essential');
  if (!which('python3')) missing.push('python3');
  if (missing.length > 0) {
    throw new Error(
      `code-server's install builds native modules and needs: ${missing.join(', ')}.\n` +
        `Install them first, e.g. apt-get install -y ${missing.join(' ')}`,
    );
  }
}

/**
 * @vscode/ripgrep's postinstall downloads `rg` from GitHub, which is unreachable on offline machines;
 * it first looks in its cache under TMPDIR, so put the system's `rg` there in the expected archive.
 */
function seedRipgrepCache(tmp: string): void {
  const target = ripgrepTarget();
  const rg = which(process.platform === 'win32' ? 'rg.exe' : 'rg');
  if (!target || !rg) {
    log(
      'warning: no ripgrep (`rg`) on PATH; @vscode/ripgrep will try to download it from GitHub. ' +
        'Offline, install it first (apt-get install ripgrep).',
    );
    return;
  }
  const cache = path.join(tmp, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const staging = path.join(tmp, 'rg-staging');
  fs.mkdirSync(cache, { recursive: true });
  fs.mkdirSync(staging);
  fs.copyFileSync(rg, path.join(staging, 'rg'));
  fs.chmodSync(path.join(staging, 'rg'), 0o755);
  const archive = path.join(cache, `ripgrep-${RIPGREP_BINARY_VERSION}-${target}.tar.gz`);
  const tar = spawnSync('tar', ['-czf', archive, '-C', staging, 'rg'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`could not create ${archive}: ${tar.stderr}`);
  removeDir(staging);
}

function ripgrepTarget(): string | undefined {
  const targets: Record<string, string> = {
    'linux-x64': 'x86_64-unknown-linux-musl',
    'linux-arm64': 'aarch64-unknown-linux-musl',
    'darwin-x64': 'x86_64-apple-darwin',
    'darwin-arm64': 'aarch64-apple-darwin',
  };
  return targets[`${process.platform}-${process.arch}`];
}

/** node-gyp downloads Node's headers unless told where local ones are; offline that fails. */
function localNodeDir(): string | undefined {
  const prefix = path.dirname(path.dirname(process.execPath));
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node_version.h')) ? prefix : undefined;
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (err) {
    return `(could not read: ${errorMessage(err)})`;
  }
}
