// Runs the fake FLORA server as a process, for the extension host, manual demos and screenshots:
//   node --import tsx test/fake-flora/cli.ts [--demo] [--port N] [--key K] [--seed N]
//        [--clock manual|real] [--last-cursor null|omit|empty] [--time-unit ms|s] [--progress-scale 100|1]
//        [--runs-answer-technique-runs]
// Prints one JSON line {"baseUrl","apiKey","origin"} on stdout once listening; logs to stderr.
import { parseArgs } from 'node:util';
import { FakeFlora } from './server';
import type { FakeFloraOptions } from './types';

function fail(message: string): never {
  console.error(`fake-flora: ${message}`);
  process.exit(2);
}

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
): T | undefined {
  if (value === undefined) return undefined;
  const match = allowed.find((a) => a === value);
  if (match === undefined) fail(`${flag} must be one of ${allowed.join(', ')}`);
  return match;
}

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) fail(`${flag} must be a non-negative integer`);
  return Number(value);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      demo: { type: 'boolean', default: false },
      port: { type: 'string' },
      key: { type: 'string' },
      seed: { type: 'string' },
      clock: { type: 'string' },
      'last-cursor': { type: 'string' },
      'time-unit': { type: 'string' },
      'progress-scale': { type: 'string' },
      'runs-answer-technique-runs': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const scale = oneOf(values['progress-scale'], ['100', '1'] as const, '--progress-scale');
  const opts: FakeFloraOptions = {
    dataset: values.demo ? 'demo' : 'test',
    port: integer(values.port, '--port'),
    apiKey: values.key,
    seed: integer(values.seed, '--seed'),
    clock: oneOf(values.clock, ['manual', 'real'] as const, '--clock'),
    lastCursor: oneOf(values['last-cursor'], ['null', 'omit', 'empty'] as const, '--last-cursor'),
    timeUnit: oneOf(values['time-unit'], ['ms', 's', 'us', 'ns'] as const, '--time-unit'),
    progressScale: scale === undefined ? undefined : scale === '1' ? 1 : 100,
    runsRouteAnswersTechniqueRuns: values['runs-answer-technique-runs'],
    log: values.quiet ? undefined : (line) => console.error(line),
  };
  const fake = await FakeFlora.start(opts);
  process.stdout.write(
    `${JSON.stringify({ baseUrl: fake.baseUrl, apiKey: fake.apiKey, origin: fake.origin })}\n`,
  );

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.error(`fake-flora: ${signal}, shutting down`);
    fake.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
