// VS Code resolves the extension's contributed texts from package.nls.json (the %key%s in
// package.json): the host shows the English texts, never a %key%.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './support';

interface Manifest {
  contributes: { commands: Array<{ command: string; title: string; category: string }> };
  displayName: string;
}

suite('localisation', () => {
  test('contributed titles are package.nls.json’s texts, not %keys%', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const nls = JSON.parse(
      new TextDecoder().decode(
        await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, 'package.nls.json')),
      ),
    ) as Record<string, string>;
    const manifest = ext.packageJSON as Manifest;
    assert.equal(manifest.displayName, nls.displayName);
    const refresh = manifest.contributes.commands.find((c) => c.command === 'flora.refresh');
    assert.deepEqual(
      { title: refresh?.title, category: refresh?.category },
      { title: nls['command.refresh.title'], category: nls['command.category'] },
    );
    assert.deepEqual(
      manifest.contributes.commands.filter((c) => /%/.test(c.title + c.category)),
      [],
      'every command title and category is resolved',
    );
  });
});
