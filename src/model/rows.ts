/**
 * The tree's rows as plain data: what each row's label, description, tooltip, icon, contextValue
 * and click command are (src/ui/tree.ts turns a RowModel into a vscode.TreeItem and nothing
 * else), and what each row VS Code holds was built from, so that a change that shows nothing new
 * is not sent. No `vscode`: unit-tested directly.
 */
import * as l10n from '@vscode/l10n';
import type {
  Generation,
  GenerationOutput,
  GenerationStatus,
  OutputKind,
  Project,
  Workspace,
} from '../api/types';
import { absoluteTime, relativeTimeKey, safeHttpUrl, snippet } from './format';
import {
  generationDescription,
  generationError,
  generationFacts,
  generationTitle,
  outputLabel,
  statusWithProgress,
  STATUS_LABELS,
} from './presentation';
import type { ListState, Store } from './store';

/**
 * What a click on a row runs: hidden commands without arguments, acting on the clicked (selected)
 * row (see tree.ts for why). The palette's and context menus' `flora.preview` /
 * `flora.openOutput` / `flora.loadMore` keep taking a node or an id.
 */
export const ROW_COMMANDS = {
  preview: 'flora.row.preview',
  openOutput: 'flora.row.openOutput',
  loadMore: 'flora.row.loadMore',
} as const;

/** A codicon, and the theme colour it is drawn in. */
export interface RowIcon {
  id: string;
  color?: string;
}

/**
 * A tooltip in pieces: `markdown` is the extension's own (bold, line breaks); `text` is shown
 * literally (API strings: a name never becomes a link or an image).
 */
export type TooltipPiece = { markdown: string } | { text: string };

export interface RowModel {
  label: string;
  /** Absent: the row neither expands nor shows a twistie's space (a row whose data is gone). */
  collapsible?: 'none' | 'collapsed' | 'expanded';
  description?: string;
  icon?: RowIcon;
  tooltip?: TooltipPiece[];
  contextValue?: string;
  command?: { command: string; title: string };
  accessibilityLabel?: string;
}

/** Two rows with the same signature render the same. */
export function rowSignature(row: RowModel): string {
  return JSON.stringify([
    row.label,
    row.description,
    row.icon?.id,
    row.icon?.color,
    row.tooltip,
    row.contextValue,
    row.collapsible,
    row.command?.command,
    row.accessibilityLabel,
  ]);
}

// ---------------------------------------------------------------- rows by kind

const STATUS_ICONS: Record<GenerationStatus, RowIcon> = {
  pending: { id: 'clock', color: 'charts.yellow' },
  running: { id: 'loading~spin' },
  completed: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  unknown: { id: 'question' },
};

const OUTPUT_ICONS: Record<OutputKind, string> = {
  image: 'file-media',
  video: 'device-camera-video',
  audio: 'unmute',
  text: 'note', // l10n-ignore: a codicon name
  document: 'file-pdf',
  unknown: 'question',
};

/** Lines of plain API text, the ones marked bold in bold. */
function lines(list: Array<[string, boolean?]>): TooltipPiece[] {
  const pieces: TooltipPiece[] = [];
  list.forEach(([text, bold], i) => {
    if (i) pieces.push({ markdown: '  \n' });
    if (bold) pieces.push({ markdown: '**' });
    pieces.push({ text });
    if (bold) pieces.push({ markdown: '**' });
  });
  return pieces;
}

export function workspaceRow(workspaceId: string, w: Workspace | undefined, onlyOne: boolean): RowModel {
  return {
    label: w?.name ?? workspaceId,
    collapsible: onlyOne ? 'expanded' : 'collapsed',
    icon: { id: 'organization' },
    description: w?.role || undefined,
    contextValue: 'workspace',
    tooltip: lines([[w?.name ?? workspaceId, true], [l10n.t('Workspace · {0}', workspaceId)]]),
  };
}

export function projectRow(
  projectId: string,
  p: Project | undefined,
  list: Pick<ListState, 'loaded' | 'ids' | 'nextCursor' | 'totalEstimate'>,
): RowModel {
  const tooltip: Array<[string, boolean?]> = [
    [p?.name ?? projectId, true],
    [l10n.t('Project · {0}', projectId)],
  ];
  if (p?.lastModified) tooltip.push([l10n.t('Last activity {0}', absoluteTime(p.lastModified))]);
  if (list.totalEstimate !== undefined) tooltip.push([l10n.t('About {0} generations', list.totalEstimate)]);
  return {
    label: p?.name ?? projectId,
    collapsible: 'collapsed',
    icon: { id: 'folder-library' },
    // No "loading…" here: a project row that changes makes VS Code drop and re-fetch its rows.
    description: list.loaded ? `${list.ids.length}${list.nextCursor ? '+' : ''}` : undefined,
    contextValue: 'project',
    tooltip: lines(tooltip),
  };
}

export interface RowNames {
  modelName: string | undefined;
  projectName: string | undefined;
  /** The prompt of a generation started here (remembered locally; the API returns none). */
  prompt?: string;
}

/** A generation's row; `g` undefined when it is no longer loaded (the row shows its id). */
export function generationRow(
  generationId: string,
  g: Generation | undefined,
  names: RowNames,
  now: number,
): RowModel {
  if (!g) return { label: generationId };
  const label = generationTitle(g, names.modelName);
  const description = generationDescription(g, now);
  const links = g.outputs.some((o) => o.kind !== 'text' && safeHttpUrl(o.url));
  return {
    label,
    collapsible: g.outputs.length ? 'collapsed' : 'none',
    icon: STATUS_ICONS[g.status],
    description,
    tooltip: generationTooltip(g, label, { ...names, now }),
    contextValue: [
      'generation',
      `status-${g.status}`,
      g.outputs.length ? 'hasOutputs' : '',
      links ? 'hasLinks' : '',
    ]
      .filter(Boolean)
      .join(' '),
    accessibilityLabel: `${label}, ${STATUS_LABELS[g.status]}, ${description}`,
    command: { command: ROW_COMMANDS.preview, title: l10n.t('Preview') },
  };
}

/** The facts the preview lists (generationFacts), the status in the heading, and any error. */
function generationTooltip(g: Generation, label: string, names: RowNames & { now: number }): TooltipPiece[] {
  const pieces: TooltipPiece[] = [
    { markdown: '**' },
    { text: label },
    { markdown: '** — ' },
    { text: statusWithProgress(g) },
    { markdown: '\n\n' },
  ];
  // The first fact is the status, which the heading says.
  for (const fact of generationFacts(g, names).slice(1)) {
    pieces.push({ markdown: l10n.t('{0}: ', fact.label) }, { text: fact.value }, { markdown: '  \n' });
  }
  const error = generationError(g);
  if (error) {
    pieces.push({ markdown: `\n**${l10n.t('Error:')}** ` }, { text: error.message });
    if (error.code) pieces.push({ text: ` (${error.code})` });
  }
  return pieces;
}

/** An output's row, named as everywhere else (outputLabel); `o` undefined when it is gone. */
export function outputRow(
  outputId: string,
  o: GenerationOutput | undefined,
  all: readonly GenerationOutput[],
): RowModel {
  if (!o) return { label: outputId, collapsible: 'none' };
  const name = outputLabel(o, all);
  const url = o.kind === 'text' ? undefined : safeHttpUrl(o.url);
  return {
    // A text output's row shows the start of the text after its name.
    label: o.kind === 'text' ? l10n.t('{0}: {1}', name, snippet(o.url, 48)) : name,
    collapsible: 'none',
    icon: { id: OUTPUT_ICONS[o.kind] },
    description: o.kind === 'text' ? undefined : url ? url.hostname : l10n.t('not a web link'),
    contextValue: ['output', `kind-${o.kind}`, url ? 'hasUrl' : '', o.kind === 'text' ? 'isText' : '']
      .filter(Boolean)
      .join(' '),
    tooltip: [{ markdown: `**${name}** \n\n` }, { text: o.kind === 'text' ? snippet(o.url, 600) : o.url }],
    command: { command: ROW_COMMANDS.openOutput, title: l10n.t('Open Output') },
  };
}

export function loadMoreRow(
  parentKind: 'workspace' | 'project',
  list: Pick<ListState, 'loading' | 'ids' | 'totalEstimate'>,
): RowModel {
  return {
    label: list.loading ? l10n.t('Loading…') : l10n.t('Load more…'),
    collapsible: 'none',
    icon: { id: list.loading ? 'loading~spin' : 'ellipsis' },
    description:
      list.totalEstimate !== undefined
        ? l10n.t('{0} of about {1}', list.ids.length, list.totalEstimate)
        : undefined,
    contextValue: parentKind === 'project' ? 'loadMore loadMoreGenerations' : 'loadMore',
    command: list.loading ? undefined : { command: ROW_COMMANDS.loadMore, title: l10n.t('Load More') },
  };
}

export type MessageKind = 'error' | 'stale' | 'skipped' | 'empty' | 'info' | 'loading';

/** A row that says something instead of showing data: an error (see errorView), loading, empty. */
export function messageRow(
  kind: MessageKind,
  label: string,
  detail: string,
  action?: { command: string; title: string },
): RowModel {
  const icon: RowIcon =
    kind === 'loading'
      ? { id: 'loading~spin' }
      : kind === 'error'
        ? { id: 'error', color: 'problemsErrorIcon.foreground' }
        : kind === 'stale'
          ? { id: 'warning', color: 'problemsWarningIcon.foreground' }
          : { id: 'info' };
  const tooltip: TooltipPiece[] = [{ text: detail || label }];
  if (action) tooltip.push({ markdown: `\n\n_${l10n.t('Click to {0}.', action.title.toLowerCase())}_` });
  return {
    label,
    collapsible: 'none',
    icon,
    tooltip,
    contextValue: `message message-${kind}`,
    command: action && { command: action.command, title: action.title },
    description: action?.title,
  };
}

// ---------------------------------------------------------------- what VS Code holds

/**
 * Everything a generation's row reads besides constants: two equal lists render alike. The
 * relative time is compared by its key (which text it is), not by its text: a re-read asks this
 * of every row on screen, and formatting thousands of times costs more than the rest.
 */
export function generationRowInputs(store: Store, g: Generation, now: number): readonly unknown[] {
  return [
    g,
    store.modelName(g.modelId),
    store.project(g.projectId)?.name,
    store.promptOf(g.id),
    relativeTimeKey(g.createdAt, now),
  ];
}

/**
 * What each row VS Code holds reads (its signature), and for a generation row what it was built
 * from. A row is a pure function of a few inputs (for a generation: the generation object, its
 * model's name, its project's name, the relative time shown); the store replaces a generation
 * object whenever it changes it and never edits one in place, so inputs that are all the same
 * values (`Object.is`) as when the row was built mean it reads the same, without building it.
 */
export class ShownRows {
  private rows = new Map<string, { signature: string; inputs?: readonly unknown[] }>();

  /** Row `id` was handed to VS Code reading `signature`, built from `inputs` when it has any. */
  remember(id: string, signature: string, inputs?: readonly unknown[]): void {
    this.rows.set(id, { signature, inputs });
  }

  /** The ids of the rows VS Code holds. */
  ids(): string[] {
    return [...this.rows.keys()];
  }

  /**
   * Whether row `id` would read differently from what VS Code holds: true when VS Code never got
   * it; false at once when it was built from exactly these `inputs`; otherwise it is built
   * (`signature`) and compared, and when it reads the same the new inputs are remembered.
   */
  changed(id: string, inputs: readonly unknown[] | undefined, signature: () => string): boolean {
    const shown = this.rows.get(id);
    if (!shown) return true;
    if (inputs && sameInputs(shown.inputs, inputs)) return false;
    if (shown.signature !== signature()) return true;
    if (inputs) shown.inputs = inputs;
    return false;
  }

  /** Forgets every row (VS Code re-reads them all). */
  clear(): void {
    this.rows = new Map();
  }
}

function sameInputs(before: readonly unknown[] | undefined, now: readonly unknown[]): boolean {
  if (!before || before.length !== now.length) return false;
  for (let i = 0; i < now.length; i++) if (!Object.is(before[i], now[i])) return false;
  return true;
}
