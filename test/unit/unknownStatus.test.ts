// A status FLORA's enum does not have (cancelled, canceled, expired…) stays what it is: kept as
// `unknown` with the raw word, not followed as active, announced with its own name — never
// "completed".
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { FloraClient } from '../../src/api/client';
import { isActive, isFinished, isTerminal, type Generation } from '../../src/api/types';
import { finishNotice, groupedFinishNotice } from '../../src/model/format';
import { FakeFlora } from '../fake-flora';
import { pollerOn, useFakeFlora } from './helpers';

const RAW = ['cancelled', 'canceled', 'expired'];

const env = useFakeFlora({ settle: true });
let fake: FakeFlora;
let client: FloraClient;
beforeEach(() => ({ fake, client } = env));

function gen(over: Partial<Generation>): Generation {
  return {
    id: 'run_1',
    runId: 'run_1',
    workspaceId: 'ws_1',
    projectId: 'prj_1',
    status: 'completed',
    rawStatus: 'completed',
    progress: 100,
    createdAt: Date.UTC(2026, 6, 15),
    outputs: [],
    ...over,
  };
}

describe('an unknown status', () => {
  for (const raw of RAW) {
    it(`"${raw}" is kept as unknown with its word, in a page and in a run detail`, async () => {
      fake.inject('GET /generations', { kind: 'unknown-enum', status: raw });
      const page = await client.listGenerations({ limit: 5 });
      const odd = page.items.find((g) => g.rawStatus === raw);
      assert.ok(odd, 'the item is kept');
      assert.equal(odd.status, 'unknown');
      const id = fake.generations()[0].run_id;
      fake.inject('GET /runs/:id', { kind: 'unknown-enum', status: raw });
      const run = await client.getRun(id);
      assert.equal(run.status, 'unknown');
      assert.equal(run.rawStatus, raw);
    });
  }

  it('is finished (not followed, not running) but not known to be terminal', () => {
    assert.equal(isActive('unknown'), false);
    assert.equal(isFinished('unknown'), true);
    assert.equal(isTerminal('unknown'), false);
    for (const s of ['completed', 'failed'] as const) assert.ok(isFinished(s) && isTerminal(s));
    for (const s of ['pending', 'running'] as const) assert.ok(!isFinished(s) && isActive(s));
  });

  it('a followed job that ends "cancelled" stops being followed and is announced as cancelled', async () => {
    const prj = fake.projects()[0].project_id;
    const [job] = fake.startGenerations(prj, 1, { durationMs: 10_000 });
    const { timers, store, poller, finished } = pollerOn(client);
    await store.ensureGenerations(prj);
    poller.start();
    await timers.runNext(poller, fake);
    assert.equal(poller.running.running.length, 1);
    // From now on the run detail says "cancelled".
    fake.inject('GET /runs/:id', { kind: 'unknown-enum', status: 'cancelled' }, { times: Infinity });
    for (let i = 0; finished.length === 0 && i < 10; i++) await timers.runNext(poller, fake);
    const done = finished.flat().find((g) => g.id === job.generation_id);
    assert.ok(done, 'its end is reported');
    assert.equal(done.status, 'unknown');
    assert.equal(done.rawStatus, 'cancelled');
    assert.equal(poller.running.running.length, 0, 'no longer counted as running');
    const notice = finishNotice(done, { model: 'Flux', project: 'A1' }, 'failed');
    assert.ok(notice, 'announced even when only failures are');
    assert.match(notice.text, /cancelled/);
    assert.doesNotMatch(notice.text, /completed/);
    poller.dispose();
  });

  it('is announced with its own word, never as "completed"', () => {
    for (const raw of RAW) {
      const g = gen({ status: 'unknown', rawStatus: raw, progress: 40 });
      for (const mode of ['all', 'failed'] as const) {
        const notice = finishNotice(g, { model: 'Flux', project: 'Project A1' }, mode);
        assert.ok(notice, `${raw} is announced in mode ${mode}`);
        assert.equal(notice.text, `FLORA: Flux in Project A1 ended with status “${raw}”.`);
        assert.equal(notice.warning, true);
      }
    }
    const withReason = finishNotice(
      gen({ status: 'unknown', rawStatus: 'expired', errorMessage: 'Timed out in the queue.' }),
      { model: 'Flux' },
      'all',
    );
    assert.equal(withReason?.text, 'FLORA: Flux ended with status “expired”: Timed out in the queue.');
  });

  it('keeps the known wording for completed and failed, and the mode decides', () => {
    const ok = gen({});
    assert.equal(finishNotice(ok, { model: 'Flux' }, 'all')?.text, 'FLORA: Flux completed.');
    assert.equal(finishNotice(ok, { model: 'Flux' }, 'failed'), undefined);
    assert.equal(finishNotice(ok, { model: 'Flux' }, 'none'), undefined);
    const bad = gen({ status: 'failed', rawStatus: 'failed', errorMessage: 'Provider error.' });
    assert.deepEqual(finishNotice(bad, { model: 'Flux', project: 'B' }, 'failed'), {
      text: 'FLORA: Flux in B failed: Provider error.',
      warning: true,
    });
    // An odd word from the API is cut short and cannot spread over lines.
    const long = finishNotice(
      gen({ status: 'unknown', rawStatus: `x\n${'y'.repeat(200)}` }),
      { model: 'M' },
      'all',
    );
    assert.ok(long && long.text.length < 120 && !long.text.includes('\n'));
  });
});

describe('several finished at once', () => {
  it('names the statuses that are neither completed nor failed', () => {
    const all = [
      { status: 'completed', rawStatus: 'completed' },
      { status: 'failed', rawStatus: 'failed' },
      { status: 'unknown', rawStatus: 'cancelled' },
      { status: 'unknown', rawStatus: 'cancelled' },
    ] as const;
    assert.equal(groupedFinishNotice(all), 'FLORA: 4 generations finished (1 failed, 2 cancelled).');
    assert.equal(groupedFinishNotice([all[1], all[1]]), 'FLORA: 2 generations failed.');
    assert.equal(groupedFinishNotice([all[0], all[0]]), 'FLORA: 2 generations finished.');
  });
});
