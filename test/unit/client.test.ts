import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { FloraClient, type FloraClientOptions, type GenerationQuery } from '../../src/api/client';
import {
  AuthenticationError,
  BadRequestError,
  CancelledError,
  ConfigurationError,
  ConnectionError,
  errorForStatus,
  FloraError,
  InvalidResponseError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ResponseTooLargeError,
  ServerError,
  TimeoutError,
} from '../../src/api/errors';
import { apiKeyProblem } from '../../src/api/validate';
import { redactingLogger } from '../../src/api/logger';
import { walkPages } from '../../src/api/pagination';
import type { Generation } from '../../src/api/types';
import { userFacingError } from '../../src/ui/errorView';
import { FakeFlora } from '../fake-flora';
import { MemoryLogger, RecordingClock } from './helpers';

let fake: FakeFlora;
const clients: FloraClient[] = [];

function client(
  overrides: Partial<FloraClientOptions> = {},
): FloraClient & { log: MemoryLogger; recorder: RecordingClock } {
  const log = new MemoryLogger();
  const clock = new RecordingClock();
  const c = new FloraClient({
    baseUrl: fake.baseUrl,
    apiKey: () => fake.apiKey,
    logger: log,
    clock,
    random: () => 0.5,
    ...overrides,
  });
  clients.push(c);
  return Object.assign(c, { log, recorder: clock });
}

/** Every page of a generation query, walked as the store walks lists (walkPages over the endpoint). */
function generationPages(c: ReturnType<typeof client>, query: Omit<GenerationQuery, 'cursor'> = {}) {
  return walkPages(
    (cursor) => c.listGenerations({ ...query, cursor }),
    (g) => g.id,
    { logger: c.log },
  );
}

async function all(pages: AsyncIterable<{ items: Generation[] }>): Promise<Generation[]> {
  const out: Generation[] = [];
  for await (const p of pages) out.push(...p.items);
  return out;
}

async function rejects<E extends FloraError>(
  p: Promise<unknown>,
  cls: new (...args: never[]) => E,
): Promise<E> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected ${cls.name}, but the call succeeded`);
}

before(async () => {
  fake = await FakeFlora.start();
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await fake.close();
});
beforeEach(() => {
  // Every test starts from the same dataset, clock, format and no faults.
  fake.reset();
});

describe('reading the history', () => {
  it('lists the workspaces the key can see, by name', async () => {
    const ws = await client().listWorkspaces();
    assert.deepEqual(
      ws.map((w) => [w.id, w.name]),
      fake.workspaces().map((w) => [w.workspace_id, w.name]),
    );
  });

  for (const lastCursor of ['null', 'omit', 'empty'] as const) {
    it(`walks every page exactly once, newest first (last page cursor: ${lastCursor})`, async () => {
      fake.setOptions({ lastCursor });
      const expected = fake.generations().map((g) => g.generation_id);
      const got = await all(generationPages(client(), { limit: 7 }));
      assert.deepEqual(
        got.map((g) => g.id),
        expected,
      );
      assert.equal(fake.requestCount('GET /generations'), Math.ceil(expected.length / 7));
    });
  }

  it('filters on the server by workspace, project and status', async () => {
    const c = client();
    const ws = fake.workspaces()[1].workspace_id;
    const prj = fake.projects(ws)[0].project_id;
    for (const filter of [
      { workspaceId: ws },
      { projectId: prj },
      { status: 'running' as const },
      { status: 'failed' as const, workspaceId: ws },
    ]) {
      const got = await all(generationPages(c, { ...filter, limit: 5 }));
      const expected = fake.generations({
        workspace_id: filter.workspaceId,
        project_id: 'projectId' in filter ? filter.projectId : undefined,
        status: filter.status,
      });
      assert.ok(expected.length > 0, `the dataset has items for ${JSON.stringify(filter)}`);
      assert.deepEqual(
        got.map((g) => g.id),
        expected.map((g) => g.generation_id),
      );
    }
    const q = fake.requests().map((r) => r.query);
    assert.ok(q.some((x) => x.project_id === prj));
    assert.ok(q.some((x) => x.status === 'running'));
  });

  it('lists projects of a workspace page by page and finds them by name', async () => {
    const c = client();
    const ws = fake.workspaces()[0].workspace_id;
    const names: string[] = [];
    const pages = walkPages(
      (cursor) => c.listProjects({ workspaceId: ws, limit: 2, cursor }),
      (p) => p.id,
    );
    for await (const p of pages) names.push(...p.items.map((x) => x.name));
    assert.deepEqual(
      names,
      fake.projects(ws).map((p) => p.name),
    );
    const target = fake.projects(ws)[1];
    const found = await c.listProjects({ workspaceId: ws, query: target.name.slice(1, 5).toUpperCase() });
    assert.ok(found.items.some((p) => p.id === target.project_id));
    assert.equal((await c.getProject(target.project_id)).name, target.name);
  });

  it('maps model ids to names, including ids FLORA no longer lists', async () => {
    const models = await client().listModels();
    assert.deepEqual(
      models.map((m) => m.id),
      fake.models().map((m) => m.model_id),
    );
    const page = await all(generationPages(client(), { limit: 100 }));
    assert.ok(
      page.some((g) => g.modelId === undefined),
      'some generations have no model',
    );
  });

  it("follows running generations to their end through the run detail: done at 100 % with outputs, or failed with FLORA's reason", async () => {
    const c = client();
    const prj = fake.projects(fake.workspaces()[0].workspace_id)[0].project_id;
    const [ok] = fake.startGenerations(prj, 1, { durationMs: 60_000 });
    const [bad] = fake.startGenerations(prj, 1, { durationMs: 60_000, finalStatus: 'failed' });
    for (const job of [ok, bad]) {
      const before = await c.getRun(job.run_id);
      assert.equal(before.status, 'running');
      assert.ok(before.progress < 100);
      assert.equal(before.outputs.length, 0);
    }
    fake.advance(60_000);
    // On the 0–1 scale a finished run sends progress 1, which must read 100 %, not 1 %.
    fake.setOptions({ progressScale: 1 });
    const done = await c.getRun(ok.run_id, { pollUrl: ok.poll_url ?? undefined });
    assert.equal(done.status, 'completed');
    assert.equal(done.progress, 100);
    assert.ok(done.outputs.length > 0);
    assert.equal(done.errorMessage, undefined);
    const failed = await c.getRun(bad.run_id, { pollUrl: bad.poll_url ?? undefined });
    const sent = fake.generations().find((g) => g.run_id === bad.run_id);
    assert.ok(sent?.error_message && sent.error_code, 'the fake says why it failed');
    assert.equal(failed.status, 'failed');
    assert.deepEqual(failed.outputs, []);
    assert.equal(failed.errorMessage, sent.error_message);
    assert.equal(failed.errorCode, sent.error_code);
  });

  it('reads times in micro- and nanoseconds as the same instants as milliseconds', async () => {
    const c = client();
    const ms = await all(generationPages(c, { limit: 100 }));
    for (const timeUnit of ['us', 'ns'] as const) {
      fake.setOptions({ timeUnit });
      const other = await all(generationPages(c, { limit: 100 }));
      assert.equal(other.length, ms.length);
      for (let i = 0; i < ms.length; i++) {
        assert.equal(other[i].createdAt, ms[i].createdAt, `${timeUnit} created_at`);
        assert.equal(other[i].completedAt, ms[i].completedAt, `${timeUnit} completed_at`);
      }
    }
  });

  it('reads times in seconds or milliseconds and progress on 0–1 or 0–100 alike', async () => {
    const c = client();
    const ms = await all(generationPages(c, { limit: 100 }));
    fake.setOptions({ timeUnit: 's', progressScale: 1 });
    const s = await all(generationPages(c, { limit: 100 }));
    assert.equal(s.length, ms.length);
    for (let i = 0; i < ms.length; i++) {
      assert.ok(Math.abs(s[i].createdAt - ms[i].createdAt) < 1000, 'same instant within a second');
      // A failed run's progress is not shown, and 1 on 0–1 cannot be told from 1 %: compared elsewhere only.
      if (ms[i].status === 'failed') continue;
      assert.ok(
        Math.abs(s[i].progress - ms[i].progress) <= 1,
        `progress ${s[i].progress} vs ${ms[i].progress}`,
      );
    }
    assert.ok(ms.some((g) => g.status === 'running' && g.progress > 1 && g.progress < 100));
  });
});

describe('errors', () => {
  const cases: Array<[number, string, new (...args: never[]) => FloraError]> = [
    [400, 'input_validation_error', BadRequestError],
    [401, 'unauthorized', AuthenticationError],
    [401, 'invalid_api_key', AuthenticationError],
    [402, 'insufficient_credits', BadRequestError],
    [403, 'forbidden', PermissionError],
    [403, 'paid_plan_required', PermissionError],
    [404, 'not_found', NotFoundError],
    [409, 'idempotency_duplicate', BadRequestError],
    [422, 'idempotency_conflict', BadRequestError],
    [429, 'rate_limited', RateLimitError],
    [500, 'unknown_error', ServerError],
    [500, 'internal_error', ServerError],
    [503, 'service_unavailable', ServerError],
  ];
  for (const [status, code, cls] of cases) {
    it(`${status} ${code} becomes ${cls.name} with FLORA's code, message and request id`, async () => {
      fake.inject('GET /generations', {
        kind: 'status',
        status,
        code,
        message: `message for ${code}`,
        fields: status === 400 ? [{ field: 'limit', message: 'too big' }] : undefined,
      });
      const err = await rejects(client({ maxRetries: 0 }).listGenerations(), cls);
      assert.equal(err.status, status);
      assert.equal(err.code, code);
      assert.equal(err.message, `message for ${code}`);
      assert.match(err.requestId ?? '', /^req_/);
      if (status === 400) assert.deepEqual(err.fields, [{ field: 'limit', message: 'too big' }]);
    });
  }

  it('a wrong key is rejected as invalid_api_key; no key sends no request', async () => {
    const wrong = await rejects(
      client({ apiKey: () => 'sk_live_wrong' }).listWorkspaces(),
      AuthenticationError,
    );
    assert.equal(wrong.code, 'invalid_api_key');
    fake.resetCounts();
    const none = await rejects(client({ apiKey: () => undefined }).listWorkspaces(), AuthenticationError);
    assert.equal(none.code, 'no_api_key');
    assert.equal(fake.requestCount(), 0);
  });

  it('a proxy error page (HTML 502) is a server error', async () => {
    fake.inject('GET /workspaces', { kind: 'html' });
    const err = await rejects(client({ maxRetries: 0 }).listWorkspaces(), ServerError);
    assert.equal(err.status, 502);
  });

  it('a body that is not JSON, or a page without its list, is an invalid response', async () => {
    fake.inject('GET /generations', { kind: 'malformed-json' });
    await rejects(client().listGenerations(), InvalidResponseError);
    fake.inject('GET /generations', { kind: 'missing-list' });
    await rejects(client().listGenerations(), InvalidResponseError);
  });
});

describe('tolerant reading', () => {
  it('skips and reports one malformed item, keeping the rest of its page', async () => {
    const c = client();
    const good = await c.listGenerations({ limit: 10 });
    fake.inject('GET /generations', { kind: 'invalid-item' });
    const page = await c.listGenerations({ limit: 10 });
    assert.equal(page.items.length, good.items.length - 1);
    assert.equal(page.skipped.length, 1);
    assert.ok(c.log.lines.some((l) => l.startsWith('warn Skipped generations item')));
  });

  it('keeps an item with an unknown status or output type as "unknown"', async () => {
    fake.inject('GET /generations', { kind: 'unknown-enum' });
    const page = await client().listGenerations({ limit: 20 });
    const odd = page.items.find((g) => g.rawStatus === 'queued');
    assert.ok(odd, 'the item with the new status is kept');
    assert.equal(odd.status, 'unknown');
    const out = page.items.flatMap((g) => g.outputs).find((o) => o.rawType === 'modelUrl');
    assert.ok(out, 'the output with the new type is kept');
    assert.equal(out.kind, 'unknown');
  });

  it('shows an item once when later pages repeat it, and "Load more" leaves out what is shown', async () => {
    const pages: Record<string, string[]> = { first: ['a', 'b'], second: ['b', 'c', 'a', 'd'], third: ['e'] };
    const next: Record<string, string | undefined> = { first: 'second', second: 'third' };
    const fetchPage = (cursor: string | undefined) => {
      const at = cursor ?? 'first';
      return Promise.resolve({ items: pages[at], skipped: [], nextCursor: next[at] });
    };
    const walked: string[][] = [];
    for await (const page of walkPages(fetchPage, (id) => id)) walked.push(page.items);
    assert.deepEqual(walked, [['a', 'b'], ['c', 'd'], ['e']]);
    // Continuing from "second" with what the tree already shows: those stay out, the set untouched.
    const shown = new Set(['a', 'b', 'c']);
    const more: string[][] = [];
    for await (const page of walkPages(fetchPage, (id) => id, { cursor: 'second', seenIds: shown }))
      more.push(page.items);
    assert.deepEqual(more, [['d'], ['e']]);
    assert.deepEqual([...shown], ['a', 'b', 'c']);
  });

  it('stops on a cursor that repeats instead of looping, without duplicates', async () => {
    fake.inject('GET /generations', { kind: 'repeat-cursor' }, { times: Infinity });
    const c = client();
    const got = await all(generationPages(c, { limit: 5 }));
    assert.ok(fake.requestCount('GET /generations') <= 3, 'the walk stops');
    assert.equal(new Set(got.map((g) => g.id)).size, got.length);
    assert.ok(c.log.lines.some((l) => l.includes('cursor it had already returned')));
  });
});

describe('meta variants (UNCONFIRMED in the contract: every one is read)', () => {
  const variants: Array<[string, { meta?: unknown }, string | undefined, number | undefined]> = [
    ['next_cursor a number', { meta: { next_cursor: 42, total_estimate: 60 } }, '42', 60],
    ['total_estimate a numeric string', { meta: { next_cursor: 'abc', total_estimate: '60' } }, 'abc', 60],
    ['total_estimate a word', { meta: { next_cursor: 'abc', total_estimate: 'many' } }, 'abc', undefined],
    ['total_estimate negative', { meta: { next_cursor: 'abc', total_estimate: -3 } }, 'abc', undefined],
    ['next_cursor an object', { meta: { next_cursor: { o: 5 }, total_estimate: 9 } }, undefined, 9],
    ['meta missing', {}, undefined, undefined],
    ['meta null', { meta: null }, undefined, undefined],
    ['meta an empty array', { meta: [] }, undefined, undefined],
    ['meta a string', { meta: 'none' }, undefined, undefined],
  ];
  for (const [name, fault, cursor, total] of variants) {
    it(`keeps the page when ${name}`, async () => {
      const good = await client().listGenerations({ limit: 5 });
      fake.inject('GET /generations', { kind: 'meta', ...fault });
      const page = await client().listGenerations({ limit: 5 });
      assert.deepEqual(
        page.items.map((g) => g.id),
        good.items.map((g) => g.id),
      );
      assert.equal(page.nextCursor, cursor);
      assert.equal(page.totalEstimate, total);
      assert.deepEqual(page.skipped, []);
    });
  }

  it('names what was wrong when a page has no list', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ generations: { items: [] } }, /expected `generations` to be an array, got object/],
      [{ data: [] }, /expected `generations` to be an array, got nothing/],
      [{ generations: null }, /expected `generations` to be an array, got null/],
      [{ generations: 'none' }, /expected `generations` to be an array, got string/],
      [[1, 2], /expected an object with `generations`, got array/],
      [null, /expected an object with `generations`, got null/],
    ];
    for (const [body, message] of cases) {
      fake.inject('GET /generations', { kind: 'json', body });
      const err = await rejects(client().listGenerations(), InvalidResponseError);
      assert.match(err.message, message);
      assert.match(err.requestId ?? '', /^req_/);
    }
  });

  it('counts every item skipped as invalid, also when the whole page is', async () => {
    fake.inject('GET /generations', {
      kind: 'json',
      body: { generations: [{}, { generation_id: 'run_x', status: 3 }, 'text'], meta: { next_cursor: 7 } },
    });
    const c = client();
    const page = await c.listGenerations();
    assert.equal(page.items.length, 0);
    assert.deepEqual(
      page.skipped.map((s) => [s.index, s.id]),
      [
        [0, undefined],
        [1, 'run_x'],
        [2, undefined],
      ],
    );
    assert.equal(page.nextCursor, '7');
    assert.equal(c.log.lines.filter((l) => l.startsWith('warn Skipped generations item')).length, 3);
  });
});

describe('body size cap', () => {
  const MB = 1024 * 1024;

  for (const announce of [true, false]) {
    it(`refuses a huge answer with a typed error and stops reading it (content-length ${announce ? 'sent' : 'absent'})`, async () => {
      const bytes = 48 * MB;
      fake.inject('GET /generations', { kind: 'large-body', bytes, announce });
      const c = client();
      const err = await rejects(c.listGenerations(), ResponseTooLargeError);
      assert.ok(err instanceof InvalidResponseError, 'shown like any answer the extension cannot use');
      assert.equal(err.kind, 'invalid_response');
      assert.equal(err.limitBytes, 8 * MB);
      assert.match(err.message, /larger than 8 MB/);
      assert.match(err.requestId ?? '', /^req_/);
      assert.equal(fake.requestCount('GET /generations'), 1, 'not retried');
      // The client hung up: the server could not send the body whole.
      await waitFor(() => fake.requests().some((r) => r.bytesSent !== undefined));
      const sent = fake.requests().find((r) => r.bytesSent !== undefined)?.bytesSent ?? bytes;
      assert.ok(sent < bytes, `only ${sent} of ${bytes} bytes were sent`);
      // The next request works as usual.
      assert.ok((await c.listGenerations({ limit: 3 })).items.length > 0);
    });
  }

  it('still reads a body that starts with a byte-order mark', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        `\uFEFF${JSON.stringify({ workspaces: [{ workspace_id: 'ws_1', name: 'One', created_at: 1, role: 'owner' }] })}`,
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const ws = await client({ baseUrl: `http://127.0.0.1:${port}/api/v1` }).listWorkspaces();
      assert.deepEqual(
        ws.map((w) => w.name),
        ['One'],
      );
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('retries, timeouts and cancellation', () => {
  it('retries 5xx with jittered exponential backoff, then succeeds', async () => {
    fake.inject(
      'GET /workspaces',
      { kind: 'status', status: 503, code: 'service_unavailable' },
      { times: 2 },
    );
    const c = client();
    const ws = await c.listWorkspaces();
    assert.equal(ws.length, fake.workspaces().length);
    assert.equal(fake.requestCount('GET /workspaces'), 3);
    // random() = 0.5 → 12.5 % jitter off 500 ms and 1000 ms.
    assert.deepEqual(c.recorder.sleeps, [437.5, 875]);
  });

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    const c = client();
    fake.inject('GET /workspaces', { kind: 'status', status: 429, code: 'rate_limited', retryAfter: '7' });
    await c.listWorkspaces();
    const date = new Date(c.recorder.now() + 12_000).toUTCString();
    fake.inject('GET /workspaces', { kind: 'status', status: 429, code: 'rate_limited', retryAfter: date });
    await c.listWorkspaces();
    assert.equal(c.recorder.sleeps[0], 7000);
    assert.ok(
      c.recorder.sleeps[1] > 10_000 && c.recorder.sleeps[1] <= 12_000,
      `slept ${c.recorder.sleeps[1]}`,
    );
  });

  for (const [status, code] of [
    [503, 'service_unavailable'],
    [429, 'rate_limited'],
  ] as const) {
    it(`never retries at once on Retry-After 0, negative, past or garbage (${status})`, async () => {
      const values = [
        '0',
        '0.0',
        '-5',
        '-1',
        new Date(Date.UTC(2020, 0, 1)).toUTCString(),
        'soon',
        '5 seconds',
        '',
      ];
      for (const retryAfter of values) {
        fake.resetCounts();
        fake.inject('GET /workspaces', { kind: 'status', status, code, retryAfter });
        const c = client();
        await c.listWorkspaces();
        assert.equal(fake.requestCount('GET /workspaces'), 2, `retried once for "${retryAfter}"`);
        assert.equal(c.recorder.sleeps.length, 1);
        const [slept] = c.recorder.sleeps;
        // The first backoff step (500 ms less 12.5 % jitter) is the least; a 429 FLORA gave no
        // usable wait for waits FLORA's own fallback of 5 s.
        const explicitZero = /^0/.test(retryAfter) || retryAfter.includes('2020');
        const least = status === 429 && !explicitZero ? 5000 : 437.5;
        assert.equal(slept, least, `slept ${slept} ms for Retry-After "${retryAfter}"`);
      }
    });
  }

  it('gives up after a bounded number of tries and reports when to come back', async () => {
    fake.inject(
      'GET /workspaces',
      { kind: 'status', status: 429, code: 'rate_limited', retryAfter: '3' },
      { times: Infinity },
    );
    const c = client({ maxRetries: 2 });
    const err = await rejects(c.listWorkspaces(), RateLimitError);
    assert.equal(err.retryAfterMs, 3000);
    assert.equal(fake.requestCount('GET /workspaces'), 3);
  });

  it('does not sleep through a long Retry-After inside a call: it hands the wait to the caller', async () => {
    fake.inject('GET /workspaces', { kind: 'status', status: 429, code: 'rate_limited', retryAfter: '600' });
    const c = client();
    const err = await rejects(c.listWorkspaces(), RateLimitError);
    assert.equal(err.retryAfterMs, 600_000);
    assert.equal(fake.requestCount('GET /workspaces'), 1);
    assert.deepEqual(c.recorder.sleeps, []);
  });

  it('does not retry what retrying cannot fix (400, 401, 403, 404)', async () => {
    for (const [status, code] of [
      [400, 'input_validation_error'],
      [401, 'unauthorized'],
      [403, 'forbidden'],
      [404, 'not_found'],
    ] as const) {
      fake.resetCounts();
      fake.inject('GET /workspaces', { kind: 'status', status, code }, { times: Infinity });
      await assert.rejects(client().listWorkspaces());
      assert.equal(fake.requestCount('GET /workspaces'), 1, `${status} is tried once`);
      fake.clearFaults();
    }
  });

  it('retries a reset connection and reports a ConnectionError when it persists', async () => {
    fake.inject('GET /workspaces', { kind: 'reset' });
    assert.equal((await client().listWorkspaces()).length, fake.workspaces().length);
    fake.inject('GET /workspaces', { kind: 'reset' }, { times: Infinity });
    await rejects(client({ maxRetries: 1 }).listWorkspaces(), ConnectionError);
  });

  it('reports a ConnectionError when nothing listens at the base URL', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = await rejects(
      client({ baseUrl: `http://127.0.0.1:${port}/api/v1`, maxRetries: 1 }).listWorkspaces(),
      ConnectionError,
    );
    assert.match(err.message, /Could not reach FLORA/);
  });

  it('times out a request that hangs', async () => {
    fake.inject('GET /workspaces', { kind: 'hang' });
    await rejects(client({ timeoutMs: 300, maxRetries: 0 }).listWorkspaces(), TimeoutError);
  });

  it('cancels through an AbortSignal, also during a retry wait', async () => {
    fake.inject('GET /workspaces', { kind: 'hang' });
    const ac = new AbortController();
    const pending = client({ timeoutMs: 60_000 }).listWorkspaces({ signal: ac.signal });
    await waitFor(() => fake.requestCount('GET /workspaces') === 1);
    ac.abort();
    await rejects(pending, CancelledError);
  });
});

describe('security', () => {
  it('refuses plain http to anything but loopback', () => {
    assert.throws(
      () => new FloraClient({ baseUrl: 'http://flora.example/api/v1', apiKey: () => 'k' }),
      ConfigurationError,
    );
    assert.throws(
      () => new FloraClient({ baseUrl: 'ftp://127.0.0.1/api', apiKey: () => 'k' }),
      ConfigurationError,
    );
    for (const ok of [
      'https://app.flora.ai/api/v1',
      'http://127.0.0.1:9/api/v1',
      'http://localhost:9/x',
      'http://[::1]:9/x',
    ]) {
      const c = new FloraClient({ baseUrl: ok, apiKey: () => 'k' });
      clients.push(c);
    }
  });

  it('never sends the key to a poll_url on another origin', async () => {
    let foreignHits = 0;
    const foreign: Server = createServer((_req, res) => {
      foreignHits++;
      res.end('{}');
    });
    await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', r));
    try {
      const port = (foreign.address() as AddressInfo).port;
      const g = fake.generations({ status: 'completed' })[0];
      const c = client();
      const run = await c.getRun(g.run_id, { pollUrl: `http://127.0.0.1:${port}/api/v1/runs/${g.run_id}` });
      assert.equal(run.runId, g.run_id);
      assert.equal(foreignHits, 0);
      assert.equal(fake.requestCount('GET /runs/:id'), 1);
      assert.ok(c.log.lines.some((l) => l.includes('Ignored a poll_url')));
    } finally {
      await new Promise<void>((r) => foreign.close(() => r()));
    }
  });

  it('keeps the key out of every error message and log line', async () => {
    const key = fake.apiKey;
    const c = client();
    const errors: unknown[] = [];
    const faults = [
      { kind: 'status', status: 401, code: 'invalid_api_key', message: `Key ${key} was revoked` },
      { kind: 'status', status: 500, code: 'unknown_error', message: `Authorization: Bearer ${key}` },
      { kind: 'malformed-json' },
      { kind: 'reset' },
      { kind: 'invalid-item' },
    ] as const;
    for (const fault of faults) {
      fake.inject('GET /generations', fault, { times: Infinity });
      try {
        await c.listGenerations();
      } catch (err) {
        errors.push(err);
      }
      fake.clearFaults();
    }
    assert.ok(errors.length >= 4);
    const text = [
      ...c.log.lines,
      ...errors.map((e) => `${String(e)} ${JSON.stringify(e)} ${(e as Error).stack ?? ''}`),
    ].join('\n');
    assert.ok(c.log.lines.length > 0);
    assert.equal(text.includes(key), false, 'the key leaked into an error or a log line');
    // And the key was really sent, as a Bearer header, to the configured origin.
    assert.ok(fake.requests().every((r) => r.authorization === 'valid'));
  });
});

describe('identification', () => {
  it("names the extension and package.json's version in the User-Agent of every request", async () => {
    const root = path.resolve(__dirname, '..', '..');
    const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      version: string;
    };
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ workspaces: [] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      await client({ baseUrl: `http://127.0.0.1:${port}/api/v1` }).listWorkspaces();
      assert.equal(seen.length, 1);
      assert.equal(seen[0]['user-agent'], `flora-generations-vscode/${version}`);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('key safety', () => {
  // A key of no known shape (an OAuth token, say): only knowing the key itself can hide it.
  const token = 'oat_9f8e7d6c5b4a32107a6b';

  function leaks(err: FloraError, secret: string): string[] {
    const fields = {
      message: err.message,
      code: err.code,
      requestId: err.requestId,
      fields: JSON.stringify(err.fields),
      stack: err.stack,
      json: JSON.stringify(err),
      string: String(err),
    };
    return Object.entries(fields)
      .filter(([, v]) => v?.includes(secret))
      .map(([k]) => k);
  }

  it('redacts the key from every field of an error: message, code, request id, field messages', async () => {
    for (const key of [fake.apiKey, token]) {
      fake.inject('GET /generations', {
        kind: 'status',
        status: 400,
        code: `bad_key_${key}`,
        message: `The key ${key} is wrong`,
        fields: [{ field: `key=${key}`, message: `Authorization: Bearer ${key} refused` }],
      });
      const err = await rejects(
        client({ apiKey: () => key, maxRetries: 0 }).listGenerations(),
        BadRequestError,
      );
      assert.deepEqual(leaks(err, key), [], `the key leaked through ${leaks(err, key).join(', ')}`);
      assert.match(err.code ?? '', /^bad_key_/, 'the rest of the code is kept');
      assert.equal(err.fields?.length, 1);
    }
    // A request id comes from a response header, which FLORA (or a proxy) could fill with anything.
    const server = createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json', 'request-id': `req_${token}` });
      res.end(JSON.stringify({ error: { code: 'service_unavailable', message: 'down' } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const c = client({ baseUrl: `http://127.0.0.1:${port}/api/v1`, apiKey: () => token, maxRetries: 0 });
      const err = await rejects(c.listWorkspaces(), ServerError);
      assert.deepEqual(leaks(err, token), []);
      assert.ok(!c.log.lines.join('\n').includes(token));
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('an error built anywhere after the key was used carries no key', async () => {
    await client({ apiKey: () => token, maxRetries: 0 })
      .listWorkspaces()
      .catch(() => undefined);
    const err = errorForStatus(500, `boom ${token}`, {
      code: token,
      requestId: `req ${token}`,
      fields: [{ field: token, message: token }],
    });
    assert.deepEqual(leaks(err, token), []);
  });

  it('every logger line goes through the same redaction, also lines the client did not write', async () => {
    await client({ apiKey: () => token, maxRetries: 0 })
      .listWorkspaces()
      .catch(() => undefined);
    // What src/ui/logger.ts builds around the output channel.
    const channel = new MemoryLogger();
    const log = redactingLogger(channel);
    log.info(`Set API Key: ${token}`);
    log.warn('Authorization: Bearer abc.def.ghi');
    log.error('headers {"authorization":"Basic dXNlcjpwYXNz"}');
    log.debug('key sk_live_0123456789abcdef and sk_test_abcdefgh');
    const text = channel.lines.join('\n');
    for (const secret of [
      token,
      'abc.def.ghi',
      'dXNlcjpwYXNz',
      'sk_live_0123456789abcdef',
      'sk_test_abcdefgh',
    ]) {
      assert.ok(!text.includes(secret), `${secret} leaked into: ${text}`);
    }
    assert.equal(channel.lines.length, 4);
  });

  const malformed: Array<[string, string]> = [
    ['a line break', `${'sk_test_fake_key'}\nX-Injected: 1`],
    ['a carriage return', 'sk_live_abcdefgh\r\nijkl'],
    ['a space', 'sk_live_abcd efgh'],
    ['a tab', 'sk_live_abcd\tefgh'],
    ['a NUL', 'sk_live_abcd\u0000efgh'],
    ['a zero-width space', 'sk_live_abcd\u200befgh'],
    ['an ellipsis', 'sk_live_abcd…'],
  ];
  for (const [what, key] of malformed) {
    it(`refuses a key with ${what} before any request, as a key problem`, async () => {
      fake.resetCounts();
      const c = client({ apiKey: () => key });
      const err = await rejects(c.listWorkspaces(), AuthenticationError);
      assert.equal(err.code, 'malformed_api_key');
      assert.match(err.message, /set the key again/i);
      assert.doesNotMatch(err.message, /could not reach/i);
      assert.equal(fake.requestCount(), 0, 'nothing was sent');
      assert.equal(apiKeyProblem(key) !== undefined, true);
      const shown = userFacingError(err);
      assert.match(shown.title, /API key/);
      assert.doesNotMatch(shown.title, /rejected/, 'FLORA never saw it');
      assert.equal(shown.action.command, 'flora.setApiKey');
    });
  }

  it('accepts plain keys of any printable shape', () => {
    assert.equal(apiKeyProblem('sk_live_abc-DEF_123'), undefined);
    assert.equal(apiKeyProblem('oat_9f8e.7d6c~5b4a/32+10='), undefined);
  });

  it('sends a key pasted with surrounding white space trimmed, and FLORA accepts it', async () => {
    fake.resetCounts();
    const workspaces = await client({ apiKey: () => `  ${fake.apiKey} \n` }).listWorkspaces();
    assert.ok(workspaces.length > 0, 'the request was accepted');
    assert.deepEqual(
      fake.requests().map((r) => r.authorization),
      ['valid'],
      'one request, with the key trimmed',
    );
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
