import { after, before, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../../src/api/clock';
import { FloraClient, type FloraClientOptions } from '../../src/api/client';
import type { Logger } from '../../src/api/logger';
import type { Generation } from '../../src/api/types';
import { Poller, type PollerSettings, type Timers } from '../../src/model/poller';
import { Store } from '../../src/model/store';
import { FakeFlora } from '../fake-flora';

/** A clock whose sleeps return at once and are recorded, so retry schedules are checked without waiting. */
export class RecordingClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private time = Date.UTC(2026, 10, 28, 12, 0, 0)) {}
  now(): number {
    return this.time;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new Error('aborted'));
    this.sleeps.push(ms);
    this.time += ms;
    return Promise.resolve();
  }
}

export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  trace = (m: string) => void this.lines.push(`trace ${m}`);
  debug = (m: string) => void this.lines.push(`debug ${m}`);
  info = (m: string) => void this.lines.push(`info ${m}`);
  warn = (m: string) => void this.lines.push(`warn ${m}`);
  error = (m: string) => void this.lines.push(`error ${m}`);
}

/** Timers that only move when the test says so; each fired tick is awaited to completion. */
export class ManualTimers implements Timers {
  private t = 0;
  private seq = 0;
  private queue: Array<{ id: number; at: number; cb: () => void }> = [];
  now(): number {
    return this.t;
  }
  setTimeout(cb: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.queue.push({ id, at: this.t + ms, cb });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((q) => q.id !== handle);
  }
  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.queue.length;
  }
  /** Delay until the next timer, or undefined when none is set. */
  nextDelay(): number | undefined {
    if (!this.queue.length) return undefined;
    return Math.min(...this.queue.map((q) => q.at)) - this.t;
  }
  /** Lets time pass without any timer firing (none may be due within it). */
  idle(ms: number): void {
    const next = this.nextDelay();
    assert.ok(next === undefined || next > ms, 'a timer would fire meanwhile');
    this.t += ms;
  }
  /** Fires the next timer on its own (no poller to wait for) and returns how much time passed. */
  fireNext(): number {
    const next = [...this.queue].sort((a, b) => a.at - b.at)[0];
    assert.ok(next, 'a timer is set');
    const delay = next.at - this.t;
    this.queue = this.queue.filter((q) => q !== next);
    this.t = next.at;
    next.cb();
    return delay;
  }
  /** Fires the next timer (moving the fake server's clock alike) and waits for the tick it starts. */
  async runNext(poller: Poller, server: FakeFlora): Promise<number> {
    const next = [...this.queue].sort((a, b) => a.at - b.at)[0];
    assert.ok(next, 'a timer is set');
    const delay = next.at - this.t;
    this.queue = this.queue.filter((q) => q !== next);
    this.t = next.at;
    server.advance(delay);
    next.cb();
    await poller.whenIdle();
    return delay;
  }
}

/** A client of the fake server whose retry waits are recorded, not slept. */
export function fakeClient(fake: FakeFlora, options: Partial<FloraClientOptions> = {}): FloraClient {
  return new FloraClient({
    baseUrl: fake.baseUrl,
    apiKey: () => fake.apiKey,
    clock: new RecordingClock(),
    ...options,
  });
}

/**
 * One fake FLORA server and client for a test file: started once, reset before every test (and
 * with `settle`, its dataset's own live jobs finished first, so each test decides what runs).
 */
export function useFakeFlora(opts: { settle?: boolean } = {}): { fake: FakeFlora; client: FloraClient } {
  const env = {} as { fake: FakeFlora; client: FloraClient };
  before(async () => {
    env.fake = await FakeFlora.start();
    env.client = fakeClient(env.fake, { maxRetries: 0 });
  });
  after(async () => {
    await env.client.close();
    await env.fake.close();
  });
  beforeEach(() => {
    env.fake.reset();
    if (opts.settle) env.fake.advance(24 * 3600_000);
    env.fake.resetCounts();
  });
  return env;
}

/** The poller settings the unit tests use: 3 s active, 60 s idle, focused. */
export const POLL_SETTINGS: PollerSettings = {
  enabled: () => true,
  activeIntervalMs: () => 3_000,
  idleIntervalMs: () => 60_000,
};

/** A store and a poller on `client` with manual timers, no jitter, and every finish recorded. */
export function pollerOn(client: FloraClient, overrides: Partial<PollerSettings> = {}) {
  const timers = new ManualTimers();
  const store = new Store(client, { pageSize: () => 20 });
  const poller = new Poller({
    api: client,
    store,
    settings: { ...POLL_SETTINGS, ...overrides },
    timers,
    random: () => 1,
  });
  const finished: Generation[][] = [];
  poller.onDidFinish((g) => finished.push(g));
  return { timers, store, poller, finished };
}
