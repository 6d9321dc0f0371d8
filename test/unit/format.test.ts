// Hostile or odd values that pass the schema must never make a formatter throw or lie: times in
// any unit FLORA might use (or none that makes sense), costs and progress outside their range.
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { parseGeneration, parseRun, toMillis } from '../../src/api/schemas';
import {
  absoluteTime,
  cost,
  duration,
  relativeTime,
  relativeTimeKey,
  safeHttpUrl,
  snippet,
} from '../../src/model/format';

const T = Date.UTC(2026, 6, 15, 12, 0, 0);
const NOW = T + 3 * 3600_000;

function wireGeneration(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    generation_id: 'run_1',
    run_id: 'run_1',
    workspace_id: 'ws_1',
    project_id: 'prj_1',
    status: 'completed',
    progress: 100,
    created_at: T,
    ...over,
  };
}

describe('timestamps from FLORA', () => {
  it('reads seconds, milliseconds, microseconds and nanoseconds as the same instant', () => {
    for (const value of [T / 1000, T, T * 1000, T * 1_000_000]) {
      assert.equal(toMillis(value), T, `${value}`);
    }
  });

  it('reads ISO-8601 strings and numeric strings', () => {
    assert.equal(toMillis('2026-07-15T12:00:00Z'), T);
    assert.equal(toMillis('2026-07-15T14:00:00+02:00'), T);
    assert.equal(toMillis('2026-07-15T12:00:00.000Z'), T);
    assert.equal(toMillis(String(T / 1000)), T);
  });

  it('turns values far out of range, negative or meaningless into "unknown", never a crash', () => {
    for (const value of [1e20, 1e300, -1, -T, Number.NaN, Infinity, 0, 'yesterday', '', 'NaN', '1e400']) {
      assert.equal(toMillis(value), undefined, `${String(value)}`);
    }
  });

  it('keeps a generation whose times are out of range or ISO strings, with unknown times', () => {
    for (const created_at of [1e20, 1e300, -5, '2026-07-15T12:00:00Z', 'not a date']) {
      const parsed = parseGeneration(wireGeneration({ created_at, started_at: 1e300, completed_at: 'soon' }));
      assert.ok(parsed.ok, `kept with created_at ${String(created_at)}`);
      const g = parsed.value;
      assert.equal(g.startedAt, undefined);
      assert.equal(g.completedAt, undefined);
      // Whatever the item says, every formatter answers with text.
      for (const text of [
        relativeTime(g.createdAt, NOW),
        absoluteTime(g.createdAt),
        duration((g.completedAt ?? Number.NaN) - g.createdAt),
      ]) {
        assert.equal(typeof text, 'string');
        assert.ok(text.length > 0);
      }
    }
    const iso = parseGeneration(wireGeneration({ created_at: '2026-07-15T12:00:00Z' }));
    assert.ok(iso.ok && iso.value.createdAt === T);
    const run = parseRun({ run_id: 'run_1', status: 'running', progress: 50, created_at: T * 1_000_000 });
    assert.ok(run.ok && run.value.createdAt === T);
  });
});

describe('formatters are total', () => {
  const odd = [undefined, Number.NaN, Infinity, -Infinity, -1, 0, 1e300, -1e300, 8.64e15 + 1];

  it('an unknown time reads "unknown time", not a date in 1970 or a crash', () => {
    for (const t of [undefined, Number.NaN, Infinity, -Infinity, 0, -1, 1e300, -1e300]) {
      assert.equal(relativeTime(t, NOW), 'unknown time', `relativeTime(${String(t)})`);
      assert.equal(absoluteTime(t), 'unknown time', `absoluteTime(${String(t)})`);
    }
    assert.equal(relativeTime(T, NOW), '3h ago');
    assert.equal(absoluteTime(T), '2026-07-15 12:00:00 UTC');
  });

  it('an unknown or negative duration reads "unknown duration"', () => {
    for (const ms of odd) {
      if (ms === 0) continue;
      // A positive finite span reads as a duration, anything else as "unknown duration".
      if (ms !== undefined && ms > 0 && Number.isFinite(ms))
        assert.notEqual(duration(ms), 'unknown duration');
      else assert.equal(duration(ms), 'unknown duration', String(ms));
    }
    assert.equal(duration(Number.NaN), 'unknown duration');
    assert.equal(duration(-5), 'unknown duration');
    assert.equal(duration(undefined), 'unknown duration');
    assert.equal(duration(42_000), '42 s');
    assert.equal(duration(1e300).length > 0, true);
  });

  it('a cost that is not a number of dollars reads "unknown cost"', () => {
    for (const usd of [undefined, Number.NaN, Infinity, -Infinity]) assert.equal(cost(usd), 'unknown cost');
    assert.equal(cost(0.04), '$0.04');
    assert.equal(cost(0), '$0');
    assert.equal(cost(-0.5), '-$0.50');
    assert.doesNotThrow(() => cost(1e300));
    assert.doesNotThrow(() => cost(1e-300));
  });

  it('progress out of range is clamped to 0–100', () => {
    for (const [progress, expected] of [
      [150, 100],
      [-20, 0],
      [1e300, 100],
      [0.5, 50],
    ] as const) {
      const run = parseRun({ run_id: 'run_1', status: 'running', progress, created_at: T });
      assert.ok(run.ok);
      assert.equal(run.value.progress, expected, `progress ${progress}`);
    }
  });
});

describe('one generation from the wire', () => {
  it('carries every field its run has, read the same way as GET /runs/{id} reads it', () => {
    const wire = wireGeneration({
      status: 'failed',
      progress: 0.5,
      started_at: T / 1000 + 2,
      completed_at: T / 1000 + 60,
      charged_cost: 0.12,
      error_code: 'provider_error',
      error_message: 'The provider failed.',
      outputs: [{ output_id: 'out_1', type: 'imageUrl', url: 'https://cdn.example/1.png' }],
      poll_url: 'https://app.flora.ai/api/v1/runs/run_1',
      model: { model_id: 't2i-flux-2-pro' },
    });
    const generation = parseGeneration(wire);
    const run = parseRun(wire);
    assert.ok(generation.ok && run.ok);
    assert.deepEqual(generation.value, {
      ...run.value,
      id: 'run_1',
      workspaceId: 'ws_1',
      projectId: 'prj_1',
      modelId: 't2i-flux-2-pro',
      technique: undefined, // a generation, not a technique run
    });
    assert.equal(generation.value.pollUrl, 'https://app.flora.ai/api/v1/runs/run_1');
    assert.equal(generation.value.errorMessage, 'The provider failed.');
    assert.equal(generation.value.progress, 50);
  });
});

test('relativeTimeKey tells two times apart exactly when their relative text differs', () => {
  const now = Date.UTC(2026, 10, 30, 12);
  const diffs = [
    Number.NaN,
    -10 * 60_000,
    -4 * 60_000,
    0,
    44_999,
    45_000,
    59_999,
    60_000,
    119_999,
    120_000,
    3_599_999,
    3_600_000,
    86_399_999,
    86_400_000,
    6 * 86_400_000,
    7 * 86_400_000,
    29 * 86_400_000,
    30 * 86_400_000,
    364 * 86_400_000,
    365 * 86_400_000,
    40 * 365 * 86_400_000,
  ];
  for (let d = 0; d < 3 * 86_400_000; d += 7_919) diffs.push(d);
  const seen = new Map<number, string>();
  const byText = new Map<string, number>();
  for (const diff of diffs) {
    const time = Number.isNaN(diff) ? undefined : now - diff;
    const key = relativeTimeKey(time, now);
    const text = relativeTime(time, now);
    assert.equal(seen.get(key) ?? text, text, `key ${key} for "${seen.get(key)}" and "${text}"`);
    assert.equal(byText.get(text) ?? key, key, `text "${text}" under keys ${byText.get(text)} and ${key}`);
    seen.set(key, text);
    byText.set(text, key);
  }
  assert.ok(seen.size > 50, 'the sweep covers many texts');
});

test('relative times read as before at every boundary', () => {
  const now = Date.UTC(2026, 10, 30, 12);
  const at = (diff: number) => relativeTime(now - diff, now);
  const DAY = 86_400_000;
  assert.deepEqual(
    [
      at(-6 * 60_000),
      at(-4 * 60_000),
      at(44_999),
      at(45_000),
      at(119_999),
      at(120_000),
      at(3_599_999),
      at(3_600_000),
      at(DAY - 1),
      at(DAY),
      at(7 * DAY),
      at(30 * DAY),
      at(365 * DAY),
      relativeTime(undefined, now),
    ],
    [
      'in the future',
      'just now',
      'just now',
      '1m ago',
      '1m ago',
      '2m ago',
      '59m ago',
      '1h ago',
      '23h ago',
      '1d ago',
      '1w ago',
      '1mo ago',
      '1y ago',
      'unknown time',
    ],
  );
});

describe('formatters read as a user expects', () => {
  const now = Date.UTC(2026, 6, 15, 12, 0, 0);
  const ago = (ms: number) => relativeTime(now - ms, now);

  it('relative times pick the largest whole unit', () => {
    assert.equal(ago(10_000), 'just now');
    assert.equal(ago(50_000), '1m ago');
    assert.equal(ago(5 * 60_000 + 59_000), '5m ago');
    assert.equal(ago(3 * 3_600_000), '3h ago');
    assert.equal(ago(2 * 86_400_000), '2d ago');
    assert.equal(ago(14 * 86_400_000), '2w ago');
    assert.equal(ago(60 * 86_400_000), '2mo ago');
    assert.equal(ago(800 * 86_400_000), '2y ago');
    assert.equal(relativeTime(now + 60_000, now), 'just now', 'a little clock skew');
    assert.equal(relativeTime(now + 3_600_000, now), 'in the future');
  });

  it('equal keys mean equal text, and a new text means a new key', () => {
    let prevKey: number | undefined;
    let prevText: string | undefined;
    for (let ms = 0; ms < 3 * 3_600_000; ms += 15_000) {
      const key = relativeTimeKey(now - ms, now);
      const text = ago(ms);
      if (prevKey !== undefined) assert.equal(key === prevKey, text === prevText, `${ms} ms: ${text}`);
      prevKey = key;
      prevText = text;
    }
  });

  it('durations in the two largest units that matter', () => {
    assert.equal(duration(850), '850 ms');
    assert.equal(duration(42_400), '42 s');
    assert.equal(duration(185_000), '3 min 5 s');
    assert.equal(duration(180_000), '3 min');
    assert.equal(duration(2 * 3_600_000 + 4 * 60_000), '2 h 4 min');
    assert.equal(duration(2 * 3_600_000), '2 h');
  });

  it('costs keep sub-cent digits', () => {
    assert.equal(cost(1.2), '$1.20');
    assert.equal(cost(0.0035), '$0.0035');
    assert.equal(cost(0.00001), '< $0.0001');
  });

  it('snippets flatten white space and end in an ellipsis when cut', () => {
    assert.equal(snippet('  a\n\n b\tc ', 10), 'a b c');
    assert.equal(snippet('abcdefghij', 5), 'abcd…');
    assert.equal(snippet('abcde', 5), 'abcde');
  });

  it('only http(s) links are links', () => {
    assert.equal(safeHttpUrl('https://cdn.example/a.png')?.hostname, 'cdn.example');
    assert.ok(safeHttpUrl('http://127.0.0.1:8080/x'));
    for (const bad of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'data:text/html,x',
      'command:flora.refresh',
      'not a url',
    ])
      assert.equal(safeHttpUrl(bad), undefined, bad);
  });
});
