// Generate… (issue 13 §1), the parts without UI: the client's POST /generate and its typed
// refusals, the submission through the store (one key per confirmed submission, reused by its
// retries), the parameter editors' rules, the prompt memory, and the insertion position.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import {
  ConnectionError,
  DuplicateSubmissionError,
  IdempotencyConflictError,
  InsufficientCreditsError,
  ServerError,
  ValidationError,
  type FloraError,
} from '../../src/api/errors';
import { systemClock } from '../../src/api/clock';
import type { ModelParam } from '../../src/api/types';
import {
  billingUrl,
  describeGenerateFailure,
  failureNotice,
  Submission,
  type GenerateRequest,
} from '../../src/model/generate';
import { insertionText, placement, textAfterSelection, trackRange } from '../../src/model/generateInsert';
import {
  GenerateMemory,
  MAX_ACCOUNTS,
  MAX_PROMPTS,
  type KeyValueStorage,
} from '../../src/model/generateMemory';
import { checkNumber, editorFor, fieldTarget, planParams } from '../../src/model/generateParams';
import { Store } from '../../src/model/store';
import { generationView } from '../../src/ui/preview/view';
import { fakeClient, useFakeFlora } from './helpers';

const env = useFakeFlora({ settle: true });

function request(overrides: Partial<GenerateRequest> = {}): GenerateRequest {
  const project = env.fake.projects()[0];
  return {
    workspaceId: project.workspace_id,
    projectId: project.project_id,
    type: 'image',
    prompt: 'a red fox in snow',
    modelId: 't2i-flux-2-pro',
    params: {},
    ...overrides,
  };
}

const noSleep = () => Promise.resolve();

describe('POST /generate through the client', () => {
  it('sends the key as Idempotency-Key and idempotency_key, and reads the 201', async () => {
    const s = new Submission(request());
    const answer = await env.client.generate(s.body(), { idempotencyKey: s.key });
    assert.match(answer.runId, /^run_/);
    assert.equal(answer.projectId, request().projectId);
    const [sub] = env.fake.submissions();
    assert.equal(sub.run_id, answer.runId);
    assert.equal(sub.body.idempotency_key, s.key, 'the body carries the key');
    // The header alone is enough for the fake to refuse a repeat: sent again, it is a duplicate.
    await assert.rejects(
      env.client.generate({ ...s.body(), prompt: 'other' }, { idempotencyKey: s.key }),
      DuplicateSubmissionError,
    );
  });

  it('sends the key in the Idempotency-Key header, the same on every retry', async () => {
    // A bare server that records what arrives (the fake accepts the key from either place).
    const seen: Array<{ header: unknown; body: Record<string, unknown> }> = [];
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        seen.push({
          header: req.headers['idempotency-key'],
          body: JSON.parse(text) as Record<string, unknown>,
        });
        const first = seen.length === 1;
        res.writeHead(first ? 503 : 201, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            first
              ? { error: { code: 'unknown_error', message: 'down' } }
              : { run_id: 'run_x', type: 'generation', charged_cost: 0.08, estimated_seconds: 12 },
          ),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const client = fakeClient(env.fake, { baseUrl: `http://127.0.0.1:${port}/api/v1`, maxRetries: 1 });
    try {
      const s = new Submission(request());
      assert.equal((await client.generate(s.body(), { idempotencyKey: s.key })).runId, 'run_x');
      assert.deepEqual(
        seen.map((x) => [x.header, x.body.idempotency_key]),
        [
          [s.key, s.key],
          [s.key, s.key],
        ],
      );
    } finally {
      await client.close();
      server.close();
    }
  });

  it('turns 400 fields[], 402 and 422 idempotency_conflict into typed errors with what the flow needs', async () => {
    const bad = new Submission(request({ params: { aspect_ratio: '7:3' } }));
    const err = await env.client.generate(bad.body(), { idempotencyKey: bad.key }).catch((e: unknown) => e);
    assert.ok(err instanceof ValidationError, String(err));
    const failure = describeGenerateFailure(err, {
      params: [
        { name: 'aspect_ratio', required: false, type: 'string', options: [{ label: '1:1', value: '1:1' }] },
      ],
    });
    assert.equal(failure.kind, 'field');
    assert.deepEqual(failure.kind === 'field' && failure.target, { kind: 'param', name: 'aspect_ratio' });
    assert.match(failure.kind === 'field' ? failure.message : '', /one of/);

    env.fake.setCredits(request().workspaceId, 1);
    const poor = new Submission(request());
    const e402 = await env.client
      .generate(poor.body(), { idempotencyKey: poor.key })
      .catch((e: unknown) => e);
    assert.ok(e402 instanceof InsufficientCreditsError, String(e402));
    assert.equal(describeGenerateFailure(e402).kind, 'credits');

    env.fake.setCredits(request().workspaceId, 10_000);
    env.fake.setIdempotency('replay');
    const s = new Submission(request());
    await env.client.generate(s.body(), { idempotencyKey: s.key });
    await assert.rejects(
      env.client.generate({ ...s.body(), prompt: 'something else' }, { idempotencyKey: s.key }),
      IdempotencyConflictError,
    );
  });

  it('never lets FLORA’s message or field name become a link or an icon in what the user is shown', () => {
    const hostile = '[Fix](command:workbench.action.terminal.new) $(alert) <command:x>';
    const refusals: FloraError[] = [
      new ValidationError('bad', {
        status: 400,
        fields: [{ field: 'params.[x](command:y)', message: hostile }],
      }),
      new InsufficientCreditsError(hostile, { status: 402 }),
      new IdempotencyConflictError(hostile, { status: 422 }),
      new ConnectionError(hostile),
      new ServerError(hostile, { status: 500 }),
    ];
    for (const err of refusals) {
      const failure = describeGenerateFailure(err);
      for (const text of [failureNotice(failure), failure.message]) {
        assert.doesNotMatch(text, /\]\(|\$\(|<command:/, `${err.name}: ${text}`);
        // The same characters are still there for the user to read.
        assert.match(text.replace(/\u2060/g, ''), /\[Fix\]\(command:workbench/, err.name);
      }
    }
  });

  it('is retried after a 5xx with the same key: one run, whatever the retries', async () => {
    env.fake.inject('POST /generate', { kind: 'status', status: 503, code: 'service_unavailable' });
    const client = fakeClient(env.fake, { maxRetries: 2 });
    try {
      const s = new Submission(request());
      const answer = await client.generate(s.body(), { idempotencyKey: s.key });
      assert.equal(env.fake.requestCount('POST /generate'), 2, 'tried twice');
      assert.deepEqual(
        env.fake.submissions().map((x) => x.run_id),
        [answer.runId],
      );
    } finally {
      await client.close();
    }
  });
});

describe('a submission through the store', () => {
  for (const style of ['duplicate', 'replay'] as const) {
    it(`after a timeout, the retry with the same key is the same generation, not a second one (${style})`, async () => {
      env.fake.setIdempotency(style);
      const project = request().projectId;
      // The first answer is kept back: the client times out and sends again, with the same key.
      env.fake.inject('POST /generate', { kind: 'hold' });
      const client = fakeClient(env.fake, { maxRetries: 1, timeoutMs: 500 });
      const store = new Store(client, { pageSize: () => 20 });
      try {
        await store.ensureGenerations(project);
        const before = store.generationList(project).ids.length;
        // Submitted by the fake's clock: the duplicate's row is found by its time.
        const submission = new Submission(request(), () => env.fake.now());
        const outcome = await store.submitGeneration(submission, { sleep: noSleep });
        assert.equal(env.fake.submissions().length, 1, 'FLORA made one run');
        const runId = env.fake.submissions()[0].run_id;
        assert.equal(outcome.kind, style === 'duplicate' ? 'duplicate' : 'created');
        assert.equal(outcome.generation?.id, runId, 'the row is the run FLORA made');
        const ids = store.generationList(project).ids;
        assert.equal(ids[0], runId, 'at the top of its project');
        assert.equal(ids.length, before + 1, 'one new row');
        assert.equal(store.generation(runId)?.status, 'pending');
      } finally {
        store.dispose();
        await client.close();
      }
    });
  }

  it('does not take an older generation, or one of another model, for the duplicate FLORA reports', async () => {
    const project = request().projectId;
    const now = env.fake.now();
    // The store knows nothing of the project (its list was never loaded).
    const store = new Store(env.client, { pageSize: () => 20 });
    const conflict = { kind: 'status', status: 409, code: 'idempotency_duplicate' } as const;
    try {
      const older = env.fake.addGeneration({ project_id: project, created_at: now - 10 * 60_000 });
      env.fake.inject('POST /generate', conflict);
      const first = await store.submitGeneration(new Submission(request(), () => now), { sleep: noSleep });
      assert.equal(first.kind, 'duplicate');
      assert.equal(first.generation, undefined, `not ${older.run_id}, a generation of ten minutes ago`);
      assert.equal(store.generation(older.run_id), undefined, 'no row shown for it');

      // One of another model since the submission does not make it the one either…
      env.fake.addGeneration({ project_id: project, created_at: now, model: { model_id: 't2v-other' } });
      env.fake.inject('POST /generate', conflict);
      const second = await store.submitGeneration(new Submission(request(), () => now), { sleep: noSleep });
      assert.equal(second.generation, undefined);

      // …but the one of the chosen model made since (a clock a minute behind allowed) is.
      const ours = env.fake.addGeneration({ project_id: project, created_at: now - 60_000 });
      env.fake.inject('POST /generate', conflict);
      const third = await store.submitGeneration(new Submission(request(), () => now), { sleep: noSleep });
      assert.equal(third.generation?.id, ours.run_id);

      // Two such rows unknown to a store: neither can be told to be this submission's.
      env.fake.addGeneration({ project_id: project, created_at: now });
      const fresh = new Store(env.client, { pageSize: () => 20 });
      env.fake.inject('POST /generate', conflict);
      const fourth = await fresh.submitGeneration(new Submission(request(), () => now), { sleep: noSleep });
      fresh.dispose();
      assert.equal(fourth.kind, 'duplicate');
      assert.equal(fourth.generation, undefined, 'two candidates: none taken');
    } finally {
      store.dispose();
    }
  });

  it('waits out a 429 that outlasts the client, then sends the same key again', async () => {
    env.fake.inject('POST /generate', {
      kind: 'status',
      status: 429,
      code: 'rate_limited',
      retryAfter: '40',
    });
    const store = new Store(env.client, { pageSize: () => 20 });
    const waits: number[] = [];
    const s = new Submission(request());
    const outcome = await store.submitGeneration(s, {
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    assert.deepEqual(waits, [40_000], 'Retry-After honoured');
    assert.equal(outcome.kind, 'created');
    assert.equal(env.fake.submissions().length, 1);
    store.dispose();
  });

  it('waits out a rate limit without leaving a listener on the submission’s signal, and stops on cancel', async () => {
    const abort = new AbortController();
    for (let i = 0; i < 3; i++) await systemClock.sleep(1, abort.signal);
    assert.equal(getEventListeners(abort.signal, 'abort').length, 0, 'no listener left by finished waits');
    const waiting = systemClock.sleep(60_000, abort.signal);
    abort.abort();
    await assert.rejects(waiting, /aborted/);
    assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
  });

  it('makes one key per confirmed submission', () => {
    assert.notEqual(new Submission(request()).key, new Submission(request()).key);
    const s = new Submission(request({ params: { seed: undefined, aspect_ratio: '16:9' } }));
    assert.deepEqual(s.body().params, { aspect_ratio: '16:9' }, 'unset params are not sent');
  });
});

describe('parameter editors', () => {
  const p = (x: Partial<ModelParam>): ModelParam => ({ name: 'x', required: false, type: 'string', ...x });

  it('picks the editor a type calls for, and refuses a required param without one', () => {
    assert.equal(editorFor(p({ options: [{ label: 'A', value: 'a' }] })), 'options');
    assert.equal(editorFor(p({ type: 'bool' })), 'bool');
    for (const t of ['int', 'int?', 'seed', 'float']) assert.equal(editorFor(p({ type: t })), 'number');
    assert.equal(editorFor(p({ type: 'string[]' })), 'list');
    assert.equal(editorFor(p({ type: 'dict' })), undefined);
    const plan = planParams({
      params: [
        p({ name: 'prompt', required: true }),
        p({ name: 'image_url', required: true }),
        p({ name: 'metadata', required: true, type: 'dict' }),
        p({ name: 'seed', type: 'seed' }),
        p({ name: 'extra', type: 'dict' }),
      ],
    });
    assert.deepEqual(
      plan.required.map((x) => x.name),
      ['image_url'],
      'prompt is the request’s own',
    );
    assert.deepEqual(
      plan.refused.map((x) => x.name),
      ['metadata'],
    );
    assert.deepEqual(
      plan.optional.map((x) => x.name),
      ['seed'],
    );
  });

  it('checks numbers against type, min and max', () => {
    const duration = p({ name: 'duration', type: 'int', required: true, min: 4, max: 8 });
    assert.equal(checkNumber(duration, '6'), undefined);
    assert.match(checkNumber(duration, '9') ?? '', /4 to 8/);
    assert.match(checkNumber(duration, '3') ?? '', /4 to 8/);
    assert.match(checkNumber(duration, '5.5') ?? '', /whole/);
    assert.match(checkNumber(duration, 'abc') ?? '', /number/);
    assert.match(checkNumber(duration, '') ?? '', /needs a value/);
    assert.equal(checkNumber(p({ type: 'float', min: 0, max: 1 }), '0.5'), undefined);
    assert.equal(checkNumber(p({ type: 'seed', required: true }), ''), undefined, 'a seed may be left empty');
  });

  it('maps FLORA field names to the step that asks them', () => {
    const model = { params: [p({ name: 'duration', type: 'int' })] };
    assert.deepEqual(fieldTarget('prompt'), { kind: 'prompt' });
    assert.deepEqual(fieldTarget('params.duration', model), { kind: 'param', name: 'duration' });
    assert.deepEqual(fieldTarget('model'), { kind: 'model' });
    assert.deepEqual(fieldTarget('params.nope', model), { kind: 'other' });
  });
});

class MemoryStorage implements KeyValueStorage {
  data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Promise<void> {
    this.data.set(key, structuredClone(value));
    return Promise.resolve();
  }
}

describe('prompt memory', () => {
  it('finds a prompt remembered after an earlier lookup, here or by another window', async () => {
    const storage = new MemoryStorage();
    const memory = new GenerateMemory(storage);
    const use = (generationId: string, prompt: string) => ({
      generationId,
      prompt,
      type: 'image',
      projectId: 'p',
    });
    await memory.remember('acct', use('run_1', 'a fox'));
    assert.equal(memory.promptOf('acct', 'run_1'), 'a fox');
    assert.equal(memory.promptOf('acct', 'run_2'), undefined);
    await memory.remember('acct', use('run_2', 'a hare'));
    assert.equal(memory.promptOf('acct', 'run_2'), 'a hare', 'remembered here after a lookup');
    // Another window shares globalState: its write replaces the stored value.
    await new GenerateMemory(storage).remember('acct', use('run_3', 'an owl'));
    assert.equal(memory.promptOf('acct', 'run_3'), 'an owl', 'remembered by another window');
    assert.equal(memory.promptOf('acct', 'run_1'), 'a fox');
  });

  it('is per account, bounded, and keeps the last used models first', async () => {
    let t = 0;
    const memory = new GenerateMemory(new MemoryStorage(), () => ++t);
    for (let i = 0; i < MAX_PROMPTS + 5; i++) {
      await memory.remember('acct-a', {
        generationId: `run_${i}`,
        prompt: `p${i}`,
        type: 'image',
        projectId: 'prj_1',
      });
    }
    assert.equal(memory.promptOf('acct-a', `run_${MAX_PROMPTS + 4}`), `p${MAX_PROMPTS + 4}`);
    assert.equal(memory.promptOf('acct-a', 'run_0'), undefined, 'the oldest are forgotten');
    assert.equal(memory.promptOf('acct-b', `run_${MAX_PROMPTS + 4}`), undefined, 'another account sees none');
    await memory.remember('acct-a', { prompt: 'x', type: 'image', modelId: 'm1', projectId: 'prj_1' });
    await memory.remember('acct-a', { prompt: 'x', type: 'image', modelId: 'm2', projectId: 'prj_2' });
    await memory.remember('acct-a', { prompt: 'x', type: 'image', modelId: 'm1', projectId: 'prj_2' });
    assert.deepEqual(memory.recentModels('acct-a', 'image'), ['m1', 'm2']);
    assert.equal(memory.lastProject('acct-a'), 'prj_2');
    for (let i = 0; i < MAX_ACCOUNTS; i++)
      await memory.remember(`other-${i}`, { prompt: 'x', type: 'image', projectId: 'prj_1' });
    assert.equal(memory.lastProject('acct-a'), undefined, 'the least recently used account is dropped');
  });
});

describe('insertion', () => {
  const at = (start: number, end: number) => ({ start, end, touched: false });
  it('follows the selection through edits before, after and inside it', () => {
    // "hello [fox] world": the selection is 6..9.
    assert.deepEqual(trackRange(at(6, 9), [{ rangeOffset: 0, rangeLength: 0, text: 'ab' }]), at(8, 11));
    assert.deepEqual(trackRange(at(6, 9), [{ rangeOffset: 6, rangeLength: 0, text: '>' }]), at(7, 10));
    assert.deepEqual(trackRange(at(6, 9), [{ rangeOffset: 9, rangeLength: 0, text: '<' }]), at(6, 9));
    assert.deepEqual(trackRange(at(6, 9), [{ rangeOffset: 0, rangeLength: 6, text: '' }]), at(0, 3));
    assert.deepEqual(trackRange(at(6, 9), [{ rangeOffset: 12, rangeLength: 3, text: 'x' }]), at(6, 9));
    const inside = trackRange(at(6, 9), [{ rangeOffset: 7, rangeLength: 1, text: 'OO' }]);
    assert.equal(inside.touched, true);
    assert.deepEqual([inside.start, inside.end], [6, 10]);
  });

  it('replaces the selection only when it was the prompt, and keeps other selected text', () => {
    assert.equal(placement('  a red fox\n', 'a red fox'), 'replace', 'the selection was the prompt');
    assert.equal(placement('const x = 1;', 'a red fox'), 'after', 'selected code is not overwritten');
    assert.equal(placement('a red fox', 'a red fox in snow'), 'after', 'the prompt was changed');
    assert.equal(placement('', 'a red fox'), 'after', 'no selection');
    assert.equal(placement(' ', ''), 'after', 'blank selection and prompt');
  });

  it('puts a result kept after a selection on a line of its own', () => {
    assert.equal(textAfterSelection('![fox](u)', true), '\n![fox](u)', 'after text on the line');
    assert.equal(textAfterSelection('![fox](u)', false), '![fox](u)', 'at the start of a line already');
  });

  it('writes a Markdown image or link in Markdown, the URL elsewhere, the text itself for text', () => {
    const image = [{ id: 'o', kind: 'image' as const, rawType: 'imageUrl', url: 'https://m.example/a.png' }];
    assert.equal(
      insertionText(image, { markdown: true, prompt: 'a [red] fox' }),
      '![a \\[red\\] fox](https://m.example/a.png)',
    );
    assert.equal(insertionText(image, { markdown: false, prompt: 'x' }), 'https://m.example/a.png');
    const video = [
      { id: 'o', kind: 'video' as const, rawType: 'videoUrl', url: 'https://m.example/a b.mp4' },
    ];
    assert.equal(
      insertionText(video, { markdown: true, prompt: 'clip' }),
      '[clip](https://m.example/a%20b.mp4)',
    );
    const text = [{ id: 'o', kind: 'text' as const, rawType: 'text', url: 'Once upon a time' }];
    assert.equal(insertionText(text, { markdown: true, prompt: 'story' }), 'Once upon a time');
  });

  it('writes a URL that stays one Markdown link whatever it contains, and inserts only web addresses', () => {
    const out = (url: string, kind: 'image' | 'video' = 'image') => [{ id: 'o', kind, rawType: 'x', url }];
    // A line break, brackets, parentheses and a backslash before punctuation: all percent-encoded,
    // so the link ends where the URL ends and nothing in it reads as an escape.
    assert.equal(
      insertionText(out('https://m.example/a\nb (1)/[x]<y>\\_z.png'), { markdown: true, prompt: 'p' }),
      '![p](https://m.example/a%0Ab%20%281%29/%5Bx%5D%3Cy%3E%5C_z.png)',
    );
    for (const bad of [
      'javascript:alert(1)',
      'command:workbench.action.terminal.new',
      'file:///etc/passwd',
    ]) {
      assert.equal(insertionText(out(bad), { markdown: true, prompt: 'p' }), '', bad);
      assert.equal(insertionText(out(bad, 'video'), { markdown: false }), '', bad);
    }
    assert.equal(
      insertionText([...out('data:image/png;base64,AAAA'), ...out('https://m.example/b.png')], {
        markdown: false,
      }),
      'https://m.example/b.png',
      'the web address of several is kept',
    );
  });

  it('sends the user to the FLORA app for credits', () => {
    assert.equal(billingUrl('https://app.flora.ai/api/v1'), 'https://app.flora.ai');
  });
});

describe('the prompt of a generation started here', () => {
  it('is a row of its preview when remembered, and absent otherwise', async () => {
    const memory = new GenerateMemory(new MemoryStorage());
    await memory.remember('acct', {
      generationId: 'run_1',
      prompt: 'a red fox',
      type: 'image',
      projectId: 'prj_1',
    });
    const g = {
      id: 'run_1',
      runId: 'run_1',
      workspaceId: 'ws_1',
      projectId: 'prj_1',
      status: 'pending' as const,
      rawStatus: 'pending',
      progress: 0,
      createdAt: Date.now(),
      outputs: [],
    };
    const ctx = {
      modelName: () => undefined,
      projectName: () => undefined,
      promptOf: (id: string) => memory.promptOf('acct', id),
      now: Date.now(),
    };
    const rows = (id: string) =>
      Object.fromEntries(generationView({ ...g, id }, ctx).details.map((d) => [d.label, d.value]));
    assert.equal(rows('run_1').Prompt, 'a red fox');
    assert.equal(rows('run_2').Prompt, undefined);
  });
});
