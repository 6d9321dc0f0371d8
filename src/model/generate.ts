/**
 * A generation started from the editor (issue 13 §1), without UI: the submission (one
 * idempotency key per confirmed submission, reused for every retry of it), what FLORA's answers
 * mean for the user (a new pending row, the same submission again, a field to reopen, credits to
 * add), and the pending generation shown at once at the top of its project.
 */
import { randomUUID } from 'node:crypto';
import * as l10n from '@vscode/l10n';
import type { FloraApi } from '../api/client';
import {
  CancelledError,
  DuplicateSubmissionError,
  IdempotencyConflictError,
  InsufficientCreditsError,
  RateLimitError,
  ValidationError,
  type FloraError,
} from '../api/errors';
import type { GenerateAnswer, GenerateBody } from '../api/schemas';
import type { Generation, Model } from '../api/types';
import { fieldTarget, type FieldTarget } from './generateParams';
import { inertText } from './plainText';

export const GENERATE_TYPES = ['image', 'video', 'audio', 'text'] as const;
export type GenerateType = (typeof GENERATE_TYPES)[number];

/** Everything the user chose, as confirmed. */
export interface GenerateRequest {
  workspaceId: string;
  projectId: string;
  type: GenerateType;
  prompt: string;
  /** Absent: FLORA picks one. */
  modelId?: string;
  /** The model's params by name; unset ones are not sent. */
  params: Record<string, unknown>;
}

/**
 * One confirmed submission: its key is made once, here, and every retry of it (the client's own,
 * or a "Try Again" after a timeout) sends the same key, so FLORA never bills it twice. A request
 * corrected after a refusal is a new submission with a new key.
 */
export class Submission {
  readonly key: string;
  readonly submittedAt: number;

  constructor(
    readonly request: GenerateRequest,
    now: () => number = Date.now,
    makeKey: () => string = randomUUID,
  ) {
    this.key = makeKey();
    this.submittedAt = now();
  }

  body(): GenerateBody {
    const r = this.request;
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r.params)) if (v !== undefined) params[k] = v;
    return {
      workspace_id: r.workspaceId,
      project_id: r.projectId,
      type: r.type,
      prompt: r.prompt,
      ...(r.modelId ? { model: r.modelId } : {}),
      ...(Object.keys(params).length ? { params } : {}),
    };
  }
}

export type SubmitOutcome =
  /** FLORA took it (a replay of the first answer included): the new pending row. */
  | { kind: 'created'; generation: Generation; answer: GenerateAnswer }
  /**
   * 409 `idempotency_duplicate`: FLORA took this submission already (an earlier try's answer was
   * lost). `generation` is its row when the project's newest page shows it, else undefined.
   */
  | { kind: 'duplicate'; generation?: Generation };

export interface SubmitOptions {
  /** Ids known before the submission: the row a duplicate answer refers to is not among them. */
  knownIds: ReadonlySet<string>;
  /** Time the new row is created at (at least its project's newest, so it shows on top). */
  createdAt: number;
  signal?: AbortSignal;
  /** Waits out a rate limit longer than the client waits by itself (then the same key is sent again). */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told before each such wait (for a progress message). */
  onWait?: (ms: number) => void;
}

/** How often a 429 that outlasted the client's own retries is waited out before it is shown. */
export const RATE_LIMIT_ROUNDS = 3;
const RATE_LIMIT_FALLBACK_MS = 5_000;

/** Sends the submission (retries keep its key) and says what FLORA's answer means. Throws a FloraError otherwise. */
export async function submitGeneration(
  api: Pick<FloraApi, 'generate' | 'listGenerations'>,
  submission: Submission,
  options: SubmitOptions,
): Promise<SubmitOutcome> {
  for (let round = 0; ; round++) {
    try {
      const answer = await api.generate(submission.body(), {
        idempotencyKey: submission.key,
        signal: options.signal,
      });
      return {
        kind: 'created',
        answer,
        generation: pendingGeneration(answer, submission, options.createdAt),
      };
    } catch (err) {
      if (err instanceof DuplicateSubmissionError) {
        return { kind: 'duplicate', generation: await findDuplicate(api, submission, options) };
      }
      if (err instanceof RateLimitError && round < RATE_LIMIT_ROUNDS) {
        const wait = err.retryAfterMs ?? RATE_LIMIT_FALLBACK_MS;
        options.onWait?.(wait);
        try {
          await options.sleep(wait, options.signal);
        } catch {
          throw new CancelledError(l10n.t('The request was cancelled.'));
        }
        continue;
      }
      throw err;
    }
  }
}

/**
 * How far before the submission's first send FLORA's row for it may be dated (the two clocks
 * differ a little): an older row is someone else's, or an earlier submission.
 */
export const DUPLICATE_WINDOW_MS = 2 * 60_000;

/**
 * The row FLORA made for this submission, when it can be told apart: among the project's newest
 * rows the store does not know, the one created since the submission was first sent (give or take
 * DUPLICATE_WINDOW_MS) with the chosen model (when one was chosen). With none or several of them
 * it is undefined: a teammate's or an older generation must not be taken for it (the user's prompt
 * would be remembered for it, its output inserted in the editor).
 */
async function findDuplicate(
  api: Pick<FloraApi, 'listGenerations'>,
  submission: Submission,
  options: SubmitOptions,
): Promise<Generation | undefined> {
  try {
    const page = await api.listGenerations(
      { projectId: submission.request.projectId, limit: 20 },
      { signal: options.signal },
    );
    const model = submission.request.modelId;
    const since = submission.submittedAt - DUPLICATE_WINDOW_MS;
    const candidates = page.items.filter(
      (g) => !options.knownIds.has(g.id) && g.createdAt >= since && (!model || g.modelId === model),
    );
    return candidates.length === 1 ? candidates[0] : undefined;
  } catch {
    // The poller's next look at the project finds it anyway.
    return undefined;
  }
}

/** The row shown at once: pending, at the top of its project, followed by the poller from there. */
export function pendingGeneration(
  answer: GenerateAnswer,
  submission: Submission,
  createdAt: number,
): Generation {
  const r = submission.request;
  return {
    id: answer.runId,
    runId: answer.runId,
    workspaceId: r.workspaceId,
    projectId: answer.projectId ?? r.projectId,
    modelId: answer.modelId ?? r.modelId,
    status: 'pending',
    rawStatus: 'pending',
    progress: 0,
    createdAt,
    cost: answer.chargedCost,
    outputs: [],
    pollUrl: answer.pollUrl,
  };
}

/** What a refused submission means for the flow. */
export type GenerateFailure =
  /** A field FLORA refused: the flow reopens that step with FLORA's message. */
  | { kind: 'field'; target: FieldTarget; field: string; message: string }
  /** 402: the workspace cannot pay for it; offer the billing page. */
  | { kind: 'credits'; message: string }
  /** Anything else: shown as FLORA said it (never silently dropped). */
  | { kind: 'other'; message: string };

/**
 * FLORA's error message and field names are API text: every message here is inert (plainText.ts),
 * since it is shown in notifications, QuickPick placeholders and InputBox validation messages.
 */
export function describeGenerateFailure(err: FloraError, model?: Pick<Model, 'params'>): GenerateFailure {
  const said = inertText(err.message);
  if (err instanceof ValidationError && err.fields?.length) {
    const f = err.fields[0];
    return {
      kind: 'field',
      target: fieldTarget(f.field, model),
      field: inertText(f.field),
      message: inertText(f.message),
    };
  }
  if (err instanceof InsufficientCreditsError) {
    return {
      kind: 'credits',
      message: l10n.t('Not enough FLORA credits for this generation: {0}', said),
    };
  }
  if (err instanceof IdempotencyConflictError) {
    return {
      kind: 'other',
      message: l10n.t('FLORA refused a repeat of this submission with different content ({0}).', said),
    };
  }
  if (err.kind === 'rate_limit') {
    return { kind: 'other', message: l10n.t("FLORA's rate limit is still reached: {0}", said) };
  }
  if (err.kind === 'timeout' || err.kind === 'connection') {
    return {
      kind: 'other',
      message: l10n.t(
        'FLORA did not confirm the generation ({0}). Trying again sends the same submission: it cannot start a second one.',
        said,
      ),
    };
  }
  return { kind: 'other', message: l10n.t('FLORA did not start the generation: {0}', said) };
}

/** The notification for a failure that reopens no step (inert, like its parts). */
export function failureNotice(failure: GenerateFailure): string {
  return failure.kind === 'field'
    ? l10n.t('FLORA refused the generation: {0}: {1}', failure.field, failure.message)
    : failure.message;
}

/**
 * Where to add credits: FLORA publishes no billing URL (flora-api.md), so it is the FLORA app's
 * origin derived from the API base URL (`https://app.flora.ai/api/v1` → `https://app.flora.ai`).
 */
export function billingUrl(apiBaseUrl: string): string | undefined {
  try {
    return new URL(apiBaseUrl).origin;
  } catch {
    return undefined;
  }
}
