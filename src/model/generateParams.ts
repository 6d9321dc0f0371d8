/**
 * The Generate flow's rules for a model's parameters (flora-api.md §4 `params[]`), without UI:
 * which editor a parameter's type calls for, which parameters are asked for and which refused,
 * and the checks and conversions of what the user typed.
 */
import * as l10n from '@vscode/l10n';
import type { Model, ModelParam } from '../api/types';

/** options → a pick among them; bool → a yes/no pick; numbers → an input box checked against min/max; text; a list of strings. */
export type ParamEditor = 'options' | 'bool' | 'number' | 'text' | 'list';

const NUMBER_TYPES = new Set(['int', 'int?', 'seed', 'float']);
const WHOLE_NUMBER_TYPES = new Set(['int', 'int?', 'seed']);

/** The editor a parameter needs, or undefined when the flow has none for its type (`dict`, a type FLORA added later). */
export function editorFor(p: ModelParam): ParamEditor | undefined {
  if (p.options?.length) return 'options';
  if (p.type === 'bool') return 'bool';
  if (NUMBER_TYPES.has(p.type)) return 'number';
  if (p.type === 'string') return 'text';
  if (p.type === 'string[]') return 'list';
  return undefined;
}

export interface ParamPlan {
  /** Asked for one by one after the prompt. */
  required: ModelParam[];
  /** Behind "More options…": those with an editor. */
  optional: ModelParam[];
  /** Required, but no editor fits: the model cannot be used from here (named in a refusal). */
  refused: ModelParam[];
}

/** What the flow asks of a model's parameters. `prompt` is the request's own prompt, never a param. */
export function planParams(model: Pick<Model, 'params'>): ParamPlan {
  const plan: ParamPlan = { required: [], optional: [], refused: [] };
  for (const p of model.params ?? []) {
    if (p.name === 'prompt') continue;
    const editor = editorFor(p);
    if (p.required) (editor ? plan.required : plan.refused).push(p);
    else if (editor) plan.optional.push(p);
  }
  return plan;
}

export function paramLabel(p: ModelParam): string {
  return p.label || p.name;
}

/** Whether a number box may be left empty: an optional parameter (not sent), or a nullable `int?`/`seed`. */
function mayBeEmpty(p: ModelParam): boolean {
  return !p.required || p.type === 'int?' || p.type === 'seed';
}

/** Why `text` is not a value for the number parameter `p`, or undefined when it is (empty: see mayBeEmpty). */
export function checkNumber(p: ModelParam, text: string): string | undefined {
  const t = text.trim();
  if (t === '') return mayBeEmpty(p) ? undefined : l10n.t('{0} needs a value.', paramLabel(p));
  const n = Number(t);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) || !Number.isFinite(n))
    return l10n.t('Enter a number.');
  if (WHOLE_NUMBER_TYPES.has(p.type) && !Number.isInteger(n)) return l10n.t('Enter a whole number.');
  if (p.min !== undefined && p.max !== undefined && (n < p.min || n > p.max))
    return l10n.t('Enter a number from {0} to {1}.', p.min, p.max);
  if (p.min !== undefined && n < p.min) return l10n.t('Enter a number of at least {0}.', p.min);
  if (p.max !== undefined && n > p.max) return l10n.t('Enter a number of at most {0}.', p.max);
  return undefined;
}

/** The value of a checked number box; undefined for an empty one (the parameter is not sent). */
export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  return t === '' ? undefined : Number(t);
}

/** A list parameter typed as comma-separated values. */
export function parseList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The text a box starts with: the value chosen before, else the parameter's default. */
export function initialText(p: ModelParam, value: unknown): string {
  const v = value ?? p.default;
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map(String).join(', ');
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** A chosen value as shown in the "More options…" list and the confirmation. */
export function describeValue(p: ModelParam, value: unknown): string {
  if (value === undefined) return l10n.t('default');
  if (typeof value === 'boolean') return value ? l10n.t('yes') : l10n.t('no');
  const option = p.options?.find((o) => o.value === value);
  if (option) return option.label;
  if (Array.isArray(value)) return value.map(String).join(', ');
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** What a FLORA field error (`fields[].field`) points at in the flow. */
export type FieldTarget =
  | { kind: 'prompt' }
  | { kind: 'param'; name: string }
  | { kind: 'model' }
  | { kind: 'project' }
  | { kind: 'other' };

export function fieldTarget(field: string, model?: Pick<Model, 'params'>): FieldTarget {
  if (field === 'prompt') return { kind: 'prompt' };
  if (field === 'model' || field === 'type') return { kind: 'model' };
  if (field === 'project_id' || field === 'workspace_id') return { kind: 'project' };
  const name = field.startsWith('params.') ? field.slice('params.'.length) : field;
  if (model?.params?.some((p) => p.name === name && editorFor(p))) return { kind: 'param', name };
  return { kind: 'other' };
}
