import { errorBody, type ApiResult } from './api';
import type { Fault, RouteName } from './types';

// Fault injection: a FIFO of armed faults per route, and the rewrites they apply.

export interface ArmedFault {
  route: RouteName;
  fault: Fault;
  /** Requests still to be hit; Infinity = until cleared. */
  remaining: number;
  /** Only requests whose query has these values are hit (others pass untouched). */
  query?: Record<string, string>;
}

export class FaultBook {
  private armed: ArmedFault[] = [];

  inject(route: RouteName, fault: Fault, times = 1, query?: Record<string, string>): void {
    if (!(times > 0) || (!Number.isInteger(times) && times !== Number.POSITIVE_INFINITY)) {
      throw new RangeError('times must be a positive integer or Infinity');
    }
    this.armed.push(
      query ? { route, fault, remaining: times, query: { ...query } } : { route, fault, remaining: times },
    );
  }

  /** Consumes one use of the oldest fault armed for `route` (and this query, if it names one), if any. */
  take(route: RouteName, query?: URLSearchParams): Fault | null {
    const index = this.armed.findIndex(
      (a) =>
        a.route === route && (!a.query || Object.entries(a.query).every(([k, v]) => query?.get(k) === v)),
    );
    if (index < 0) return null;
    const entry = this.armed[index];
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.armed.splice(index, 1);
    return entry.fault;
  }

  clear(): void {
    this.armed = [];
  }

  list(): ArmedFault[] {
    return this.armed.map((a) => ({
      ...a,
      fault: { ...a.fault },
      ...(a.query ? { query: { ...a.query } } : {}),
    }));
  }
}

/** A response that replaces the normal answer entirely. */
export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
  headers?: Record<string, string>;
}

const LIST_KEYS: Record<RouteName, string | null> = {
  'GET /generations': 'generations',
  'GET /runs/:id': null,
  'GET /workspaces': 'workspaces',
  'GET /projects': 'projects',
  'GET /projects/:id': null,
  'GET /models': 'models',
  'POST /generate': null,
  'GET /technique-runs': 'technique_runs',
  'GET /techniques/:id/runs/:runId': null,
};

const HTML_502 =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n' +
  '<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n';

/** Faults that answer without consulting the API (they also bypass auth, like a broken proxy would). */
export function replacementResponse(fault: Fault, route: RouteName): RawResponse | null {
  switch (fault.kind) {
    case 'status': {
      const message = fault.message ?? `Injected ${fault.code} (${fault.status}).`;
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
      return {
        status: fault.status,
        contentType: 'application/json',
        text: JSON.stringify(errorBody(fault.code, message, fault.fields)),
        headers,
      };
    }
    case 'html':
      return { status: 502, contentType: 'text/html; charset=utf-8', text: HTML_502 };
    case 'malformed-json': {
      const key = LIST_KEYS[route] ?? 'run_id';
      return { status: 200, contentType: 'application/json', text: `{"${key}": [{"run_id": "run_trunc` };
    }
    case 'missing-list':
      return { status: 200, contentType: 'application/json', text: '{}' };
    case 'json':
      return { status: 200, contentType: 'application/json', text: JSON.stringify(fault.body) ?? 'null' };
    default:
      return null;
  }
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MALFORMED_ITEMS: Record<string, Json> = {
  // No run_id, and the wrong type for every field a client would read first.
  generations: {
    generation_id: 'run_malformed',
    status: 42,
    progress: 'half',
    created_at: 'yesterday',
    outputs: 'none',
  },
  // Its run id, technique and status are all unusable.
  technique_runs: {
    technique_run_id: 'run_malformed',
    run_id: 'run_malformed',
    status: 42,
    progress: 'half',
    created_at: 'yesterday',
    technique: 'none',
  },
  projects: { project_id: 17, name: null, workspace_id: false },
  workspaces: { workspace_id: null, name: 42 },
  models: { model_id: 42, name: ['x'], params: 'none' },
};

function targetIndex(list: unknown[]): number {
  // The second item, so a tolerant reader still has valid neighbours on both sides when possible.
  return Math.min(1, list.length - 1);
}

function withUnknownEnums(item: Json, origin: string, status = 'queued'): Json {
  const outputs: unknown[] = Array.isArray(item.outputs) ? (item.outputs as unknown[]) : [];
  return {
    ...item,
    status,
    outputs: [
      ...outputs,
      { output_id: 'out_unknown_type', type: 'modelUrl', url: `${origin}/media/model.glb` },
    ],
  };
}

/** Faults that let the API answer and then corrupt a 200 body. */
export function rewriteBody(fault: Fault, result: ApiResult, route: RouteName, origin: string): ApiResult {
  if (result.status !== 200 || !isRecord(result.body)) return result;
  const body: Json = { ...result.body };
  const listKey = LIST_KEYS[route];
  const list = listKey !== null && Array.isArray(body[listKey]) ? [...(body[listKey] as unknown[])] : null;

  switch (fault.kind) {
    case 'invalid-item': {
      if (listKey === null) {
        const bad: Json = { ...body, status: 42, progress: 'half' };
        delete bad.run_id;
        delete bad.project_id;
        return { ...result, body: bad };
      }
      if (!list) return result;
      const malformed = MALFORMED_ITEMS[listKey] ?? { broken: true };
      if (list.length === 0) list.push(malformed);
      else list[targetIndex(list)] = malformed;
      return { ...result, body: { ...body, [listKey]: list } };
    }
    case 'unknown-enum': {
      if (route === 'GET /runs/:id' || route === 'GET /techniques/:id/runs/:runId') {
        return { ...result, body: withUnknownEnums(body, origin, fault.status) };
      }
      if (!list) return result;
      if (listKey === 'technique_runs') {
        const i = targetIndex(list);
        const item = list[i];
        if (isRecord(item)) list[i] = withUnknownEnums(item, origin, fault.status);
      } else if (listKey === 'generations') {
        const i = targetIndex(list);
        const item = list[i];
        if (isRecord(item)) list[i] = withUnknownEnums(item, origin, fault.status);
        else
          list.push(
            withUnknownEnums(
              {
                generation_id: 'run_unknown_enum',
                run_id: 'run_unknown_enum',
                progress: 0,
                created_at: 0,
                workspace_id: 'ws_unknown',
                project_id: 'prj_unknown',
              },
              origin,
              fault.status,
            ),
          );
      } else if (listKey === 'models') {
        const i = targetIndex(list);
        const item = list[i];
        if (isRecord(item)) list[i] = { ...item, type: 'threeD' };
      }
      return { ...result, body: { ...body, [listKey as string]: list } };
    }
    case 'meta': {
      const next: Json = { ...body };
      if ('meta' in fault) next.meta = fault.meta;
      else delete next.meta;
      return { ...result, body: next };
    }
    case 'no-outputs': {
      if (!list) return result;
      const bare = list.map((item) => {
        if (!isRecord(item)) return item;
        const rest = { ...item };
        delete rest.outputs;
        return rest;
      });
      return { ...result, body: { ...body, [listKey as string]: bare } };
    }
    case 'repeat-cursor': {
      if (!result.page || !isRecord(body.meta)) return result;
      const next = result.page.requestCursor ?? result.page.firstPageCursor;
      return { ...result, body: { ...body, meta: { ...body.meta, next_cursor: next } } };
    }
    case 'cycle-cursor': {
      // Points back one page: a client that follows cursors A → B is sent to A again.
      if (!result.page || !isRecord(body.meta)) return result;
      const back = result.page.previousPageCursor;
      return { ...result, body: { ...body, meta: { ...body.meta, next_cursor: back } } };
    }
    default:
      return result;
  }
}
