// `npm run test:desktop`: the same integration suite in VS Code desktop through @vscode/test-electron.
// Needs a VS Code download (internet) or VSCODE_EXECUTABLE_PATH; VSCODE_VERSION picks a version
// (default: the newest stable that satisfies engines.vscode). On Linux without a display, run it
// under xvfb-run. Where VS Code desktop cannot be had, `npm run test:integration` runs the same
// suite in code-server.
import { downloadAndUnzipVSCode, runTests, TestRunFailedError } from '@vscode/test-electron';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fakeEnv, startFake, type FakeFlora } from './fake';
import { readResult, summarize } from './result';
import {
  build,
  deadline,
  envMs,
  errorMessage,
  log,
  makeShortTempDir,
  onTerminationSignal,
  removeDir,
  repoRoot,
  suiteEntry,
  vscodeTestDir,
} from './util';

async function resolveExecutable(): Promise<string> {
  const fromEnv = process.env.VSCODE_EXECUTABLE_PATH;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`VSCODE_EXECUTABLE_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  try {
    return await downloadAndUnzipVSCode({
      version: process.env.VSCODE_VERSION || undefined,
      cachePath: vscodeTestDir,
      extensionDevelopmentPath: repoRoot,
      // An idle timeout: keeps an offline machine from hanging on the download.
      timeout: 30_000,
    });
  } catch (err) {
    throw new Error(
      `could not download VS Code desktop (${errorMessage(err)}).\n` +
        'This needs access to update.code.visualstudio.com. Either set VSCODE_EXECUTABLE_PATH to an ' +
        'installed VS Code executable, or run `npm run test:integration`, which runs the same suite in ' +
        'code-server without a download.',
    );
  }
}

async function main(): Promise<number> {
  const timeoutMs = envMs('FLORA_TEST_TIMEOUT_MS', 10 * 60_000);
  let fake: FakeFlora | undefined;
  const dir = makeShortTempDir('flora-desktop-');
  const resultFile = path.join(dir, 'result.json');
  const cleanup = async (): Promise<void> => {
    await fake?.close().catch((err: unknown) => log(`closing the fake server: ${errorMessage(err)}`));
    removeDir(dir);
  };
  const removeSignalHandlers = onTerminationSignal(cleanup);
  const timer = deadline(
    timeoutMs,
    `the desktop run took longer than ${timeoutMs} ms (FLORA_TEST_TIMEOUT_MS)`,
  );

  let exitCode: number | undefined;
  try {
    const run = async (): Promise<void> => {
      build();
      const vscodeExecutablePath = await resolveExecutable();
      if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
        log('warning: no DISPLAY; VS Code desktop needs one on Linux (run under xvfb-run -a)');
      }
      fake = await startFake('test');
      const workspace = path.join(dir, 'workspace');
      fs.mkdirSync(workspace);
      try {
        exitCode = await runTests({
          vscodeExecutablePath,
          extensionDevelopmentPath: repoRoot,
          extensionTestsPath: suiteEntry,
          extensionTestsEnv: { ...fakeEnv(fake), FLORA_TEST_RESULT: resultFile },
          launchArgs: [
            workspace,
            '--disable-extensions',
            '--user-data-dir',
            path.join(dir, 'user'),
            '--extensions-dir',
            path.join(dir, 'ext'),
          ],
        });
      } catch (err) {
        // A failing suite makes VS Code exit non-zero; the verdict below reports it.
        if (!(err instanceof TestRunFailedError)) throw err;
        exitCode = err.code ?? 1;
      }
    };
    await Promise.race([run(), timer.promise]);
  } catch (err) {
    log(errorMessage(err));
  } finally {
    timer.cancel();
  }

  const result = readResult(resultFile);
  await cleanup();
  removeSignalHandlers();
  return summarize('desktop', exitCode, result);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(errorMessage(err));
    process.exit(1);
  },
);
