// The instant-start snapshot in the real extension host: a JSON file under the extension's global
// storage (not globalState), written atomically, moved out of globalState once, deleted on sign-out.
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FloraExtensionApi } from '../../src/extension';
import { LEGACY_KEY, SnapshotCache } from '../../src/ui/snapshotCache';
import type { StoreSnapshot } from '../../src/model/store';
import { fake, floraApi, freshStart, rows, waitFor, type FakeState } from './support';

let api: FloraExtensionApi;
let state: FakeState;

const exists = (uri: vscode.Uri): Promise<boolean> =>
  Promise.resolve(vscode.workspace.fs.stat(uri)).then(
    () => true,
    () => false,
  );

async function readSaved(uri: vscode.Uri): Promise<{ account: string; snapshot: StoreSnapshot }> {
  return JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri))) as {
    account: string;
    snapshot: StoreSnapshot;
  };
}

/** globalState as the cache sees it: a Memento (VS Code's own is not reachable from a test). */
class MapMemento implements vscode.Memento {
  readonly values = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, fallback?: T): T | undefined {
    return this.values.has(key) ? (this.values.get(key) as T) : fallback;
  }
  update(key: string, value: unknown): Thenable<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
    return Promise.resolve();
  }
}

suite('instant-start snapshot', () => {
  suiteSetup(async () => {
    api = await floraApi();
  });

  setup(async () => {
    await freshStart(api);
    state = await fake.state();
  });

  test('a load is saved to a file in global storage and signing out deletes it', async () => {
    const file = api.snapshot.cache.file;
    assert.match(file.path, /globalStorage/i, 'under the extension global storage');
    assert.equal(path.posix.basename(file.path), 'snapshot.json');
    assert.equal((await rows(api)).length, state.workspaces.length);
    await api.snapshot.saveNow();
    const saved = await readSaved(file);
    assert.deepEqual(
      saved.snapshot.workspaces.map((w) => w.name).sort(),
      state.workspaces.map((w) => w.name).sort(),
    );
    assert.ok(!JSON.stringify(saved).includes(process.env.FLORA_API_KEY ?? '…'), 'no key on disk');
    // Written through a temporary file renamed over it: nothing else is left in the folder.
    const dir = vscode.Uri.joinPath(file, '..');
    assert.deepEqual(
      (await vscode.workspace.fs.readDirectory(dir)).map(([n]) => n),
      ['snapshot.json'],
    );

    const envKey = process.env.FLORA_API_KEY;
    assert.ok(envKey);
    try {
      delete process.env.FLORA_API_KEY;
      await vscode.commands.executeCommand('flora.clearApiKey');
      await waitFor('the snapshot file to be deleted on sign-out', async () => !(await exists(file)));
    } finally {
      process.env.FLORA_API_KEY = envKey;
      await vscode.commands.executeCommand('flora.clearApiKey');
      await waitFor('workspaces after signing in again', async () => (await rows(api)).length > 0);
    }
  });

  test('the cache moves an old globalState snapshot to the file once and reads only its own account', async () => {
    assert.ok((await rows(api)).length > 0);
    // As JSON keeps it (fields that are undefined are left out).
    const snapshot = JSON.parse(JSON.stringify(api.store.snapshot())) as StoreSnapshot;
    const dir = vscode.Uri.file(path.join(os.tmpdir(), `flora-snapshot-${Date.now()}`));
    const memento = new MapMemento();
    await memento.update(LEGACY_KEY, { account: 'acct-a', snapshot });
    const warnings: string[] = [];
    const logger = {
      trace() {},
      debug() {},
      info() {},
      warn: (m: string) => void warnings.push(m),
      error() {},
    };
    const cache = new SnapshotCache(dir, memento, logger);
    try {
      assert.deepEqual(await cache.load('acct-a'), snapshot, 'the old snapshot is still shown');
      assert.equal(memento.get(LEGACY_KEY), undefined, 'and no longer kept in globalState');
      assert.equal((await readSaved(cache.file)).account, 'acct-a');
      assert.equal(await cache.load('acct-b'), undefined, 'another account sees nothing');

      // A damaged file is ignored (and said so), never thrown at start-up.
      await vscode.workspace.fs.writeFile(cache.file, new TextEncoder().encode('{"account":"acct-a","snap'));
      assert.equal(await cache.load('acct-a'), undefined);
      assert.equal(warnings.length, 1, warnings.join('\n'));

      await cache.save('acct-a', snapshot);
      assert.deepEqual(await cache.load('acct-a'), snapshot);
      // A delete asked for right after a save is not overtaken by it.
      void cache.save('acct-a', snapshot);
      await cache.delete();
      assert.equal(await exists(cache.file), false);
    } finally {
      await Promise.resolve(vscode.workspace.fs.delete(dir, { recursive: true })).catch(() => undefined);
    }
  });
});
