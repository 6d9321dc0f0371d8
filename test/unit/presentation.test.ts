// What a generation and its outputs are called wherever they are shown (tree, pickers, preview,
// file names), how their facts read, and the one page-size rule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clampPageSize, isPageSize } from '../../src/api/pageSize';
import type { GenerationOutput } from '../../src/api/types';
import {
  generationDescription,
  generationError,
  generationFacts,
  outputLabel,
  outputNumber,
  runDuration,
  statusWithProgress,
} from '../../src/model/presentation';
import { outputViews } from '../../src/ui/preview/view';
import { T0, sampleGeneration as gen } from './fixtures';

const out = (id: string, kind: GenerationOutput['kind']): GenerationOutput => ({
  id,
  kind,
  rawType: `${kind}Url`,
  url: `https://cdn.example/${id}`,
});

describe('output names', () => {
  it('an image and a video are "Image" and "Video"; a repeated kind is numbered within its kind', () => {
    const outputs = [out('a', 'image'), out('b', 'video'), out('c', 'image'), out('d', 'audio')];
    assert.deepEqual(
      outputs.map((o) => outputLabel(o, outputs)),
      ['Image 1', 'Video', 'Image 2', 'Audio'],
    );
    assert.deepEqual(
      outputs.map((o) => outputNumber(o, outputs)),
      [1, undefined, 2, undefined],
    );
  });

  it('the preview names outputs as the tree and the pickers do', () => {
    const outputs = [out('a', 'image'), out('b', 'video'), out('c', 'text'), out('d', 'video')];
    assert.deepEqual(
      outputViews(outputs).map((v) => v.label),
      outputs.map((o) => outputLabel(o, outputs)),
    );
    assert.deepEqual(
      outputViews(outputs).map((v) => v.label),
      ['Image', 'Video 1', 'Text', 'Video 2'],
    );
  });

  it('a picker that lists only some outputs still names each by the whole generation', () => {
    // "Open in Browser" lists the outputs that are links: the text output is not among them.
    const outputs = [out('t', 'text'), out('a', 'image'), out('b', 'image')];
    const links = outputs.filter((o) => o.kind !== 'text');
    assert.deepEqual(
      links.map((o) => outputLabel(o, outputs)),
      ['Image 1', 'Image 2'],
    );
    // An equal copy (a newer answer from the store) is found by its id.
    assert.equal(outputLabel({ ...outputs[2] }, outputs), 'Image 2');
  });
});

describe('generation facts', () => {
  const names = { modelName: 'Flux Pro', projectName: 'Launch visuals', now: T0 + 5 * 60_000 };

  it('the status reads with the progress while running, and with FLORA’s word when unknown', () => {
    assert.equal(statusWithProgress(gen({ status: 'running', progress: 42.4 })), 'Running · 42%');
    assert.equal(statusWithProgress(gen({ status: 'running', progress: 99.6 })), 'Running · 100%');
    assert.equal(
      statusWithProgress(gen({ status: 'unknown', rawStatus: 'cancelled' })),
      'Unknown status (cancelled)',
    );
    assert.equal(statusWithProgress(gen()), 'Completed');
  });

  it('lists status, model, cost, times, duration, project and ids, in that order', () => {
    const facts = generationFacts(gen(), names);
    assert.deepEqual(
      facts.map((f) => [f.label, f.value]),
      [
        ['Status', 'Completed'],
        ['Model', 'Flux Pro'],
        ['Cost', '$0.04'],
        ['Created', '2026-07-15 12:00:00 UTC'],
        ['Started', '2026-07-15 12:00:01 UTC'],
        ['Completed', '2026-07-15 12:00:43 UTC'],
        ['Duration', '42 s'],
        ['Project', 'Launch visuals'],
        ['Generation id', 'gen_1'],
        ['Run id', 'run_1'],
        ['Model id', 'flux-pro'],
        ['Project id', 'prj_1'],
      ],
    );
    assert.equal(facts[1].hint, 'flux-pro');
    assert.equal(facts[3].hint, '5m ago');
    assert.ok(facts.slice(-4).every((f) => f.mono));
  });

  it('leaves out what FLORA did not say, and a run id equal to the generation id', () => {
    const facts = generationFacts(
      gen({
        runId: 'gen_1',
        modelId: undefined,
        cost: undefined,
        startedAt: undefined,
        completedAt: undefined,
      }),
      { modelName: undefined, projectName: undefined, now: T0 },
    );
    assert.deepEqual(
      facts.map((f) => [f.label, f.value]),
      [
        ['Status', 'Completed'],
        ['Model', 'Generation'],
        ['Created', '2026-07-15 12:00:00 UTC'],
        ['Project', 'prj_1'],
        ['Generation id', 'gen_1'],
        ['Project id', 'prj_1'],
      ],
    );
  });

  it('a duration only when both ends are known and in order', () => {
    assert.equal(runDuration(gen()), '42 s');
    assert.equal(
      runDuration(gen({ startedAt: undefined })),
      '43 s',
      'from creation when the start is unknown',
    );
    assert.equal(runDuration(gen({ completedAt: undefined })), undefined);
    assert.equal(runDuration(gen({ completedAt: T0 })), undefined, 'completed before it started (skew)');
    assert.equal(runDuration(gen({ createdAt: 0, startedAt: undefined })), undefined, 'no start known');
  });

  it('the error is FLORA’s words, or says that FLORA gave none', () => {
    assert.deepEqual(generationError(gen({ status: 'failed', errorMessage: 'NSFW', errorCode: 'policy' })), {
      message: 'NSFW',
      code: 'policy',
    });
    assert.deepEqual(generationError(gen({ status: 'failed' })), {
      message: 'The run failed; FLORA gave no reason.',
    });
    assert.equal(generationError(gen()), undefined);
  });

  it('a row’s description: time, progress or state, and a cost worth showing', () => {
    const now = T0 + 5 * 60_000;
    assert.equal(generationDescription(gen(), now), '5m ago · $0.04');
    assert.equal(generationDescription(gen({ status: 'running', progress: 7 }), now), '5m ago · 7% · $0.04');
    assert.equal(generationDescription(gen({ status: 'pending', cost: undefined }), now), '5m ago · queued');
    assert.equal(generationDescription(gen({ status: 'failed', cost: 0 }), now), '5m ago · failed');
    assert.equal(
      generationDescription(gen({ status: 'unknown', rawStatus: 'cancelled', cost: undefined }), now),
      '5m ago · cancelled',
    );
  });
});

describe('page size', () => {
  it('FLORA’s 1–100 rule: a setting out of range is brought into it, anything else is 20', () => {
    assert.equal(clampPageSize(0), 1);
    assert.equal(clampPageSize(-5), 1);
    assert.equal(clampPageSize(250), 100);
    assert.equal(clampPageSize(100), 100);
    assert.equal(clampPageSize(33.6), 34);
    assert.equal(clampPageSize(Number.NaN), 20);
    assert.equal(clampPageSize(undefined), 20);
    assert.equal(clampPageSize('50'), 20);
    assert.ok(isPageSize(1) && isPageSize(100) && isPageSize(20));
    assert.ok(!isPageSize(0) && !isPageSize(101) && !isPageSize(2.5));
  });
});
