// Restricted Mode: the runner launches this suite with workspace trust on and the folder untrusted.
// The extension runs no workspace content, so it declares full support: the tree loads, a preview
// opens, and Save Output still asks where to write before it writes anything.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FloraExtensionApi } from '../../src/extension';
import type { SaveResult } from '../../src/ui/preview/save';
import type { Generation } from '../fake-flora/types';
import {
  answerQuickPick,
  EXTENSION_ID,
  fake,
  floraApi,
  freshStart,
  row,
  rows,
  waitFor,
  type FakeState,
  type Row,
} from './support';

let api: FloraExtensionApi;
let state: FakeState;

/** The newest completed generation whose first output is an image, and its tree row. */
async function imageGeneration(): Promise<{ g: Generation; r: Row }> {
  const g = [...state.generations]
    .sort((a, b) => b.created_at - a.created_at)
    .find((x) => x.status === 'completed' && x.outputs?.[0]?.type === 'imageUrl');
  assert.ok(g, 'the dataset has a completed image generation');
  const project = state.projects.find((p) => p.project_id === g.project_id)!;
  const workspace = state.workspaces.find((w) => w.workspace_id === project.workspace_id)!;
  const prj = await row(api, project.name, (await row(api, workspace.name)).node);
  await api.store.ensureGenerations(project.project_id);
  const r = await waitFor('the generation row', async () =>
    (await rows(api, prj.node)).find((x) => x.node.id === `gen:${g.generation_id}`),
  );
  return { g, r };
}

const exists = (uri: vscode.Uri): Promise<boolean> =>
  Promise.resolve(vscode.workspace.fs.stat(uri)).then(
    () => true,
    () => false,
  );

suite('Restricted Mode (workspace trust on, folder untrusted)', () => {
  suiteSetup(async () => {
    // Not a silent pass in a trusted folder: this suite means nothing there.
    assert.equal(vscode.workspace.isTrusted, false, 'the folder is untrusted');
    api = await floraApi();
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext?.isActive, 'the extension runs');
    // An extension under development runs in Restricted Mode whatever it declares (seen in this
    // host); for an installed one, VS Code decides by these declarations, so they are checked too.
    const capabilities = (ext.packageJSON as { capabilities?: unknown }).capabilities;
    assert.deepEqual(capabilities, { untrustedWorkspaces: { supported: true }, virtualWorkspaces: true });
  });

  setup(async () => {
    await freshStart(api);
    state = await fake.state();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the tree loads workspaces and generations, and a preview opens', async () => {
    assert.deepEqual(
      (await rows(api)).map((r) => r.label).sort(),
      state.workspaces.map((w) => w.name).sort(),
    );
    const { g, r } = await imageGeneration();
    await vscode.commands.executeCommand('flora.preview', r.node);
    const panel = await waitFor('the preview to render', () => {
      const p = api.previews.preview(g.generation_id);
      return p?.lastRendered?.type === 'generation' ? p : undefined;
    });
    const m = panel.lastRendered;
    assert.ok(m?.type === 'generation');
    assert.equal(m.view.outputs[0].src, g.outputs![0].url);
  });

  test('Save Output asks where before it writes: dismissed, nothing is written; accepted, the file is', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'the test host opens a workspace folder');
    const listing = async () => (await vscode.workspace.fs.readDirectory(folder)).map(([n]) => n).sort();
    const before = await listing();
    const { g } = await imageGeneration();
    const outputId = g.outputs![0].output_id;

    const dismissed = await answerQuickPick(
      api.previews.saveOutput(g.generation_id, outputId),
      'workbench.action.closeQuickOpen',
    );
    assert.deepEqual([dismissed.saved, !dismissed.saved && dismissed.reason], [false, 'dismissed']);
    assert.deepEqual(await listing(), before, 'nothing written without an answer');

    const saved: SaveResult = await answerQuickPick(
      api.previews.saveOutput(g.generation_id, outputId),
      'workbench.action.acceptSelectedQuickOpenItem',
    );
    assert.ok(saved.saved, `saved: ${JSON.stringify(saved)}`);
    try {
      assert.equal(
        vscode.Uri.joinPath(saved.uri, '..').toString(),
        folder.toString(),
        'proposed inside the workspace folder',
      );
      const expected = new Uint8Array(await (await fetch(g.outputs![0].url)).arrayBuffer());
      const written = await vscode.workspace.fs.readFile(saved.uri);
      assert.ok(Buffer.from(written).equals(Buffer.from(expected)), 'the bytes served');
    } finally {
      if (await exists(saved.uri)) await vscode.workspace.fs.delete(saved.uri);
    }
  });
});
