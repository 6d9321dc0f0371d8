// The extension loads in a real extension host, registers exactly the commands it contributes, and
// shows the fake FLORA server's workspaces at the root of its tree.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'flora-generations.flora-generations';

/** What activate() returns (the extension's test-facing API). */
interface FloraApi {
  tree: vscode.TreeDataProvider<unknown>;
}

interface CommandContribution {
  command: string;
}

function extension(): vscode.Extension<FloraApi> {
  const ext = vscode.extensions.getExtension<FloraApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this host`);
  return ext;
}

interface Contributes {
  commands?: CommandContribution[];
  views?: Record<string, Array<{ id: string }>>;
}

function contributes(): Contributes {
  return (extension().packageJSON as { contributes?: Contributes }).contributes ?? {};
}

function contributedCommands(): string[] {
  return (contributes().commands ?? []).map((c) => c.command);
}

/** VS Code registers `<viewId>.focus`, `.open`, `.resetViewLocation`… for every contributed view. */
function isGeneratedViewCommand(command: string): boolean {
  const viewIds = Object.values(contributes().views ?? {}).flatMap((views) => views.map((v) => v.id));
  return viewIds.some((id) => command.startsWith(`${id}.`));
}

function labelOf(item: vscode.TreeItem): string {
  const { label } = item;
  if (label === undefined) return '';
  return typeof label === 'string' ? label : label.label;
}

async function fakeWorkspaceNames(): Promise<string[]> {
  const origin = process.env.FLORA_FAKE_ORIGIN;
  assert.ok(origin, 'FLORA_FAKE_ORIGIN is not set: run the suite through the test runner');
  const response = await fetch(`${origin}/_fake/state`);
  assert.equal(response.status, 200, `GET ${origin}/_fake/state`);
  const state = (await response.json()) as { workspaces: Array<{ name: string }> };
  return state.workspaces.map((w) => w.name);
}

async function rootLabels(tree: vscode.TreeDataProvider<unknown>): Promise<string[]> {
  const children = (await tree.getChildren()) ?? [];
  const items = await Promise.all(children.map(async (node) => await tree.getTreeItem(node)));
  return items.map(labelOf);
}

const sorted = (list: string[]): string[] => [...list].sort((a, b) => a.localeCompare(b));

suite('activation', () => {
  test('the extension activates and returns its API', async () => {
    const api = await extension().activate();
    assert.ok(extension().isActive, 'isActive after activate()');
    assert.ok(api, 'activate() returned nothing');
    assert.equal(typeof api.tree?.getChildren, 'function', 'api.tree.getChildren');
    assert.equal(typeof api.tree?.getTreeItem, 'function', 'api.tree.getTreeItem');
  });

  test('every contributed command is registered', async () => {
    await extension().activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = contributedCommands();
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    assert.deepEqual(
      contributed.filter((c) => !registered.has(c)),
      [],
      'contributed in package.json but not registered',
    );
  });

  test('every registered flora.* command is contributed', async () => {
    await extension().activate();
    const contributed = new Set(contributedCommands());
    const registered = (await vscode.commands.getCommands(true)).filter(
      (c) => c.startsWith('flora.') && !isGeneratedViewCommand(c),
    );
    assert.deepEqual(
      registered.filter((c) => !contributed.has(c)),
      [],
      'registered but missing from package.json contributes.commands',
    );
  });

  test("the tree's root shows the fake server's workspaces", async () => {
    const api = await extension().activate();
    const expected = sorted(await fakeWorkspaceNames());
    assert.ok(expected.length > 0, 'the fake server has no workspaces');
    // The first load may still be in flight right after activation: poll instead of sleeping.
    const deadline = Date.now() + 30_000;
    let labels = sorted(await rootLabels(api.tree));
    while (JSON.stringify(labels) !== JSON.stringify(expected) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      labels = sorted(await rootLabels(api.tree));
    }
    assert.deepEqual(labels, expected);
  });
});
