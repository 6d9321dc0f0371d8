// Requests per minute that following running jobs costs, for 0, 10 and 200 running jobs:
// the polling engine (one list request per status per tick) against the naive baseline a
// run-history view often ships (one GET /runs/{id} per running job per tick, plus the list),
// both measured in this run against the fake FLORA server over the same simulated 10 minutes.
// Request counts do not depend on machine speed, so these numbers are exact and repeatable.
// Then at scale (0 to 5,000 running jobs): requests per tick against the poller's stated bound
// (MAX_REQUESTS_PER_ACTIVE_TICK), ticks until every job was seen, and ticks until all finished
// ones are settled. The run fails (exit code 1) if any tick breaks the bound.
import type { FloraApi, FloraClient } from '../src/api/client';
import { walkPages } from '../src/api/pagination';
import {
  MAX_REQUESTS_PER_ACTIVE_TICK,
  MAX_RUN_FETCHES_PER_TICK,
  MAX_STATUS_PAGES,
  Poller,
  TECHNIQUE_CHECK_EVERY,
} from '../src/model/poller';
import { Store } from '../src/model/store';
import { FakeFlora } from '../test/fake-flora';
import { fakeClient, ManualTimers, pollerOn } from '../test/unit/helpers';
import { record, table } from './results';

const MINUTES = 10;
const INTERVAL_MS = 3_000;
const IDLE_MS = 60_000;

async function engine(fake: FakeFlora, client: FloraClient): Promise<number> {
  const timers = new ManualTimers();
  const store = new Store(client, { pageSize: () => 20 });
  const poller = new Poller({
    api: client,
    store,
    timers,
    settings: { enabled: () => true, activeIntervalMs: () => INTERVAL_MS, idleIntervalMs: () => IDLE_MS },
  });
  poller.start();
  fake.resetCounts();
  let elapsed = 0;
  while (elapsed < MINUTES * 60_000) elapsed += await timers.runNext(poller, fake);
  poller.dispose();
  return fake.requestCount() / MINUTES;
}

/** The baseline: every tick, list the newest page and fetch each running job's detail. */
async function naive(fake: FakeFlora, client: FloraClient): Promise<number> {
  fake.resetCounts();
  for (let t = 0; t < (MINUTES * 60_000) / INTERVAL_MS; t++) {
    const page = await client.listGenerations({ limit: 100 });
    const active = [...fake.generations({ status: 'running' }), ...fake.generations({ status: 'pending' })];
    void page;
    for (const g of active) await client.getRun(g.run_id);
    fake.advance(INTERVAL_MS);
  }
  return fake.requestCount() / MINUTES;
}

interface AtScale {
  running: number;
  /** Requests of each tick while the jobs run (the first is the idle check that finds them). */
  runningTicks: number[];
  /** Ticks until every running job had been returned by a status list at least once. */
  ticksUntilAllSeen: number;
  /** Requests of each tick after all of them finished, until the store shows none running. */
  finishingTicks: number[];
}

/**
 * `running` jobs that the tree already shows (the worst case: every one it shows is followed,
 * and once finished each needs its own GET /runs/{id}); ticks while they run, then after they
 * all finish at once, until the store shows none running.
 */
async function atScale(fake: FakeFlora, client: FloraClient, running: number): Promise<AtScale> {
  fake.reset();
  fake.advance(24 * 3600_000); // the dataset's own live items settle first
  const prj = fake.projects()[0].project_id;
  if (running) fake.startGenerations(prj, running, { durationMs: 3_600_000 });
  const timers = new ManualTimers();
  const store = new Store(client, { pageSize: () => 20 });
  const pages = walkPages(
    (cursor) => client.listGenerations({ projectId: prj, status: 'running', limit: 100, cursor }),
    (g) => g.id,
  );
  for await (const page of pages) store.applyGenerations(page.items);
  const seen = new Set<string>();
  const api: Pick<FloraApi, 'listGenerations' | 'listTechniqueRuns' | 'getRunOf'> = {
    listGenerations: async (query, options) => {
      const page = await client.listGenerations(query, options);
      if (query.status) for (const g of page.items) seen.add(g.id);
      return page;
    },
    listTechniqueRuns: (query, options) => client.listTechniqueRuns(query, options),
    getRunOf: (run, options) => client.getRunOf(run, options),
  };
  const poller = new Poller({
    api,
    store,
    timers,
    random: () => 1,
    settings: { enabled: () => true, activeIntervalMs: () => INTERVAL_MS, idleIntervalMs: () => IDLE_MS },
  });
  const tick = async (into: number[]) => {
    fake.resetCounts();
    await timers.runNext(poller, fake);
    into.push(fake.requestCount());
  };
  poller.start();
  const runningTicks: number[] = [];
  let ticksUntilAllSeen = 0;
  while (runningTicks.length < 12 || (seen.size < running && runningTicks.length < 100)) {
    await tick(runningTicks);
    if (seen.size >= running && !ticksUntilAllSeen) ticksUntilAllSeen = runningTicks.length;
  }
  fake.advance(3_600_000); // all finish
  const finishingTicks: number[] = [];
  const stillRunning = () =>
    store.allGenerations().some((g) => g.status === 'running' || g.status === 'pending');
  while (stillRunning() && finishingTicks.length < 1_000) await tick(finishingTicks);
  poller.dispose();
  return { running, runningTicks, ticksUntilAllSeen, finishingTicks };
}

/**
 * Requests a tick with technique runs: 1 running generation plus `runs` running technique runs,
 * over 12 active ticks: list requests (GET /generations + GET /technique-runs) and detail requests.
 */
async function withTechniqueRuns(
  fake: FakeFlora,
  client: FloraClient,
  runs: number,
): Promise<{ runs: number; lists: number[]; details: number }> {
  fake.reset();
  fake.advance(24 * 3600_000);
  const prj = fake.projects()[0].project_id;
  fake.startGenerations(prj, 1, { durationMs: 3_600_000 });
  const technique = { technique_id: 'tech_bench0001', name: 'Bench' };
  for (let i = 0; i < runs; i++)
    fake.addTechniqueRun({ project_id: prj, status: 'running', durationMs: 3_600_000, technique });
  // The unit tests' poller: 3 s active, 60 s idle (INTERVAL_MS, IDLE_MS), no jitter.
  const { timers, poller } = pollerOn(client);
  poller.start();
  await timers.runNext(poller, fake); // the idle check that finds the work
  const lists: number[] = [];
  let details = 0;
  for (let i = 0; i < 12; i++) {
    fake.resetCounts();
    await timers.runNext(poller, fake);
    lists.push(fake.requestCount('GET /generations') + fake.requestCount('GET /technique-runs'));
    details += fake.requestCount('GET /runs/:id') + fake.requestCount('GET /techniques/:id/runs/:runId');
  }
  poller.dispose();
  return { runs, lists, details };
}

async function main(): Promise<void> {
  const fake = await FakeFlora.start();
  const client = fakeClient(fake);
  const rows: [number, string, string, string][] = [];
  const scale: AtScale[] = [];
  const techniques: Array<{ runs: number; lists: number[]; details: number }> = [];
  try {
    for (const running of [0, 10, 200]) {
      const measure = async (f: typeof engine) => {
        fake.reset();
        fake.advance(24 * 3600_000); // the dataset's own live items settle first
        if (running) fake.startGenerations(fake.projects()[0].project_id, running, { durationMs: 3_600_000 });
        return f(fake, client);
      };
      const ours = await measure(engine);
      const base = await measure(naive);
      rows.push([running, ours.toFixed(1), base.toFixed(1), `${(base / ours).toFixed(1)}× fewer`]);
    }
    for (const running of [0, 10, 200, 1_000, 5_000]) scale.push(await atScale(fake, client, running));
    for (const runs of [0, 5, 50]) techniques.push(await withTechniqueRuns(fake, client, runs));
  } finally {
    await client.close();
    await fake.close();
  }
  const costTable = table(
    ['running jobs', 'this extension, req/min', 'naive per-job polling, req/min', 'ratio'],
    rows,
  );
  const max = (xs: number[]) => (xs.length ? Math.max(...xs) : 0);
  const scaleTable = table(
    [
      'running jobs',
      'requests a tick while they run (max)',
      'ticks until every job was seen',
      'requests a tick once they finish (max)',
      'ticks until all are settled',
      `bound (${MAX_STATUS_PAGES} pages × 4 + ${MAX_RUN_FETCHES_PER_TICK} GET /runs)`,
    ],
    scale.map((r) => [
      r.running.toLocaleString('en'),
      max(r.runningTicks),
      r.running ? r.ticksUntilAllSeen : '–',
      max(r.finishingTicks),
      r.finishingTicks.length,
      max([...r.runningTicks, ...r.finishingTicks]) <= MAX_REQUESTS_PER_ACTIVE_TICK
        ? `≤ ${MAX_REQUESTS_PER_ACTIVE_TICK}: held`
        : `≤ ${MAX_REQUESTS_PER_ACTIVE_TICK}: BROKEN`,
    ]),
  );
  const costTitle = `Polling cost over ${MINUTES} simulated minutes (poll ${INTERVAL_MS / 1000} s, idle ${IDLE_MS / 1000} s), requests per minute:`;
  const scaleTitle = `Polling at scale: jobs the tree already shows as running (the worst case), ticks of ${INTERVAL_MS / 1000} s. Then all finish at once; each then needs its own \`GET /runs/{id}\` (the status lists no longer show it), at most ${MAX_RUN_FETCHES_PER_TICK} a tick.`;
  const techniqueTable = table(
    [
      'running technique runs (+1 generation)',
      'list requests a tick (12 ticks)',
      'mean',
      'detail requests while they run',
    ],
    techniques.map((r) => [
      r.runs,
      r.lists.join(' '),
      (r.lists.reduce((a, b) => a + b, 0) / r.lists.length).toFixed(2),
      r.details,
    ]),
  );
  const techniqueTitle = `Requests a tick with technique runs: \`GET /generations\` and \`GET /technique-runs\`, running and pending each (the technique lists every ${TECHNIQUE_CHECK_EVERY}th tick while no technique run is active), whatever the number of jobs.`;
  const markdown = `${costTitle}\n\n${costTable}\n\n${scaleTitle}\n\n${scaleTable}\n\n${techniqueTitle}\n\n${techniqueTable}`;
  console.log(markdown);
  record(
    'polling',
    {
      minutes: MINUTES,
      intervalMs: INTERVAL_MS,
      requestsPerMinute: rows.map(([running, engine, naive]) => ({ running, engine, naive })),
      boundPerTick: MAX_REQUESTS_PER_ACTIVE_TICK,
      techniqueRuns: techniques,
      atScale: scale.map((r) => ({
        running: r.running,
        maxRequestsPerTickRunning: max(r.runningTicks),
        ticksUntilAllSeen: r.ticksUntilAllSeen,
        maxRequestsPerTickFinishing: max(r.finishingTicks),
        ticksUntilSettled: r.finishingTicks.length,
        requestsPerTickRunning: r.runningTicks,
      })),
    },
    markdown,
  );
  if (scale.some((r) => max([...r.runningTicks, ...r.finishingTicks]) > MAX_REQUESTS_PER_ACTIVE_TICK))
    process.exitCode = 1;
}

void main();
