// Relative times on screen ("just now", "1m ago") move on by themselves: a tick at most once a
// minute while a view shows them, and what it re-renders comes from the store, not from FLORA.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MINUTE_MS, MinuteTicker } from '../../src/model/minuteTicker';
import { Store } from '../../src/model/store';
import { generationView } from '../../src/ui/preview/view';
import { ManualTimers, useFakeFlora } from './helpers';

describe('relative times', () => {
  const env = useFakeFlora({ settle: true });

  it('a minute later the shown time reads differently, and FLORA was not asked', async () => {
    const store = new Store(env.client, { pageSize: () => 20 });
    await store.ensureWorkspaces();
    const project = env.fake.generations()[0].project_id;
    await store.ensureGenerations(project);
    const g = store.generations(project)[0];
    assert.ok(g);

    // The wall clock: 10 s after the generation was created, moved by the manual timers.
    const timers = new ManualTimers();
    const wallNow = () => g.createdAt + 10_000 + timers.now();
    const shown: string[] = [];
    const render = () =>
      shown.push(
        generationView(store.generation(g.id)!, {
          modelName: (id) => store.modelName(id),
          projectName: (id) => store.project(id)?.name,
          now: wallNow(),
        }).summary,
      );
    const ticker = new MinuteTicker({
      isActive: () => true,
      timers,
      onListenerError: (err) => assert.fail(String(err)),
    });
    ticker.onDidTick(render);
    ticker.start();
    render();
    const requestsBefore = env.fake.requests().length;

    assert.equal(timers.nextDelay(), MINUTE_MS, 'the next tick is a minute away');
    timers.fireNext();
    timers.fireNext();
    assert.equal(shown.length, 3);
    assert.match(shown[0], /^just now\b/);
    assert.match(shown[1], /^1m ago\b/);
    assert.match(shown[2], /^2m ago\b/);
    assert.equal(env.fake.requests().length, requestsBefore, 'no request to FLORA for a tick');
    assert.equal(timers.pending, 1, 'one timer at a time');
    ticker.dispose();
    assert.equal(timers.pending, 0, 'no timer left after dispose');
    store.dispose();
  });

  it('ticks only while something is in view, at most once a minute, and catches up when shown', () => {
    const timers = new ManualTimers();
    let active = false;
    const ticks: number[] = [];
    const ticker = new MinuteTicker({
      isActive: () => active,
      timers,
      onListenerError: (err) => assert.fail(String(err)),
    });
    ticker.onDidTick(() => ticks.push(timers.now()));
    ticker.start();

    // Hidden: the minutes pass without a tick.
    timers.fireNext();
    timers.fireNext();
    assert.deepEqual(ticks, []);
    // Shown again: a tick at once (the times on screen are minutes old), then a minute later.
    active = true;
    ticker.poke();
    assert.deepEqual(ticks, [2 * MINUTE_MS]);
    // Shown and hidden again within the minute: no second tick so soon.
    timers.idle(30_000);
    ticker.poke();
    assert.deepEqual(ticks, [2 * MINUTE_MS]);
    assert.equal(timers.nextDelay(), 30_000);
    timers.fireNext();
    assert.deepEqual(ticks, [2 * MINUTE_MS, 3 * MINUTE_MS]);
    for (let i = 1; i < ticks.length; i++) assert.ok(ticks[i] - ticks[i - 1] >= MINUTE_MS);
    ticker.dispose();
  });
});
