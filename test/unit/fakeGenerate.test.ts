// The fake FLORA server's POST /generate and GET /technique-runs (flora-api.md §3b, §4, §5
// Idempotency): what the Generate flow and the technique-run history are tested against.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO_TECHNIQUE_RUNS, FakeFlora, MODEL_CATALOG, type TechniqueRun } from '../fake-flora';
import { useFakeFlora } from './helpers';

type Json = Record<string, unknown>;

// A fresh dataset, clock, credits and idempotency style (`duplicate`) before each test.
const env = useFakeFlora();

async function generate(
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(`${env.fake.baseUrl}/generate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.fake.apiKey}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
}

async function get(path: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(env.fake.baseUrl + path, {
    headers: { authorization: `Bearer ${env.fake.apiKey}` },
  });
  return { status: res.status, body: (await res.json()) as Json };
}

function target(): { workspace_id: string; project_id: string } {
  const project = env.fake.projects()[0];
  return { workspace_id: project.workspace_id, project_id: project.project_id };
}

const FLUX = MODEL_CATALOG.find((m) => m.model_id === 't2i-flux-2-pro')!;
const VIDEO = MODEL_CATALOG.find((m) => m.type === 'video' && m.params.some((p) => p.name === 'duration'))!;

function fieldsOf(body: Json): Array<{ field: string; message: string }> {
  return ((body.error as Json).fields ?? []) as Array<{ field: string; message: string }>;
}

describe('POST /generate', () => {
  it('creates a pending generation at the top of its project, charges the workspace, and runs it', async () => {
    const { workspace_id, project_id } = target();
    const before = env.fake.credits(workspace_id);
    const answer = await generate({
      workspace_id,
      project_id,
      type: 'image',
      prompt: 'a fox',
      model: FLUX.model_id,
    });
    assert.equal(answer.status, 201);
    const runId = answer.body.run_id as string;
    assert.match(runId, /^run_/);
    assert.equal(answer.body.type, 'generation');
    assert.equal(answer.body.estimated_seconds, FLUX.estimated_seconds);
    assert.equal(answer.body.project_id, project_id);
    assert.deepEqual(answer.body.model, { model_id: FLUX.model_id });
    assert.ok((answer.body.charged_cost as number) > 0);
    assert.equal(env.fake.credits(workspace_id), before - FLUX.estimated_credits);

    const first = (await get(`/generations?project_id=${project_id}&limit=1`)).body.generations as Json[];
    assert.equal(first[0].run_id, runId);
    assert.equal(first[0].status, 'pending');
    env.fake.advance(2_000);
    assert.equal(env.fake.run(runId)?.status, 'running');
    env.fake.advance(FLUX.estimated_seconds * 1000);
    const done = env.fake.run(runId)!;
    assert.equal(done.status, 'completed');
    assert.equal(done.outputs?.[0]?.type, 'imageUrl');
  });

  it('picks a model of the type when none is named, and makes that type of output', async () => {
    const answer = await generate({ ...target(), type: 'text', prompt: 'a tagline' });
    assert.equal(answer.status, 201);
    const model = MODEL_CATALOG.find((m) => m.model_id === (answer.body.model as Json).model_id);
    assert.equal(model?.type, 'text');
    env.fake.advance(2_000 + model.estimated_seconds * 1000);
    assert.equal(env.fake.run(answer.body.run_id as string)?.outputs?.[0]?.type, 'text');
  });

  it("refuses what FLORA refuses with its envelope and each field's message, creating and charging nothing", async () => {
    const { workspace_id, project_id } = target();
    const count = env.fake.generations().length;
    const credits = env.fake.credits(workspace_id);
    const cases: Array<[unknown, string, RegExp]> = [
      [{ workspace_id, project_id, type: 'image' }, 'prompt', /^Required$/],
      [{ workspace_id, project_id, type: 'image', prompt: '  ' }, 'prompt', /non-empty/],
      [{ workspace_id, project_id, type: 't2i', prompt: 'x' }, 'type', /image, video, audio, text/],
      [{ workspace_id: 'nope', project_id, type: 'image', prompt: 'x' }, 'workspace_id', /ws_/],
      [
        { workspace_id, project_id, type: 'image', prompt: 'x', model: VIDEO.model_id },
        'model',
        /image model/,
      ],
      [
        {
          workspace_id,
          project_id,
          type: 'video',
          prompt: 'x',
          model: VIDEO.model_id,
          params: { duration: 9999 },
        },
        'params.duration',
        /at most/,
      ],
      [
        {
          workspace_id,
          project_id,
          type: 'image',
          prompt: 'x',
          model: FLUX.model_id,
          params: { aspect_ratio: '2:1' },
        },
        'params.aspect_ratio',
        /one of 1:1/,
      ],
      [
        { workspace_id, project_id, type: 'image', prompt: 'x', model: FLUX.model_id, params: { steps: 3 } },
        'params.steps',
        /no parameter/,
      ],
      [
        { workspace_id, project_id, type: 'image', prompt: 'x', model: FLUX.model_id, params: { seed: 1.5 } },
        'params.seed',
        /whole number/,
      ],
    ];
    for (const [body, field, message] of cases) {
      const answer = await generate(body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal((answer.body.error as Json).code, 'input_validation_error');
      const hit = fieldsOf(answer.body).find((f) => f.field === field);
      assert.ok(hit, `${field} named in ${JSON.stringify(answer.body)}`);
      assert.match(hit.message, message);
    }
    const bad = await generate('{"prompt": ');
    assert.equal(bad.status, 400);
    assert.equal((bad.body.error as Json).code, 'invalid_json');
    assert.equal(env.fake.generations().length, count);
    assert.equal(env.fake.credits(workspace_id), credits);
    assert.equal(env.fake.submissions().length, 0);
  });

  it('answers 404 for a project that is not in the workspace, and 402 when the credits are short', async () => {
    const [a, b] = env.fake.workspaces();
    const other = env.fake.projects(b.workspace_id)[0];
    const wrong = await generate({
      workspace_id: a.workspace_id,
      project_id: other.project_id,
      type: 'image',
      prompt: 'x',
    });
    assert.equal(wrong.status, 404);
    assert.equal((wrong.body.error as Json).code, 'not_found');

    const { workspace_id, project_id } = target();
    env.fake.setCredits(workspace_id, FLUX.estimated_credits - 1);
    const poor = await generate({
      workspace_id,
      project_id,
      type: 'image',
      prompt: 'x',
      model: FLUX.model_id,
    });
    assert.equal(poor.status, 402);
    assert.equal((poor.body.error as Json).code, 'insufficient_credits');
    assert.equal(env.fake.submissions().length, 0);
    assert.equal(env.fake.credits(workspace_id), FLUX.estimated_credits - 1);
  });

  it('a repeated Idempotency-Key within 2 h is refused with 409 and creates nothing; after 2 h it is new', async () => {
    const body = { ...target(), type: 'image', prompt: 'a fox' };
    const key = { 'idempotency-key': 'submission-1' };
    assert.equal((await generate(body, key)).status, 201);
    const again = await generate(body, key);
    assert.equal(again.status, 409);
    assert.equal((again.body.error as Json).code, 'idempotency_duplicate');
    assert.equal(env.fake.submissions().length, 1);
    // The body field the guide describes is the same key.
    assert.equal((await generate({ ...body, idempotency_key: 'submission-1' })).status, 409);
    env.fake.advance(2 * 3_600_000);
    assert.equal((await generate(body, key)).status, 201);
    assert.equal(env.fake.submissions().length, 2);
  });

  it('in the replay variant, the same key answers the first run again; another body with it is 422', async () => {
    env.fake.setIdempotency('replay');
    const body = { ...target(), type: 'image', prompt: 'a fox' };
    const key = { 'idempotency-key': 'submission-2' };
    const first = await generate(body, key);
    const again = await generate(body, key);
    assert.equal(again.status, 201);
    assert.equal(again.body.run_id, first.body.run_id);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const changed = await generate({ ...body, prompt: 'a wolf' }, key);
    assert.equal(changed.status, 422);
    assert.equal((changed.body.error as Json).code, 'idempotency_conflict');
    assert.equal(env.fake.submissions().length, 1);
  });

  it('a refused submission does not use up its key: corrected, the same key is accepted', async () => {
    const key = { 'idempotency-key': 'submission-3' };
    assert.equal((await generate({ ...target(), type: 'image' }, key)).status, 400);
    assert.equal((await generate({ ...target(), type: 'image', prompt: 'x' }, key)).status, 201);
  });

  it('an answer held back after the run was created (a client timeout) and retried with its key makes one run', async () => {
    const body = { ...target(), type: 'image', prompt: 'a fox' };
    const key = { 'idempotency-key': 'submission-4' };
    env.fake.inject('POST /generate', { kind: 'hold' });
    const abort = new AbortController();
    const first = fetch(`${env.fake.baseUrl}/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.fake.apiKey}`, ...key },
      body: JSON.stringify(body),
      signal: abort.signal,
    });
    await env.fake.whenHeld(1);
    assert.equal(env.fake.submissions().length, 1, 'created before the answer left');
    abort.abort();
    await assert.rejects(first);
    const retry = await generate(body, key);
    assert.equal(retry.status, 409);
    env.fake.release();
    assert.equal(env.fake.submissions().length, 1);
  });
});

describe('GET /technique-runs', () => {
  function seed(): TechniqueRun[] {
    const projects = env.fake.projects();
    const relight = { technique_id: 'tech_relight', name: 'Product Photo Relight' };
    const story = { technique_id: 'tech_story', name: 'Storyboard to Animatic' };
    const now = env.fake.now();
    return [
      env.fake.addTechniqueRun({
        project_id: projects[0].project_id,
        technique: relight,
        created_at: now - 3000,
      }),
      env.fake.addTechniqueRun({
        project_id: projects[0].project_id,
        technique: story,
        status: 'running',
        created_at: now - 2000,
      }),
      env.fake.addTechniqueRun({
        project_id: projects[1].project_id,
        technique: relight,
        status: 'failed',
        created_at: now - 1000,
      }),
    ];
  }

  it('lists technique runs newest first with their technique, apart from GET /generations', async () => {
    const runs = seed();
    const all = await get('/technique-runs');
    assert.equal(all.status, 200);
    const items = all.body.technique_runs as Json[];
    assert.deepEqual(
      items.map((i) => i.technique_run_id),
      [...runs].reverse().map((r) => r.technique_run_id),
    );
    for (const item of items) {
      assert.equal(item.run_id, item.technique_run_id);
      assert.ok(!('generation_id' in item) && !('model' in item), JSON.stringify(item));
    }
    assert.deepEqual(items[1].technique, { technique_id: 'tech_story', name: 'Storyboard to Animatic' });
    assert.equal((all.body.meta as Json).total_estimate, 3);
    const generations = env.fake.generations().map((g) => g.run_id);
    for (const r of runs) assert.ok(!generations.includes(r.run_id), 'not listed as a generation');
    // Its run answers at its technique's route, where its poll_url points.
    assert.equal(
      runs[1].poll_url,
      `${env.fake.baseUrl}/techniques/tech_story/runs/${encodeURIComponent(runs[1].run_id)}`,
    );
    assert.equal((await get(`/techniques/tech_story/runs/${runs[1].run_id}`)).body.status, 'running');
  });

  it('filters by project, status, technique and workspace, and pages with a cursor', async () => {
    const runs = seed();
    const project = runs[0].project_id;
    const byProject = (await get(`/technique-runs?project_id=${project}`)).body.technique_runs as Json[];
    assert.deepEqual(
      byProject.map((i) => i.technique_run_id).sort(),
      [runs[0].run_id, runs[1].run_id].sort(),
    );
    const running = (await get('/technique-runs?status=running')).body.technique_runs as Json[];
    assert.deepEqual(
      running.map((i) => i.technique_run_id),
      [runs[1].run_id],
    );
    const relight = (await get('/technique-runs?technique_id=tech_relight')).body.technique_runs as Json[];
    assert.equal(relight.length, 2);
    const ws = (await get(`/technique-runs?workspace_id=${runs[0].workspace_id}`)).body
      .technique_runs as Json[];
    assert.ok(ws.every((i) => i.workspace_id === runs[0].workspace_id) && ws.length >= 2);

    const page1 = await get('/technique-runs?limit=2');
    const cursor = (page1.body.meta as Json).next_cursor as string;
    assert.ok(cursor);
    const page2 = await get(`/technique-runs?limit=2&cursor=${encodeURIComponent(cursor)}`);
    assert.deepEqual(
      [...(page1.body.technique_runs as Json[]), ...(page2.body.technique_runs as Json[])].map(
        (i) => i.run_id,
      ),
      [...runs].reverse().map((r) => r.run_id),
    );
    assert.equal((page2.body.meta as Json).next_cursor, null);

    const bad = await get('/technique-runs?technique_id=relight');
    assert.equal(bad.status, 400);
    assert.equal(fieldsOf(bad.body)[0].field, 'technique_id');
  });
});

describe('GET /techniques/{techniqueId}/runs/{runId}', () => {
  function running(): TechniqueRun {
    return env.fake.addTechniqueRun({
      project_id: env.fake.projects()[0].project_id,
      technique: { technique_id: 'tech_relight', name: 'Product Photo Relight' },
      status: 'running',
      durationMs: 60_000,
    });
  }

  it("answers a technique run's detail by technique id or slug, and 404 for any other pair", async () => {
    const run = running();
    env.fake.advance(30_000);
    const byId = await get(`/techniques/tech_relight/runs/${run.run_id}`);
    assert.equal(byId.status, 200);
    assert.deepEqual(byId.body, env.fake.run(run.run_id));
    assert.equal(byId.body.progress, 50);
    assert.ok(!('technique' in byId.body) && !('workspace_id' in byId.body), 'a run detail, not a list item');
    assert.deepEqual(
      (await get(`/techniques/product-photo-relight/runs/${run.run_id}`)).body,
      byId.body,
      'by slug',
    );

    const generation = env.fake.generations()[0].run_id;
    for (const [path, what] of [
      [`/techniques/tech_story/runs/${run.run_id}`, 'another technique'],
      [`/techniques/tech_relight/runs/${generation}`, 'a generation'],
      [`/techniques/tech_relight/runs/run_nope`, 'an unknown run'],
    ]) {
      const answer = await get(path);
      assert.equal(answer.status, 404, what);
      assert.equal((answer.body.error as Json).code, 'not_found', what);
    }
    const bad = await get(`/techniques/tech_relight/runs/nope`);
    assert.equal(bad.status, 400);
    assert.equal(fieldsOf(bad.body)[0].field, 'runId');
  });

  it('GET /runs/{runId} answers 404 for a technique run unless the server is told to answer (UNCONFIRMED)', async () => {
    const run = running();
    const generation = env.fake.generations()[0].run_id;
    const hidden = await get(`/runs/${run.run_id}`);
    assert.equal(hidden.status, 404);
    assert.equal((hidden.body.error as Json).code, 'not_found');
    assert.equal((await get(`/runs/${generation}`)).status, 200, 'generations still answer');

    env.fake.setOptions({ runsRouteAnswersTechniqueRuns: true });
    const shown = await get(`/runs/${run.run_id}`);
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body, (await get(`/techniques/tech_relight/runs/${run.run_id}`)).body);

    env.fake.reset();
    const again = running();
    assert.equal((await get(`/runs/${again.run_id}`)).status, 404, 'reset restores the default');
    const res = await fetch(`${env.fake.origin}/_fake/options`, {
      method: 'POST',
      body: JSON.stringify({ runsRouteAnswersTechniqueRuns: true }),
    });
    assert.equal(res.status, 200);
    assert.equal((await get(`/runs/${again.run_id}`)).status, 200, 'set over HTTP');
  });

  it('can be the target of faults and is counted as its own route', async () => {
    const run = running();
    const path = `/techniques/tech_relight/runs/${run.run_id}`;
    env.fake.inject('GET /techniques/:id/runs/:runId', {
      kind: 'status',
      status: 503,
      code: 'service_unavailable',
    });
    env.fake.inject('GET /techniques/:id/runs/:runId', { kind: 'unknown-enum', status: 'cancelled' });
    assert.equal((await get(path)).status, 503);
    assert.equal((await get(path)).body.status, 'cancelled');
    assert.equal((await get(path)).body.status, 'running');
    assert.equal(env.fake.requestCount('GET /techniques/:id/runs/:runId'), 3);
    assert.equal(env.fake.requestCount('GET /runs/:id'), 0);
  });
});

describe('the demo data', () => {
  it('has technique runs, two of them running, listed apart from its generations', async () => {
    const demo = await FakeFlora.start({ dataset: 'demo', clock: 'manual' });
    try {
      const runs = demo.techniqueRuns();
      assert.equal(runs.length, DEMO_TECHNIQUE_RUNS);
      assert.equal(runs.filter((r) => r.status === 'running').length, 2);
      assert.ok(new Set(runs.map((r) => r.technique.name)).size >= 4);
      assert.ok(demo.generations().every((g) => !('technique' in g)));
      // A server started without options keeps /runs/{runId} for generations (the default variant).
      const res = await fetch(`${demo.baseUrl}/runs/${runs[0].run_id}`, {
        headers: { authorization: `Bearer ${demo.apiKey}` },
      });
      assert.equal(res.status, 404);
    } finally {
      await demo.close();
    }
  });
});

describe('the HTTP control interface for these (other processes: the extension host)', () => {
  async function control(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${env.fake.origin}/_fake${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  it('adds technique runs, sets credits and the idempotency variant, and lists submissions', async () => {
    const { workspace_id, project_id } = target();
    const added = await control('POST', '/add-technique-run', {
      project_id,
      status: 'running',
      technique: { technique_id: 'tech_x', name: 'Relight' },
    });
    assert.equal(added.status, 200);
    assert.equal(
      env.fake.techniqueRuns()[0].technique_run_id,
      (added.body.technique_run as Json).technique_run_id,
    );
    assert.equal(
      (
        await control('POST', '/add-technique-run', {
          project_id,
          technique: { technique_id: 'x', name: 'y' },
        })
      ).status,
      400,
    );

    assert.equal((await control('POST', '/credits', { workspace_id, credits: 0 })).status, 200);
    assert.equal((await generate({ workspace_id, project_id, type: 'image', prompt: 'x' })).status, 402);
    await control('POST', '/credits', { workspace_id, credits: 100 });
    await control('POST', '/idempotency', { style: 'replay' });
    const key = { 'idempotency-key': 'k' };
    const a = await generate({ workspace_id, project_id, type: 'image', prompt: 'x' }, key);
    const b = await generate({ workspace_id, project_id, type: 'image', prompt: 'x' }, key);
    assert.equal(b.body.run_id, a.body.run_id);
    const listed = (await control('GET', '/submissions')).body.submissions as Json[];
    assert.deepEqual(
      listed.map((s) => s.run_id),
      [a.body.run_id],
    );
    assert.equal(((await control('GET', '/state')).body.technique_runs as Json[]).length, 1);
  });
});

describe('faults aimed at one query', () => {
  it('hit only the requests whose query has the given values; others on the route pass untouched', async () => {
    const [a, b] = env.fake.projects();
    env.fake.inject(
      'GET /generations',
      { kind: 'status', status: 500, code: 'internal_error' },
      {
        times: 2,
        query: { project_id: a.project_id },
      },
    );
    assert.equal((await get('/generations?status=running')).status, 200, 'the status list is not hit');
    assert.equal((await get(`/generations?project_id=${b.project_id}`)).status, 200);
    assert.equal((await get(`/generations?project_id=${a.project_id}`)).status, 500);
    assert.equal((await get(`/generations?project_id=${a.project_id}&limit=5`)).status, 500);
    assert.equal((await get(`/generations?project_id=${a.project_id}`)).status, 200, 'used up after 2');
  });
});
