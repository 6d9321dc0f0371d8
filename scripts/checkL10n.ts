// `npm run check:l10n` (part of `npm run check`, so of `npm test`): fails when a user-facing text
// bypasses localisation or the bundle is stale. Three checks:
//  1. package.json: every contributed user-facing string (CONTRIBUTED_TEXTS) is a `%key%` whose key
//     package.nls.json holds, and package.nls.json holds no key nothing uses;
//  2. l10n/bundle.l10n.json holds exactly what `npm run l10n` extracts from src/ and media/ now;
//  3. src/ and media/: no string or template literal with words sits in a user-facing position
//     (USER_FACING_CALLS, USER_FACING_PROPERTIES, VALIDATION_PROPERTIES) outside an `l10n.t(…)`.
// A literal that must stay as it is (a product name, an example value) carries the marker
// `l10n-ignore` in a comment on its line or the line above, with the reason.
import { getL10nJson, type l10nJsonFormat } from '@vscode/l10n-dev';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

export const IGNORE_MARKER = 'l10n-ignore';

/** The folders `npm run l10n` extracts from (keep in step with its script in package.json). */
export const SOURCE_DIRS = ['src', 'media'];

/**
 * Calls whose arguments a user reads. `callee` is the called function's or class's own name (the
 * last part of `a.b.c`); `args` the argument positions that hold text ('all' for every argument).
 */
export const USER_FACING_CALLS: ReadonlyArray<{ callee: RegExp; args: number[] | 'all'; what: string }> = [
  { callee: /^show(Information|Warning|Error)Message$/, args: 'all', what: 'notification text and buttons' },
  { callee: /^setStatusBarMessage$/, args: [0], what: 'status bar message' },
  { callee: /^TreeItem$/, args: [0], what: 'tree item label' },
  { callee: /^MarkdownString$/, args: [0], what: 'tooltip or hover text' },
  { callee: /^append(Text|Markdown)$/, args: [0], what: 'tooltip or hover text' },
  { callee: /^MessageNode$/, args: [2, 3], what: 'message row of the tree' },
  { callee: /^createWebviewPanel$/, args: [1], what: 'editor tab title' },
  { callee: /^DocumentDropEdit$/, args: [1], what: 'drop edit title' },
  { callee: /^button$/, args: [0], what: 'webview button' },
  { callee: /^DownloadError$/, args: [1], what: 'download error shown in a notification' },
  {
    callee: /^(?!Download)[A-Z]\w*Error$/,
    args: [0],
    what: 'FLORA error message shown in the tree and notifications',
  },
];

/**
 * Properties a user reads, in object literals (`{ title: … }`, QuickPick items, progress reports,
 * webview elements) and in assignments (`item.tooltip = …`, `view.message = …`, `qp.placeholder = …`).
 */
export const USER_FACING_PROPERTIES: ReadonlySet<string> = new Set([
  'title',
  'prompt',
  'placeHolder',
  'placeholder',
  'label',
  'description',
  'detail',
  'tooltip',
  'message',
  'text',
  'textContent',
  'saveLabel',
  'openLabel',
  'alt',
  'aria-label',
]);

/** Properties holding a function whose returned strings a user reads (an InputBox's validation). */
export const VALIDATION_PROPERTIES: ReadonlySet<string> = new Set(['validateInput']);

/** package.json texts a user reads; `*` is every key of an object or every element of an array. */
export const CONTRIBUTED_TEXTS: readonly string[] = [
  'displayName',
  'description',
  'contributes.commands.*.title',
  'contributes.commands.*.shortTitle',
  'contributes.commands.*.category',
  'contributes.viewsContainers.*.*.title',
  'contributes.views.*.*.name',
  'contributes.views.*.*.contextualTitle',
  'contributes.viewsWelcome.*.contents',
  'contributes.submenus.*.label',
  'contributes.configuration.title',
  'contributes.configuration.properties.*.description',
  'contributes.configuration.properties.*.markdownDescription',
  'contributes.configuration.properties.*.deprecationMessage',
  'contributes.configuration.properties.*.markdownDeprecationMessage',
  'contributes.configuration.properties.*.enumDescriptions.*',
  'contributes.configuration.properties.*.markdownEnumDescriptions.*',
  'contributes.walkthroughs.*.title',
  'contributes.walkthroughs.*.description',
  'contributes.walkthroughs.*.steps.*.title',
  'contributes.walkthroughs.*.steps.*.description',
];

export interface Finding {
  file: string;
  line: number;
  text: string;
  why: string;
}

// ------------------------------------------------------------------ 3. literals in source

/** Whether a literal's text holds words: codicons (`$(sync~spin)`) and placeholders do not count. */
function hasWords(text: string): boolean {
  return /\p{L}/u.test(text.replace(/\$\([^)]*\)/g, '').replace(/\{\w+\}/g, ''));
}

function isL10nCall(node: ts.Node): boolean {
  const callee = ts.isCallExpression(node)
    ? node.expression
    : ts.isTaggedTemplateExpression(node)
      ? node.tag
      : undefined;
  return (
    !!callee &&
    ts.isPropertyAccessExpression(callee) &&
    callee.name.text === 't' &&
    ((ts.isIdentifier(callee.expression) && callee.expression.text === 'l10n') ||
      (ts.isPropertyAccessExpression(callee.expression) && callee.expression.name.text === 'l10n'))
  );
}

/** The literals with words that `expr` can evaluate to as it stands (through ?:, +, ??, || and arrays). */
function bareLiterals(expr: ts.Expression): ts.Node[] {
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) {
    return hasWords(expr.text) ? [expr] : [];
  }
  if (ts.isTemplateExpression(expr)) {
    const fixed = expr.head.text + expr.templateSpans.map((s) => s.literal.text).join('');
    return hasWords(fixed) ? [expr] : [];
  }
  if (ts.isConditionalExpression(expr))
    return [...bareLiterals(expr.whenTrue), ...bareLiterals(expr.whenFalse)];
  if (ts.isBinaryExpression(expr)) {
    const op = expr.operatorToken.kind;
    if (
      op === ts.SyntaxKind.PlusToken ||
      op === ts.SyntaxKind.QuestionQuestionToken ||
      op === ts.SyntaxKind.BarBarToken ||
      op === ts.SyntaxKind.AmpersandAmpersandToken
    ) {
      return [...bareLiterals(expr.left), ...bareLiterals(expr.right)];
    }
    return [];
  }
  if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isNonNullExpression(expr)) {
    return bareLiterals(expr.expression);
  }
  if (ts.isArrayLiteralExpression(expr)) {
    return expr.elements.flatMap((e) => bareLiterals(ts.isSpreadElement(e) ? e.expression : e));
  }
  // Calls (l10n.t above all), identifiers, property reads: not a literal written here.
  return [];
}

function calleeName(node: ts.CallExpression | ts.NewExpression): string | undefined {
  const e = node.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

function propertyName(name: ts.PropertyName | ts.MemberName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return undefined;
}

/** Every user-facing literal in one source file that does not go through `l10n.t`. */
export function findBypasses(file: string, text: string): Finding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lines = text.split('\n');
  const findings: Finding[] = [];
  const report = (nodes: ts.Node[], why: string) => {
    for (const n of nodes) {
      const line = source.getLineAndCharacterOfPosition(n.getStart(source)).line;
      if (lines[line]?.includes(IGNORE_MARKER) || lines[line - 1]?.includes(IGNORE_MARKER)) continue;
      findings.push({ file, line: line + 1, text: n.getText(source), why });
    }
  };
  const returnsOf = (fn: ts.Node): ts.Expression[] => {
    if (ts.isArrowFunction(fn) && !ts.isBlock(fn.body)) return [fn.body];
    const out: ts.Expression[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isReturnStatement(n) && n.expression) out.push(n.expression);
      // A nested function's returns are its own.
      if (!ts.isFunctionLike(n) || n === fn) ts.forEachChild(n, visit);
    };
    visit(fn);
    return out;
  };
  const visit = (node: ts.Node): void => {
    if (isL10nCall(node)) return; // what l10n.t is given is localised by definition
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const name = calleeName(node);
      const rule = name ? USER_FACING_CALLS.find((r) => r.callee.test(name)) : undefined;
      if (rule) {
        (node.arguments ?? []).forEach((arg, i) => {
          if (rule.args === 'all' || rule.args.includes(i))
            report(bareLiterals(arg), `${name}(): ${rule.what}`);
        });
      }
    } else if (ts.isPropertyAssignment(node)) {
      const name = propertyName(node.name);
      if (name && USER_FACING_PROPERTIES.has(name))
        report(bareLiterals(node.initializer), `property ${name}`);
      if (name && VALIDATION_PROPERTIES.has(name) && ts.isFunctionLike(node.initializer)) {
        for (const r of returnsOf(node.initializer)) report(bareLiterals(r), `${name} result`);
      }
    } else if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left)
    ) {
      const name = propertyName(node.left.name);
      if (name && USER_FACING_PROPERTIES.has(name)) report(bareLiterals(node.right), `.${name} =`);
    } else if (ts.isMethodDeclaration(node) || ts.isFunctionDeclaration(node)) {
      // `validateInput(v) { … }` written as a method.
      const name = node.name && propertyName(node.name);
      if (name && VALIDATION_PROPERTIES.has(name)) {
        for (const r of returnsOf(node)) report(bareLiterals(r), `${name} result`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

// ------------------------------------------------------------------ 1. package.json

function valuesAt(value: unknown, parts: string[], at: string): Array<{ at: string; value: unknown }> {
  if (parts.length === 0) return [{ at, value }];
  if (value === null || typeof value !== 'object') return [];
  const [head, ...rest] = parts;
  const entries: Array<[string, unknown]> =
    head === '*'
      ? Object.entries(value)
      : head in value
        ? [[head, (value as Record<string, unknown>)[head]]]
        : [];
  return entries.flatMap(([k, v]) => valuesAt(v, rest, at ? `${at}.${k}` : k));
}

/** package.json's user-facing texts must be `%key%`s that package.nls.json holds, and it no more. */
export function checkContributions(pkg: unknown, nls: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const used = new Set<string>();
  for (const pattern of CONTRIBUTED_TEXTS) {
    for (const { at, value } of valuesAt(pkg, pattern.split('.'), '')) {
      if (typeof value !== 'string') continue;
      const key = /^%(.+)%$/.exec(value)?.[1];
      if (!key) {
        problems.push(`package.json ${at}: "${value}" is not a %key% (put the text in package.nls.json)`);
      } else if (typeof nls[key] !== 'string') {
        problems.push(`package.json ${at}: %${key}% is missing from package.nls.json`);
      } else {
        used.add(key);
      }
    }
  }
  for (const key of Object.keys(nls)) {
    if (!used.has(key)) problems.push(`package.nls.json: "${key}" is used by no contributed text`);
  }
  return problems;
}

// ------------------------------------------------------------------ 2. the bundle

function sourceFiles(root: string, dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(full);
      } else if (/\.(ts|tsx|js|jsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        out.push(full);
      }
    }
  };
  for (const d of dirs) walk(path.join(root, d));
  return out.sort();
}

/** What `npm run l10n` would write now, from the sources under `root`. */
export async function extractBundle(
  root: string,
  dirs: readonly string[] = SOURCE_DIRS,
): Promise<l10nJsonFormat> {
  const files = sourceFiles(root, dirs).map((f) => ({
    extension: path.extname(f),
    contents: fs.readFileSync(f, 'utf8'),
  }));
  return getL10nJson(files);
}

/** Differences between the bundle on disk and a fresh extraction (key order aside). */
export async function checkBundle(root: string, dirs: readonly string[] = SOURCE_DIRS): Promise<string[]> {
  const file = path.join(root, 'l10n', 'bundle.l10n.json');
  const fresh = await extractBundle(root, dirs);
  if (!fs.existsSync(file)) return [`l10n/bundle.l10n.json is missing: run npm run l10n`];
  const onDisk = JSON.parse(fs.readFileSync(file, 'utf8')) as l10nJsonFormat;
  const problems: string[] = [];
  for (const [key, value] of Object.entries(fresh)) {
    if (!(key in onDisk)) problems.push(`l10n/bundle.l10n.json lacks "${key}"`);
    else if (JSON.stringify(onDisk[key]) !== JSON.stringify(value))
      problems.push(`l10n/bundle.l10n.json: "${key}" changed`);
  }
  for (const key of Object.keys(onDisk)) {
    if (!(key in fresh))
      problems.push(`l10n/bundle.l10n.json holds "${key}", which no l10n.t call uses any more`);
  }
  if (problems.length) problems.push('l10n/bundle.l10n.json is stale: run npm run l10n');
  return problems;
}

// ------------------------------------------------------------------ all three

export async function checkRepository(root: string): Promise<string[]> {
  const read = (f: string): unknown => JSON.parse(fs.readFileSync(path.join(root, f), 'utf8'));
  const problems = checkContributions(
    read('package.json'),
    read('package.nls.json') as Record<string, unknown>,
  );
  problems.push(...(await checkBundle(root)));
  for (const file of sourceFiles(root, SOURCE_DIRS)) {
    for (const f of findBypasses(path.relative(root, file), fs.readFileSync(file, 'utf8'))) {
      problems.push(
        `${f.file}:${f.line}: ${f.text.slice(0, 80)} (${f.why}) bypasses l10n: wrap it in l10n.t, or mark it // ${IGNORE_MARKER}: why`,
      );
    }
  }
  return problems;
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..');
  const problems = await checkRepository(root);
  for (const p of problems) console.error(p);
  if (problems.length) {
    console.error(`check:l10n: ${problems.length} problem(s).`);
    process.exit(1);
  }
  console.log('check:l10n: every user-facing text is localised and the bundle is current.');
}

if (require.main === module) void main();
