import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentIds } from '../../src/model/recentIds';

describe('RecentIds (the finish notifier remembers what it announced)', () => {
  it('stays within its capacity over a long session and still knows the recent ids', () => {
    const ids = new RecentIds(1_000);
    for (let i = 0; i < 9_600; i++) ids.add(`run_${i}`);
    assert.equal(ids.size, 1_000);
    assert.ok(ids.has('run_9599') && ids.has('run_8600'));
    assert.equal(ids.has('run_0'), false);
  });
});
