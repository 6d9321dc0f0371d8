// The model's event emitter: a listener that throws is logged by the emitter's owner, never
// swallowed, and the other listeners are still told.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Emitter } from '../../src/model/events';
import { MINUTE_MS, MinuteTicker } from '../../src/model/minuteTicker';
import { ManualTimers, MemoryLogger } from './helpers';

describe('Emitter', () => {
  it('hands a throwing listener’s exception to its owner and still tells the other listeners', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<number>((err) => errors.push(err));
    const seen: number[] = [];
    emitter.event(() => {
      throw new Error('a broken view');
    });
    emitter.event((n) => seen.push(n));
    emitter.fire(1);
    emitter.fire(2);
    assert.deepEqual(seen, [1, 2], 'the second listener was told both times');
    assert.deepEqual(
      errors.map((e) => (e as Error).message),
      ['a broken view', 'a broken view'],
    );
  });

  it('the minute ticker logs a listener that fails, and the times on screen still update', () => {
    const timers = new ManualTimers();
    const logger = new MemoryLogger();
    const ticker = new MinuteTicker({
      isActive: () => true,
      timers,
      onListenerError: (err) => logger.error(`Updating relative times failed: ${String(err)}`),
    });
    let rendered = 0;
    ticker.onDidTick(() => {
      throw new Error('the preview is gone');
    });
    ticker.onDidTick(() => rendered++);
    ticker.start();
    assert.equal(timers.fireNext(), MINUTE_MS);
    assert.equal(rendered, 1);
    assert.ok(
      logger.lines.some((l) => l.startsWith('error ') && l.includes('the preview is gone')),
      JSON.stringify(logger.lines),
    );
    ticker.dispose();
  });
});
