// The session (src/model/session.ts) without VS Code: the key comes from a test's source, the
// snapshot goes to memory, timers are manual, the store and poller are real on the fake FLORA.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isFloraError } from '../../src/api/errors';
import {
  accountFingerprint,
  Session,
  SNAPSHOT_THROTTLE_MS,
  type SnapshotStorage,
} from '../../src/model/session';
import type { StoreSnapshot } from '../../src/model/store';
import { fakeClient, ManualTimers, MemoryLogger, pollerOn, useFakeFlora } from './helpers';

const env = useFakeFlora({ settle: true });
const BASE = 'https://flora.test/api/v1';

/** The snapshot file as the session sees it: what is on "disk", and every write and delete in order. */
class MemorySnapshots implements SnapshotStorage {
  saved: { account: string; snapshot: StoreSnapshot } | undefined;
  readonly ops: string[] = [];
  load(account: string): Promise<StoreSnapshot | undefined> {
    return Promise.resolve(this.saved?.account === account ? this.saved.snapshot : undefined);
  }
  save(account: string, snapshot: StoreSnapshot): Promise<void> {
    this.ops.push(`save ${account}`);
    this.saved = { account, snapshot: structuredClone(snapshot) };
    return Promise.resolve();
  }
  delete(): Promise<void> {
    this.ops.push('delete');
    this.saved = undefined;
    return Promise.resolve();
  }
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A session on a real store and poller; `key` is what SecretStorage would answer now. */
function setup(
  opts: { key?: () => Promise<string | undefined>; setHasKey?: (has: boolean) => Promise<void> } = {},
) {
  const { store, poller, timers: pollTimers } = pollerOn(env.client);
  const timers = new ManualTimers();
  const snapshots = new MemorySnapshots();
  const logger = new MemoryLogger();
  const keys = { current: 'sk_live_one' as string | undefined };
  const told: boolean[] = [];
  const session = new Session({
    key: opts.key ?? (() => Promise.resolve(keys.current)),
    baseUrl: () => BASE,
    store,
    poller,
    snapshots,
    probe: (key) => fakeClient(env.fake, { apiKey: () => key, maxRetries: 0 }),
    setHasKey: async (has) => {
      told.push(has);
      await opts.setHasKey?.(has);
    },
    timers,
    logger,
  });
  return { session, store, poller, pollTimers, timers, snapshots, logger, keys, told };
}

/** Fires every snapshot timer due within the throttle period from now; returns how many fired. */
function runThrottlePeriod(timers: ManualTimers): number {
  const end = timers.now() + SNAPSHOT_THROTTLE_MS;
  let fired = 0;
  for (let d = timers.nextDelay(); d !== undefined && timers.now() + d <= end; d = timers.nextDelay()) {
    timers.fireNext();
    fired++;
  }
  return fired;
}

describe('Session', () => {
  it('starts signed in: VS Code is told, polling is scheduled, the tree loads', async () => {
    const { session, store, poller, pollTimers, told } = setup();
    session.start();
    await session.whenIdle();
    assert.equal(session.hasKey, true);
    assert.deepEqual(told, [true], 'the welcome view is hidden');
    assert.equal(pollTimers.pending, 1, 'a poll is scheduled');
    await store.ensureWorkspaces();
    assert.ok(store.visibleWorkspaces().length > 0);
    poller.dispose();
    session.dispose();
  });

  it('handles key changes one at a time, in order: a sign-out during a slow start ends signed out', async () => {
    const slowFirst = deferred<string | undefined>();
    const answers = [slowFirst.promise, Promise.resolve(undefined)];
    const { session, poller, pollTimers, told } = setup({ key: () => answers.shift()! });
    session.start(); // reads the key from SecretStorage: slow
    session.keyChanged(); // meanwhile the user signs out
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(told, [], 'nothing is decided before the first read answers');
    slowFirst.resolve('sk_live_one');
    await session.whenIdle();
    assert.deepEqual(told, [true, false], 'the sign-out is applied after the start, not before');
    assert.equal(session.hasKey, false, 'the welcome view shows');
    assert.equal(poller.state.state, 'off');
    assert.equal(pollTimers.pending, 0, 'no poll is scheduled');
    poller.dispose();
    session.dispose();
  });

  it('the same key at the same API again (SecretStorage reports our own write) reloads nothing', async () => {
    const { session, store, poller, told } = setup();
    session.start();
    await session.whenIdle();
    await store.ensureWorkspaces();
    session.keyChanged();
    await session.whenIdle();
    assert.deepEqual(told, [true]);
    assert.equal(store.workspaceList().loaded, true, 'the tree keeps what it shows');
    poller.dispose();
    session.dispose();
  });

  it('a burst of store changes writes one snapshot per throttle period, of the account signed in', async () => {
    const { session, store, poller, timers, snapshots } = setup();
    session.start();
    await session.whenIdle();
    // Workspaces, then every project list: many change events within one period.
    await store.ensureWorkspaces();
    for (const w of store.visibleWorkspaces()) await store.ensureProjects(w.id);
    assert.deepEqual(snapshots.ops, [], 'nothing written before the period ends');
    runThrottlePeriod(timers);
    const account = accountFingerprint(BASE, 'sk_live_one');
    assert.deepEqual(snapshots.ops, [`save ${account}`]);
    assert.deepEqual(
      snapshots.saved?.snapshot.workspaces.map((w) => w.id),
      store.visibleWorkspaces().map((w) => w.id),
    );
    // Another burst: one more write, a period later.
    const ws = store.visibleWorkspaces()[0].id;
    await store.refreshProjects(ws);
    await store.refreshProjects(ws);
    runThrottlePeriod(timers);
    assert.deepEqual(snapshots.ops, [`save ${account}`, `save ${account}`]);
    poller.dispose();
    session.dispose();
  });

  it('restores the last session of this account at once on start, and not another account’s', async () => {
    const first = setup();
    first.session.start();
    await first.session.whenIdle();
    await first.store.ensureWorkspaces();
    await first.session.saveSnapshotNow();
    const names = first.store.visibleWorkspaces().map((w) => w.name);
    first.poller.dispose();
    first.session.dispose();

    // The next start, same account: the tree shows the saved workspaces before FLORA answers.
    const again = setup();
    again.snapshots.saved = first.snapshots.saved;
    again.session.start();
    await again.session.whenIdle();
    assert.deepEqual(
      again.store.visibleWorkspaces().map((w) => w.name),
      names,
    );
    assert.equal(again.store.workspaceList().stale, true, 'marked stale until the refresh confirms it');
    again.poller.dispose();
    again.session.dispose();

    // Another key: nothing of the first account is shown.
    const other = setup();
    other.keys.current = 'sk_live_two';
    other.snapshots.saved = first.snapshots.saved;
    other.session.start();
    await other.session.whenIdle();
    assert.equal(other.store.workspaceList().loaded, false);
    other.poller.dispose();
    other.session.dispose();
  });

  it('a key change deletes the old account’s snapshot and drops a write due meanwhile', async () => {
    const gate = deferred<void>();
    let hold = false;
    const { session, store, poller, timers, snapshots, keys } = setup({
      setHasKey: () => (hold ? gate.promise : Promise.resolve()),
    });
    session.start();
    await session.whenIdle();
    await store.ensureWorkspaces();
    await session.saveSnapshotNow();
    assert.ok(snapshots.saved, 'the first account’s tree is on disk');

    hold = true;
    keys.current = 'sk_live_two';
    session.keyChanged();
    // While VS Code is told (the store still holds the old account's tree), a poll changes it
    // and the throttle period ends.
    await new Promise((r) => setImmediate(r));
    await store.refreshProjects(store.visibleWorkspaces()[0].id);
    runThrottlePeriod(timers);
    gate.resolve();
    await session.whenIdle();
    runThrottlePeriod(timers);
    assert.equal(
      snapshots.saved,
      undefined,
      `nothing of the old account is left: ${snapshots.ops.join(', ')}`,
    );
    assert.equal(snapshots.ops.at(-1), 'delete');
    poller.dispose();
    session.dispose();
  });

  it('checks a candidate key with FLORA: a wrong one is rejected, the right one accepted', async () => {
    const { session, poller } = setup();
    await assert.rejects(
      session.checkKey('sk_live_wrong'),
      (err) => isFloraError(err) && err.kind === 'authentication',
    );
    await session.checkKey(env.fake.apiKey);
    poller.dispose();
    session.dispose();
  });
});
