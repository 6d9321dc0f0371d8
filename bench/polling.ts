// Requests per minute that following running jobs costs, for 0, 10 and 200 running jobs:
// the polling engine (one list request per status per tick) against the naive baseline a
// run-history view often ships (one GET /runs/{id} per running job per tick, plus the list),
// both measured in this run against the fake FLORA server over the same simulated 10 minutes.
// Request counts do not depend on machine speed, so these numbers are exact and repeatable.
import type { FloraClient } from '../src/api/client';
import { Poller } from '../src/model/poller';
import { Store } from '../src/model/store';
import { FakeFlora } from '../test/fake-flora';
import { fakeClient, ManualTimers } from '../test/unit/helpers';

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

async function main(): Promise<void> {
  const fake = await FakeFlora.start();
  const client = fakeClient(fake);
  const rows: string[] = [];
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
      rows.push(
        `| ${running} | ${ours.toFixed(1)} | ${base.toFixed(1)} | ${(base / ours).toFixed(1)}× fewer |`,
      );
    }
  } finally {
    await client.close();
    await fake.close();
  }
  console.log(
    `Polling cost over ${MINUTES} simulated minutes (poll ${INTERVAL_MS / 1000} s, idle ${IDLE_MS / 1000} s)`,
  );
  console.log('| running jobs | engine req/min | naive per-job polling req/min | ratio |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(r);
}

void main();
