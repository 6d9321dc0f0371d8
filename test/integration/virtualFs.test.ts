// Save Output into a folder that is not on disk (a virtual workspace: GitHub repositories, remote
// file systems): written through vscode.workspace.fs, the bytes as served, nothing partial left.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FloraExtensionApi } from '../../src/extension';
import { fake, floraApi, freshStart } from './support';

/** A minimal in-memory file system, registered under its own scheme for this test. */
class MemoryFs implements vscode.FileSystemProvider {
  readonly files = new Map<string, Uint8Array>();
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  stat(uri: vscode.Uri): vscode.FileStat {
    if (uri.path === '/') return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    const data = this.files.get(uri.path);
    if (!data) throw vscode.FileSystemError.FileNotFound(uri);
    return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: data.length };
  }
  readDirectory(): [string, vscode.FileType][] {
    return [...this.files.keys()].map((p) => [p.slice(1), vscode.FileType.File]);
  }
  createDirectory(): void {}
  readFile(uri: vscode.Uri): Uint8Array {
    const data = this.files.get(uri.path);
    if (!data) throw vscode.FileSystemError.FileNotFound(uri);
    return data;
  }
  writeFile(uri: vscode.Uri, content: Uint8Array): void {
    this.files.set(uri.path, content);
  }
  delete(uri: vscode.Uri): void {
    this.files.delete(uri.path);
  }
  rename(from: vscode.Uri, to: vscode.Uri): void {
    const data = this.readFile(from);
    this.files.delete(from.path);
    this.files.set(to.path, data);
  }
}

let api: FloraExtensionApi;

suite('virtual workspace', () => {
  suiteSetup(async () => {
    api = await floraApi();
  });

  test('Save Output writes into a folder of a file system that is not file:', async () => {
    await freshStart(api);
    const state = await fake.state();
    const image = state.generations.find(
      (g) => g.status === 'completed' && g.outputs?.[0]?.type === 'imageUrl',
    );
    const text = state.generations.find((g) => g.status === 'completed' && g.outputs?.[0]?.type === 'text');
    assert.ok(image && text);
    await api.store.ensureWorkspaces();
    await api.store.refreshGenerations(image.project_id);
    await api.store.refreshGenerations(text.project_id);

    const memfs = new MemoryFs();
    const scheme = `flora-memfs-${Date.now()}`;
    const registration = vscode.workspace.registerFileSystemProvider(scheme, memfs);
    try {
      const target = vscode.Uri.from({ scheme, path: '/image.png' });
      const saved = await api.previews.saveOutput(image.generation_id, image.outputs![0].output_id, {
        target,
      });
      assert.ok(saved.saved, JSON.stringify(saved));
      const expected = new Uint8Array(await (await fetch(image.outputs![0].url)).arrayBuffer());
      assert.ok(Buffer.from(memfs.files.get('/image.png') ?? []).equals(Buffer.from(expected)));

      const textTarget = vscode.Uri.from({ scheme, path: '/text.txt' });
      const r = await api.previews.saveOutput(text.generation_id, text.outputs![0].output_id, {
        target: textTarget,
      });
      assert.ok(r.saved);
      assert.equal(Buffer.from(memfs.files.get('/text.txt') ?? []).toString('utf8'), text.outputs![0].url);
      assert.deepEqual([...memfs.files.keys()].sort(), ['/image.png', '/text.txt'], 'nothing partial left');
    } finally {
      registration.dispose();
    }
  });
});
