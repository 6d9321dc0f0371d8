// The localisation check of `npm run check` (scripts/checkL10n.ts) on small inputs: it must report
// a user-facing literal that bypasses l10n, a contributed text that is not a %key%, and a stale
// bundle, and stay quiet when they are right. (`npm run check:l10n` runs it on the repository.)
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { checkBundle, checkContributions, extractBundle, findBypasses } from '../../scripts/checkL10n';

const texts = (source: string) => findBypasses('snippet.ts', source).map((f) => f.text);

describe('check:l10n — literals in source', () => {
  it('reports a bare notification text and its buttons, and accepts them through l10n.t', () => {
    assert.deepEqual(
      texts(`vscode.window.showInformationMessage('No FLORA generation is running.', 'Open');`),
      [`'No FLORA generation is running.'`, `'Open'`],
    );
    assert.deepEqual(
      texts(
        `vscode.window.showInformationMessage(vscode.l10n.t('No FLORA generation is running.'), vscode.l10n.t('Open'));`,
      ),
      [],
    );
  });

  it('reports concatenated sentences in templates, both branches of a choice, and assignments', () => {
    const found = texts(`
      item.tooltip = \`Workspace · \${id}\`;
      qp.placeholder = failed ? 'Search failed' : l10n.t('Type to search');
      const item = new vscode.TreeItem(loading ? 'Loading…' : name);
      progress.report({ message: \`\${n} loaded\` });
      md.appendText('Automatic updates are off.');
    `);
    assert.deepEqual(found, [
      '`Workspace · ${id}`',
      `'Search failed'`,
      `'Loading…'`,
      '`${n} loaded`',
      `'Automatic updates are off.'`,
    ]);
  });

  it('reports QuickPick items, InputBox options and what validateInput returns', () => {
    const found = texts(`
      await vscode.window.showQuickPick([{ label: 'Any status', description: 'current' }], { title: 'Filter', placeHolder: 'Pick one' });
      await vscode.window.showInputBox({
        prompt: 'Paste a key',
        validateInput: (v) => (v.length < 8 ? 'Too short.' : undefined),
      });
    `);
    assert.deepEqual(found, [
      `'Any status'`,
      `'current'`,
      `'Filter'`,
      `'Pick one'`,
      `'Paste a key'`,
      `'Too short.'`,
    ]);
  });

  it('accepts codicons, punctuation, placeholders, l10n.t in templates, and marked exceptions', () => {
    const found = texts(`
      item.text = '$(sync~spin)';
      md.appendMarkdown('**');
      item.description = \`\${count}+\`;
      item.label = \`$(organization) \${name}\`;
      md.appendMarkdown(\`\\n\\n_\${vscode.l10n.t('Click to pick a job.')}_\`);
      // l10n-ignore: the shape of a key
      const options = { placeHolder: 'sk_live_…' };
      md.appendMarkdown('**FLORA** — '); // l10n-ignore: the product name
      logger.info('Not user-facing: the log stays English.');
    `);
    assert.deepEqual(found, []);
  });

  it('reports an error message of the api layer that a user reads, unless it goes through l10n.t', () => {
    assert.deepEqual(texts(`throw new ConfigurationError(\`"\${url}" is not a valid URL.\`);`), [
      '`"${url}" is not a valid URL.`',
    ]);
    assert.deepEqual(texts(`throw new ConfigurationError(l10n.t('"{0}" is not a valid URL.', url));`), []);
  });
});

describe('check:l10n — package.json', () => {
  const pkg = (title: string) => ({
    displayName: '%displayName%',
    contributes: {
      commands: [{ command: 'flora.refresh', title, category: '%category%' }],
      configuration: { properties: { 'flora.notifyOn': { enumDescriptions: ['%notify.none%'] } } },
    },
  });
  const nls = {
    displayName: 'FLORA Generations',
    category: 'FLORA',
    title: 'Refresh',
    'notify.none': 'None.',
  };

  it('accepts texts that are all %key%s package.nls.json holds', () => {
    assert.deepEqual(checkContributions(pkg('%title%'), nls), []);
  });

  it('reports a literal title, a key package.nls.json lacks, and a key nothing uses', () => {
    assert.deepEqual(checkContributions(pkg('Refresh'), nls), [
      'package.json contributes.commands.0.title: "Refresh" is not a %key% (put the text in package.nls.json)',
      'package.nls.json: "title" is used by no contributed text',
    ]);
    const withoutTitle: Record<string, string> = { ...nls };
    delete withoutTitle.title;
    assert.deepEqual(checkContributions(pkg('%title%'), withoutTitle), [
      'package.json contributes.commands.0.title: %title% is missing from package.nls.json',
    ]);
  });
});

describe('check:l10n — the bundle', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  function project(bundle: unknown): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flora-l10n-'));
    dirs.push(root);
    fs.mkdirSync(path.join(root, 'src'));
    fs.writeFileSync(
      path.join(root, 'src', 'a.ts'),
      `import * as vscode from 'vscode';\nexport const a = () => vscode.l10n.t('Hello {0}', 'x');\n`,
    );
    fs.writeFileSync(
      path.join(root, 'src', 'b.ts'),
      `import * as l10n from '@vscode/l10n';\nexport const b = () => l10n.t('just now');\n`,
    );
    if (bundle !== undefined) {
      fs.mkdirSync(path.join(root, 'l10n'));
      fs.writeFileSync(path.join(root, 'l10n', 'bundle.l10n.json'), JSON.stringify(bundle, undefined, 2));
    }
    return root;
  }

  it('extracts the strings of vscode.l10n.t and of @vscode/l10n', async () => {
    assert.deepEqual(await extractBundle(project(undefined), ['src']), {
      'Hello {0}': 'Hello {0}',
      'just now': 'just now',
    });
  });

  it('reports a bundle that lacks a new string or keeps a removed one, and accepts a current one', async () => {
    const stale = await checkBundle(project({ 'Hello {0}': 'Hello {0}', Goodbye: 'Goodbye' }), ['src']);
    assert.deepEqual(stale, [
      'l10n/bundle.l10n.json lacks "just now"',
      'l10n/bundle.l10n.json holds "Goodbye", which no l10n.t call uses any more',
      'l10n/bundle.l10n.json is stale: run npm run l10n',
    ]);
    assert.deepEqual(
      await checkBundle(project({ 'just now': 'just now', 'Hello {0}': 'Hello {0}' }), ['src']),
      [],
    );
    assert.deepEqual(await checkBundle(project(undefined), ['src']), [
      'l10n/bundle.l10n.json is missing: run npm run l10n',
    ]);
  });
});
