import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  FakeFlora,
  GENERATION_STATUSES,
  HOSTILE_TEXT,
  MODEL_CATALOG,
  OUTPUT_TYPES,
  ROUTE_NAMES,
  type Generation,
  type GenerationFilter,
  type LastCursorStyle,
} from '../fake-flora';

type Json = Record<string, unknown>;

let fake: FakeFlora;

before(async () => {
  fake = await FakeFlora.start();
});
after(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});

function auth(key = fake.apiKey): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

async function api(
  path: string,
  headers: Record<string, string> = auth(),
): Promise<{ status: number; body: Json; res: Response }> {
  const res = await fetch(fake.baseUrl + path, { headers });
  const body = (await res.json()) as Json;
  return { status: res.status, body, res };
}

async function control(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${fake.origin}/_fake${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

function errorOf(body: Json): { code: string; message: string; fields?: Array<{ field: string }> } {
  const error = body.error as { code: string; message: string; fields?: Array<{ field: string }> };
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(typeof error.code, 'string');
  assert.equal(typeof error.message, 'string');
  return error;
}

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function walk(
  path: string,
  listKey: string,
  query: Record<string, string>,
): Promise<{ ids: string[]; items: Json[]; lastMeta: Json; pages: number }> {
  const items: Json[] = [];
  let cursor: string | null | undefined;
  let lastMeta: Json = {};
  let pages = 0;
  do {
    const qs = new URLSearchParams(query);
    if (cursor) qs.set('cursor', cursor);
    const { status, body } = await api(`${path}?${qs.toString()}`);
    assert.equal(status, 200);
    pages++;
    items.push(...(body[listKey] as Json[]));
    lastMeta = body.meta as Json;
    cursor = lastMeta.next_cursor as string | null | undefined;
    assert.ok(pages < 100, 'pagination terminates');
  } while (cursor);
  const ids = items.map((g) => String(g.run_id ?? g.project_id));
  return { ids, items, lastMeta, pages };
}

void describe('auth, envelope and headers', () => {
  void it('rejects a missing key with unauthorized and a wrong one with invalid_api_key', async () => {
    const missing = await api('/workspaces', {});
    assert.equal(missing.status, 401);
    assert.deepEqual(errorOf(missing.body), { code: 'unauthorized', message: 'Invalid API key.' });
    const wrong = await api('/workspaces', auth('sk_live_nope'));
    assert.equal(wrong.status, 401);
    assert.equal(errorOf(wrong.body).code, 'invalid_api_key');
    assert.deepEqual(
      fake.requests().map((r) => r.authorization),
      ['none', 'invalid'],
    );
  });

  void it('puts a unique request-id and application/json on every response', async () => {
    const ids = new Set<string>();
    for (const path of ['/workspaces', '/models', '/nope', '/runs/run_missing']) {
      const { res } = await api(path);
      assert.equal(res.headers.get('content-type'), 'application/json');
      const id = res.headers.get('request-id') ?? '';
      assert.match(id, /^req_\w+$/);
      ids.add(id);
    }
    assert.equal(ids.size, 4);
  });

  void it('answers unknown routes and wrong methods with the not_found envelope', async () => {
    assert.equal(errorOf((await api('/nope')).body).code, 'not_found');
    const post = await fetch(`${fake.baseUrl}/generations`, { method: 'POST', headers: auth() });
    assert.equal(post.status, 404);
    assert.equal(errorOf((await post.json()) as Json).code, 'not_found');
    assert.equal(fake.requestCount('GET /generations'), 0, 'a POST is not the GET route');
  });
});

void describe('validation', () => {
  void it('validates limit (1–100) and defaults it to 20', async () => {
    for (const limit of ['0', '101', 'abc', '2.5', '-3', '']) {
      const { status, body } = await api(`/generations?limit=${limit}`);
      assert.equal(status, 400, `limit=${limit}`);
      const error = errorOf(body);
      assert.equal(error.code, 'input_validation_error');
      assert.deepEqual(
        error.fields?.map((f) => f.field),
        ['limit'],
      );
    }
    const { body } = await api('/generations');
    assert.equal((body.generations as unknown[]).length, 20);
    assert.equal((await api('/generations?limit=100')).status, 200);
  });

  void it('validates status, id prefixes, cursors and the projects workspace_id', async () => {
    const cases: Array<[string, string]> = [
      ['/generations?status=queued', 'status'],
      ['/generations?workspace_id=prj_x', 'workspace_id'],
      ['/generations?project_id=ws_x', 'project_id'],
      ['/generations?cursor=%%%', 'cursor'],
      ['/generations?cursor=bm90LWpzb24', 'cursor'],
      ['/projects', 'workspace_id'],
      ['/models?type=3d', 'type'],
      ['/runs/abc', 'runId'],
    ];
    for (const [path, field] of cases) {
      const { status, body } = await api(path);
      assert.equal(status, 400, path);
      assert.equal(errorOf(body).fields?.[0]?.field, field, path);
    }
    // A cursor minted for one filter is refused for another.
    const first = await api('/generations?limit=5&status=completed');
    const cursor = (first.body.meta as Json).next_cursor as string;
    assert.equal((await api(`/generations?limit=5&status=failed&cursor=${cursor}`)).status, 400);
  });
});

void describe('pagination', () => {
  const styles: LastCursorStyle[] = ['null', 'omit', 'empty'];
  for (const style of styles) {
    void it(`walks every filtered generation once, newest first (last cursor: ${style})`, async () => {
      fake.setOptions({ lastCursor: style });
      const ws = fake.workspaces()[1].workspace_id;
      const filters: GenerationFilter[] = [{}, { workspace_id: ws }, { status: 'completed' }];
      for (const filter of filters) {
        const expected = fake.generations(filter);
        const { ids, items, lastMeta } = await walk('/generations', 'generations', { limit: '7', ...filter });
        assert.deepEqual(
          ids,
          expected.map((g) => g.run_id),
        );
        assert.equal(new Set(ids).size, ids.length);
        const times = items.map((g) => g.created_at as number);
        assert.deepEqual(
          times,
          [...times].sort((a, b) => b - a),
        );
        assert.equal(lastMeta.total_estimate, expected.length);
        if (style === 'null') assert.equal(lastMeta.next_cursor, null);
        if (style === 'omit') assert.ok(!('next_cursor' in lastMeta));
        if (style === 'empty') assert.equal(lastMeta.next_cursor, '');
      }
    });
  }

  void it('pages projects in recent-activity order with a case-insensitive query', async () => {
    const ws = fake.workspaces()[1].workspace_id;
    const all = await walk('/projects', 'projects', { workspace_id: ws, limit: '2' });
    assert.deepEqual(
      all.ids,
      fake.projects(ws).map((p) => p.project_id),
    );
    assert.equal(all.pages, 2);
    for (const p of all.items) {
      assert.deepEqual(Object.keys(p).sort(), [
        'created_at',
        'last_modified',
        'name',
        'origin',
        'project_id',
        'workspace_id',
      ]);
    }
    assert.equal(all.items[all.items.length - 1]?.last_modified, null, 'never-modified projects come last');
    const hits = await walk('/projects', 'projects', { workspace_id: ws, query: 'pROJECT b' });
    assert.deepEqual(
      hits.items.map((p) => p.name),
      ['Project B2'],
    );
  });
});

void describe('dataset and routes', () => {
  void it('covers every status, output type and optional-field variant', () => {
    const gens = fake.generations();
    assert.equal(gens.length, 60);
    const byStatus = Object.fromEntries(
      GENERATION_STATUSES.map((s) => [s, gens.filter((g) => g.status === s).length]),
    );
    assert.deepEqual(byStatus, { pending: 6, running: 12, completed: 30, failed: 12 });
    const types = new Set(gens.flatMap((g) => g.outputs ?? []).map((o) => o.type));
    assert.deepEqual([...types].sort(), [...OUTPUT_TYPES].sort());
    const catalog = new Set(MODEL_CATALOG.map((m) => m.model_id));
    assert.ok(gens.some((g) => g.model === undefined));
    assert.ok(gens.some((g) => g.model?.model_id === null));
    assert.ok(gens.some((g) => typeof g.model?.model_id === 'string' && !catalog.has(g.model.model_id)));
    const codes = gens.map((g) => g.error_code).filter((c): c is string => c !== undefined);
    assert.ok(codes.includes('provider_error') && codes.includes('GENERATION_PROMPT_MODERATED'));
    assert.ok(gens.some((g) => g.status === 'completed' && g.started_at === undefined));
    assert.ok(gens.some((g) => g.status === 'completed' && g.charged_cost === undefined));
    assert.ok(gens.some((g) => g.outputs?.some((o) => o.type === 'text' && o.url === HOSTILE_TEXT)));
    for (const g of gens) {
      assert.equal(g.generation_id, g.run_id);
      assert.match(g.run_id, /^run_/);
      assert.match(g.workspace_id, /^ws_/);
      assert.match(g.project_id, /^prj_/);
      if (g.poll_url !== undefined) assert.equal(g.poll_url, `${fake.baseUrl}/runs/${g.run_id}`);
      if (g.status === 'failed') assert.ok(g.error_code && g.error_message && !g.outputs);
      for (const o of g.outputs ?? []) assert.match(o.output_id, /^out_/);
    }
    assert.ok(fake.workspaces().some((w) => w.created_at === null));
  });

  void it('serves run details without the list-only fields, and 404s unknown ids', async () => {
    const g = fake.generations({ status: 'completed' })[0];
    const { status, body } = await api(`/runs/${g.run_id}`);
    assert.equal(status, 200);
    for (const key of ['workspace_id', 'project_id', 'model', 'generation_id'])
      assert.ok(!(key in body), key);
    assert.deepEqual(body.outputs, g.outputs);
    assert.equal(errorOf((await api('/runs/run_unknown')).body).code, 'not_found');
    assert.equal((await api('/runs/run_unknown')).status, 404);

    const p = fake.projects()[0];
    assert.deepEqual((await api(`/projects/${p.project_id}`)).body, p);
    assert.equal((await api('/projects/prj_unknown')).status, 404);
  });

  void it('filters by project and status, and lists models by type', async () => {
    const p = fake.projects()[2];
    const { body } = await api(`/generations?project_id=${p.project_id}&status=failed`);
    const items = body.generations as Generation[];
    assert.ok(items.length > 0);
    assert.ok(items.every((g) => g.project_id === p.project_id && g.status === 'failed'));
    const models = (await api('/models?type=video')).body.models as Array<{
      type: string;
      params: unknown[];
    }>;
    assert.ok(models.length > 0 && models.every((m) => m.type === 'video' && Array.isArray(m.params)));
    assert.equal(((await api('/models')).body.models as unknown[]).length, MODEL_CATALOG.length);
    const ws = (await api('/workspaces')).body.workspaces;
    assert.deepEqual(ws, fake.workspaces());
  });
});

void describe('time', () => {
  void it('moves pending → running → completed with outputs as the clock advances', async () => {
    const running = fake
      .generations({ status: 'running' })
      .find((g) => g.error_code === undefined && !g.outputs);
    assert.ok(running);
    const before = (await api(`/runs/${running.run_id}`)).body;
    assert.equal(before.status, 'running');
    assert.ok(!('outputs' in before) && !('completed_at' in before));
    fake.advance(10_000);
    const mid = (await api(`/runs/${running.run_id}`)).body;
    assert.ok((mid.progress as number) > (before.progress as number));
    fake.advance(5 * 60_000);
    const done = (await api(`/runs/${running.run_id}`)).body;
    assert.equal(done.status, 'completed');
    assert.equal(done.progress, 100);
    assert.ok(Array.isArray(done.outputs) && done.outputs.length > 0);
    assert.equal(typeof done.completed_at, 'number');
    assert.equal(typeof done.charged_cost, 'number');
    assert.equal(
      fake.generations({ status: 'pending' }).length + fake.generations({ status: 'running' }).length,
      0,
    );
  });

  void it('starts many generations and adds single ones', () => {
    const p = fake.projects()[0].project_id;
    const before = fake.generations({ status: 'running' }).length;
    const started = fake.startGenerations(p, 200, { durationMs: 30_000, finalStatus: 'failed' });
    assert.equal(started.length, 200);
    assert.equal(fake.generations({ status: 'running' }).length, before + 200);
    assert.equal(fake.generations()[0].run_id, started[199].run_id, 'the last started is the newest');
    fake.advance(30_000);
    assert.ok(started.every((g) => fake.run(g.run_id)?.status === 'failed'));

    const added = fake.addGeneration({ project_id: p, status: 'pending', model: null, startInMs: 1000 });
    assert.equal(fake.generations()[0].run_id, added.run_id);
    assert.equal(added.model, undefined);
    fake.advance(1000);
    assert.equal(fake.run(added.run_id)?.status, 'running');
  });

  void it('switches timestamps to seconds and progress to 0–1', async () => {
    fake.setOptions({ timeUnit: 's', progressScale: 1 });
    const g = fake.generations({ status: 'running' })[0];
    const body = (await api(`/runs/${g.run_id}`)).body;
    assert.ok(Number.isInteger(body.created_at) && (body.created_at as number) < 1e11);
    assert.ok((body.progress as number) > 0 && (body.progress as number) < 1);
  });
});

void describe('faults', () => {
  const route = 'GET /generations';

  void it('answers with an injected status, envelope and retry-after, for `times` requests', async () => {
    fake.inject(route, { kind: 'status', status: 429, code: 'rate_limited', retryAfter: '7' }, { times: 2 });
    for (let i = 0; i < 2; i++) {
      const { status, body, res } = await api('/generations');
      assert.equal(status, 429);
      assert.equal(res.headers.get('retry-after'), '7');
      assert.equal(errorOf(body).code, 'rate_limited');
    }
    assert.equal((await api('/generations')).status, 200);
    assert.equal(fake.requestCount(route), 3);
    fake.inject(route, { kind: 'status', status: 503, code: 'service_unavailable' }, { times: Infinity });
    for (let i = 0; i < 3; i++) assert.equal((await api('/generations')).status, 503);
    fake.clearFaults();
    assert.equal((await api('/generations')).status, 200);
  });

  void it('delays, corrupts and rewrites bodies', async () => {
    fake.inject(route, { kind: 'delay', ms: 60 });
    const t0 = Date.now();
    assert.equal((await api('/generations')).status, 200);
    assert.ok(Date.now() - t0 >= 55);

    fake.inject(route, { kind: 'malformed-json' });
    const malformed = await fetch(`${fake.baseUrl}/generations`, { headers: auth() });
    assert.equal(malformed.status, 200);
    await assert.rejects(malformed.json());

    fake.inject(route, { kind: 'missing-list' });
    assert.deepEqual((await api('/generations')).body, {});

    fake.inject(route, { kind: 'invalid-item' });
    const invalid = (await api('/generations?limit=5')).body.generations as Json[];
    assert.equal(invalid.length, 5);
    assert.equal(invalid.filter((g) => typeof g.status === 'number' && !('run_id' in g)).length, 1);

    fake.inject(route, { kind: 'unknown-enum' });
    const unknown = (await api('/generations?limit=5')).body.generations as Generation[];
    const odd = unknown.filter((g) => (g.status as string) === 'queued');
    assert.equal(odd.length, 1);
    assert.ok(odd[0].outputs?.some((o) => (o.type as string) === 'modelUrl'));

    fake.inject(route, { kind: 'repeat-cursor' }, { times: 2 });
    const page1 = (await api('/generations?limit=5')).body;
    const c1 = (page1.meta as Json).next_cursor as string;
    const page1again = (await api(`/generations?limit=5&cursor=${c1}`)).body;
    assert.deepEqual(page1again.generations, page1.generations, 'the cursor leads back to page 1');
    assert.equal((page1again.meta as Json).next_cursor, c1);

    // cycle-cursor: page 3 points back at page 2, so A → B → A.
    const a = c1;
    const b = ((await api(`/generations?limit=5&cursor=${a}`)).body.meta as Json).next_cursor as string;
    fake.inject(route, { kind: 'cycle-cursor' });
    const back = ((await api(`/generations?limit=5&cursor=${b}`)).body.meta as Json).next_cursor;
    assert.equal(back, a);

    // no-outputs: the list leaves out `outputs`; the run's detail still has them.
    const withOutputs = (
      (await api('/generations?status=completed&limit=5')).body.generations as Json[]
    ).find((g) => Array.isArray(g.outputs) && g.outputs.length > 0);
    assert.ok(withOutputs, 'a completed generation with outputs');
    fake.inject(route, { kind: 'no-outputs' });
    const bare = (await api('/generations?status=completed&limit=5')).body.generations as Json[];
    assert.equal(bare.length, 5);
    assert.ok(
      bare.every((g) => !('outputs' in g)),
      'no item has outputs',
    );
    const detail = (await api(`/runs/${String(withOutputs.run_id)}`)).body;
    assert.deepEqual(detail.outputs, withOutputs.outputs);

    // hold: the answer is the state on arrival, sent only on release.
    fake.inject(route, { kind: 'hold' });
    const before = fake.generations().length;
    const heldAnswer = api('/generations?limit=100');
    await fake.whenHeld();
    assert.equal(fake.heldCount(), 1);
    fake.addGeneration({ project_id: fake.projects()[0].project_id });
    fake.release();
    assert.equal(((await heldAnswer).body.generations as Json[]).length, before);
    assert.equal(fake.heldCount(), 0);

    fake.inject('GET /workspaces', { kind: 'html' });
    const html = await fetch(`${fake.baseUrl}/workspaces`, { headers: auth() });
    assert.equal(html.status, 502);
    assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await html.text(), /Bad Gateway/);
  });

  void it('resets the connection, or hangs until the request is aborted', async () => {
    fake.inject('GET /models', { kind: 'reset' });
    await assert.rejects(fetch(`${fake.baseUrl}/models`, { headers: auth() }));
    assert.equal(fake.requestCount('GET /models'), 1);

    fake.inject('GET /models', { kind: 'hang' });
    const abort = new AbortController();
    const hung = fetch(`${fake.baseUrl}/models`, { headers: auth(), signal: abort.signal });
    await waitFor(() => fake.requestCount('GET /models') === 2);
    abort.abort();
    await assert.rejects(hung);
    assert.deepEqual(
      fake.requests().map((r) => [r.fault, r.status]),
      [
        ['reset', null],
        ['hang', null],
      ],
    );
    assert.equal((await api('/models')).status, 200);
  });

  void it('close() ends hung requests and leaves no handle behind', async () => {
    const other = await FakeFlora.start();
    other.inject('GET /workspaces', { kind: 'hang' }, { times: Infinity });
    const pending = fetch(`${other.baseUrl}/workspaces`, {
      headers: { authorization: `Bearer ${other.apiKey}` },
    });
    await waitFor(() => other.requestCount() === 1);
    await other.close();
    await assert.rejects(pending);
  });
});

void describe('HTTP control interface', () => {
  void it('drives the clock, faults, counts and state over /_fake', async () => {
    const state = (await control('GET', '/state')).body;
    assert.equal(state.now, fake.now());
    assert.equal((state.generations as unknown[]).length, 60);
    assert.deepEqual(state.projects, fake.projects());

    const adv = await control('POST', '/advance', { ms: 1500 });
    assert.equal(adv.body.now, Number(state.now) + 1500);

    assert.equal(
      (
        await control('POST', '/inject', {
          route: 'GET /workspaces',
          fault: { kind: 'status', status: 500, code: 'unknown_error' },
          times: null,
        })
      ).status,
      200,
    );
    assert.equal((await api('/workspaces')).status, 500);
    assert.equal((await api('/workspaces')).status, 500);
    await control('POST', '/clear-faults');
    assert.equal((await api('/workspaces')).status, 200);

    const counts = (await control('GET', '/counts')).body;
    assert.deepEqual(Object.keys(counts), [...ROUTE_NAMES]);
    assert.equal(counts['GET /workspaces'], 3);
    const requests = (await control('GET', '/requests')).body.requests as Json[];
    assert.deepEqual(
      requests.map((r) => r.status),
      [500, 500, 200],
    );
    await control('POST', '/reset-counts');
    assert.equal(fake.requestCount(), 0);

    await control('POST', '/options', { lastCursor: 'omit', timeUnit: 's' });
    assert.deepEqual(fake.formatOptions(), { lastCursor: 'omit', timeUnit: 's', progressScale: 100 });

    const p = fake.projects()[0].project_id;
    const started = await control('POST', '/start-generations', {
      project_id: p,
      count: 10,
      durationMs: 5000,
    });
    assert.equal((started.body.generations as unknown[]).length, 10);
    const added = await control('POST', '/add-generation', {
      project_id: p,
      status: 'failed',
      error_code: 'GENERATION_PROMPT_MODERATED',
      charged_cost: null,
    });
    const g = added.body.generation as Generation;
    assert.equal(fake.generations()[0].run_id, g.run_id);
    assert.equal(g.status, 'failed');
    assert.equal(g.error_code, 'GENERATION_PROMPT_MODERATED');
    assert.ok(g.error_message);
    assert.ok(!('charged_cost' in g));

    assert.equal(
      (await control('POST', '/inject', { route: 'GET /nope', fault: { kind: 'hang' } })).status,
      400,
    );
    assert.equal((await control('POST', '/add-generation', { project_id: 'prj_missing' })).status, 400);
    assert.equal((await control('GET', '/missing')).status, 404);
    await control('POST', '/reset');
    assert.equal(fake.generations().length, 60);
  });
});

void describe('media', () => {
  void it('serves generated PNG, WAV and PDF files without auth', async () => {
    const image = fake
      .generations()
      .flatMap((g) => g.outputs ?? [])
      .find((o) => o.type === 'imageUrl');
    assert.ok(image);
    const png = await fetch(image.url);
    assert.equal(png.status, 200);
    assert.equal(png.headers.get('content-type'), 'image/png');
    assert.deepEqual([...Buffer.from(await png.arrayBuffer()).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    const wav = await fetch(`${fake.origin}/media/audio-1.wav`);
    assert.equal(wav.headers.get('content-type'), 'audio/wav');
    assert.equal(Buffer.from(await wav.arrayBuffer()).toString('latin1', 0, 4), 'RIFF');
    const pdf = await fetch(`${fake.origin}/media/doc-1.pdf`);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    assert.match(Buffer.from(await pdf.arrayBuffer()).toString('latin1'), /^%PDF-1\.4[\s\S]*%%EOF\n$/);
    assert.equal((await fetch(`${fake.origin}/media/nothing.png`)).status, 404);
  });

  void it('answers byte ranges with 206 and unsatisfiable ones with 416', async () => {
    const url = `${fake.origin}/media/video-1.webm`;
    const full = await fetch(url);
    assert.equal(full.headers.get('content-type'), 'video/webm');
    assert.equal(full.headers.get('accept-ranges'), 'bytes');
    const size = (await full.arrayBuffer()).byteLength;
    assert.ok(size > 1000 && size < 200_000);

    const part = await fetch(url, { headers: { range: 'bytes=0-99' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 0-99/${size}`);
    assert.equal((await part.arrayBuffer()).byteLength, 100);
    const tail = await fetch(url, { headers: { range: 'bytes=-10' } });
    assert.equal(tail.headers.get('content-range'), `bytes ${size - 10}-${size - 1}/${size}`);
    await tail.arrayBuffer();
    const beyond = await fetch(url, { headers: { range: `bytes=${size}-` } });
    assert.equal(beyond.status, 416);
    await beyond.arrayBuffer();
  });

  void it('fails on request with a planted status and reason phrase (/media/status-<code>.<ext>?reason=)', async () => {
    const reason = '[Run](command:flora.clearApiKey) $(bug)';
    const res = await fetch(`${fake.origin}/media/status-503-x.png?reason=${encodeURIComponent(reason)}`);
    assert.equal(res.status, 503);
    assert.equal(res.statusText, reason);
    await res.arrayBuffer();
    const plain = await fetch(`${fake.origin}/media/status-404.webm`);
    assert.equal(plain.status, 404);
    assert.equal(plain.statusText, 'Not Found');
    await plain.arrayBuffer();
    const unsendable = await fetch(`${fake.origin}/media/status-500.png?reason=a%0Db`);
    assert.equal(unsendable.status, 400);
    await unsendable.arrayBuffer();
  });
});

void describe('projects added at run time', () => {
  void it('a project with any name shows first in its workspace, in the API and over /_fake', async () => {
    const ws = fake.workspaces()[0].workspace_id;
    const name = '[Run](command:flora.clearApiKey) $(bug) Launch';
    const added = fake.addProject({ workspace_id: ws, name });
    assert.match(added.project_id, /^prj_/);
    const listed = (await api(`/projects?workspace_id=${ws}`)).body.projects as Json[];
    assert.equal(listed[0].project_id, added.project_id);
    assert.equal(listed[0].name, name);
    assert.equal((await api(`/projects/${added.project_id}`)).body.name, name);
    const viaControl = await control('POST', '/add-project', {
      workspace_id: ws,
      name: 'Second',
      project_id: 'prj_second',
    });
    assert.equal((viaControl.body.project as Json).project_id, 'prj_second');
    assert.equal((await control('POST', '/add-project', { workspace_id: 'ws_nope', name: 'x' })).status, 400);
    fake.reset();
    assert.ok(!fake.projects().some((p) => p.name === name), 'reset forgets added projects');
  });
});

void describe('demo dataset and CLI', () => {
  void it('builds readable workspaces and keeps adding generations over time', async () => {
    const demo = await FakeFlora.start({ dataset: 'demo' });
    try {
      assert.deepEqual(
        demo.workspaces().map((w) => w.name),
        ['Brand Studio', 'Motion Lab', 'Personal'],
      );
      const before = demo.generations();
      assert.ok(before.length >= 300);
      for (const s of GENERATION_STATUSES)
        assert.ok(
          before.some((g) => g.status === s),
          s,
        );
      const types = new Set(before.flatMap((g) => g.outputs ?? []).map((o) => o.type));
      assert.equal(types.size, OUTPUT_TYPES.length);
      demo.advance(60_000);
      assert.ok(demo.generations().length > before.length);
      const model = demo.models().find((m) => m.model_id === 't2i-flux-2-pro');
      assert.equal(model?.name, 'FLUX.2 Pro');
    } finally {
      await demo.close();
    }
  });

  void it('runs as a process that prints its address and exits on SIGTERM', async () => {
    const cli = join(__dirname, '..', 'fake-flora', 'cli.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--key', 'sk_test_cli', '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let out = '';
    child.stdout.setEncoding('utf8');
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
      child.on('exit', () => reject(new Error('cli exited before printing its address')));
    });
    const info = JSON.parse(line) as { baseUrl: string; apiKey: string; origin: string };
    assert.equal(info.apiKey, 'sk_test_cli');
    assert.equal(info.baseUrl, `${info.origin}/api/v1`);
    const res = await fetch(`${info.baseUrl}/workspaces`, {
      headers: { authorization: 'Bearer sk_test_cli' },
    });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
