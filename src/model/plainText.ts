/**
 * Text from FLORA or the network (names, model ids, error messages, reason phrases, URLs) shown in
 * places where VS Code renders a little markup inside a plain string:
 * - notification messages and progress titles/messages (`ProgressLocation.Notification`) turn
 *   `[label](https://…|command:…|file:…)` into links, and run `command:` links when clicked
 *   (vs/base/common/linkedText.ts; the notification opens them with commands allowed);
 * - status-bar text, `setStatusBarMessage`, QuickPick labels, descriptions and details, and
 *   MarkdownStrings with `supportThemeIcons` turn `$(name)` into icons (vs/base/common/iconLabels.ts).
 * Nothing else is rendered there: emphasis, backticks and HTML show as typed.
 *
 * The text must read as the API sent it, so nothing is replaced: a word joiner (U+2060, invisible
 * and, unlike a zero-width space, no place to wrap the line) goes between `]` and `(`, between `$`
 * and `(`, and after a `<` that starts an autolink (`<command:…>`, which only Markdown renders).
 * Neither VS Code's parsers nor Markdown see a link or an icon any more, and a person sees the
 * same characters on the same line. Line breaks and other control characters become spaces
 * (a notification is one line anyway); bidirectional overrides, which could make a name read
 * backwards, are dropped. Idempotent, so text may pass through it more than once.
 *
 * Not for Markdown: a MarkdownString takes API text through `appendText` (which escapes Markdown;
 * with `supportThemeIcons` set first, icons too).
 */
const WORD_JOINER = '\u2060';

export function inertText(text: string): string {
  return String(text)
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/[\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\]\(/g, `]${WORD_JOINER}(`)
    .replace(/\$\(/g, `$${WORD_JOINER}(`)
    .replace(/<(?=[a-z][a-z0-9+.-]*:)/gi, `<${WORD_JOINER}`);
}
