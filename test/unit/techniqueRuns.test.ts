// Technique runs in the API layer (issue 13 §2; flora-api.md §3, §4): GET /technique-runs read as
// Generations with a technique, and their run detail from the technique route, whether or not
// GET /runs/{runId} answers for them (UNCONFIRMED; both variants of the fake).
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import type { FloraClient } from '../../src/api/client';
import { NotFoundError } from '../../src/api/errors';
import type { Generation } from '../../src/api/types';
import type { TechniqueRun } from '../fake-flora';
import { fakeClient, MemoryLogger, useFakeFlora } from './helpers';

const env = useFakeFlora({ settle: true });
const log = new MemoryLogger();
let client: FloraClient;
// Made in the first test's beforeEach: the fake server is not started yet when a root `before` runs.
beforeEach(() => {
  client ??= fakeClient(env.fake, { maxRetries: 0, logger: log });
  log.lines.length = 0;
});
after(() => client?.close());

const RELIGHT = { technique_id: 'tech_relight', name: 'Product Photo Relight' };
const STORY = { technique_id: 'tech_story', name: 'Storyboard to Animatic' };

/** Five technique runs, oldest first: three of Relight, the newest two running. */
function seed(): TechniqueRun[] {
  const [a, b] = env.fake.projects();
  const now = env.fake.now();
  const add = (project: string, technique: typeof RELIGHT, age: number, status?: 'running' | 'failed') =>
    env.fake.addTechniqueRun({ project_id: project, technique, created_at: now - age, status });
  return [
    add(a.project_id, RELIGHT, 5000),
    add(b.project_id, STORY, 4000, 'failed'),
    add(a.project_id, RELIGHT, 3000),
    add(a.project_id, STORY, 2000, 'running'),
    add(b.project_id, RELIGHT, 1000, 'running'),
  ];
}

async function allPages(query: Parameters<FloraClient['listTechniqueRuns']>[0]): Promise<Generation[]> {
  const out: Generation[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 10; pages++) {
    const page = await client.listTechniqueRuns({ ...query, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return out;
  }
  assert.fail('paging did not end');
}

describe('listTechniqueRuns', () => {
  it('lists technique runs newest first as generations that name their technique and have no model', async () => {
    const runs = seed();
    const page = await client.listTechniqueRuns({});
    assert.deepEqual(
      page.items.map((g) => g.id),
      [...runs].reverse().map((r) => r.run_id),
    );
    const newest = page.items[0];
    assert.deepEqual(newest.technique, { id: 'tech_relight', name: 'Product Photo Relight' });
    assert.equal(newest.runId, newest.id);
    assert.equal(newest.modelId, undefined);
    assert.equal(newest.projectId, runs[4].project_id);
    assert.equal(newest.workspaceId, runs[4].workspace_id);
    assert.equal(newest.status, 'running');
    const failed = page.items.find((g) => g.id === runs[1].run_id)!;
    assert.equal(failed.status, 'failed');
    assert.ok(failed.errorMessage, 'the failure is explained');
    const done = page.items.find((g) => g.id === runs[0].run_id)!;
    assert.equal(done.status, 'completed');
    assert.ok(done.outputs.length > 0 && done.outputs[0].url.startsWith(env.fake.origin));
    assert.equal(done.pollUrl, runs[0].poll_url);
    assert.equal(page.totalEstimate, 5);
  });

  it('sends its filters and pages to the end with the cursor', async () => {
    const runs = seed();
    const relight = await allPages({ techniqueId: 'tech_relight', limit: 2 });
    assert.deepEqual(
      relight.map((g) => g.id),
      [runs[4], runs[2], runs[0]].map((r) => r.run_id),
    );
    const running = await client.listTechniqueRuns({ status: 'running', projectId: runs[3].project_id });
    assert.deepEqual(
      running.items.map((g) => g.id),
      [runs[3].run_id],
    );
    const inWorkspace = await client.listTechniqueRuns({ workspaceId: runs[1].workspace_id });
    assert.ok(inWorkspace.items.length > 0);
    assert.ok(inWorkspace.items.every((g) => g.workspaceId === runs[1].workspace_id));
    assert.equal(env.fake.requestCount('GET /generations'), 0, 'a technique list asks only /technique-runs');
  });

  it('skips and logs a broken item and keeps the rest of its page', async () => {
    const runs = seed();
    env.fake.inject('GET /technique-runs', { kind: 'invalid-item' });
    const page = await client.listTechniqueRuns({});
    assert.equal(page.items.length, runs.length - 1);
    assert.deepEqual(
      page.skipped.map((s) => [s.index, s.id]),
      [[1, 'run_malformed']],
    );
    assert.ok(
      log.lines.some((l) => l.startsWith('warn Skipped technique_runs item #1 (run_malformed)')),
      log.lines.join('\n'),
    );
  });

  it('keeps an unknown status and output type, and reads each item on its own terms', async () => {
    seed();
    env.fake.inject('GET /technique-runs', { kind: 'unknown-enum', status: 'cancelled' });
    const odd = (await client.listTechniqueRuns({})).items[1];
    assert.equal(odd.status, 'unknown');
    assert.equal(odd.rawStatus, 'cancelled');
    assert.ok(odd.outputs.some((o) => o.kind === 'unknown' && o.rawType === 'modelUrl'));

    const base = {
      status: 'completed',
      progress: 100,
      created_at: 1,
      workspace_id: 'ws_1',
      project_id: 'prj_1',
    };
    env.fake.inject('GET /technique-runs', {
      kind: 'json',
      body: {
        technique_runs: [
          { ...base, run_id: 'run_a', technique: { technique_id: 'tech_a', name: 'A' } },
          { ...base, run_id: 'run_b' }, // no technique: neither named nor fetchable
          { ...base, run_id: 'run_c', technique: { technique_id: 'tech_c' }, model: { model_id: 'm' } },
        ],
        meta: { next_cursor: null },
      },
    });
    const page = await client.listTechniqueRuns({});
    assert.deepEqual(
      page.items.map((g) => [g.id, g.technique?.name, g.modelId]),
      [
        ['run_a', 'A', undefined],
        ['run_c', 'tech_c', undefined],
      ],
    );
    assert.deepEqual(
      page.skipped.map((s) => s.id),
      ['run_b'],
    );
    assert.equal(page.nextCursor, undefined);
  });
});

describe('getRunOf and getRunJsonOf', () => {
  /** A running technique run, as listed by the client. */
  async function listed(): Promise<Generation> {
    env.fake.addTechniqueRun({
      project_id: env.fake.projects()[0].project_id,
      technique: RELIGHT,
      status: 'running',
      durationMs: 60_000,
    });
    return (await client.listTechniqueRuns({ status: 'running' })).items[0];
  }

  for (const answers of [false, true]) {
    it(`follows a technique run from its technique route, one request a time, when /runs/{id} ${answers ? 'answers it too' : 'says 404'}`, async () => {
      env.fake.setOptions({ runsRouteAnswersTechniqueRuns: answers });
      const run = await listed();
      env.fake.advance(30_000);
      env.fake.resetCounts();
      const detail = await client.getRunOf(run);
      assert.equal(detail.runId, run.runId);
      assert.equal(detail.status, 'running');
      assert.equal(detail.progress, 50);
      env.fake.advance(60_000);
      const done = await client.getRunOf(run);
      assert.equal(done.status, 'completed');
      assert.ok(done.outputs.length > 0);
      assert.deepEqual(await client.getRunJsonOf(run), env.fake.run(run.runId));
      assert.deepEqual(
        env.fake.requests().map((r) => r.route),
        Array(3).fill('GET /techniques/:id/runs/:runId'),
      );
      // What a client that knew only /runs/{id} would get (proves the variant is in force).
      if (answers) assert.equal((await client.getRun(run.runId)).status, 'completed');
      else await assert.rejects(client.getRun(run.runId), NotFoundError);
    });
  }

  it('follows a poll_url on the configured origin, and builds the technique route when it is missing or points elsewhere', async () => {
    const run = await listed();
    env.fake.resetCounts();
    const bySlug = `${env.fake.baseUrl}/techniques/product-photo-relight/runs/${run.runId}`;
    const foreign = `https://evil.example/api/v1/runs/${run.runId}`;
    assert.equal((await client.getRunOf({ ...run, pollUrl: bySlug })).runId, run.runId);
    await client.getRunOf({ ...run, pollUrl: undefined });
    await client.getRunOf({ ...run, pollUrl: foreign });
    await client.getRunJsonOf({ ...run, pollUrl: foreign });
    const route = `/api/v1/techniques/tech_relight/runs/${run.runId}`;
    assert.deepEqual(
      env.fake.requests().map((r) => r.path),
      [`/api/v1/techniques/product-photo-relight/runs/${run.runId}`, route, route, route],
    );
    assert.equal(log.lines.filter((l) => l.includes('Ignored a poll_url outside')).length, 2);
  });

  it('says a vanished technique run is not found, without trying /runs/{id}', async () => {
    env.fake.setOptions({ runsRouteAnswersTechniqueRuns: true });
    const run = await listed();
    env.fake.resetCounts();
    await assert.rejects(
      client.getRunOf({ ...run, technique: { id: 'tech_gone', name: 'Gone' }, pollUrl: undefined }),
      NotFoundError,
    );
    assert.equal(env.fake.requestCount('GET /runs/:id'), 0);
  });

  it("fetches a generation's detail from /runs/{id} as before", async () => {
    const generation = (await client.listGenerations({ limit: 1 })).items[0];
    env.fake.resetCounts();
    assert.equal((await client.getRunOf(generation)).runId, generation.runId);
    assert.deepEqual(await client.getRunJsonOf(generation), env.fake.run(generation.runId));
    assert.equal(env.fake.requestCount('GET /runs/:id'), 2);
  });
});
