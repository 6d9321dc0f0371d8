// Generate… in the real extension host (issue 13 §1 and §3): the real commands, with the flow's
// questions answered by a script through the extension's Prompter (each step is recorded, so the
// test sees what the user would have been shown). The QuickPicks and InputBoxes themselves are
// driven with the keyboard by the UI smoke test (test/ui/generateSteps.ts).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FloraExtensionApi } from '../../src/extension';
import {
  BACK,
  QuickInputPrompter,
  type Answer,
  type InputStep,
  type PickStep,
  type Prompter,
} from '../../src/ui/generate/prompter';
import { fake, floraApi, freshStart, liveStart, setSetting, waitFor, type FakeState } from './support';

let api: FloraExtensionApi;
let state: FakeState;

type Reply = string | typeof BACK | undefined | ((s: Seen) => unknown);
interface Seen {
  step: string;
  error?: string;
  /** The items of a pick (once loaded), the value of an input box. */
  items?: Array<{ label: string; description?: string; value?: unknown }>;
  value?: string;
  validate?: (text: string) => string | undefined;
}

/** Answers each step from a script in order, and records what each step showed. */
class ScriptedPrompter implements Prompter {
  readonly seen: Seen[] = [];
  readonly told: Array<{ severity: string; message: string; actions: readonly string[] }> = [];
  constructor(
    private readonly script: Array<[step: string, reply: Reply]>,
    private readonly tellReply: (message: string, actions: readonly string[]) => string | undefined = () =>
      undefined,
  ) {}
  private next(s: Seen): unknown {
    this.seen.push(s);
    const entry = this.script.shift();
    assert.ok(entry, `no scripted answer for step "${s.step}"`);
    // "project|projectList": the project step appears when a project was used or selected before.
    assert.ok(
      entry[0].split('|').includes(s.step),
      `the flow asked "${s.step}", the script expected "${entry[0]}"`,
    );
    return typeof entry[1] === 'function' ? entry[1](s) : entry[1];
  }
  async pick<T>(step: PickStep<T>): Promise<Answer<T>> {
    const items = await step.items;
    return this.next({
      step: step.step,
      error: step.error,
      items: items
        .filter((i) => !i.separator)
        .map((i) => ({ label: i.label, description: i.description, value: i.value })),
    }) as Answer<T>;
  }
  input(step: InputStep): Promise<Answer<string>> {
    return Promise.resolve(
      this.next({
        step: step.step,
        error: step.error,
        value: step.value,
        validate: step.validate,
      }) as Answer<string>,
    );
  }
  tell(severity: string, message: string, actions: readonly string[]): Promise<string | undefined> {
    this.told.push({ severity, message, actions });
    return Promise.resolve(this.tellReply(message, actions));
  }
  get done(): boolean {
    return this.script.length === 0;
  }
}

async function control<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${process.env.FLORA_FAKE_ORIGIN}/_fake${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as T;
}
const submissions = () =>
  control<{ submissions: Array<{ run_id: string; body: Record<string, unknown> }> }>(
    'GET',
    '/submissions',
  ).then((r) => r.submissions);

/** Generate in This Project…, as the project row's context menu runs it. */
function generateIn(project: { project_id: string; workspace_id: string }): Thenable<unknown> {
  return vscode.commands.executeCommand('flora.generateInProject', {
    kind: 'project',
    projectId: project.project_id,
    workspaceId: project.workspace_id,
  });
}

suite('Generate…', () => {
  suiteSetup(async () => {
    api = await floraApi();
  });

  setup(async () => {
    state = await liveStart(api);
  });

  teardown(() => {
    api.generate.prompter = new QuickInputPrompter();
    api.clock.offsetMs = 0;
  });

  suiteTeardown(async () => {
    await setSetting('pollInterval', undefined);
    await setSetting('insertResultAutomatically', undefined);
    await freshStart(api);
  });

  test('the whole flow with Back: nothing is sent before the confirmation; the new row is pending, on top, selected, with its prompt', async () => {
    const project = state.projects[0];
    const prompter = new ScriptedPrompter([
      ['type', 'image'],
      [
        'model',
        (s) => {
          const flux = s.items?.find((i) => i.value === 't2i-flux-2-pro');
          assert.match(flux?.description ?? '', /Black Forest Labs · about 8 credits · about 12 s/);
          return BACK;
        },
      ],
      ['type', 'video'],
      [
        'model',
        (s) => {
          assert.ok(
            s.items?.some((i) => /Kling 2\.1 \(beta\)/.test(i.label)),
            'a beta model is marked',
          );
          return 't2v-veo-3';
        },
      ],
      ['prompt', 'a lighthouse at dusk'],
      ['project|projectList', project.project_id],
      [
        'confirm',
        (s) => {
          const go = s.items?.[0];
          assert.match(
            go?.description ?? '',
            new RegExp(`Veo 3 · ${project.name} · about 120 credits · about 180 s`),
          );
          return 'more';
        },
      ],
      ['more', 'duration'],
      [
        'option:duration',
        (s) => {
          assert.match(s.validate?.('12') ?? '', /4 to 8/, 'checked against min and max');
          assert.equal(s.validate?.('6'), undefined);
          return '6';
        },
      ],
      ['more', (s) => s.items?.find((i) => i.label === 'Done')?.value],
      [
        'confirm',
        async () => {
          assert.equal((await submissions()).length, 0, 'nothing sent before the confirmation');
          return 'go';
        },
      ],
    ]);
    api.generate.prompter = prompter;
    await vscode.commands.executeCommand('flora.generate');
    assert.ok(
      prompter.done,
      `steps left; seen ${JSON.stringify(prompter.seen.map((x) => x.step))}, told ${JSON.stringify(prompter.told)}`,
    );
    const sent = await submissions();
    assert.equal(sent.length, 1);
    assert.equal(sent[0].body.model, 't2v-veo-3');
    assert.deepEqual(sent[0].body.params, { duration: 6 });
    const id = sent[0].run_id;
    await waitFor(
      'the new row on top of its project',
      () => api.store.generationList(project.project_id).ids[0] === id,
    );
    await waitFor('the new row selected', () => api.view.selection[0]?.id === `gen:${id}`);
    const item = api.tree.getTreeItem(api.tree.generationNode(id)!);
    const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip);
    // appendText writes spaces as &nbsp;.
    assert.match(
      tooltip.replace(/&nbsp;/g, ' '),
      /Prompt: a lighthouse at dusk/,
      'the prompt is shown in the tooltip',
    );
    assert.ok(['pending', 'running'].includes(api.store.generation(id)?.status ?? ''));
  });

  test('a field error (400) reopens that field with FLORA’s message; the corrected submission is sent', async () => {
    const project = state.projects[0];
    await fake.inject('POST /generate', {
      kind: 'status',
      status: 400,
      code: 'input_validation_error',
      message: 'prompt: flagged',
      fields: [{ field: 'prompt', message: 'This prompt was flagged by moderation.' }],
    });
    const prompter = new ScriptedPrompter([
      ['type', 'image'],
      ['model', 't2i-flux-2-pro'],
      ['prompt', 'a flagged prompt'],
      ['confirm', 'go'],
      [
        'prompt',
        (s) => {
          assert.equal(s.error, 'This prompt was flagged by moderation.');
          assert.equal(s.value, 'a flagged prompt', 'what was typed is kept');
          return BACK;
        },
      ],
      ['model', 't2i-flux-2-pro'],
      ['prompt', 'a friendly prompt'],
      ['confirm', 'go'],
    ]);
    api.generate.prompter = prompter;
    await generateIn(project);
    assert.ok(
      prompter.done,
      `steps left; seen ${JSON.stringify(prompter.seen.map((x) => x.step))}, told ${JSON.stringify(prompter.told)}`,
    );
    const sent = await submissions();
    assert.deepEqual(
      sent.map((s) => s.body.prompt),
      ['a friendly prompt'],
    );
  });

  test('a timeout, then the retry with the same key: one generation, not two', async () => {
    const project = state.projects[0];
    const now = await fake.state();
    const before = now.generations.filter((g) => g.project_id === project.project_id).length;
    // FLORA's clock and ours agree (a duplicate's row is told by its time): the fake's is its own.
    api.clock.offsetMs = now.now - Date.now();
    await fake.inject('POST /generate', { kind: 'hold' });
    const prompter = new ScriptedPrompter([
      ['type', 'image'],
      ['model', 't2i-imagen-4'],
      ['prompt', 'a calm sea'],
      ['confirm', 'go'],
    ]);
    api.generate.prompter = prompter;
    await generateIn(project);
    assert.ok(prompter.done, `steps left; seen ${JSON.stringify(prompter.seen.map((x) => x.step))}`);
    const sent = await submissions();
    assert.equal(sent.length, 1, `FLORA made one run; told ${JSON.stringify(prompter.told)}`);
    const after = (await fake.state()).generations.filter((g) => g.project_id === project.project_id).length;
    assert.equal(after, before + 1);
    const id = sent[0].run_id;
    await waitFor(
      'the run on top of its project',
      () => api.store.generationList(project.project_id).ids[0] === id,
    );
    assert.equal(
      api.store.generationList(project.project_id).ids.filter((x) => x === id).length,
      1,
      'one row for it',
    );
    assert.deepEqual(prompter.told, [], 'no error shown');
  });

  /**
   * Opens `content` as a Markdown document with `selected` selected, runs `command` through the
   * flow (FLUX.2 Pro, the first project; `prompt` answers the prompt step), and answers Insert.
   */
  async function generateFromEditor(content: string, selected: string, command: string, prompt: Reply) {
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
    const editor = await vscode.window.showTextDocument(doc);
    const start = content.indexOf(selected);
    editor.selection = new vscode.Selection(doc.positionAt(start), doc.positionAt(start + selected.length));
    const prompter = new ScriptedPrompter(
      [
        ['type', 'image'],
        ['model', 't2i-flux-2-pro'],
        ['prompt', prompt],
        ['project|projectList', state.projects[0].project_id],
        ['confirm', 'go'],
      ],
      (_message, actions) => (actions.includes('Insert') ? 'Insert' : undefined),
    );
    api.generate.prompter = prompter;
    // Run ids start again after the fake's reset: only insertions made from here on count.
    const earlier = api.generate.inserts.inserted.length;
    await vscode.commands.executeCommand(command);
    assert.ok(
      prompter.done,
      `steps left; seen ${JSON.stringify(prompter.seen.map((x) => x.step))}, told ${JSON.stringify(prompter.told)}`,
    );
    const id = (await submissions())[0].run_id;
    const inserted = () =>
      waitFor('the result inserted', () =>
        api.generate.inserts.inserted.slice(earlier).find((i) => i.generationId === id),
      );
    return { doc, editor, prompter, id, inserted };
  }

  test('from a Markdown selection: the result is offered and inserted where the selection was, after edits above it', async () => {
    const { doc, editor, prompter, id, inserted } = await generateFromEditor(
      'Intro\n\na red fox\n\nEnd\n',
      'a red fox',
      'flora.generateFromSelection',
      (s) => {
        assert.equal(s.value, 'a red fox', 'prefilled from the selection');
        return s.value;
      },
    );
    // Edited above the selection meanwhile: the position follows.
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# Title\n'));
    await fake.advance(60_000);
    const result = await inserted();
    const url = api.store.generation(id)?.outputs[0]?.url ?? '';
    assert.equal(result.text, `![a red fox](${url})`);
    assert.equal(doc.getText(), `# Title\nIntro\n\n![a red fox](${url})\n\nEnd\n`);
    assert.ok(
      prompter.told.some((t) => t.actions.includes('Insert')),
      'offered with an Insert button',
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('with selected text that is not the prompt: the result goes after the selection, which is kept', async () => {
    const { doc, inserted } = await generateFromEditor(
      'const x = 1;\n',
      'const x = 1;',
      'flora.generate',
      'a red fox',
    );
    await fake.advance(60_000);
    const result = await inserted();
    assert.equal(
      doc.getText(),
      `const x = 1;\n${result.text}\n`,
      'the selected code is still there, the result on the next line',
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('a finished run seen first in a list without its outputs: its detail is read, and the result inserted', async () => {
    const project = state.projects[0];
    const { doc, id, inserted } = await generateFromEditor(
      'a red fox\n',
      'a red fox',
      'flora.generateFromSelection',
      'a red fox',
    );
    try {
      // The poller is rate-limited (it would read the finished run's detail itself), and the
      // project's list leaves out `outputs` (optional in a list item, flora-api.md §2).
      for (const status of ['running', 'pending'])
        await fake.inject('GET /generations', { kind: 'status', status: 429, code: 'rate_limited' }, null, {
          status,
        });
      await fake.inject('GET /generations', { kind: 'no-outputs' }, null, { project_id: project.project_id });
      await fake.advance(60_000);
      // The user refreshes the project: the run is completed there, with no outputs.
      await api.store.refreshGenerations(project.project_id);
      const result = await inserted();
      const url = (await fake.state()).generations.find((g) => g.generation_id === id)?.outputs?.[0]?.url;
      assert.ok(url, 'the fake server made an output');
      assert.equal(result.text, `![a red fox](${url})`);
      assert.equal(doc.getText(), `![a red fox](${url})\n`);
      assert.equal(api.store.generation(id)?.outputs[0]?.url, url, 'the tree has the output too');
    } finally {
      await fake.clearFaults();
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });
});
