import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { FloraClient } from '../../src/api/client';
import { walkPages } from '../../src/api/pagination';
import {
  MAX_BACKOFF_MS,
  MAX_REQUESTS_PER_ACTIVE_TICK,
  Poller,
  UNFOCUSED_ACTIVE_INTERVAL_MS,
  type PollerSettings,
} from '../../src/model/poller';
import { FakeFlora } from '../fake-flora';
import { ManualTimers, pollerOn, POLL_SETTINGS, useFakeFlora } from './helpers';

const env = useFakeFlora({ settle: true });
let fake: FakeFlora;
let client: FloraClient;
beforeEach(() => ({ fake, client } = env));

const settings = POLL_SETTINGS;

function setup(overrides: Partial<PollerSettings> = {}) {
  return pollerOn(client, overrides);
}

/** Starts the poller and runs its first two ticks: the idle check that finds the work, then the first active tick. */
async function startFollowing(poller: Poller, timers: ManualTimers): Promise<void> {
  poller.start();
  await timers.runNext(poller, fake);
  await timers.runNext(poller, fake);
}

function generationRequests(): number {
  return fake.requestCount('GET /generations');
}

describe('Poller', () => {
  it('with nothing running, makes one light request per idle interval', async () => {
    const { timers, poller } = setup();
    poller.start();
    await timers.runNext(poller, fake);
    assert.equal(poller.state.state, 'idle');
    let elapsed = 0;
    while (elapsed < 10 * 60_000) elapsed += await timers.runNext(poller, fake);
    // 1 at start + one per minute for 10 minutes.
    assert.equal(generationRequests(), 11);
    assert.equal(fake.requestCount('GET /runs/:id'), 0);
    poller.dispose();
  });

  for (const count of [1, 10, 200]) {
    it(`follows ${count} running jobs with a constant number of requests per tick`, async () => {
      const prj = fake.projects()[0].project_id;
      fake.startGenerations(prj, count, { durationMs: 10 * 60_000 });
      const { timers, poller } = setup();
      poller.start();
      await timers.runNext(poller, fake); // idle check finds the work
      await timers.runNext(poller, fake); // first active tick
      assert.equal(poller.running.running.length, count);
      fake.resetCounts();
      const ticks = 20;
      for (let i = 0; i < ticks; i++) {
        const delay = await timers.runNext(poller, fake);
        assert.equal(delay, 3_000, 'active ticks follow the poll interval');
      }
      // One request per status, plus one per further 100 running; never one per job.
      const perTick = 2 + Math.floor((count - 1) / 100);
      assert.equal(generationRequests(), ticks * perTick);
      assert.equal(fake.requestCount('GET /runs/:id'), 0);
      poller.dispose();
    });
  }

  it('at 1,500 running jobs, keeps every tick within its bound and still updates every finished job', async () => {
    const prj = fake.projects()[0].project_id;
    const jobs = fake.startGenerations(prj, 1_500, { durationMs: 60_000, staggerMs: 20 });
    const { timers, poller, store, finished } = setup();
    // The tree (or last session's cache) already shows them all as running.
    const running = walkPages(
      (cursor) => client.listGenerations({ projectId: prj, status: 'running', limit: 100, cursor }),
      (g) => g.id,
    );
    for await (const page of running) store.applyGenerations(page.items);
    assert.equal(store.allGenerations().filter((g) => g.status === 'running').length, 1_500);
    poller.start();
    const perTick: number[] = [];
    const track = async () => {
      fake.resetCounts();
      await timers.runNext(poller, fake);
      perTick.push(fake.requestCount());
    };
    for (let i = 0; i < 6; i++) await track();
    assert.equal(fake.requestCount('GET /runs/:id'), 0, 'nothing is settled because it was beyond a page');
    fake.advance(60_000); // they finish one by one over the next 30 s
    let guard = 0;
    while (store.allGenerations().some((g) => g.status === 'running') && guard++ < 400) await track();
    assert.ok(
      perTick.every((n) => n <= MAX_REQUESTS_PER_ACTIVE_TICK),
      `requests per tick: ${perTick.join(',')}`,
    );
    // Each is announced once with its final state (the store keeps only what a view needs).
    const announced = new Map(finished.flat().map((g) => [g.id, g.status]));
    assert.equal(finished.flat().length, 1_500);
    for (const j of jobs) assert.equal(announced.get(j.generation_id), 'completed');
    poller.dispose();
  });

  it('settles more finished jobs than one tick may fetch at the active pace, not the idle one', async () => {
    const prj = fake.projects()[0].project_id;
    const jobs = fake.startGenerations(prj, 18, { durationMs: 10_000 });
    const { timers, poller, store } = setup();
    await store.ensureGenerations(prj);
    await startFollowing(poller, timers);
    assert.equal(poller.running.running.length, 18);
    fake.advance(60_000); // all 18 finish at once: more than one tick's GET /runs share
    const waits: number[] = [];
    let guard = 0;
    while (jobs.some((j) => store.generation(j.generation_id)?.status !== 'completed') && guard++ < 20)
      waits.push(await timers.runNext(poller, fake));
    assert.ok(
      jobs.every((j) => store.generation(j.generation_id)?.status === 'completed'),
      'every job settled',
    );
    const active = settings.activeIntervalMs();
    assert.ok(
      waits.every((w) => w <= active),
      `ticks waited ${waits.join(', ')} ms; the active interval is ${active} ms`,
    );
    poller.dispose();
  });

  it('fetches a finished job once and updates it within one tick', async () => {
    const prj = fake.projects()[0].project_id;
    const [job] = fake.startGenerations(prj, 1, { durationMs: 10_000 });
    const { timers, poller, store, finished } = setup();
    await store.ensureGenerations(prj);
    assert.equal(store.generation(job.generation_id)?.status, 'running');
    poller.start();
    await timers.runNext(poller, fake);
    assert.equal(poller.running.running.length, 1);
    let guard = 0;
    while (finished.length === 0 && guard++ < 10) await timers.runNext(poller, fake);
    assert.ok(guard <= 5, 'finished within the tick after its end');
    const done = store.generation(job.generation_id);
    assert.equal(done?.status, 'completed');
    assert.ok(done.outputs.length > 0, 'outputs arrived with the final run detail');
    assert.equal(finished[0][0].id, job.generation_id);
    assert.equal(fake.requestCount('GET /runs/:id'), 1);
    assert.equal(poller.running.running.length, 0);
    await timers.runNext(poller, fake);
    assert.equal(poller.state.state, 'idle');
    assert.equal(fake.requestCount('GET /runs/:id'), 1, 'no second fetch');
    poller.dispose();
  });

  it('settles jobs that finished before it watched them without announcing them', async () => {
    const prj = fake.projects()[0].project_id;
    const [job] = fake.startGenerations(prj, 1, { durationMs: 10_000 });
    const { timers, poller, store, finished } = setup();
    await store.ensureGenerations(prj);
    assert.equal(store.generation(job.generation_id)?.status, 'running');
    fake.advance(60_000); // it finishes while nobody polls (VS Code closed, say)
    poller.start();
    await timers.runNext(poller, fake);
    assert.equal(store.generation(job.generation_id)?.status, 'completed', 'the tree is corrected');
    assert.equal(fake.requestCount('GET /runs/:id'), 1);
    assert.deepEqual(finished, [], 'no notification for what finished unwatched');
    poller.dispose();
  });

  it('stops settling at the first rate limit instead of asking for every finished job', async () => {
    const prj = fake.projects()[0].project_id;
    fake.startGenerations(prj, 20, { durationMs: 10_000 });
    const { timers, poller } = setup();
    await startFollowing(poller, timers);
    assert.equal(poller.running.running.length, 20);
    fake.inject(
      'GET /runs/:id',
      { kind: 'status', status: 429, code: 'rate_limited', retryAfter: '60' },
      { times: Infinity },
    );
    fake.advance(20_000);
    await timers.runNext(poller, fake);
    assert.ok(fake.requestCount('GET /runs/:id') <= 2, `${fake.requestCount('GET /runs/:id')} run requests`);
    assert.equal(poller.state.state, 'backoff');
    assert.ok(timers.nextDelay()! >= 60_000);
    poller.dispose();
  });

  it('one run it cannot read does not stall the others, and is no longer shown as running', async () => {
    const prj = fake.projects()[0].project_id;
    const jobs = fake.startGenerations(prj, 2, { durationMs: 10_000 });
    const { timers, poller, store, finished } = setup();
    await startFollowing(poller, timers);
    fake.inject('GET /runs/:id', { kind: 'status', status: 400, code: 'input_validation_error' });
    fake.advance(20_000);
    await timers.runNext(poller, fake);
    assert.notEqual(poller.state.state, 'backoff');
    const statuses = jobs.map((j) => store.generation(j.generation_id)?.status).sort();
    assert.deepEqual(statuses, ['completed', 'unknown']);
    assert.equal(finished.flat().length, 1, 'the readable one is announced');
    await timers.runNext(poller, fake);
    assert.equal(poller.state.state, 'idle', 'nothing left that looks active');
    poller.dispose();
  });

  it('still announces a finished job when fetching its final state failed once', async () => {
    const prj = fake.projects()[0].project_id;
    const [job] = fake.startGenerations(prj, 1, { durationMs: 10_000, finalStatus: 'failed' });
    const { timers, poller, finished } = setup();
    await startFollowing(poller, timers);
    fake.inject('GET /runs/:id', { kind: 'status', status: 503, code: 'service_unavailable' });
    fake.advance(20_000);
    await timers.runNext(poller, fake);
    assert.equal(finished.length, 0);
    await timers.runNext(poller, fake);
    assert.deepEqual(
      finished.flat().map((g) => g.id),
      [job.generation_id],
    );
    poller.dispose();
  });

  it('drops the answer of a tick that a key change made obsolete', async () => {
    const prj = fake.projects()[0].project_id;
    fake.startGenerations(prj, 2, { durationMs: 3_600_000 });
    const { timers, poller } = setup();
    await startFollowing(poller, timers);
    // The old key's tick is answered 401 only after the key changed.
    fake.inject('GET /generations', { kind: 'delay', ms: 200 });
    const inFlight = timers.runNext(poller, fake);
    fake.inject('GET /generations', { kind: 'status', status: 401, code: 'invalid_api_key' }, { times: 1 });
    poller.restart();
    await inFlight;
    await poller.whenIdle();
    assert.notEqual(poller.state.state, 'stopped', 'the new key is not blamed for the old one');
    // And it goes on following the jobs with the new key.
    fake.resetCounts();
    await timers.runNext(poller, fake);
    assert.ok(fake.requestCount('GET /generations') > 0, 'the next tick asks FLORA again');
    assert.equal(poller.running.running.length, 2);
    poller.dispose();
  });

  it('forgets running jobs on stop (sign-out)', async () => {
    const prj = fake.projects()[0].project_id;
    fake.startGenerations(prj, 2, { durationMs: 3_600_000 });
    const { timers, poller } = setup();
    await startFollowing(poller, timers);
    assert.equal(poller.running.running.length, 2);
    poller.stop();
    assert.equal(poller.running.running.length, 0);
    assert.equal(timers.nextDelay(), undefined);
    poller.dispose();
  });

  it('honours Retry-After on 429, and backs off exponentially without it, up to 5 minutes', async () => {
    const { timers, poller } = setup();
    fake.inject('GET /generations', { kind: 'status', status: 429, code: 'rate_limited', retryAfter: '90' });
    poller.start();
    await timers.runNext(poller, fake);
    assert.equal(poller.state.state, 'backoff');
    assert.equal(timers.nextDelay(), 90_000);

    fake.inject(
      'GET /generations',
      { kind: 'status', status: 429, code: 'rate_limited' },
      { times: Infinity },
    );
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      await timers.runNext(poller, fake);
      delays.push(timers.nextDelay()!);
    }
    for (let i = 1; i < delays.length; i++) assert.ok(delays[i] >= delays[i - 1], `${delays.join(', ')}`);
    assert.equal(delays.at(-1), MAX_BACKOFF_MS);
    fake.clearFaults();
    await timers.runNext(poller, fake);
    assert.equal(poller.state.state, 'idle');
    assert.equal(timers.nextDelay(), 60_000, 'back to the normal interval after success');
    poller.dispose();
  });

  it('backs off on server and network errors the same way', async () => {
    const { timers, poller } = setup();
    fake.inject(
      'GET /generations',
      { kind: 'status', status: 503, code: 'service_unavailable' },
      { times: 2 },
    );
    poller.start();
    await timers.runNext(poller, fake);
    const first = timers.nextDelay()!;
    await timers.runNext(poller, fake);
    assert.ok(timers.nextDelay()! > first, 'the second wait is longer');
    assert.equal(poller.state.state, 'backoff');
    poller.dispose();
  });

  it('stops on 401 until restarted', async () => {
    const { timers, poller } = setup();
    fake.inject('GET /generations', { kind: 'status', status: 401, code: 'invalid_api_key' });
    poller.start();
    await timers.runNext(poller, fake);
    assert.equal(poller.state.state, 'stopped');
    assert.equal(timers.nextDelay(), undefined, 'no timer: no more requests');
    poller.restart();
    await timers.runNext(poller, fake);
    assert.equal(poller.state.state, 'idle');
    poller.dispose();
  });

  it('slows down while the window is unfocused and catches up on focus', async () => {
    const prj = fake.projects()[0].project_id;
    fake.startGenerations(prj, 3, { durationMs: 30 * 60_000 });
    const { timers, poller } = setup();
    await startFollowing(poller, timers);
    poller.setFocused(false);
    await timers.runNext(poller, fake);
    assert.equal(timers.nextDelay(), UNFOCUSED_ACTIVE_INTERVAL_MS);
    // Focus right after a tick: no extra request, just the focused pace again.
    poller.setFocused(true);
    assert.equal(timers.nextDelay(), 3_000);
    poller.setFocused(false);
    await timers.runNext(poller, fake);
    timers.idle(20_000);
    // Focus after 20 s unfocused: an immediate catch-up tick.
    poller.setFocused(true);
    assert.equal(timers.nextDelay(), 0, 'an immediate catch-up tick');
    await timers.runNext(poller, fake);
    assert.equal(timers.nextDelay(), 3_000);
    poller.dispose();
  });

  it('does nothing when auto-refresh is off', () => {
    const { timers, poller } = setup({ enabled: () => false });
    poller.start();
    assert.equal(timers.nextDelay(), undefined);
    assert.equal(poller.state.state, 'off');
    poller.dispose();
  });
});
