// `npm run demo`: try the extension against the fake FLORA server's demo data (real clock, so
// generations progress on their own). Opens VS Code desktop when `code` is on PATH; otherwise serves
// the workbench with code-server and prints the URL to open. Ctrl-C stops everything it started.
// Env: FLORA_DEMO_PORT (code-server's port, default 8080; a free one if that is taken).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { startFake, type FakeFlora } from '../test/runner/fake';
import { startCodeServer, type CodeServer } from '../test/runner/host';
import {
  build,
  errorMessage,
  log,
  makeShortTempDir,
  onTerminationSignal,
  removeDir,
  repoRoot,
} from '../test/runner/util';

function which(command: string): string | undefined {
  const extensions = process.platform === 'win32' ? ['.cmd', '.exe', ''] : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const ext of extensions) {
      const candidate = path.join(dir, command + ext);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // Not here.
      }
    }
  }
  return undefined;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function choosePort(): Promise<number> {
  const raw = process.env.FLORA_DEMO_PORT;
  const wanted = raw ? Number(raw) : 8080;
  if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) {
    throw new Error(`FLORA_DEMO_PORT must be a port number, got "${raw}"`);
  }
  if (wanted === 0 || (await portIsFree(wanted))) return wanted;
  log(`port ${wanted} is taken; using a free one`);
  return 0;
}

async function main(): Promise<void> {
  let fake: FakeFlora | undefined;
  let codeServer: CodeServer | undefined;
  let dir: string | undefined;
  let stopping = false;
  const cleanup = async (): Promise<void> => {
    stopping = true;
    await codeServer?.stop();
    await fake?.close().catch((err: unknown) => log(`closing the fake server: ${errorMessage(err)}`));
    if (dir) removeDir(dir);
  };
  onTerminationSignal(cleanup);

  try {
    build();
    fake = await startFake('demo');
    const env = { FLORA_BASE_URL: fake.baseUrl, FLORA_API_KEY: fake.apiKey };
    log(`fake FLORA server (demo data, real clock): ${fake.baseUrl}`);

    const code = which('code');
    if (code) {
      const child = spawn(code, [`--extensionDevelopmentPath=${repoRoot}`, '--new-window'], {
        env: { ...process.env, ...env },
        stdio: 'inherit',
        shell: process.platform === 'win32',
      });
      await new Promise<void>((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', () => resolve());
      });
      log('opened a VS Code window with the extension under development (Extension Development Host).');
      log('The fake server keeps running for it; press Ctrl-C here to stop it.');
      return; // The fake server's listening socket keeps this process alive until a signal.
    }

    dir = makeShortTempDir('flora-demo-');
    const workspace = path.join(dir, 'workspace');
    fs.mkdirSync(workspace);
    fs.writeFileSync(
      path.join(workspace, 'README.md'),
      '# FLORA demo\n\nA throwaway folder: open the FLORA icon in the activity bar.\n',
    );
    codeServer = await startCodeServer({ dir, port: await choosePort(), env, workspace });
    const url = codeServer.workbenchUrl({ extensionDevelopmentPath: repoRoot });
    process.stdout.write(
      `\nVS Code (code-server) with the FLORA extension is running. Open this URL in a browser on this machine:\n\n` +
        `  ${url}\n\nPress Ctrl-C to stop.\n`,
    );
    const exitCode = await codeServer.exited;
    if (stopping) return; // Stopped by Ctrl-C: the signal handler finishes the cleanup and exits.
    log(`code-server exited unexpectedly (code ${exitCode})\n${codeServer.logTail()}`);
    await cleanup();
    process.exit(1);
  } catch (err) {
    log(errorMessage(err));
    await cleanup();
    process.exit(1);
  }
}

void main();
