// `npm run test:integration`: builds, then runs the mocha suite (out/test/integration/suite.js) inside
// a real extension host (code-server + headless Chromium) against the fake FLORA server — twice:
// the main suite in a trusted folder, then the Restricted Mode suite with workspace trust on and
// the folder untrusted (trust is set per launch).
// Env: FLORA_TEST_TIMEOUT_MS (whole run, default 20 min), FLORA_TEST_VERBOSE=1 (workbench logs),
// FLORA_TEST_GREP (a grep naming "restricted" runs only the Restricted Mode launch; any other
// grep only the main one).
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

interface Launch {
  label: string;
  /** Which modules test/integration/index.ts loads (FLORA_TEST_SUITE). */
  suite: 'main' | 'restricted';
  workspaceTrust: 'off' | 'untrusted';
}

const LAUNCHES: Launch[] = [
  { label: 'integration', suite: 'main', workspaceTrust: 'off' },
  { label: 'integration (Restricted Mode)', suite: 'restricted', workspaceTrust: 'untrusted' },
];

function selectedLaunches(): Launch[] {
  const grep = process.env.FLORA_TEST_GREP;
  if (!grep) return LAUNCHES;
  const restricted = /restricted/i.test(grep);
  return LAUNCHES.filter((l) => (l.suite === 'restricted') === restricted);
}

async function main(): Promise<number> {
  // Generous: CI machines can be several times slower than a development one.
  const timeoutMs = envMs('FLORA_TEST_TIMEOUT_MS', 20 * 60_000);
  const started = Date.now();
  let fake: FakeFlora | undefined;
  let workbench: Workbench | undefined;
  const resultDir = makeShortTempDir('flora-result-');
  const closeLaunch = async (): Promise<void> => {
    await workbench?.close();
    workbench = undefined;
    await fake?.close().catch((err: unknown) => log(`closing the fake server: ${errorMessage(err)}`));
    fake = undefined;
  };
  const cleanup = async (): Promise<void> => {
    await closeLaunch();
    removeDir(resultDir);
  };
  const removeSignalHandlers = onTerminationSignal(cleanup);

  let code = 0;
  let timer: ReturnType<typeof deadline> | undefined;
  try {
    build();
    await prepareHost();
    timer = deadline(
      timeoutMs,
      `the integration run took longer than ${timeoutMs} ms (FLORA_TEST_TIMEOUT_MS)`,
    );
    for (const launch of selectedLaunches()) {
      const resultFile = path.join(resultDir, `${launch.suite}.json`);
      let exitCode: number | undefined;
      const run = async (): Promise<void> => {
        fake = await startFake('test');
        workbench = await launchWorkbench({
          label: 'flora-it',
          extensionDevelopmentPath: repoRoot,
          extensionTestsPath: suiteEntry,
          env: { ...fakeEnv(fake), FLORA_TEST_RESULT: resultFile, FLORA_TEST_SUITE: launch.suite },
          workspaceTrust: launch.workspaceTrust,
          onExtensionHostLog: (text) => process.stdout.write(`${text}\n`),
        });
        const crashed = workbench.codeServer.exited.then((c) => {
          throw new Error(`code-server exited (code ${c}) before the tests finished`);
        });
        exitCode = await Promise.race([workbench.automationExit, crashed]);
      };
      try {
        await Promise.race([run(), timer.promise]);
      } catch (err) {
        log(`${launch.label}: ${errorMessage(err)}`);
        if (workbench) log(`--- code-server log ---\n${workbench.codeServer.logTail(40)}`);
      }
      await closeLaunch();
      code = Math.max(code, summarize(launch.label, exitCode, readResult(resultFile)));
    }
  } catch (err) {
    log(errorMessage(err));
    code = 1;
  } finally {
    timer?.cancel();
  }

  await cleanup();
  removeSignalHandlers();
  log(`integration run took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(errorMessage(err));
    process.exit(1);
  },
);
