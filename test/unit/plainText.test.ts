// inertText: API text in notifications, progress titles, the status bar and QuickPicks must never
// become a link (VS Code runs `command:` links from notifications) or an icon, and must still read
// as what the API sent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inertText } from '../../src/model/plainText';

// What VS Code 1.100 parses, restated from its source so the tests ask VS Code's question:
// - src/vs/base/common/linkedText.ts: notification and progress messages become links here.
const NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
// - src/vs/base/common/iconLabels.ts + themables.ts: `$(name)` / `$(name~spin)` in status-bar text,
//   QuickPick labels, descriptions and details, and theme-icon Markdown; `\$(` is an escape.
const ICON = /(\\)?\$\(([a-z0-9-]+(?:~[a-z0-9-]+)?)\)/gi;
// - CommonMark / marked: `[x](y)` links and `<scheme:…>` autolinks, in case text ever reaches Markdown.
const MARKDOWN_LINK = /\]\(/;
const AUTOLINK = /<[a-z][a-z0-9+.-]{1,31}:[^\s<>]*>/i;

/**
 * The text as a person reads it: a word joiner (U+2060) is not seen and does not wrap the line.
 * Only it is removed here, so any other inserted character (even a zero-width space, where a
 * notification would wrap "$" and "(bug)" onto two lines) shows up as a difference.
 */
const seen = (text: string): string => text.replace(/\u2060/g, '');

function links(text: string): string[] {
  return [...text.matchAll(NOTIFICATION_LINK)].map((m) => m[2]);
}

function icons(text: string): string[] {
  return [...text.matchAll(ICON)].filter((m) => !m[1]).map((m) => m[2]);
}

function assertInert(raw: string): string {
  const out = inertText(raw);
  assert.deepEqual(links(out), [], `no notification link in ${JSON.stringify(out)}`);
  assert.deepEqual(icons(out), [], `no icon in ${JSON.stringify(out)}`);
  assert.doesNotMatch(out, MARKDOWN_LINK, `no Markdown link in ${JSON.stringify(out)}`);
  assert.doesNotMatch(out, AUTOLINK, `no autolink in ${JSON.stringify(out)}`);
  return out;
}

describe('inertText', () => {
  it('the planted strings are what VS Code would turn into links and icons (the test asks the right question)', () => {
    assert.deepEqual(links('[Run](command:flora.clearApiKey)'), ['command:flora.clearApiKey']);
    assert.deepEqual(links('see [docs](https://x.test/a "t")'), ['https://x.test/a']);
    assert.deepEqual(icons('$(bug) and $(loading~spin)'), ['bug', 'loading~spin']);
    assert.deepEqual(icons('\\$(bug)'), [], 'an escaped icon is shown as text');
    assert.match('<command:flora.clearApiKey>', AUTOLINK);
  });

  it('a command link stays readable and is no link', () => {
    const raw = '[Run](command:flora.clearApiKey)';
    assert.equal(seen(assertInert(raw)), raw);
  });

  it('command links with arguments, titles and other schemes (https, file) are no links', () => {
    for (const raw of [
      '[Sign out](command:flora.clearApiKey?%5B%22x%22%5D)',
      '[Open](command:workbench.action.terminal.new "Open a terminal")',
      "[Docs](https://evil.example/phish 'FLORA docs')",
      '[Key](file:///home/user/.ssh/id_rsa)',
      'Brand [Run](command:a) Studio [Run](COMMAND:b)',
    ]) {
      assert.equal(seen(assertInert(raw)), raw);
    }
  });

  it('nested and repeated brackets cannot rebuild a link', () => {
    for (const raw of [
      '[[Run](command:flora.clearApiKey)](command:flora.setApiKey)',
      '[a [b](command:x)]',
      '[Run]](command:x)',
      '[Run]((command:x))',
      '[x]\n(command:y)',
    ]) {
      const out = assertInert(raw);
      // Line breaks become spaces (a notification shows one line); everything else reads as sent.
      assert.equal(seen(out), raw.replace(/\n/g, ' '));
    }
  });

  it('autolinks are no links; bare command: text (never linkified by VS Code) is left alone', () => {
    const auto = '<command:flora.clearApiKey>';
    assert.equal(seen(assertInert(auto)), auto);
    const bare = 'see command:flora.clearApiKey';
    assert.equal(assertInert(bare), bare);
  });

  it('$(icon) syntax shows as text, also with modifiers and next to text', () => {
    for (const raw of ['$(bug)', 'Launch $(loading~spin)', 'x$(key)y', '$(error) $(warning)']) {
      assert.equal(seen(assertInert(raw)), raw);
    }
  });

  it('backticks, emphasis and HTML-ish text pass unchanged (nothing renders them here)', () => {
    for (const raw of ['`code` and **bold** _it_', '<b>bold</b> & "quotes"', '# not a heading']) {
      assert.equal(assertInert(raw), raw);
    }
  });

  it('ordinary names stay exactly as they are', () => {
    for (const raw of [
      'Brand Studio (v2)',
      'Launch [draft]',
      'Q3 campaign: $5 (approx.)',
      'flux-pro-1.1',
      'Ünïcödé – 日本語 🎨',
      'req_abc123 · HTTP 503',
      '127.0.0.1:4000 answered HTTP 503 Service Unavailable.',
    ]) {
      assert.equal(inertText(raw), raw);
    }
  });

  it('control and bidirectional-override characters cannot reorder or break the line', () => {
    const out = assertInert('evil\u202eexe.png\r\nnext\u0007');
    assert.equal(out, 'evilexe.png  next ');
  });

  it('applying it twice changes nothing more (safe to route text through it at every layer)', () => {
    for (const raw of ['[Run](command:x) $(bug) <command:y>', 'Brand Studio (v2)']) {
      assert.equal(inertText(inertText(raw)), inertText(raw));
    }
  });
});
