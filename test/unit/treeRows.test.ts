// What each tree row reads (label, description, tooltip, icon, contextValue, click command),
// from the pure row builders tree.ts turns into TreeItems; and which rows read differently.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Generation, GenerationOutput } from '../../src/api/types';
import {
  generationRow,
  loadMoreRow,
  messageRow,
  outputRow,
  rowSignature,
  ShownRows,
  type RowModel,
  type TooltipPiece,
} from '../../src/model/rows';
import { HOSTILE_TEXT } from '../fake-flora/content';
import { T0, sampleGeneration as gen } from './fixtures';

const NOW = T0 + 5 * 60_000;
const names = { modelName: 'Flux Pro', projectName: 'Launch visuals' };

const out = (id: string, kind: GenerationOutput['kind'], url = `https://cdn.example/${id}.png`) => ({
  id,
  kind,
  rawType: `${kind}Url`,
  url,
});

/** The tooltip's API text (shown literally) and its own markdown, apart. */
function texts(row: RowModel): string[] {
  return (row.tooltip ?? []).flatMap((p: TooltipPiece) => ('text' in p ? [p.text] : []));
}
function markdown(row: RowModel): string {
  return (row.tooltip ?? []).map((p) => ('markdown' in p ? p.markdown : '«text»')).join('');
}

describe('generation rows', () => {
  it('a running generation: model name, time and progress, spinner, status in contextValue', () => {
    const row = generationRow('gen_1', gen({ status: 'running', progress: 42, cost: undefined }), names, NOW);
    assert.equal(row.label, 'Flux Pro');
    assert.equal(row.description, '5m ago · 42%');
    assert.deepEqual(row.icon, { id: 'loading~spin' });
    assert.equal(row.contextValue, 'generation status-running');
    assert.equal(row.collapsible, 'none');
    assert.equal(row.command?.command, 'flora.row.preview');
    assert.equal(row.accessibilityLabel, 'Flux Pro, Running, 5m ago · 42%');
  });

  it('a completed one with outputs expands, and offers its links only when they are http(s)', () => {
    const withLink = generationRow('gen_1', gen({ outputs: [out('o1', 'image')] }), names, NOW);
    assert.equal(withLink.collapsible, 'collapsed');
    assert.deepEqual(withLink.icon, { id: 'pass', color: 'testing.iconPassed' });
    assert.equal(withLink.contextValue, 'generation status-completed hasOutputs hasLinks');
    const noLink = generationRow(
      'gen_1',
      gen({ outputs: [out('o1', 'image', 'javascript:alert(1)'), out('t', 'text', 'hello')] }),
      names,
      NOW,
    );
    assert.equal(noLink.contextValue, 'generation status-completed hasOutputs');
  });

  it('the tooltip: name and status in bold, the facts the preview lists, and the error', () => {
    const row = generationRow(
      'gen_1',
      gen({ status: 'failed', errorMessage: HOSTILE_TEXT, errorCode: 'content_policy', cost: 0 }),
      names,
      NOW,
    );
    assert.deepEqual(row.icon, { id: 'error', color: 'testing.iconFailed' });
    assert.equal(row.description, '5m ago · failed');
    const t = texts(row);
    assert.deepEqual(t.slice(0, 2), ['Flux Pro', 'Failed']);
    for (const fact of ['flux-pro', '$0', '2026-07-15 12:00:00 UTC', '42 s', 'Launch visuals', 'run_1'])
      assert.ok(t.includes(fact), `${fact} in ${JSON.stringify(t)}`);
    // API text is never markdown: the hostile error message is a text piece, whole.
    assert.ok(t.includes(HOSTILE_TEXT));
    assert.ok(t.includes(' (content_policy)'));
    assert.doesNotMatch(markdown(row), /javascript|command:|\$\(/);
    assert.match(markdown(row), /\*\*Error:\*\*/);
  });

  it('an unknown status says FLORA’s word and never passes for completed', () => {
    const row = generationRow('gen_1', gen({ status: 'unknown', rawStatus: 'cancelled' }), names, NOW);
    assert.deepEqual(row.icon, { id: 'question' });
    assert.equal(row.description, '5m ago · cancelled · $0.04');
    assert.equal(texts(row)[1], 'Unknown status (cancelled)');
  });

  it('a generation no longer loaded shows its id and nothing else', () => {
    assert.deepEqual(generationRow('gen_gone', undefined, names, NOW), { label: 'gen_gone' });
  });
});

describe('output rows', () => {
  it('are named as the preview and the pickers name them, with host and kind', () => {
    const outputs = [out('a', 'image'), out('b', 'video', 'https://media.example/v.mp4'), out('c', 'image')];
    const rows = outputs.map((o) => outputRow(o.id, o, outputs));
    assert.deepEqual(
      rows.map((r) => r.label),
      ['Image 1', 'Video', 'Image 2'],
    );
    assert.equal(rows[1].description, 'media.example');
    assert.deepEqual(rows[1].icon, { id: 'device-camera-video' });
    assert.equal(rows[1].contextValue, 'output kind-video hasUrl');
    assert.equal(rows[1].command?.command, 'flora.row.openOutput');
    assert.deepEqual(rows[2].tooltip, [
      { markdown: '**Image 2** \n\n' },
      { text: 'https://cdn.example/c.png' },
    ]);
  });

  it('a text output shows its start; a link that is not http(s) says so', () => {
    const text = out('t', 'text', `${'word '.repeat(30)}end`);
    const bad = out('x', 'document', 'file:///etc/passwd');
    const rows = [text, bad].map((o) => outputRow(o.id, o, [text, bad]));
    assert.match(rows[0].label, /^Text: word word .*…$/);
    assert.equal(rows[0].description, undefined);
    assert.equal(rows[0].contextValue, 'output kind-text isText');
    assert.equal(rows[1].description, 'not a web link');
    assert.equal(rows[1].contextValue, 'output kind-document');
  });
});

describe('message and load-more rows', () => {
  it('an error row offers its way forward as description, click and tooltip', () => {
    const row = messageRow('error', 'FLORA rejected the API key — set a new one', 'bad key (HTTP 401)', {
      command: 'flora.setApiKey',
      title: 'Set API Key',
    });
    assert.deepEqual(row.icon, { id: 'error', color: 'problemsErrorIcon.foreground' });
    assert.equal(row.description, 'Set API Key');
    assert.deepEqual(row.command, { command: 'flora.setApiKey', title: 'Set API Key' });
    assert.equal(row.contextValue, 'message message-error');
    assert.deepEqual(row.tooltip, [
      { text: 'bad key (HTTP 401)' },
      { markdown: '\n\n_Click to set api key._' },
    ]);
    const stale = messageRow('stale', 'Showing earlier data: x', '');
    assert.deepEqual(stale.icon, { id: 'warning', color: 'problemsWarningIcon.foreground' });
    assert.equal(stale.command, undefined);
    assert.deepEqual(stale.tooltip, [{ text: 'Showing earlier data: x' }]);
  });

  it('"Load more…" turns into a spinner without a command while it loads', () => {
    const idle = loadMoreRow('project', { loading: false, ids: ['a', 'b'], totalEstimate: 40 });
    assert.equal(idle.label, 'Load more…');
    assert.equal(idle.description, '2 of about 40');
    assert.equal(idle.contextValue, 'loadMore loadMoreGenerations');
    assert.equal(idle.command?.command, 'flora.row.loadMore');
    const busy = loadMoreRow('workspace', { loading: true, ids: [] });
    assert.equal(busy.label, 'Loading…');
    assert.deepEqual(busy.icon, { id: 'loading~spin' });
    assert.equal(busy.command, undefined);
    assert.equal(busy.contextValue, 'loadMore');
  });
});

describe('which rows VS Code must be told about', () => {
  it('a row never shown, or reading differently, is; one reading the same is not', () => {
    const shown = new ShownRows();
    const g = gen({ status: 'running', progress: 10 });
    const sig = (x: Generation, now = NOW) => rowSignature(generationRow(x.id, x, names, now));
    assert.equal(
      shown.changed('gen:gen_1', [g], () => sig(g)),
      true,
      'never shown',
    );
    shown.remember('gen:gen_1', sig(g), [g]);
    let built = 0;
    const counting = (x: Generation) => () => (built++, sig(x));
    assert.equal(shown.changed('gen:gen_1', [g], counting(g)), false, 'same inputs');
    assert.equal(built, 0, 'same inputs: not even built');
    // A new object that reads the same (a poll answer with nothing new): built once, then known.
    const same = { ...g };
    assert.equal(shown.changed('gen:gen_1', [same], counting(same)), false);
    assert.equal(built, 1);
    assert.equal(shown.changed('gen:gen_1', [same], counting(same)), false);
    assert.equal(built, 1, 'its inputs were remembered');
    // A progress tick reads differently.
    const later = { ...g, progress: 11 };
    assert.equal(shown.changed('gen:gen_1', [later], counting(later)), true);
    // Rows without inputs (a message row) are always compared by what they read.
    const msg = messageRow('info', 'Hi', '');
    shown.remember('msg:root:info', rowSignature(msg));
    assert.equal(
      shown.changed('msg:root:info', undefined, () => rowSignature(msg)),
      false,
    );
    assert.equal(
      shown.changed('msg:root:info', undefined, () => rowSignature(messageRow('info', 'Bye', ''))),
      true,
    );
    assert.deepEqual(shown.ids(), ['gen:gen_1', 'msg:root:info']);
    shown.clear();
    assert.equal(
      shown.changed('gen:gen_1', [g], () => sig(g)),
      true,
      'forgotten: VS Code re-reads it',
    );
  });
});
