// Runs the extension in a real VS Code without a desktop build: code-server (VS Code's server and web
// workbench, with a Node extension host) opened in headless Chromium. The integration runner, the UI
// smoke test and the demo all launch it through here. Background: /work/shared/vscode-test-host.md.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumArgs, findChromium } from './chromium';
import { ensureCodeServer } from './provision';
import { ensureDebianPackages } from './systemPackages';
import { errorMessage, killProcessGroup, log, makeShortTempDir, removeDir, verbose } from './util';

const LISTEN_TIMEOUT_MS = 90_000;

/** Env for every process we start, so that nothing lands in the real home folder. */
function isolatedEnv(dir: string): Record<string, string> {
  const home = path.join(dir, 'home');
  const env: Record<string, string> = {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    TMPDIR: path.join(dir, 'tmp'),
  };
  for (const value of Object.values(env)) fs.mkdirSync(value, { recursive: true });
  return env;
}

function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    // Run from a VS Code terminal, VSCODE_IPC_HOOK_CLI & co. would make code-server hand the
    // window to that VS Code instead of serving it; ELECTRON_RUN_AS_NODE confuses its children.
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE') continue;
    env[key] = value;
  }
  return env;
}

export interface CodeServerOptions {
  /** A short temp dir owned by the caller: user data, extensions, workspace and logs go there. */
  dir: string;
  /** 0 (default) lets the OS pick a free port. */
  port?: number;
  /** Extra env for code-server and so for the extension host (FLORA_BASE_URL, …). */
  env?: Record<string, string>;
  /** Folder to open; defaults to an empty `workspace` folder in `dir`. */
  workspace?: string;
  /** User settings written before start (`flora.pollInterval`, …). */
  settings?: Record<string, unknown>;
  /**
   * 'untrusted': workspace trust on and the folder not trusted (Restricted Mode, no startup
   * prompt). Default: workspace trust off, as for a folder the user trusts.
   */
  workspaceTrust?: 'off' | 'untrusted';
}

/** User settings that open the folder in Restricted Mode without asking. */
const RESTRICTED_MODE_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.emptyWindow': false,
};

export interface CodeServer {
  readonly origin: string;
  readonly port: number;
  readonly pid: number;
  readonly workspace: string;
  readonly logFile: string;
  /** Settles when code-server exits, with its exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** A workbench URL that loads the extension under development (and its tests, if given). */
  workbenchUrl(load: { extensionDevelopmentPath: string; extensionTestsPath?: string }): string;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const entry = await ensureCodeServer();
  const { dir } = options;
  const workspace = options.workspace ?? path.join(dir, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  const restricted = options.workspaceTrust === 'untrusted';
  const settings = restricted ? { ...options.settings, ...RESTRICTED_MODE_SETTINGS } : options.settings;
  if (settings) {
    const userDir = path.join(dir, 'user', 'User');
    fs.mkdirSync(userDir, { recursive: true });
    fs.writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify(settings, null, 2));
  }
  const logFile = path.join(dir, 'code-server.log');
  const logFd = fs.openSync(logFile, 'a');
  const args = [
    entry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${options.port ?? 0}`,
    '--config',
    path.join(dir, 'code-server.yaml'),
    '--user-data-dir',
    path.join(dir, 'user'),
    '--extensions-dir',
    path.join(dir, 'ext'),
    '--disable-telemetry',
    '--disable-update-check',
    ...(restricted ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    workspace,
  ];
  // Own process group: stopping it also stops the extension host, file watcher and pty host.
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: dir,
    detached: true,
    env: { ...inheritedEnv(), ...isolatedEnv(dir), ...options.env },
    stdio: ['ignore', logFd, logFd],
  });
  fs.closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start code-server');

  // A crash of the runner must not leave code-server behind; 'exit' handlers can only do sync work.
  const killOnExit = (): void => {
    try {
      process.kill(process.platform === 'win32' ? pid : -pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  process.on('exit', killOnExit);

  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.on('error', () => resolve(null));
  });
  const logTail = (lines = 30): string => {
    try {
      return fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await killProcessGroup(pid);
    process.off('exit', killOnExit);
  };

  let origin: string;
  try {
    origin = await waitForListening(logFile, exited);
  } catch (err) {
    await stop();
    throw new Error(`${errorMessage(err)}\n--- code-server log (${logFile}) ---\n${logTail()}`);
  }
  const port = Number(new URL(origin).port);
  return {
    origin,
    port,
    pid,
    workspace,
    logFile,
    exited,
    logTail,
    stop,
    workbenchUrl: ({ extensionDevelopmentPath, extensionTestsPath }) => {
      // vscode-remote URIs with the page's own authority make the workbench resolve these paths on
      // the server side, where the Node extension host runs.
      const remote = (p: string): string => `vscode-remote://127.0.0.1:${port}${toPosix(path.resolve(p))}`;
      const payload: [string, string][] = [['extensionDevelopmentPath', remote(extensionDevelopmentPath)]];
      if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
      payload.push(['skipWelcome', 'true']);
      const query = `folder=${encodeURIComponent(toPosix(workspace))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return `${origin}/?${query}`;
    },
  };
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** Resolves with the origin from code-server's "HTTP server listening on http://…" log line. */
async function waitForListening(logFile: string, exited: Promise<number | null>): Promise<string> {
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + LISTEN_TIMEOUT_MS;
  for (;;) {
    let text = '';
    try {
      text = fs.readFileSync(logFile, 'utf8');
    } catch {
      // Not created yet.
    }
    const match = /HTTP server listening on (https?:\/\/[^\s/]+)/.exec(text);
    if (match?.[1]) return match[1].replace('//localhost:', '//127.0.0.1:');
    if (exitCode !== undefined) throw new Error(`code-server exited (code ${exitCode}) before listening`);
    if (Date.now() > deadline) {
      throw new Error(`code-server did not log "HTTP server listening on" within ${LISTEN_TIMEOUT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface WorkbenchOptions {
  extensionDevelopmentPath: string;
  /** The bundled mocha entry; when set, the extension host runs it and reports through codeAutomationExit. */
  extensionTestsPath?: string;
  env?: Record<string, string>;
  /** Receives the extension host's console (mocha's output) when running tests. */
  onExtensionHostLog?: (text: string) => void;
  /** Prefix for the temp dir name. */
  label?: string;
  viewport?: { width: number; height: number };
  /** User settings for the workbench. */
  settings?: Record<string, unknown>;
  /** See CodeServerOptions.workspaceTrust. */
  workspaceTrust?: 'off' | 'untrusted';
  /** The page's default timeout for Playwright actions (click, textContent, …); Playwright's is 30 s. */
  actionTimeoutMs?: number;
}

export interface Workbench {
  readonly dir: string;
  readonly codeServer: CodeServer;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Settles with the code the workbench passes to codeAutomationExit (after the test run). */
  readonly automationExit: Promise<number>;
  /** Closes the browser, stops code-server's process group and removes the temp dir. Idempotent. */
  close(): Promise<void>;
}

/**
 * Checks for Chromium and provisions code-server, so that a run fails fast when a package is
 * missing, and the one-time install does not count against a test run's timeout.
 */
export async function prepareHost(): Promise<void> {
  try {
    findChromium();
  } catch {
    // No browser yet: on Debian, Chromium (and fonts for readable screenshots) come from apt;
    // elsewhere findChromium's own message says what to install.
    ensureDebianPackages(['chromium', 'fonts-liberation'], 'The browser tier (integration and UI tests)');
    findChromium();
  }
  await ensureCodeServer();
}

/** code-server in a fresh temp dir plus headless Chromium on the workbench URL. */
export async function launchWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  const executablePath = findChromium();
  const dir = makeShortTempDir(`${options.label ?? 'flora'}-`);
  let codeServer: CodeServer | undefined;
  let context: BrowserContext | undefined;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await context?.close().catch((err: unknown) => log(`closing the browser: ${errorMessage(err)}`));
    await codeServer?.stop();
    removeDir(dir);
  };
  const started = Date.now();
  const progress = (what: string): void => {
    if (verbose()) log(`${what} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  };
  try {
    codeServer = await startCodeServer({
      dir,
      env: options.env,
      settings: options.settings,
      workspaceTrust: options.workspaceTrust,
    });
    progress(`code-server listening on ${codeServer.origin}`);
    const browserEnv = { ...inheritedEnv(), ...isolatedEnv(dir) };
    context = await chromium.launchPersistentContext(path.join(dir, 'chromium'), {
      executablePath,
      headless: true,
      args: chromiumArgs,
      env: browserEnv,
      viewport: options.viewport ?? { width: 1440, height: 900 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    if (options.actionTimeoutMs !== undefined) page.setDefaultTimeout(options.actionTimeoutMs);
    progress('Chromium started');

    let resolveExit: (code: number) => void = () => undefined;
    const automationExit = new Promise<number>((resolve) => {
      resolveExit = resolve;
    });
    // The workbench calls these when it runs in automation (the test host reports through them).
    await page.exposeFunction('codeAutomationExit', (code: unknown) => {
      resolveExit(typeof code === 'number' ? code : 1);
    });
    await page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
      const text = formatConsoleArgs(args);
      if (options.onExtensionHostLog && (verbose() || !isWorkbenchNoise(text)))
        options.onExtensionHostLog(text);
      else if (verbose()) process.stderr.write(`[workbench:${String(type)}] ${text}\n`);
    });
    if (verbose()) {
      page.on('console', (message) =>
        process.stderr.write(`[browser:${message.type()}] ${message.text()}\n`),
      );
    }
    page.on('pageerror', (err) => {
      if (verbose()) process.stderr.write(`[browser:pageerror] ${err.message}\n`);
    });

    const url = codeServer.workbenchUrl({
      extensionDevelopmentPath: options.extensionDevelopmentPath,
      extensionTestsPath: options.extensionTestsPath,
    });
    if (verbose()) log(`opening ${url}`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: LISTEN_TIMEOUT_MS });
    progress('workbench page loaded');
    return { dir, codeServer, context, page, automationExit, close };
  } catch (err) {
    await close();
    throw err;
  }
}

function formatConsoleArgs(args: unknown): string {
  // Arguments arrive as the console got them (mocha logs `'%s%s', …`), so format them like Node.
  return Array.isArray(args) ? format(...(args as unknown[])) : format(args);
}

/** The workbench's own startup chatter arrives through the same channel as the extension host's console. */
const WORKBENCH_NOISE = [
  /^Resolving connection token/,
  /^Resolved connection token/,
  /^Creating a socket \(/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
  /ENOTFOUND open-vsx\.org/, // the extension gallery, unreachable offline
  /vsda/, // a wasm module code-server does not ship
];

function isWorkbenchNoise(text: string): boolean {
  return WORKBENCH_NOISE.some((pattern) => pattern.test(text));
}
