// Walking a long history: 200 pages × 100 generations (≈ 14 MB of JSON, pre-rendered once and
// served by a local keep-alive HTTP server in this process), walked end to end by
//   - the floor: undici `Pool.request` + `JSON.parse`, no checking at all;
//   - global `fetch` + `JSON.parse`;
//   - FLORA's official SDK (`@flora-ai/flora`, a devDependency used only here), auto-pagination;
//   - this project's client: its request path alone (`FloraHttp.get`), `FloraClient.listGenerations`
//     page by page, and `walkPages` over it as the store walks a list (zod check of every item,
//     mapping, logging, repeats dropped).
// Interleaved rounds (the order rotates every round), median of each, in wall and CPU time;
// ratios are taken within each round against the floor. Then, without HTTP and in CPU time, the
// parts of the client's cost: zod classic vs zod/mini, per item vs one array parse, a schema
// built per page vs once, the mapping (spread vs literal), the id Set, per-request plumbing.
// BENCH_ROUNDS=n changes the number of rounds (15).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import FLORA from '@flora-ai/flora';
import { Pool } from 'undici';
import * as zc from 'zod';
import * as zm from 'zod/mini';
import { FloraClient } from '../src/api/client';
import { FloraHttp } from '../src/api/http';
import { redact, rememberSecret } from '../src/api/logger';
import { walkPages } from '../src/api/pagination';
import { parseGeneration, parseItems, parseListEnvelope } from '../src/api/schemas';
import { mulberry32 } from '../test/fake-flora/prng';
import { median, record, table } from './results';

const PAGES = 200;
const PER_PAGE = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const API_KEY = 'sk_live_benchmarkKey0123456789';

// ---- the data: realistic items following /work/shared/flora-api.md, built once ----

const MODELS = [
  ['t2i-flux-2-pro', 'imageUrl', 'png'],
  ['t2i-imagen-4', 'imageUrl', 'jpg'],
  ['i2v-kling-2-1', 'videoUrl', 'mp4'],
  ['t2v-veo-3', 'videoUrl', 'mp4'],
  ['t2a-eleven-music', 'audioUrl', 'mp3'],
  ['t2t-gpt-5', 'text', ''],
  ['doc-layout-1', 'documentUrl', 'pdf'],
] as const;
const ERRORS = [
  ['provider_error', 'The provider failed to complete the generation.'],
  ['safety_blocked', 'The prompt or an input was blocked by the safety filter.'],
  ['MODEL_TIMEOUT', 'The model did not finish within its time limit.'],
] as const;

function buildPages(origin: string): { bodies: Buffer[]; bytes: number } {
  const rnd = mulberry32(11);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');
  const workspaces = Array.from({ length: 3 }, () => `ws_${hex(12)}`);
  const projects = Array.from({ length: 24 }, (_, i) => [workspaces[i % 3], `prj_${hex(12)}`] as const);
  let now = Date.UTC(2026, 10, 30, 12, 0, 0);
  const bodies: Buffer[] = [];
  let bytes = 0;
  for (let p = 0; p < PAGES; p++) {
    const generations: unknown[] = [];
    for (let i = 0; i < PER_PAGE; i++) {
      now -= Math.floor(5_000 + rnd() * 600_000);
      const id = `run_${hex(24)}`;
      const [ws, prj] = projects[Math.floor(rnd() * projects.length)];
      const [modelId, type, ext] = MODELS[Math.floor(rnd() * MODELS.length)];
      const r = rnd();
      // Newest first: the first page holds the live ones; an occasional status FLORA may add.
      const status =
        p === 0 && i < 5
          ? 'running'
          : p === 0 && i < 8
            ? 'pending'
            : r < 0.88
              ? 'completed'
              : r < 0.995
                ? 'failed'
                : 'cancelled';
      const item: Record<string, unknown> = {
        generation_id: id,
        run_id: id,
        status,
        progress: status === 'completed' ? 100 : status === 'running' ? Math.floor(rnd() * 100) : 0,
        created_at: now,
        workspace_id: ws,
        project_id: prj,
        model: { model_id: modelId },
        poll_url: `${origin}/api/v1/runs/${id}`,
      };
      if (status !== 'pending') item.started_at = now + 800 + Math.floor(rnd() * 4000);
      if (status === 'completed' || status === 'failed') {
        item.completed_at = (item.started_at as number) + 4000 + Math.floor(rnd() * 90_000);
        item.charged_cost = Math.round(rnd() * 40) / 100;
      }
      if (status === 'failed') {
        const [code, message] = ERRORS[Math.floor(rnd() * ERRORS.length)];
        item.error_code = code;
        item.error_message = message;
      }
      if (status === 'completed') {
        const n = type === 'imageUrl' ? 1 + Math.floor(rnd() * 4) : 1;
        item.outputs = Array.from({ length: n }, (_, k) => ({
          output_id: `out_${hex(16)}`,
          type,
          url:
            type === 'text'
              ? 'A quiet harbour at dawn, fishing boats resting on glassy water, gulls overhead.'
              : `https://cdn.flora.ai/outputs/${ws}/${prj}/${id}/${k}.${ext}?sig=${hex(32)}&exp=${Math.floor(now / 1000) + 86_400}`,
        }));
      }
      if (rnd() < 0.05) delete item.model; // optional fields are sometimes left out
      generations.push(item);
    }
    const next =
      p + 1 < PAGES
        ? Buffer.from(JSON.stringify({ offset: (p + 1) * PER_PAGE })).toString('base64url')
        : null;
    const body = Buffer.from(
      JSON.stringify({ generations, meta: { next_cursor: next, total_estimate: PAGES * PER_PAGE } }),
    );
    bytes += body.length;
    bodies.push(body);
  }
  return { bodies, bytes };
}

function serve(
  bodiesFor: (origin: string) => Buffer[],
): Promise<{ origin: string; close: () => Promise<void> }> {
  let bodies: Buffer[] = [];
  let served = 0;
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const cursor = url.searchParams.get('cursor');
    const offset = cursor
      ? (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { offset: number }).offset
      : 0;
    const body = bodies[offset / PER_PAGE];
    if (
      url.pathname !== '/api/v1/generations' ||
      !body ||
      req.headers.authorization !== `Bearer ${API_KEY}`
    ) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': body.length,
      'request-id': `req_${++served}`,
    });
    res.end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      bodies = bodiesFor(origin);
      resolve({
        origin,
        close: () => {
          server.closeAllConnections();
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}

// ---- the contenders: each walks every page and returns how many generations it saw ----

interface RawPage {
  generations: unknown[];
  meta?: { next_cursor?: string | null };
}

const path = (cursor: string | undefined) =>
  `/api/v1/generations?limit=${PER_PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;

/** One page's item count and the cursor of the next page (none on the last). */
interface Counted {
  count: number;
  next: string | undefined;
}

function rawPage(page: RawPage): Counted {
  return { count: page.generations.length, next: page.meta?.next_cursor ?? undefined };
}

/** Walks every page through `read` (given the cursor, undefined first) and counts the items. */
async function countPages(read: (cursor: string | undefined) => Promise<Counted>): Promise<number> {
  let n = 0;
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    n += page.count;
    cursor = page.next;
  } while (cursor);
  return n;
}

function contenders(origin: string): Record<string, () => Promise<number>> {
  const pool = new Pool(origin, { connections: 4 });
  const headers = { authorization: `Bearer ${API_KEY}`, accept: 'application/json' };
  const sdk = new FLORA({ apiKey: API_KEY, baseURL: `${origin}/api/v1`, maxRetries: 0, logLevel: 'off' });
  const client = new FloraClient({ baseUrl: `${origin}/api/v1`, apiKey: () => API_KEY });
  const http = new FloraHttp({ baseUrl: `${origin}/api/v1`, apiKey: () => API_KEY });
  return {
    floor: () =>
      countPages(async (cursor) => {
        const res = await pool.request({ method: 'GET', path: path(cursor), headers });
        return rawPage(JSON.parse(await res.body.text()) as RawPage);
      }),
    fetch: () =>
      countPages(async (cursor) => {
        const res = await fetch(origin + path(cursor), { headers });
        return rawPage(JSON.parse(await res.text()) as RawPage);
      }),
    sdk: async () => {
      let n = 0;
      for await (const g of sdk.generations.list({ limit: PER_PAGE })) if (g.run_id) n++;
      return n;
    },
    // The client's own request path (key, timer, log line, capped read, JSON.parse), no checking.
    clientRaw: () =>
      countPages(async (cursor) =>
        rawPage((await http.get('/generations', { limit: PER_PAGE, cursor })).body as RawPage),
      ),
    // Page by page through listGenerations: every item checked and mapped, no walk around it.
    clientPage: () =>
      countPages(async (cursor) => {
        const page = await client.listGenerations({ limit: PER_PAGE, cursor });
        return { count: page.items.length, next: page.nextCursor };
      }),
    client: async () => {
      let n = 0;
      const pages = walkPages(
        (cursor) => client.listGenerations({ limit: PER_PAGE, cursor }),
        (g) => g.id,
      );
      for await (const page of pages) n += page.items.length;
      return n;
    },
  };
}

const LABELS: Record<string, string> = {
  floor: 'floor: undici `Pool.request` + `JSON.parse`',
  fetch: 'global `fetch` + `JSON.parse`',
  sdk: "FLORA's SDK `@flora-ai/flora` 0.11, auto-pagination",
  clientRaw: '`FloraHttp.get`, the request path alone (no item checked)',
  clientPage: '`FloraClient.listGenerations` page by page (items checked and mapped)',
  client: "this project's client: `walkPages` over `listGenerations` (+ repeats dropped)",
};

// ---- the parts, without HTTP: per item cost of each way to check and map ----

const GenClassic = (() => {
  const z = zc;
  const n = z.number().nullable().optional();
  const s = z.string().nullable().optional();
  const time = z.union([z.number(), z.string()]);
  const t = time.nullable().optional();
  return z.looseObject({
    run_id: z.string().min(1),
    status: z.string(),
    progress: n,
    created_at: time,
    started_at: t,
    completed_at: t,
    charged_cost: n,
    error_code: s,
    error_message: s,
    outputs: z.array(z.unknown()).nullable().optional(),
    poll_url: s,
    generation_id: z.string().min(1),
    workspace_id: z.string(),
    project_id: z.string(),
    model: z.looseObject({ model_id: s }).nullable().optional(),
  });
})();

const GenMini = (() => {
  const z = zm;
  const n = z.optional(z.nullable(z.number()));
  const s = z.optional(z.nullable(z.string()));
  const time = z.union([z.number(), z.string()]);
  const t = z.optional(z.nullable(time));
  return z.looseObject({
    run_id: z.string().check(z.minLength(1)),
    status: z.string(),
    progress: n,
    created_at: time,
    started_at: t,
    completed_at: t,
    charged_cost: n,
    error_code: s,
    error_message: s,
    outputs: z.optional(z.nullable(z.array(z.unknown()))),
    poll_url: s,
    generation_id: z.string().check(z.minLength(1)),
    workspace_id: z.string(),
    project_id: z.string(),
    model: z.optional(z.nullable(z.looseObject({ model_id: s }))),
  });
})();
const OutputMini = zm.looseObject({
  output_id: zm.string(),
  type: zm.string(),
  url: zm.string().check(zm.minLength(1)),
});

type Wire = zc.infer<typeof GenClassic>;
type Out = zm.infer<typeof OutputMini>;

/** The mapping as it was (a spread of the run state into the generation) and as a literal. */
function runState(w: Wire, outputs: (o: unknown) => Out | undefined) {
  const outs = [];
  for (const o of w.outputs ?? []) {
    const p = outputs(o);
    if (p) outs.push({ id: p.output_id, kind: p.type, rawType: p.type, url: p.url });
  }
  return {
    runId: w.run_id,
    status: w.status,
    rawStatus: w.status,
    progress: w.progress ?? 0,
    createdAt: Number(w.created_at),
    startedAt: w.started_at ?? undefined,
    completedAt: w.completed_at ?? undefined,
    cost: w.charged_cost ?? undefined,
    errorCode: w.error_code ?? undefined,
    errorMessage: w.error_message ?? undefined,
    outputs: outs,
    pollUrl: w.poll_url ?? undefined,
  };
}
const miniOutput = (o: unknown) => {
  const r = OutputMini.safeParse(o);
  return r.success ? r.data : undefined;
};
const mapSpread = (w: Wire) => ({
  ...runState(w, miniOutput),
  id: w.generation_id,
  workspaceId: w.workspace_id,
  projectId: w.project_id,
  modelId: w.model?.model_id ?? undefined,
});
const mapLiteral = (w: Wire) => {
  const r = runState(w, miniOutput);
  return {
    id: w.generation_id,
    runId: r.runId,
    workspaceId: w.workspace_id,
    projectId: w.project_id,
    modelId: w.model?.model_id ?? undefined,
    status: r.status,
    rawStatus: r.rawStatus,
    progress: r.progress,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    completedAt: r.completedAt,
    cost: r.cost,
    errorCode: r.errorCode,
    errorMessage: r.errorMessage,
    outputs: r.outputs,
    pollUrl: r.pollUrl,
  };
};

/** CPU milliseconds (user + system) of `run`: steadier than wall time on a shared machine. */
function cpuMs(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

interface PartRow {
  what: string;
  /** µs an item (or a request) over the baseline row's cost. */
  extra: number;
  unit: 'item' | 'request (page)';
}

function parts(bodies: Buffer[]): PartRow[] {
  const texts = bodies.map((b) => b.toString('utf8'));
  const items = PAGES * PER_PAGE;
  let sink = 0;
  // Every variant parses the page text itself, as the client does, so garbage and caches behave
  // as in a walk; the row shows its cost over `JSON.parse` alone.
  const eachPage = (f: (list: unknown[]) => void) => () => {
    for (const t of texts) f((JSON.parse(t) as RawPage).generations);
  };
  const eachItem = (f: (item: unknown) => void) => eachPage((l) => l.forEach(f));
  const classicArray = zc.array(GenClassic);
  const miniArray = zm.array(GenMini);
  const envelopeOnce = { object: zm.looseObject({}), list: zm.array(zm.unknown()) };
  const variants: [string, () => void][] = [
    ['`JSON.parse` alone (the baseline of the rows below)', eachPage((l) => void (sink += l.length))],
    ['zod classic, `safeParse` per item', eachItem((g) => void (sink += +GenClassic.safeParse(g).success))],
    ['zod/mini, `safeParse` per item', eachItem((g) => void (sink += +GenMini.safeParse(g).success))],
    [
      'zod classic, one array `safeParse` per page',
      eachPage((l) => void (sink += +classicArray.safeParse(l).success)),
    ],
    [
      'zod/mini, one array `safeParse` per page',
      eachPage((l) => void (sink += +miniArray.safeParse(l).success)),
    ],
    [
      'mapping, spread `{ ...runState(w), id, … }` (as before)',
      eachItem((g) => void (sink += mapSpread(g as Wire).id.length)),
    ],
    ['mapping, object literal', eachItem((g) => void (sink += mapLiteral(g as Wire).id.length))],
    [
      "the client's `parseListEnvelope` + `parseItems(parseGeneration)`",
      eachPage((l) => {
        const env = parseListEnvelope({ generations: l }, 'generations');
        if (env.ok) sink += parseItems(env.list, parseGeneration).items.length;
      }),
    ],
    [
      '… and `walkPages` dropping repeats (a Set of every id walked)',
      (() => {
        const seen = new Set<string>();
        return eachPage((l) => {
          const env = parseListEnvelope({ generations: l }, 'generations');
          if (!env.ok) return;
          for (const g of parseItems(env.list, parseGeneration).items) {
            if (seen.has(g.id)) continue;
            seen.add(g.id);
            sink++;
          }
        });
      })(),
    ],
  ];
  // Per request: what `once` adds to every GET besides the transfer.
  const line = `GET /api/v1/generations?limit=100&cursor=eyJvZmZzZXQiOjEwMH0 → 200 in 3 ms (req_1)`;
  rememberSecret(API_KEY);
  const page = { generations: JSON.parse(texts[0]) as unknown, meta: {} };
  const list = (page.generations as RawPage).generations;
  const perRequest: [string, () => void][] = [
    [
      'zod/mini list envelope (object + array of 100) with schemas built for the page',
      () =>
        void (sink += +zm.array(zm.unknown()).safeParse(zm.looseObject({}).safeParse(page) && list).success),
    ],
    [
      '… with schemas built once (as now)',
      () => void (sink += +envelopeOnce.list.safeParse(envelopeOnce.object.safeParse(page) && list).success),
    ],
    ['log line redaction (`redact`), a request', () => void (sink += redact(line, API_KEY).length)],
    [
      'timeout timer + `AbortController`, a request',
      () => {
        const c = new AbortController();
        clearTimeout(setTimeout(() => c.abort(), 30_000));
        sink += +c.signal.aborted;
      },
    ],
  ];
  const REQS = 20_000;
  const times = new Map<string, number[]>([...variants, ...perRequest].map(([k]) => [k, []]));
  for (let r = 0; r < Math.max(7, Math.round(ROUNDS / 2)); r++) {
    for (const [name, run] of variants) times.get(name)?.push(cpuMs(run));
    for (const [name, run] of perRequest)
      times.get(name)?.push(
        cpuMs(() => {
          for (let k = 0; k < REQS; k++) run();
        }),
      );
  }
  if (sink < 0) console.log(sink);
  const base = median(times.get(variants[0][0]) ?? []);
  return [
    ...variants.map(([what], k): PartRow => {
      const ms = median(times.get(what) ?? []);
      return { what, extra: ((k === 0 ? ms : ms - base) * 1000) / items, unit: 'item' };
    }),
    ...perRequest.map(([what]): PartRow => ({
      what,
      extra: (median(times.get(what) ?? []) * 1000) / REQS,
      unit: 'request (page)',
    })),
  ];
}

async function main(): Promise<void> {
  let built = { bodies: [] as Buffer[], bytes: 0 };
  const server = await serve((origin) => {
    built = buildPages(origin);
    return built.bodies;
  });
  const runs = contenders(server.origin);
  // BENCH_ONLY=client (or a list: floor,client) walks with those contenders alone and records
  // nothing; for a CPU profile: `BENCH_ONLY=client node --cpu-prof --import tsx bench/client.ts`.
  const only = process.env.BENCH_ONLY;
  const names = Object.keys(runs).filter((n) => !only || only.split(',').includes(n));
  const times = new Map<string, number[]>(names.map((n) => [n, []]));
  // CPU time of this process (the server's share is the same for every contender): less swayed
  // than wall time by other work on a shared machine.
  const cpuTimes = new Map<string, number[]>(names.map((n) => [n, []]));
  try {
    // Warm-up: every contender walks twice (JIT, connections), and all must see every item.
    for (let w = 0; w < 2; w++) {
      for (const n of names) {
        const seen = await runs[n]();
        if (seen !== PAGES * PER_PAGE)
          throw new Error(`${n} saw ${seen} generations, not ${PAGES * PER_PAGE}`);
      }
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < names.length; k++) {
        const n = names[(r + k) % names.length];
        const cpu = process.cpuUsage();
        const t = performance.now();
        await runs[n]();
        times.get(n)?.push(performance.now() - t);
        const used = process.cpuUsage(cpu);
        cpuTimes.get(n)?.push((used.user + used.system) / 1000);
      }
    }
  } finally {
    await server.close();
  }
  if (only && names.length === 1) {
    console.log(`${only}: median ${median(times.get(only) ?? []).toFixed(0)} ms over ${ROUNDS} walks`);
    return;
  }
  // Ratios are taken within each round (the same moment of a shared machine), then their median.
  const series = (n: string) => times.get(n) ?? [];
  const med = Object.fromEntries(names.map((n) => [n, median(series(n))]));
  const ratio = (a: string, b: string, of = series) => median(of(a).map((t, r) => t / of(b)[r]));
  const vsFloor = Object.fromEntries(names.map((n) => [n, ratio(n, 'floor')]));
  const cpuSeries = (n: string) => cpuTimes.get(n) ?? [];
  const cpuMed = Object.fromEntries(names.map((n) => [n, median(cpuSeries(n))]));
  const cpuVsFloor = Object.fromEntries(names.map((n) => [n, ratio(n, 'floor', cpuSeries)]));
  const walkTable = table(
    [
      `walk of ${PAGES * PER_PAGE} generations (${PAGES} pages, ${(built.bytes / 1e6).toFixed(1)} MB)`,
      'ms',
      'vs floor',
      'CPU ms',
      'CPU vs floor',
    ],
    names.map((n) => [
      LABELS[n],
      med[n].toFixed(0),
      vsFloor[n].toFixed(2),
      cpuMed[n].toFixed(0),
      cpuVsFloor[n].toFixed(2),
    ]),
  );
  const speedup = ratio('sdk', 'client');
  const cpuSpeedup = ratio('sdk', 'client', cpuSeries);
  if (only) {
    console.log(walkTable);
    return;
  }
  const rows = parts(built.bodies);
  const partsTable = table(
    ['the parts, CPU time without HTTP (same pages, median)', 'µs', 'per'],
    rows.map((r) => [r.what, r.extra.toFixed(2), r.unit]),
  );
  const summary = `Client vs SDK: **${speedup.toFixed(2)}× ${speedup >= 1 ? 'faster' : 'slower'}** than FLORA's SDK, ${vsFloor.client.toFixed(2)}× the floor (medians of ${ROUNDS} interleaved rounds; ratios taken within each round); in CPU time ${cpuSpeedup.toFixed(2)}× faster than the SDK, ${cpuVsFloor.client.toFixed(2)}× the floor.`;
  console.log(walkTable + '\n\n' + summary + '\n\n' + partsTable);
  record(
    'client',
    {
      pages: PAGES,
      perPage: PER_PAGE,
      bytes: built.bytes,
      rounds: ROUNDS,
      medianMs: med,
      ratioVsFloor: vsFloor,
      clientSpeedupVsSdk: speedup,
      cpuMedianMs: cpuMed,
      cpuRatioVsFloor: cpuVsFloor,
      cpuClientSpeedupVsSdk: cpuSpeedup,
      partsMicroseconds: Object.fromEntries(rows.map((r) => [r.what, r.extra])),
    },
    walkTable + '\n\n' + summary + '\n\n' + partsTable,
  );
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
