// Entry point the extension host calls with `extensionTestsPath` (bundled by esbuild.js into
// out/test/integration/suite.js, with `mocha` and `vscode` left as real packages).
import * as fs from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import Mocha from 'mocha';

/**
 * Every integration test module, in run order: add a line here for a new suite. The dynamic imports
 * are bundled into the same file but evaluated lazily, so they run after mocha's globals exist.
 * FLORA_TEST_SUITE picks the set: the runner launches the host once per set (workspace trust is
 * decided per launch).
 */
const mainModules: Array<() => Promise<unknown>> = [
  () => import('./activation.test.js'),
  () => import('./tree.test.js'),
  () => import('./live.test.js'),
  () => import('./techniqueRuns.test.js'),
  () => import('./preview.test.js'),
  () => import('./l10n.test.js'),
  () => import('./proxy.test.js'),
  () => import('./snapshot.test.js'),
  () => import('./times.test.js'),
  () => import('./virtualFs.test.js'),
  () => import('./generate.test.js'),
];

/** Run in a host with workspace trust on and the folder untrusted (Restricted Mode). */
const restrictedModules: Array<() => Promise<unknown>> = [() => import('./restricted.test.js')];

export interface TestResult {
  passed: number;
  failed: number;
  pending: number;
  tests: string[];
  failures: Array<{ title: string; error: string }>;
}

/** `color: false` leaves mocha's ✔/✖ symbols colored when CI=true (picked at load time); strip them. */
function plainSymbols(): void {
  const { symbols } = Mocha.reporters.Base;
  symbols.ok = stripVTControlCharacters(symbols.ok);
  symbols.err = stripVTControlCharacters(symbols.err);
}

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    // Generous: shared 2-core machines can be slow to boot a webview under load.
    timeout: 180_000,
    color: false,
    reporter: 'spec',
    // FLORA_TEST_GREP=preview runs only the tests whose full title matches (while developing).
    grep: process.env.FLORA_TEST_GREP || undefined,
  });
  plainSymbols();
  // What `mocha.loadFiles` does per file: install suite()/test()/setup()… as globals.
  mocha.suite.emit('pre-require', globalThis, '', mocha);
  const testModules = process.env.FLORA_TEST_SUITE === 'restricted' ? restrictedModules : mainModules;
  for (const load of testModules) await load();

  const result: TestResult = { passed: 0, failed: 0, pending: 0, tests: [], failures: [] };
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', (test) => {
      result.passed++;
      result.tests.push(test.fullTitle());
    });
    runner.on('fail', (test, err: unknown) => {
      result.failed++;
      result.tests.push(test.fullTitle());
      result.failures.push({
        title: test.fullTitle(),
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
    });
    runner.on('pending', (test) => {
      result.pending++;
      result.tests.push(test.fullTitle());
    });
  });

  const resultFile = process.env.FLORA_TEST_RESULT;
  if (resultFile) fs.writeFileSync(resultFile, JSON.stringify(result, null, 2) + '\n');

  if (result.failed > 0) throw new Error(`${result.failed} integration test(s) failed`);
  if (result.passed === 0) throw new Error('no integration test ran');
}
