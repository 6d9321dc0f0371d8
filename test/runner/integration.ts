// `npm run test:integration`: builds, then runs the mocha suite (out/test/integration/suite.js) inside
// a real extension host (code-server + headless Chromium) against the fake FLORA server.
// Env: FLORA_TEST_TIMEOUT_MS (whole run, default 10 min), FLORA_TEST_VERBOSE=1 (workbench logs).
import * as path from 'node:path';
import { fakeEnv, startFake, type FakeFlora } from './fake';
import { launchWorkbench, prepareHost, type Workbench } from './host';
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
} from './util';

async function main(): Promise<number> {
  const timeoutMs = envMs('FLORA_TEST_TIMEOUT_MS', 10 * 60_000);
  const started = Date.now();
  let fake: FakeFlora | undefined;
  let workbench: Workbench | undefined;
  const resultDir = makeShortTempDir('flora-result-');
  const resultFile = path.join(resultDir, 'result.json');
  const cleanup = async (): Promise<void> => {
    await workbench?.close();
    await fake?.close().catch((err: unknown) => log(`closing the fake server: ${errorMessage(err)}`));
    removeDir(resultDir);
  };
  const removeSignalHandlers = onTerminationSignal(cleanup);

  let exitCode: number | undefined;
  let timer: ReturnType<typeof deadline> | undefined;
  try {
    build();
    await prepareHost();
    timer = deadline(
      timeoutMs,
      `the integration run took longer than ${timeoutMs} ms (FLORA_TEST_TIMEOUT_MS)`,
    );
    const run = async (): Promise<void> => {
      fake = await startFake('test');
      workbench = await launchWorkbench({
        label: 'flora-it',
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: suiteEntry,
        env: { ...fakeEnv(fake), FLORA_TEST_RESULT: resultFile },
        onExtensionHostLog: (text) => process.stdout.write(`${text}\n`),
      });
      const crashed = workbench.codeServer.exited.then((code) => {
        throw new Error(`code-server exited (code ${code}) before the tests finished`);
      });
      exitCode = await Promise.race([workbench.automationExit, crashed]);
    };
    await Promise.race([run(), timer.promise]);
  } catch (err) {
    log(errorMessage(err));
    if (workbench) log(`--- code-server log ---\n${workbench.codeServer.logTail(40)}`);
  } finally {
    timer?.cancel();
  }

  const result = readResult(resultFile);
  await cleanup();
  removeSignalHandlers();
  log(`integration run took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return summarize('integration', exitCode, result);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(errorMessage(err));
    process.exit(1);
  },
);
