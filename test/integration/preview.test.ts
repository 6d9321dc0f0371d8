// The output preview in the real extension host, against the fake FLORA server: one panel per
// generation (re-revealed, not duplicated), every output type, live updates without a reload,
// restore through the serializer, the project gallery, Save Output and drag-and-drop.
// "Rendered" below means the webview itself confirmed it drew that message (a real round trip).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FloraExtensionApi } from '../../src/extension';
import { MarkdownOutputDropProvider, OutputDragAndDropController } from '../../src/ui/preview/dragAndDrop';
import type { GenerationView, HostMessage } from '../../src/ui/preview/messages';
import type { GalleryPanel, PreviewPanel } from '../../src/ui/preview/panels';
import type { SaveResult } from '../../src/ui/preview/save';
import type { Generation } from '../fake-flora/types';
import {
  clickRow,
  fake,
  floraApi,
  freshStart,
  row,
  rows,
  setSetting,
  waitFor,
  type FakeState,
} from './support';

let api: FloraExtensionApi;
let state: FakeState;

const KIND_OF_TYPE: Record<string, string> = {
  imageUrl: 'image',
  videoUrl: 'video',
  audioUrl: 'audio',
  text: 'text',
  documentUrl: 'document',
};

function origin(): string {
  const o = process.env.FLORA_FAKE_ORIGIN;
  assert.ok(o);
  return o;
}

/** The project with the most generations (its first page holds every output type). */
function busiestProject(s: FakeState) {
  const counts = new Map<string, number>();
  for (const g of s.generations) counts.set(g.project_id, (counts.get(g.project_id) ?? 0) + 1);
  const projectId = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const project = s.projects.find((p) => p.project_id === projectId)!;
  const workspace = s.workspaces.find((w) => w.workspace_id === project.workspace_id)!;
  const generations = s.generations
    .filter((g) => g.project_id === projectId)
    .sort((a, b) => b.created_at - a.created_at);
  return { project, workspace, generations };
}

async function projectRow(projectName: string, workspaceName: string) {
  const ws = await row(api, workspaceName);
  return row(api, projectName, ws.node);
}

/** The generation rows of the busiest project, as the tree shows them. */
async function generationRows() {
  const { project, workspace } = busiestProject(state);
  const prj = await projectRow(project.name, workspace.name);
  return (await rows(api, prj.node)).filter((r) => r.node.kind === 'generation');
}

function firstOfKind(kind: string): Generation {
  const g = busiestProject(state).generations.find(
    (x) => x.status === 'completed' && x.outputs?.length && KIND_OF_TYPE[x.outputs[0].type] === kind,
  );
  assert.ok(g, `no completed ${kind} generation in the dataset`);
  return g;
}

function renderedView(panel: PreviewPanel | undefined): GenerationView | undefined {
  const m = panel?.lastRendered;
  return m?.type === 'generation' ? m.view : undefined;
}

function webviewTabs(viewType: string): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(viewType));
}

async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await waitFor(
    'every preview closed',
    () => api.previews.previews.length + api.previews.galleries.length === 0,
  );
}

suite('preview', () => {
  suiteSetup(async () => {
    api = await floraApi();
  });

  setup(async () => {
    await freshStart(api);
    state = await fake.state();
  });

  teardown(async () => {
    await closeAll();
  });

  suiteTeardown(async () => {
    await setSetting('pageSize', undefined);
    await freshStart(api);
  });

  test('a click on a generation opens its preview, one panel per generation, for every output type', async () => {
    const gens = await generationRows();
    const panels = new Map<string, PreviewPanel>();
    for (const kind of ['image', 'video', 'audio', 'text', 'document']) {
      const g = firstOfKind(kind);
      const r = gens.find((x) => x.item.id === `gen:${g.generation_id}`);
      assert.ok(r, `the ${kind} generation is in the tree`);
      assert.equal(r.item.command?.command, 'flora.row.preview');
      await clickRow(api, r);
      const panel = await waitFor(`the ${kind} preview to render`, () => {
        const p = api.previews.preview(g.generation_id);
        return renderedView(p) ? p : undefined;
      });
      const view = renderedView(panel)!;
      assert.deepEqual(
        view.outputs.map((o) => o.kind),
        g.outputs!.map((o) => KIND_OF_TYPE[o.type]),
      );
      if (kind === 'text')
        assert.equal(view.outputs[0].text, g.outputs![0].url, 'the text itself, unchanged');
      else assert.equal(view.outputs[0].src, g.outputs![0].url);
      assert.equal(view.status, 'completed');
      assert.ok(view.details.some((d) => d.label === 'Generation id' && d.value === g.generation_id));
      assert.equal(panel.panel.viewType, 'flora.preview');
      panels.set(g.generation_id, panel);
    }
    assert.equal(webviewTabs('flora.preview').length, 5, 'one tab per generation');

    // Clicking an open one again reveals the same panel instead of opening a second.
    const [firstId, firstPanel] = [...panels.entries()][0];
    await vscode.commands.executeCommand('flora.preview', firstId);
    assert.equal(api.previews.preview(firstId), firstPanel);
    await waitFor('the first preview in front', () => firstPanel.panel.visible);
    assert.equal(webviewTabs('flora.preview').length, 5, 'no duplicate tab');

    // The page is locked down.
    const html = firstPanel.panel.webview.html;
    const csp = (/http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '').replace(
      /&#39;/g,
      "'",
    );
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/]+'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.deepEqual(
      firstPanel.panel.webview.options.localResourceRoots?.map((u) => u.toString()),
      [['media'], ['dist', 'media']].map((p) =>
        vscode.Uri.joinPath(api.previews.extensionUri, ...p).toString(),
      ),
      'local resources only from the media folders',
    );
  });

  test('a failed generation shows its error message, exactly as FLORA sent it', async () => {
    const g = busiestProject(state).generations.find((x) => x.status === 'failed' && x.error_message);
    assert.ok(g);
    await generationRows();
    await vscode.commands.executeCommand('flora.preview', g.generation_id);
    const view = await waitFor('the failed preview', () =>
      renderedView(api.previews.preview(g.generation_id)),
    );
    assert.equal(view.status, 'failed');
    assert.equal(view.error?.message, g.error_message);
    assert.equal(view.outputs.length, 0);
  });

  test('a running preview follows the run live and shows the outputs when it completes, without reloading', async () => {
    const { project } = busiestProject(state);
    await generationRows();
    const [job] = await fake.startGenerations({
      project_id: project.project_id,
      count: 1,
      durationMs: 60_000,
    });
    await api.store.refreshGenerations(project.project_id);
    const panel = api.previews.openGeneration(job.generation_id);
    const first = await waitFor('the running preview', () => renderedView(panel));
    assert.equal(first.active, true);
    assert.equal(first.outputs.length, 0);
    const loads = panel.htmlLoads;
    const readies = panel.readyCount;
    assert.equal(loads, 1);

    await fake.advance(30_000);
    await api.store.refreshGeneration(job.generation_id);
    await waitFor('progress to move', () => {
      const v = renderedView(panel);
      return v?.status === 'running' && v.progress > 0;
    });

    await fake.advance(60_000);
    await api.store.refreshGeneration(job.generation_id);
    const done = await waitFor('the completed preview', () => {
      const v = renderedView(panel);
      return v && !v.active ? v : undefined;
    });
    const run = (await fake.state()).generations.find((x) => x.generation_id === job.generation_id)!;
    assert.equal(done.status, run.status);
    if (run.status === 'completed') {
      assert.ok(done.outputs.length > 0, 'outputs appear');
      assert.deepEqual(
        done.outputs.map((o) => o.src ?? o.text),
        run.outputs!.map((o) => o.url),
      );
    }
    assert.equal(panel.htmlLoads, loads, 'the HTML was never set again');
    assert.equal(panel.readyCount, readies, 'the webview never restarted');
    assert.equal(api.previews.preview(job.generation_id), panel);
  });

  test('restores a preview and a gallery through the serializers, even with an empty store', async () => {
    const g = firstOfKind('image');
    const { project } = busiestProject(state);
    await generationRows();
    const original = api.previews.openGeneration(g.generation_id);
    const rendered = await waitFor('the preview', () => original.lastRendered);
    const savedState = {
      view: 'preview',
      generationId: g.generation_id,
      projectId: project.project_id,
      title: 'Saved title',
      last: rendered,
    };
    original.dispose();
    await waitFor('the preview closed', () => !api.previews.preview(g.generation_id));

    // What a window reload leaves: a fresh panel, the state the webview saved, and a store that starts empty.
    api.store.clear();
    const panel = vscode.window.createWebviewPanel(
      'flora.preview',
      'Restoring',
      vscode.ViewColumn.Active,
      {},
    );
    await api.previews.previewSerializer.deserializeWebviewPanel(panel, savedState);
    const restored = api.previews.preview(g.generation_id);
    assert.ok(restored, 'the restored panel is tracked');
    assert.equal(restored.panel, panel);
    const view = await waitFor('the restored preview to show fresh data', () => renderedView(restored));
    assert.equal(view.id, g.generation_id);
    assert.equal(view.outputs[0].src, g.outputs![0].url);
    assert.ok(panel.webview.options.enableScripts, 'webview options are set again on restore');

    // A gallery comes back the same way.
    const galleryPanel = vscode.window.createWebviewPanel(
      'flora.gallery',
      'Restoring',
      vscode.ViewColumn.Active,
      {},
    );
    await api.previews.gallerySerializer.deserializeWebviewPanel(galleryPanel, {
      view: 'gallery',
      projectId: project.project_id,
    });
    const gallery = api.previews.gallery(project.project_id);
    assert.ok(gallery);
    await waitFor('the restored gallery', () => {
      const m = gallery.lastRendered;
      return m?.type === 'gallery' && m.view.items.length > 0;
    });

    // A state that is not ours closes the panel instead of showing an empty one.
    const stray = vscode.window.createWebviewPanel('flora.preview', 'Stray', vscode.ViewColumn.Active, {});
    let closed = false;
    stray.onDidDispose(() => (closed = true));
    await api.previews.previewSerializer.deserializeWebviewPanel(stray, { view: 'preview' });
    await waitFor('the stray panel to close', () => closed);
  });

  test('the project gallery: newest first, Load more, opening a card, and refusing foreign messages', async () => {
    await setSetting('pageSize', 3);
    const { project, workspace, generations } = busiestProject(state);
    const prj = await projectRow(project.name, workspace.name);
    await vscode.commands.executeCommand('flora.previewProject', prj.node);
    const gallery: GalleryPanel | undefined = api.previews.gallery(project.project_id);
    assert.ok(gallery);
    const galleryOf = (m: HostMessage | undefined) => (m?.type === 'gallery' ? m.view : undefined);
    let view = await waitFor('the first page', () => {
      const v = galleryOf(gallery.lastRendered);
      return v && v.items.length === 3 ? v : undefined;
    });
    assert.deepEqual(
      view.items.map((i) => i.id),
      generations.slice(0, 3).map((g) => g.generation_id),
    );
    assert.equal(view.hasMore, true);
    assert.equal(gallery.panel.title, `Gallery: ${project.name}`);

    // What the webview sends when "Load more" is pressed.
    gallery.receive({ type: 'loadMore' });
    view = await waitFor('the second page', () => {
      const v = galleryOf(gallery.lastRendered);
      return v && v.items.length === 6 ? v : undefined;
    });
    assert.deepEqual(
      view.items.map((i) => i.id),
      generations.slice(0, 6).map((g) => g.generation_id),
    );

    // A card's Enter or click.
    gallery.receive({ type: 'preview', generationId: view.items[4].id });
    await waitFor('its preview', () => renderedView(api.previews.preview(view.items[4].id)));

    // Messages that are malformed, carry URLs, or name another project's generation do nothing.
    const other = state.generations.find((g) => g.project_id !== project.project_id)!;
    await api.store.ensureGenerations(other.project_id);
    const before = api.previews.previews.length;
    gallery.receive({ type: 'open', url: 'file:///etc/passwd' });
    gallery.receive({ type: 'preview', generationId: other.generation_id });
    gallery.receive({ type: 'preview', generationId: view.items[0].id, url: 'javascript:alert(1)' });
    gallery.receive('loadMore');
    assert.equal(api.previews.previews.length, before);
  });

  test('Save Output writes the exact bytes served, text as .txt, and leaves nothing behind on failure', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'the test host opens a workspace folder');
    const dir = vscode.Uri.joinPath(folder, `flora-save-${Date.now()}`);
    await vscode.workspace.fs.createDirectory(dir);
    const listing = async () => (await vscode.workspace.fs.readDirectory(dir)).map(([n]) => n).sort();
    try {
      await generationRows();
      // From the tree: the output row's context-menu command.
      const image = firstOfKind('image');
      const genRow = (await generationRows()).find((r) => r.item.id === `gen:${image.generation_id}`)!;
      const outRow = (await rows(api, genRow.node))[0];
      assert.match(outRow.item.contextValue ?? '', /^output\b.*\bhasUrl\b/);
      const target = vscode.Uri.joinPath(dir, 'image.png');
      const saved = await vscode.commands.executeCommand<SaveResult>('flora.saveOutput', outRow.node, {
        target,
      });
      assert.equal(saved.saved, true);
      const expected = new Uint8Array(await (await fetch(image.outputs![0].url)).arrayBuffer());
      assert.ok(expected.length > 100);
      const written = await vscode.workspace.fs.readFile(target);
      assert.equal(written.length, expected.length);
      assert.ok(Buffer.from(written).equals(Buffer.from(expected)), 'the same bytes as served');

      // Text is written as it is.
      const text = firstOfKind('text');
      await generationRows();
      const textTarget = vscode.Uri.joinPath(dir, 'text.txt');
      const r = await api.previews.saveOutput(text.generation_id, text.outputs![0].output_id, {
        target: textTarget,
      });
      assert.equal(r.saved, true);
      assert.equal(
        Buffer.from(await vscode.workspace.fs.readFile(textTarget)).toString('utf8'),
        text.outputs![0].url,
      );
      assert.deepEqual(await listing(), ['image.png', 'text.txt']);

      // A link that 404s, and a file over the size cap: an error, and no file, partial or not.
      const { project } = busiestProject(state);
      const broken = await fake.addGeneration({
        project_id: project.project_id,
        status: 'completed',
        outputs: [{ output_id: 'out_gone', type: 'imageUrl', url: `${origin()}/media/gone-404.png` }],
      });
      await api.store.refreshGenerations(project.project_id);
      const missing = await api.previews.saveOutput(broken.generation_id, 'out_gone', {
        target: vscode.Uri.joinPath(dir, 'gone.png'),
      });
      assert.deepEqual([missing.saved, !missing.saved && missing.reason], [false, 'http']);

      const doc = firstOfKind('document');
      const tooBig = await api.previews.saveOutput(doc.generation_id, doc.outputs![0].output_id, {
        target: vscode.Uri.joinPath(dir, 'doc.pdf'),
        maxBytes: 100,
      });
      assert.deepEqual([tooBig.saved, !tooBig.saved && tooBig.reason], [false, 'too-large']);
      assert.deepEqual(await listing(), ['image.png', 'text.txt'], 'nothing partial left behind');
    } finally {
      await vscode.workspace.fs.delete(dir, { recursive: true });
    }
  });

  test('dragging from the tree carries the URLs; into Markdown an image becomes ![label](url)', async () => {
    const image = firstOfKind('image');
    const genRow = (await generationRows()).find((r) => r.item.id === `gen:${image.generation_id}`)!;
    const token = new vscode.CancellationTokenSource().token;
    const transfer = new vscode.DataTransfer();
    new OutputDragAndDropController(api.store).handleDrag([genRow.node], transfer);
    const urls = image.outputs!.map((o) => o.url);
    assert.equal(await transfer.get('text/uri-list')?.asString(), urls.join('\r\n'));
    assert.equal(await transfer.get('text/plain')?.asString(), urls.join('\n'));

    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: '' });
    const edit = await new MarkdownOutputDropProvider(api.store).provideDocumentDropEdits(
      doc,
      new vscode.Position(0, 0),
      transfer,
      token,
    );
    const insert = typeof edit?.insertText === 'string' ? edit.insertText : edit?.insertText.value;
    const model = api.store.modelName(api.store.generation(image.generation_id)?.modelId) ?? 'FLORA';
    assert.equal(insert, urls.map((u) => `![${model} image](${u})`).join('\n'));
  });
});
