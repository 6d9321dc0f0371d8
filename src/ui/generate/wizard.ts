/**
 * The Generate flow's steps: type → model → prompt → required parameters → target project →
 * confirmation (optional parameters behind "More options…" there). Every step but the first has
 * Back; nothing is sent before the confirmation. The questions go through a Prompter.
 */
import * as vscode from 'vscode';
import type { Model, ModelParam } from '../../api/types';
import { GENERATE_TYPES, type GenerateRequest, type GenerateType } from '../../model/generate';
import type { GenerateMemory } from '../../model/generateMemory';
import {
  checkNumber,
  describeValue,
  editorFor,
  initialText,
  paramLabel,
  parseList,
  parseNumber,
  planParams,
} from '../../model/generateParams';
import { snippet } from '../../model/format';
import { inertText } from '../../model/plainText';
import type { Store } from '../../model/store';
import { BACK, type Answer, type PickItem, type Prompter } from './prompter';

export interface WizardContext {
  store: Store;
  prompter: Prompter;
  memory: GenerateMemory;
  account: string | undefined;
  /** Generate in This Project…: the project is given, its step skipped. */
  fixedProjectId?: string;
  /** The project selected in the tree (offered first). */
  selectedProjectId?: string;
}

/** What the user chose so far; kept when the flow is reopened at a field FLORA refused. */
export interface WizardState {
  type?: GenerateType;
  model?: Model;
  prompt: string;
  params: Record<string, unknown>;
  projectId?: string;
  /** The project's workspace, when known without the store (Generate in This Project… gets it from the row). */
  workspaceId?: string;
}

/** A step FLORA's field error sends the user back to, with its message. */
export interface Reopen {
  step: string;
  error: string;
}

const CONTINUE = '\u0000continue';
const CHOOSE_PROJECT = '\u0000choose';
const DEFAULT_VALUE = '\u0000default';

/** Runs the steps; the confirmed request, or undefined when the user cancelled. */
export async function runWizard(
  ctx: WizardContext,
  state: WizardState,
  reopen?: Reopen,
): Promise<GenerateRequest | undefined> {
  const history: string[] = [];
  let step = 'type';
  if (reopen) {
    // The steps that lead to it, so that Back from the reopened step works as before.
    for (let s: string | undefined = 'type'; s && s !== reopen.step; s = forward(ctx, state, s))
      history.push(s);
    step = reopen.step;
  }
  let error = reopen?.error;
  for (;;) {
    const answer = await ask(ctx, state, step, history.length > 0, error);
    error = undefined;
    if (answer === undefined) return undefined;
    if (answer === BACK) {
      const previous = history.pop();
      if (previous === undefined) return undefined;
      step = previous;
      continue;
    }
    if (answer === 'stay') continue;
    if (answer === 'done') return request(ctx, state);
    history.push(step);
    step = typeof answer === 'object' ? answer.goto : (forward(ctx, state, step) ?? 'confirm');
  }
}

type StepResult = Answer<'next' | 'stay' | 'done' | { goto: string }>;

/** The step after `step` on the straight path (answers already given). */
function forward(ctx: WizardContext, state: WizardState, step: string): string | undefined {
  const required = state.model ? planParams(state.model).required.map((p) => `param:${p.name}`) : [];
  const afterParams = ctx.fixedProjectId ? 'confirm' : 'project';
  if (step === 'type') return 'model';
  if (step === 'model') return 'prompt';
  if (step === 'prompt') return required[0] ?? afterParams;
  if (step.startsWith('param:')) return required[required.indexOf(step) + 1] ?? afterParams;
  if (step === 'project' || step === 'projectList') return 'confirm';
  if (step === 'more') return 'confirm';
  if (step.startsWith('option:')) return 'more';
  return undefined;
}

function request(ctx: WizardContext, state: WizardState): GenerateRequest | undefined {
  const workspaceId =
    (state.projectId ? ctx.store.project(state.projectId)?.workspaceId : undefined) ?? state.workspaceId;
  if (!state.type || !state.projectId || !workspaceId) return undefined;
  return {
    workspaceId,
    projectId: state.projectId,
    type: state.type,
    prompt: state.prompt,
    modelId: state.model?.id,
    params: { ...state.params },
  };
}

function typeLabel(t: GenerateType): string {
  switch (t) {
    case 'image':
      return vscode.l10n.t('Image');
    case 'video':
      return vscode.l10n.t('Video');
    case 'audio':
      return vscode.l10n.t('Audio');
    case 'text':
      return vscode.l10n.t('Text');
  }
}

function title(): string {
  return vscode.l10n.t('FLORA: Generate');
}

function estimate(m: Model): string {
  const parts: string[] = [];
  if (m.estimatedCredits !== undefined) parts.push(vscode.l10n.t('about {0} credits', m.estimatedCredits));
  if (m.estimatedSeconds !== undefined) parts.push(vscode.l10n.t('about {0} s', m.estimatedSeconds));
  return parts.join(' · ');
}

async function ask(
  ctx: WizardContext,
  state: WizardState,
  step: string,
  back: boolean,
  error: string | undefined,
): Promise<StepResult> {
  const p = ctx.prompter;
  if (step === 'type') {
    const a = await p.pick<GenerateType>({
      step,
      title: title(),
      placeholder: vscode.l10n.t('What do you want to generate?'),
      items: GENERATE_TYPES.map((t) => ({ label: typeLabel(t), value: t })),
      active: state.type,
      back,
      error,
    });
    if (a === undefined || a === BACK) return a;
    if (a !== state.type) state.model = undefined;
    state.type = a;
    return 'next';
  }
  if (step === 'model') return askModel(ctx, state, back, error);
  if (step === 'prompt') {
    const a = await p.input({
      step,
      title: title(),
      prompt: vscode.l10n.t('The prompt for {0}', inertText(state.model?.name ?? '')),
      value: state.prompt,
      back,
      error,
      validate: (t) => (t.trim() ? undefined : vscode.l10n.t('Write a prompt.')),
    });
    if (a === undefined || a === BACK) return a;
    state.prompt = a;
    return 'next';
  }
  if (step.startsWith('param:') || step.startsWith('option:')) {
    const name = step.slice(step.indexOf(':') + 1);
    const param = state.model?.params?.find((x) => x.name === name);
    if (!param) return 'next';
    return askParam(ctx, state, step, param, back, error);
  }
  if (step === 'project') return askProject(ctx, state, back, error);
  if (step === 'projectList') return askProjectList(ctx, state, back, error);
  if (step === 'more') return askMore(ctx, state, back);
  return askConfirm(ctx, state, back, error);
}

async function askModel(
  ctx: WizardContext,
  state: WizardState,
  back: boolean,
  error: string | undefined,
): Promise<StepResult> {
  const type = state.type ?? 'image';
  const recent = ctx.memory.recentModels(ctx.account, type);
  let models: Model[] = [];
  const items = ctx.store.modelsOfType(type).then(
    (list) => {
      const rank = (m: Model) => {
        const i = recent.indexOf(m.id);
        return i < 0 ? recent.length : i;
      };
      models = list.filter((m) => !m.type || m.type === type).sort((a, b) => rank(a) - rank(b));
      return models.map((m): PickItem<string> => ({
        label: m.beta ? vscode.l10n.t('{0} (beta)', inertText(m.name)) : inertText(m.name),
        description: [m.provider ? inertText(m.provider) : undefined, estimate(m)]
          .filter((s) => !!s)
          .join(' · '),
        detail: recent[0] === m.id ? vscode.l10n.t('last used') : undefined,
        value: m.id,
      }));
    },
    (err: unknown) => {
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          'Could not load the FLORA models: {0}',
          inertText(err instanceof Error ? err.message : String(err)),
        ),
      );
      throw err;
    },
  );
  const a = await ctx.prompter.pick<string>({
    step: 'model',
    title: title(),
    placeholder: vscode.l10n.t('Which {0} model?', typeLabel(type).toLowerCase()),
    items,
    active: state.model?.id,
    back,
    error,
  });
  if (a === undefined || a === BACK) return a;
  const model = models.find((m) => m.id === a);
  if (!model) return 'stay';
  const refused = planParams(model).refused;
  if (refused.length) {
    await ctx.prompter.tell(
      'warning',
      vscode.l10n.t(
        '{0} needs {1}, which cannot be entered here (no editor for its type). Pick another model, or run it in FLORA.',
        inertText(model.name),
        refused.map((r) => `${inertText(paramLabel(r))} (${inertText(r.type)})`).join(', '),
      ),
      [],
    );
    return 'stay';
  }
  if (state.model?.id !== model.id) state.params = {};
  state.model = model;
  return 'next';
}

async function askParam(
  ctx: WizardContext,
  state: WizardState,
  step: string,
  param: ModelParam,
  back: boolean,
  error: string | undefined,
): Promise<StepResult> {
  const p = ctx.prompter;
  const label = inertText(paramLabel(param));
  const hint = param.description ? inertText(param.description) : vscode.l10n.t('Parameter {0}', label);
  const editor = editorFor(param);
  if (editor === 'options' || editor === 'bool') {
    const items: Array<PickItem<unknown>> =
      editor === 'bool'
        ? [
            { label: vscode.l10n.t('Yes'), value: true },
            { label: vscode.l10n.t('No'), value: false },
          ]
        : (param.options ?? []).map((o) => ({
            label: inertText(o.label),
            description: o.description ? inertText(o.description) : undefined,
            value: o.value,
          }));
    if (!param.required)
      items.push({
        label: vscode.l10n.t('Default'),
        description: vscode.l10n.t('not sent'),
        value: DEFAULT_VALUE,
      });
    const a = await p.pick<unknown>({
      step,
      title: vscode.l10n.t('FLORA: Generate — {0}', label),
      placeholder: hint,
      items,
      active: state.params[param.name] ?? param.default ?? (param.required ? undefined : DEFAULT_VALUE),
      back,
      error,
    });
    if (a === undefined || a === BACK) return a;
    state.params[param.name] = a === DEFAULT_VALUE ? undefined : a;
    return 'next';
  }
  const a = await p.input({
    step,
    title: vscode.l10n.t('FLORA: Generate — {0}', label),
    prompt: hint,
    placeholder:
      editor === 'list'
        ? vscode.l10n.t('Values separated by commas')
        : param.min !== undefined || param.max !== undefined
          ? vscode.l10n.t('{0} to {1}', param.min ?? '…', param.max ?? '…')
          : undefined,
    value: initialText(param, state.params[param.name]),
    back,
    error,
    validate: (t) =>
      editor === 'number'
        ? checkNumber(param, t)
        : param.required && !t.trim()
          ? vscode.l10n.t('{0} needs a value.', label)
          : undefined,
  });
  if (a === undefined || a === BACK) return a;
  state.params[param.name] =
    editor === 'number'
      ? parseNumber(a)
      : editor === 'list'
        ? parseList(a).length
          ? parseList(a)
          : undefined
        : a.trim()
          ? a
          : undefined;
  return 'next';
}

async function askProject(
  ctx: WizardContext,
  state: WizardState,
  back: boolean,
  error: string | undefined,
): Promise<StepResult> {
  const offered: string[] = [];
  for (const id of [ctx.selectedProjectId, ctx.memory.lastProject(ctx.account), state.projectId]) {
    if (id && ctx.store.project(id) && !offered.includes(id)) offered.push(id);
  }
  if (!offered.length && !error) return { goto: 'projectList' };
  const items: Array<PickItem<string>> = offered.map((id) => {
    const project = ctx.store.project(id)!;
    return {
      label: inertText(project.name),
      description: inertText(ctx.store.workspace(project.workspaceId)?.name ?? project.workspaceId),
      detail:
        id === ctx.selectedProjectId
          ? vscode.l10n.t('selected in the FLORA view')
          : id === ctx.memory.lastProject(ctx.account)
            ? vscode.l10n.t('last used')
            : undefined,
      value: id,
    };
  });
  items.push({ label: vscode.l10n.t('Choose a project…'), value: CHOOSE_PROJECT });
  return pickProject(ctx, state, 'project', items, back, error);
}

/** The project steps' question; picking a project sets it (and its workspace) in `state`. */
async function pickProject(
  ctx: WizardContext,
  state: WizardState,
  step: 'project' | 'projectList',
  items: Array<PickItem<string>> | Promise<Array<PickItem<string>>>,
  back: boolean,
  error: string | undefined,
): Promise<StepResult> {
  const a = await ctx.prompter.pick<string>({
    step,
    title: title(),
    placeholder: vscode.l10n.t('Generate in which project?'),
    items,
    active: state.projectId,
    back,
    error,
  });
  if (a === undefined || a === BACK) return a;
  if (a === CHOOSE_PROJECT) return { goto: 'projectList' };
  state.projectId = a;
  state.workspaceId = ctx.store.project(a)?.workspaceId;
  return 'next';
}

async function askProjectList(
  ctx: WizardContext,
  state: WizardState,
  back: boolean,
  error: string | undefined,
): Promise<StepResult> {
  const store = ctx.store;
  const items = (async () => {
    await store.ensureWorkspaces();
    const workspaces = store.visibleWorkspaces();
    await Promise.all(workspaces.map((w) => store.ensureProjects(w.id)));
    const out: Array<PickItem<string>> = [];
    for (const w of workspaces) {
      const projects = store.visibleProjects(w.id);
      if (!projects.length) continue;
      out.push({ label: inertText(w.name), separator: true });
      for (const p of projects)
        out.push({ label: inertText(p.name), description: inertText(w.name), value: p.id });
    }
    return out;
  })();
  return pickProject(ctx, state, 'projectList', items, back, error);
}

async function askMore(ctx: WizardContext, state: WizardState, back: boolean): Promise<StepResult> {
  const optional = state.model ? planParams(state.model).optional : [];
  const a = await ctx.prompter.pick<string>({
    step: 'more',
    title: vscode.l10n.t('FLORA: Generate — more options'),
    placeholder: vscode.l10n.t('Pick an option to change it'),
    items: [
      { label: vscode.l10n.t('Done'), value: CONTINUE },
      ...optional.map((p) => ({
        label: inertText(paramLabel(p)),
        description: inertText(describeValue(p, state.params[p.name])),
        detail: p.description ? inertText(p.description) : undefined,
        value: p.name,
      })),
    ],
    back,
  });
  if (a === undefined || a === BACK) return a;
  return a === CONTINUE ? { goto: 'confirm' } : { goto: `option:${a}` };
}

async function askConfirm(
  ctx: WizardContext,
  state: WizardState,
  back: boolean,
  error: string | undefined,
): Promise<StepResult> {
  const model = state.model;
  const project = state.projectId ? ctx.store.project(state.projectId) : undefined;
  const summary = [
    model ? inertText(model.name) : undefined,
    project ? inertText(project.name) : state.projectId,
    model ? estimate(model) : undefined,
  ]
    .filter((s) => !!s)
    .join(' · ');
  const optional = model ? planParams(model).optional : [];
  const set = optional.filter((p) => state.params[p.name] !== undefined);
  const items: Array<PickItem<string>> = [
    {
      label: vscode.l10n.t('$(play) Generate'),
      description: summary,
      detail: inertText(snippet(state.prompt, 120)),
      value: 'go',
    },
  ];
  if (optional.length)
    items.push({
      label: vscode.l10n.t('$(settings) More options…'),
      description: set
        .map((p) => `${inertText(paramLabel(p))}: ${inertText(describeValue(p, state.params[p.name]))}`)
        .join(', '),
      value: 'more',
    });
  const a = await ctx.prompter.pick<string>({
    step: 'confirm',
    title: vscode.l10n.t('FLORA: Generate — confirm'),
    placeholder: vscode.l10n.t('Start this generation? It is charged to the project’s workspace.'),
    items,
    active: 'go',
    back,
    error,
  });
  if (a === undefined || a === BACK) return a;
  return a === 'more' ? { goto: 'more' } : 'done';
}
