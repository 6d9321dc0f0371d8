// The verdict of an extension-host test run. The exit code alone is not trusted: code-server logs
// "exited with code 0" even when tests fail, so the suite's own result file must agree.
import * as fs from 'node:fs';
import { log } from './util';

/** What test/integration/index.ts writes to FLORA_TEST_RESULT. */
export interface SuiteResult {
  passed: number;
  failed: number;
  pending?: number;
  tests?: string[];
  failures?: Array<{ title: string; error: string }>;
}

export function readResult(file: string): SuiteResult | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<SuiteResult>;
    if (typeof parsed.passed !== 'number' || typeof parsed.failed !== 'number') return undefined;
    return parsed as SuiteResult;
  } catch {
    return undefined;
  }
}

/** Prints the failures and the closing `N passed, N failed` line; returns the process exit code. */
export function summarize(
  label: string,
  exitCode: number | undefined,
  result: SuiteResult | undefined,
): number {
  if (!result) {
    log(`${label}: the suite wrote no result file, so it did not run to the end`);
    process.stdout.write('0 passed, 1 failed\n');
    return 1;
  }
  for (const failure of result.failures ?? []) {
    process.stdout.write(`FAILED: ${failure.title}\n${indent(failure.error)}\n`);
  }
  const ok = exitCode === 0 && result.failed === 0 && result.passed > 0;
  if (!ok) {
    const reasons = [
      exitCode === 0 ? '' : `the test host reported exit code ${exitCode ?? '(none)'}`,
      result.failed > 0 ? `${result.failed} test(s) failed` : '',
      result.passed === 0 ? 'no test passed' : '',
    ].filter(Boolean);
    log(`${label}: FAILED (${reasons.join('; ')})`);
  }
  // A host that failed without a failing test (e.g. crashed after the result) still counts as a failure.
  const failed = ok || result.failed > 0 ? result.failed : 1;
  const skipped = result.pending ? `, ${result.pending} skipped` : '';
  process.stdout.write(`${result.passed} passed, ${failed} failed${skipped}\n`);
  return ok ? 0 : 1;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
