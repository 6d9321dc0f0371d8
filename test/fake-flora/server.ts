import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { API_PREFIX, errorBody, handleApi, matchRoute, type ApiResult } from './api';
import { CONTROL_PREFIX, handleControl, type ControlTarget } from './control';
import { DEFAULT_SEED, DEFAULT_START_TIME, buildTestDataset } from './dataset';
import { buildDemoDataset } from './demoDataset';
import { GenerateDesk } from './generate';
import { FaultBook, replacementResponse, rewriteBody, type ArmedFault, type RawResponse } from './faults';
import { failingMedia, resolveMedia, sendMedia } from './media';
import { Clock, FloraStore } from './store';
import {
  ROUTE_NAMES,
  type AddGenerationInput,
  type AddProjectInput,
  type AuthState,
  type Fault,
  type FakeFloraOptions,
  type FormatOptions,
  type Generation,
  type GenerationFilter,
  type IdempotencyStyle,
  type InjectOptions,
  type Model,
  type Project,
  type RequestLogEntry,
  type RouteName,
  type RuntimeOptions,
  type RunDetail,
  type StartGenerationsOptions,
  type TechniqueRun,
  type Workspace,
} from './types';

export const DEFAULT_API_KEY = 'sk_test_fake_key';
const MAX_CONTROL_BODY = 1024 * 1024;
// A demo server may run for hours under a polling client; keep the log bounded.
const MAX_LOG_ENTRIES = 10_000;
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function authOf(req: IncomingMessage, apiKey: string): AuthState {
  const header = req.headers.authorization;
  if (header === undefined || header.trim() === '') return 'none';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m && m[1] === apiKey ? 'valid' : 'invalid';
}

function splitUrl(raw: string): { pathname: string; query: URLSearchParams } {
  // Not `new URL(raw, base)`: a path such as "//evil/x" would be read as a host.
  const q = raw.indexOf('?');
  return {
    pathname: q < 0 ? raw : raw.slice(0, q),
    query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_CONTROL_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * A fake FLORA REST server on 127.0.0.1 with its own clock, a seeded dataset, fault injection and
 * a control interface (methods here, or HTTP under /_fake/ for other processes).
 */
export class FakeFlora implements ControlTarget {
  readonly origin: string;
  readonly baseUrl: string;
  readonly apiKey: string;

  private store: FloraStore;
  private desk: GenerateDesk;
  private fmt: FormatOptions;
  private runsRouteAnswersTechniqueRuns: boolean;
  private readonly faultBook = new FaultBook();
  private readonly counts = new Map<RouteName, number>();
  private total = 0;
  private log: RequestLogEntry[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly sleepers = new Map<NodeJS.Timeout, () => void>();
  private readonly logLine: (line: string) => void;
  private requestSerial = 0;
  private closed = false;
  /** Answers computed on arrival and kept back by a `hold` fault, oldest first. */
  private held: Array<() => void> = [];
  private heldWaiters: Array<{ count: number; resolve: () => void }> = [];

  private constructor(
    private readonly server: Server,
    port: number,
    private readonly opts: FakeFloraOptions,
  ) {
    this.origin = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    this.baseUrl = this.origin + API_PREFIX;
    this.apiKey = opts.apiKey ?? DEFAULT_API_KEY;
    this.logLine = opts.log ?? (() => undefined);
    this.fmt = {
      lastCursor: opts.lastCursor ?? 'null',
      timeUnit: opts.timeUnit ?? 'ms',
      progressScale: opts.progressScale ?? 100,
    };
    this.runsRouteAnswersTechniqueRuns = opts.runsRouteAnswersTechniqueRuns ?? false;
    this.store = this.buildStore();
    this.desk = new GenerateDesk(this.store, opts.idempotency, opts.credits);
    server.on(opts.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res));
  }

  static async start(opts: FakeFloraOptions = {}): Promise<FakeFlora> {
    const server = opts.tls
      ? createHttpsServer({ keepAliveTimeout: 5_000, key: opts.tls.key, cert: opts.tls.cert })
      : createServer({ keepAliveTimeout: 5_000 });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    return new FakeFlora(server, port, opts);
  }

  private buildStore(): FloraStore {
    const dataset = this.opts.dataset ?? 'test';
    const isDemo = dataset === 'demo';
    const mode = this.opts.clock ?? (isDemo ? 'real' : 'manual');
    const start = mode === 'real' ? Date.now() : (this.opts.startTime ?? DEFAULT_START_TIME);
    const clock = new Clock(mode, start);
    const seed = this.opts.seed ?? (typeof dataset === 'object' ? dataset.seed : undefined) ?? DEFAULT_SEED;
    const data = isDemo
      ? buildDemoDataset(seed, start)
      : buildTestDataset(typeof dataset === 'object' ? { ...dataset, seed } : { seed }, start);
    return new FloraStore(data, clock, seed);
  }

  // ------------------------------------------------------------ clock and dataset

  now(): number {
    return this.store.now();
  }

  /** Moves the server clock forward (in 'real' mode too, as an offset on top of Date.now()). */
  advance(ms: number): void {
    this.store.clock.advance(ms);
  }

  workspaces(): Workspace[] {
    return this.store.workspaces(this.fmt);
  }

  /** Projects as GET /projects orders them (recent activity first). */
  projects(workspaceId?: string): Project[] {
    return this.store.projects(this.fmt, workspaceId);
  }

  /** Generations visible now, newest first, exactly as GET /generations would show them. */
  generations(filter: GenerationFilter = {}): Generation[] {
    return this.store.visible(filter).map((r) => this.store.generationView(r, this.fmt, this.origin));
  }

  run(runId: string): RunDetail | undefined {
    const rec = this.store.findRun(runId);
    return rec ? this.store.runView(rec, this.fmt, this.origin) : undefined;
  }

  models(): Model[] {
    return this.store.models();
  }

  /** A new project with any name (hostile ones included); it shows first in its workspace. */
  addProject(input: AddProjectInput): Project {
    const id = this.store.addProject(input).project_id;
    return this.projects(input.workspace_id).find((p) => p.project_id === id)!;
  }

  addGeneration(input: AddGenerationInput): Generation {
    if (input.technique) throw new Error('a technique run is added with addTechniqueRun');
    return this.store.generationView(this.store.addGeneration(input), this.fmt, this.origin);
  }

  /** Technique runs visible now, newest first, exactly as GET /technique-runs would show them. */
  techniqueRuns(filter: GenerationFilter = {}): TechniqueRun[] {
    return this.store
      .visible(filter, 'technique')
      .map((r) => this.store.techniqueRunView(r, this.fmt, this.origin));
  }

  /** A technique run: the same schedule and options as addGeneration, listed by GET /technique-runs. */
  addTechniqueRun(
    input: AddGenerationInput & { technique: { technique_id: string; name: string } },
  ): TechniqueRun {
    return this.store.techniqueRunView(this.store.addGeneration(input), this.fmt, this.origin);
  }

  /** A workspace's credit balance, which POST /generate charges. */
  credits(workspaceId: string): number {
    return this.desk.balance(workspaceId);
  }

  setCredits(workspaceId: string, credits: number): void {
    this.desk.setBalance(workspaceId, credits);
  }

  /** How a repeated idempotency key is answered (both variants of the contract). */
  setIdempotency(style: IdempotencyStyle): void {
    this.desk.style = style;
  }

  /** Every POST /generate that created a run, oldest first: its run id and the body sent. */
  submissions(): ReadonlyArray<{ run_id: string; body: Record<string, unknown> }> {
    return this.desk.accepted;
  }

  /**
   * Adds `count` generations that are running now and finish `durationMs` (+ i * staggerMs) later.
   * Returned in creation order, i.e. oldest first; the last one is the newest in the history.
   */
  startGenerations(projectId: string, count: number, opts: StartGenerationsOptions = {}): Generation[] {
    return this.store
      .startGenerations(projectId, count, opts)
      .map((r) => this.store.generationView(r, this.fmt, this.origin));
  }

  formatOptions(): FormatOptions {
    return { ...this.fmt };
  }

  setOptions(partial: RuntimeOptions): void {
    if (partial.lastCursor !== undefined) this.fmt.lastCursor = partial.lastCursor;
    if (partial.timeUnit !== undefined) this.fmt.timeUnit = partial.timeUnit;
    if (partial.progressScale !== undefined) this.fmt.progressScale = partial.progressScale;
    if (partial.runsRouteAnswersTechniqueRuns !== undefined)
      this.runsRouteAnswersTechniqueRuns = partial.runsRouteAnswersTechniqueRuns;
  }

  /** Back to the initial dataset, clock, format options, no faults and zero counts. */
  reset(): void {
    this.store = this.buildStore();
    this.desk = new GenerateDesk(this.store, this.opts.idempotency, this.opts.credits);
    this.fmt = {
      lastCursor: this.opts.lastCursor ?? 'null',
      timeUnit: this.opts.timeUnit ?? 'ms',
      progressScale: this.opts.progressScale ?? 100,
    };
    this.runsRouteAnswersTechniqueRuns = this.opts.runsRouteAnswersTechniqueRuns ?? false;
    this.clearFaults();
    this.resetCounts();
  }

  // ------------------------------------------------------------ faults and accounting

  inject(route: RouteName, fault: Fault, opts: InjectOptions = {}): void {
    if (!ROUTE_NAMES.includes(route)) throw new Error(`unknown route ${String(route)}`);
    this.faultBook.inject(route, fault, opts.times ?? 1, opts.query);
  }

  clearFaults(): void {
    this.faultBook.clear();
  }

  faults(): ArmedFault[] {
    return this.faultBook.list();
  }

  /** Requests received for `route` (faulted ones included); without a route, every /api/v1 request. */
  requestCount(route?: RouteName): number {
    return route === undefined ? this.total : (this.counts.get(route) ?? 0);
  }

  requests(): RequestLogEntry[] {
    return this.log.map((e) => ({ ...e, query: { ...e.query } }));
  }

  resetCounts(): void {
    this.counts.clear();
    this.total = 0;
    this.log = [];
  }

  /** How many answers a `hold` fault keeps back now. */
  heldCount(): number {
    return this.held.length;
  }

  /** Resolves once at least `count` answers are held (no polling, no timer). */
  whenHeld(count = 1): Promise<void> {
    if (this.held.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.heldWaiters.push({ count, resolve }));
  }

  /** Sends the oldest `count` held answers (all by default), as computed when they arrived. */
  release(count = Number.POSITIVE_INFINITY): void {
    const out = this.held.splice(0, Math.min(count, this.held.length));
    for (const send of out) send();
  }

  /** Stops listening and destroys every socket, hung or idle, so no handle outlives the server. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.release();
    for (const [timer, wake] of this.sleepers) {
      clearTimeout(timer);
      wake();
    }
    this.sleepers.clear();
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await done;
  }

  // ------------------------------------------------------------ transport

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const requestId = `req_${randomBytes(6).toString('hex')}${(++this.requestSerial).toString(36)}`;
    this.handle(req, res, requestId).catch((err: unknown) => {
      this.logLine(`internal error ${requestId}: ${err instanceof Error ? err.stack : String(err)}`);
      if (!res.headersSent && !res.destroyed) {
        this.sendJson(res, requestId, 500, errorBody('unknown_error', 'The fake server failed.'));
      } else res.destroy();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const method = req.method ?? 'GET';
    const { pathname, query } = splitUrl(req.url ?? '/');
    if (pathname === API_PREFIX || pathname.startsWith(`${API_PREFIX}/`)) {
      await this.handleApiRequest(req, res, requestId, method, pathname, query);
    } else if (pathname.startsWith('/media/')) {
      this.handleMedia(req, res, requestId, method, pathname, query);
    } else if (pathname.startsWith(`${CONTROL_PREFIX}/`)) {
      await this.handleControlRequest(req, res, requestId, method, pathname, query);
    } else {
      this.sendJson(res, requestId, 404, errorBody('not_found', `No route ${method} ${pathname}.`));
      this.logLine(`${method} ${req.url ?? ''} 404 ${requestId}`);
    }
  }

  private async handleApiRequest(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    method: string,
    pathname: string,
    query: URLSearchParams,
  ): Promise<void> {
    const started = Date.now();
    const match = matchRoute(method, pathname.slice(API_PREFIX.length));
    const entry: RequestLogEntry = {
      method,
      path: pathname,
      query: Object.fromEntries(query),
      route: match?.route ?? null,
      status: null,
      authorization: authOf(req, this.apiKey),
      ...(req.headers['proxy-authorization'] !== undefined
        ? { proxyAuthorization: String(req.headers['proxy-authorization']) }
        : {}),
      fault: null,
      time: this.now(),
    };
    this.log.push(entry);
    if (this.log.length > MAX_LOG_ENTRIES) this.log.splice(0, this.log.length - MAX_LOG_ENTRIES);
    this.total++;
    const finish = (status: number | null, note = ''): void => {
      entry.status = status;
      const faultNote = entry.fault ? ` fault=${entry.fault}` : '';
      this.logLine(
        `${method} ${req.url ?? ''} ${status ?? '-'} ${Date.now() - started}ms auth=${entry.authorization}${faultNote}${note} ${requestId}`,
      );
    };

    if (!match) {
      this.sendJson(res, requestId, 404, errorBody('not_found', `No route ${method} ${pathname}.`));
      finish(404);
      return;
    }
    this.counts.set(match.route, (this.counts.get(match.route) ?? 0) + 1);

    const fault = this.faultBook.take(match.route, query);
    entry.fault = fault?.kind ?? null;
    if (fault?.kind === 'hang') {
      // Left open on purpose; close() destroys the socket.
      finish(null, ' (hung)');
      return;
    }
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      finish(null, ' (reset)');
      return;
    }
    if (fault?.kind === 'delay') {
      await this.sleep(fault.ms);
      if (this.closed || res.destroyed) return;
    }
    if (fault?.kind === 'large-body') {
      const sent = await this.sendLarge(res, requestId, fault.bytes, fault.announce !== false);
      entry.bytesSent = sent;
      finish(200, ` (large body, ${sent} of ${fault.bytes} bytes sent)`);
      return;
    }
    const replacement = fault ? replacementResponse(fault, match.route) : null;
    if (replacement) {
      this.sendRaw(res, requestId, replacement);
      finish(replacement.status);
      return;
    }

    let body: string | undefined;
    if (method === 'POST') {
      try {
        body = await readBody(req);
      } catch {
        this.sendJson(res, requestId, 400, errorBody('invalid_json', 'The request body is too large.'));
        finish(400);
        return;
      }
    }
    const idempotencyKey = req.headers['idempotency-key'];
    let result: ApiResult = handleApi(
      {
        store: this.store,
        fmt: this.fmt,
        origin: this.origin,
        generate: this.desk,
        runsRouteAnswersTechniqueRuns: this.runsRouteAnswersTechniqueRuns,
      },
      {
        route: match,
        query,
        auth: entry.authorization,
        body,
        idempotencyKey: typeof idempotencyKey === 'string' ? idempotencyKey : undefined,
      },
    );
    if (fault) result = rewriteBody(fault, result, match.route, this.origin);
    if (fault?.kind === 'hold') {
      // The answer is the server's state on arrival; it leaves only when the test releases it.
      await new Promise<void>((resolve) => {
        this.held.push(resolve);
        const ready = this.heldWaiters.filter((w) => this.held.length >= w.count);
        this.heldWaiters = this.heldWaiters.filter((w) => this.held.length < w.count);
        for (const w of ready) w.resolve();
      });
      if (this.closed || res.destroyed) return;
    }
    this.sendJson(res, requestId, result.status, result.body, result.headers);
    finish(result.status);
  }

  private handleMedia(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    method: string,
    pathname: string,
    query: URLSearchParams,
  ): void {
    const failing = failingMedia(pathname, query);
    if (failing) {
      // A CDN or proxy failing in its own words: the status line carries the reason phrase.
      if (failing.reason === null) {
        res.writeHead(failing.status, { 'content-type': 'text/plain', 'request-id': requestId });
      } else {
        res.writeHead(failing.status, failing.reason, {
          'content-type': 'text/plain',
          'request-id': requestId,
        });
      }
      res.end(req.method === 'HEAD' ? undefined : `media failed with HTTP ${failing.status}\n`);
      this.logLine(`${method} ${pathname} ${failing.status} (planted)`);
      return;
    }
    // Like FLORA's CDN: no API key needed.
    const file = method === 'GET' || method === 'HEAD' ? resolveMedia(pathname) : null;
    let status: number;
    if (!file) {
      status = 404;
      this.sendJson(res, requestId, 404, errorBody('not_found', `No media at ${pathname}.`));
    } else {
      status = sendMedia(req, res, file, { 'request-id': requestId });
    }
    this.logLine(`${method} ${pathname} ${status}${req.headers.range ? ` range=${req.headers.range}` : ''}`);
  }

  private async handleControlRequest(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    method: string,
    pathname: string,
    query: URLSearchParams,
  ): Promise<void> {
    if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) {
      this.sendJson(res, requestId, 403, errorBody('forbidden', 'The control interface is loopback-only.'));
      return;
    }
    let body: unknown = undefined;
    if (method === 'POST') {
      const text = await readBody(req);
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          this.sendJson(
            res,
            requestId,
            400,
            errorBody('invalid_json', 'The request body is not valid JSON.'),
          );
          return;
        }
      }
    }
    const result = handleControl(this, method, pathname.slice(CONTROL_PREFIX.length), query, body);
    this.sendJson(res, requestId, result.status, result.body);
    this.logLine(`${method} ${req.url ?? ''} ${result.status} (control)`);
  }

  private sendJson(
    res: ServerResponse,
    requestId: string,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    this.sendRaw(res, requestId, {
      status,
      contentType: 'application/json',
      text: JSON.stringify(body),
      headers,
    });
  }

  private sendRaw(res: ServerResponse, requestId: string, r: RawResponse): void {
    if (res.destroyed) return;
    const payload = Buffer.from(r.text, 'utf8');
    res.writeHead(r.status, {
      ...r.headers,
      'content-type': r.contentType,
      'content-length': String(payload.length),
      'request-id': requestId,
      'cache-control': 'no-store',
    });
    res.end(payload);
  }

  /** A valid JSON list page of exactly `bytes` bytes (when that is long enough), with backpressure. */
  private async sendLarge(
    res: ServerResponse,
    requestId: string,
    bytes: number,
    announce: boolean,
  ): Promise<number> {
    const head = Buffer.from('{"generations":[],"projects":[],"workspaces":[],"models":[],"padding":"');
    const tail = Buffer.from('"}');
    const fill = Math.max(0, bytes - head.length - tail.length);
    const total = head.length + fill + tail.length;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'request-id': requestId,
      'cache-control': 'no-store',
    };
    if (announce) headers['content-length'] = String(total);
    res.writeHead(200, headers);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    const write = async (data: Buffer): Promise<boolean> => {
      if (res.destroyed || this.closed) return false;
      sent += data.length;
      if (!res.write(data)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
      return !res.destroyed;
    };
    if (!(await write(head))) return sent;
    for (let left = fill; left > 0; left -= chunk.length) {
      if (!(await write(left >= chunk.length ? chunk : chunk.subarray(0, left)))) return sent;
    }
    if (await write(tail)) res.end();
    return sent;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleepers.delete(timer);
        resolve();
      }, ms);
      this.sleepers.set(timer, resolve);
    });
  }
}
