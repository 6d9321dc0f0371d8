// Runs inside the extension host for bench/startup.ts (as its extensionTestsPath): reads how long
// activate() took (the extension's own mark), then opens the FLORA view and times how long the
// first rows take to load from the fake server: the workspace rows, then the first project's
// generation rows. Writes the numbers to FLORA_BENCH_RESULT as JSON.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { FloraExtensionApi } from '../src/extension';
import type { FloraNode } from '../src/ui/nodes';

const EXTENSION_ID = 'flora-generations.flora-generations';

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** The children of `parent` once loaded (not the "Loading…" row). */
function loaded(api: FloraExtensionApi, parent?: FloraNode): FloraNode[] | undefined {
  const nodes = api.tree.getChildren(parent);
  return nodes.length && !nodes.some((n) => n.kind === 'message') ? nodes : undefined;
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension<FloraExtensionApi | undefined>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
  const api = await ext.activate();
  if (!api) throw new Error('no test API');

  const opened = performance.now();
  await vscode.commands.executeCommand('workbench.view.extension.flora');
  const roots = await until('the workspace rows', () => loaded(api));
  const firstRowsMs = performance.now() - opened;
  const workspace = roots.find((n) => n.kind === 'workspace');
  if (!workspace) throw new Error('no workspace row');
  const projects = await until('the project rows', () => loaded(api, workspace));
  const project = projects.find((n) => n.kind === 'project');
  if (!project) throw new Error('no project row');
  await until('the generation rows', () =>
    loaded(api, project)?.some((n) => n.kind === 'generation') ? true : undefined,
  );
  const firstGenerationRowsMs = performance.now() - opened;

  const out = process.env.FLORA_BENCH_RESULT;
  if (!out) throw new Error('FLORA_BENCH_RESULT is not set');
  fs.writeFileSync(out, JSON.stringify({ ...api.timing, firstRowsMs, firstGenerationRowsMs }));
}
