// The store at any history size: 100,000 generations fed through the real `Store` page by page,
// 100 a page, the way "Load more" does (`ensureGenerations`, then `loadMoreGenerations` 999
// times), with a subscriber that reads the project's list on every change as the tree's project
// row does. Reports the cost of one page at pages 10, 100 and 1,000 (median of the 21 pages
// around each, over 5 rounds), the whole feed's time and the heap it leaves, against a floor
// measured in the same run: the same pages pushed into a plain array + Set + Map. Then the tree's
// re-read of an expanded 5,000-item project (see treeReread: the store calls, node classes and
// row check of `GenerationsTreeProvider.queueParent`, mirrored here because tree.ts imports
// vscode; VS Code's own TreeItem building is not included).
//
// Costs are CPU time (process.cpuUsage, every thread of the process, GC included): on a shared
// machine, wall time mostly measures how long the process waited for a core. Wall time of the
// whole feed is reported too.
//
// The page source is a FloraApi-shaped object in memory (this measures the store, not HTTP):
// each page's generations are built when asked for, so the heap reported is what the store keeps.
//
//   node --expose-gc --import tsx bench/store.ts [generations]
import type { FloraApi } from '../src/api/client';
import type { Generation, Page } from '../src/api/types';
import { generationRow, generationRowInputs, rowSignature, ShownRows } from '../src/model/rows';
import { Store } from '../src/model/store';
import { GenerationNode } from '../src/ui/nodes';
import { median, record, table } from './results';

const TOTAL = Number(process.argv[2] ?? 100_000);
const PAGE = 100;
const PROJECT = 'prj_bench';
const T0 = Date.UTC(2026, 10, 1);

function generationAt(i: number, projectId = PROJECT): Generation {
  const id = `run_${projectId === PROJECT ? '' : `${projectId}_`}${i.toString(36).padStart(6, '0')}`;
  const done = i % 7 !== 3;
  return {
    id,
    runId: id,
    workspaceId: 'ws_bench',
    projectId,
    modelId: ['flux-pro', 'veo-3', 'gpt-image-1'][i % 3],
    status: done ? 'completed' : 'failed',
    rawStatus: done ? 'completed' : 'failed',
    progress: 100,
    // Newest first: item 0 is the latest.
    createdAt: T0 - i * 60_000,
    startedAt: T0 - i * 60_000 + 1_000,
    completedAt: T0 - i * 60_000 + 9_000,
    cost: 0.04,
    errorMessage: done ? undefined : 'The model refused the prompt.',
    outputs: done
      ? [{ id: `out_${i}`, kind: 'image', rawType: 'imageUrl', url: `https://cdn.flora.ai/o/${i}.png` }]
      : [],
  };
}

/** FLORA's history of TOTAL generations, offset cursors, pages built on request. */
function source(total: number): FloraApi {
  const page = (projectId: string, cursor: string | undefined, limit: number): Page<Generation> => {
    const from = cursor ? Number(cursor.slice(2)) : 0;
    const to = Math.min(total, from + limit);
    const items: Generation[] = [];
    for (let i = from; i < to; i++) items.push(generationAt(i, projectId));
    return { items, nextCursor: to < total ? `o:${to}` : undefined, totalEstimate: total, skipped: [] };
  };
  const unused = () => Promise.reject(new Error('not part of this benchmark'));
  return {
    listWorkspaces: unused,
    listProjects: unused,
    getProject: unused,
    getRun: unused,
    listModels: unused,
    getRunJson: unused,
    listTechniqueRuns: unused,
    getRunOf: unused,
    getRunJsonOf: unused,
    generate: unused,
    listGenerations: (q) => Promise.resolve(page(q.projectId ?? PROJECT, q.cursor, q.limit ?? 20)),
  };
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

function heapMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 1e6;
}

interface Feed {
  /** CPU time of each page, ms (see cpuMs). */
  perPage: number[];
  /** The first pages of a second project, fed into the same store after the first one. */
  secondPerPage: number[];
  totalMs: number;
  /**
   * CPU time of the process (all its threads, the garbage collector's included): what the work
   * costs, without the time a busy shared machine keeps the process waiting for a core.
   */
  cpuMs: number;
  heapMb: number;
  count: number;
}

/**
 * The real store, fed as "Load more" feeds it, with the project row's reader subscribed; `then`
 * sees the fed store (only this function holds it, so the next feed's heap starts clean).
 */
async function feedStore(total: number, then?: (store: Store) => void): Promise<Feed> {
  const heapBefore = heapMb();
  const store = new Store(source(total), { pageSize: () => PAGE });
  let reads = 0;
  // The tree's project row on every change: the list's length, cursor and loading state.
  store.onDidChange((e) => {
    if (e.kind !== 'project') return;
    const list = store.generationList(e.id);
    reads += list.ids.length + (list.nextCursor ? 1 : 0) + (list.loading ? 1 : 0);
  });
  const perPage: number[] = [];
  const cpu = process.cpuUsage();
  const start = performance.now();
  let t = process.cpuUsage();
  await store.ensureGenerations(PROJECT);
  perPage.push(cpuMsSince(t));
  while (store.generationList(PROJECT).nextCursor) {
    t = process.cpuUsage();
    await store.loadMoreGenerations(PROJECT);
    perPage.push(cpuMsSince(t));
  }
  const totalMs = performance.now() - start;
  const cpuMs = cpuMsSince(cpu);
  const count = store.generationList(PROJECT).ids.length;
  if (count !== total || reads === 0) throw new Error(`the store holds ${count} of ${total}`);
  const heap = heapMb() - heapBefore;
  // Pages 1–30 of a second project, in the same heap as page 1,000 of the first: what a page
  // costs at a short list when nothing else differs (the heap's size and the CPU caches do).
  const secondPerPage: number[] = [];
  const second = 'prj_second';
  for (let p = 0; p < 30; p++) {
    t = process.cpuUsage();
    await (p ? store.loadMoreGenerations(second) : store.ensureGenerations(second));
    secondPerPage.push(cpuMsSince(t));
  }
  then?.(store);
  return { perPage, secondPerPage, totalMs, cpuMs, heapMb: heap, count };
}

/** The floor: the same pages into a plain array, a Set of ids and a Map of generations. */
async function feedFloor(total: number): Promise<Feed> {
  const heapBefore = heapMb();
  const api = source(total);
  const ids: string[] = [];
  const seen = new Set<string>();
  const byId = new Map<string, Generation>();
  const perPage: number[] = [];
  const cpu = process.cpuUsage();
  const start = performance.now();
  let cursor: string | undefined;
  do {
    const t = process.cpuUsage();
    const page = await api.listGenerations({ projectId: PROJECT, cursor, limit: PAGE });
    for (const g of page.items) {
      if (seen.has(g.id)) continue;
      seen.add(g.id);
      ids.push(g.id);
      byId.set(g.id, g);
    }
    cursor = page.nextCursor;
    perPage.push(cpuMsSince(t));
  } while (cursor);
  const totalMs = performance.now() - start;
  const cpuMs = cpuMsSince(cpu);
  const heap = heapMb() - heapBefore;
  if (byId.size !== ids.length || seen.size !== ids.length) throw new Error('the floor lost items');
  return { perPage, secondPerPage: [], totalMs, cpuMs, heapMb: heap, count: ids.length };
}

/** The median cost of the pages around page `n` (1-based): ±10 pages, over every round. */
function around(rounds: readonly Feed[], n: number, which: 'perPage' | 'secondPerPage' = 'perPage'): number {
  const lo = Math.max(0, n - 11);
  return median(rounds.flatMap((f) => f[which].slice(lo, Math.min(f[which].length, n + 10))));
}

/**
 * The tree's re-read of an expanded project after a change of its list, as
 * `GenerationsTreeProvider.queueParent` does it for a project whose rows VS Code holds (tree.ts
 * imports vscode, so it is mirrored here with the same store calls, node classes and row check):
 * the children (`store.generations`, one interned `GenerationNode` each), their ids
 * against the structure VS Code holds, then for each row whether it reads differently (the
 * `ShownRows` of src/model/rows.ts; before its inputs check, every row was built and serialized).
 * VS Code's own re-read after a whole-tree refresh (getTreeItem for each row) is not included.
 */
function treeReread(store: Store, projectId: string, times: number): { ms: number; rows: number } {
  const now = T0 + 3_600_000;
  // The provider's `nodes` map, and its generation rows by generation id (`generationNodes`).
  const nodes = new Map<string, GenerationNode>();
  const byGeneration = new Map<string, GenerationNode>();
  const intern = (node: GenerationNode): GenerationNode => {
    const known = nodes.get(node.id);
    if (known) return known;
    nodes.set(node.id, node);
    byGeneration.set(node.generationId, node);
    return node;
  };
  const children = (): GenerationNode[] => {
    const rows: GenerationNode[] = [];
    for (const g of store.generations(projectId)) {
      rows.push(byGeneration.get(g.id) ?? intern(new GenerationNode(g.id, projectId, g.workspaceId)));
    }
    return rows;
  };
  // What VS Code was handed: the structure, each row's signature and what it was built from.
  const shown = new ShownRows();
  const signature = (generationId: string): string => {
    const g = store.generation(generationId);
    const names = {
      modelName: g && store.modelName(g.modelId),
      projectName: g && store.project(g.projectId)?.name,
    };
    return rowSignature(generationRow(generationId, g, names, now));
  };
  const seen = new Set<string>(); // `unique`, as getChildren hands them out
  const held = children().filter((n) => !seen.has(n.id) && !!seen.add(n.id));
  const structure = held.map((c) => c.id).join('\n');
  for (const c of held) {
    const g = store.generation(c.generationId);
    shown.remember(c.id, signature(c.generationId), g && generationRowInputs(store, g, now));
  }
  const took: number[] = [];
  for (let r = 0; r < times; r++) {
    const t = process.cpuUsage();
    const list = store.generationList(projectId);
    const kids = children();
    const same = kids.map((c) => c.id).join('\n') === structure;
    let changed = 0;
    for (const c of kids) {
      const g = store.generation(c.generationId);
      const inputs = g && generationRowInputs(store, g, now);
      if (shown.changed(c.id, inputs, () => signature(c.generationId))) changed++;
    }
    took.push(cpuMsSince(t));
    if (!same || changed || !list.loaded) throw new Error(`${changed} rows read as changed`);
  }
  return { ms: median(took), rows: held.length };
}

const ROUNDS = 5;

async function main(): Promise<void> {
  // Warm-up (the JIT), then ROUNDS feeds of each; per-page costs are medians over the rounds.
  await feedFloor(20_000);
  await feedStore(20_000);
  const floors: Feed[] = [];
  const stores: Feed[] = [];
  let rereadAll = { ms: 0, rows: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    floors.push(await feedFloor(TOTAL));
    stores.push(await feedStore(TOTAL, (s) => (rereadAll = r ? rereadAll : treeReread(s, PROJECT, 5))));
  }
  // Three fresh 5,000-item stores, 21 re-reads each: the median of their medians.
  const rereads: Array<{ ms: number; rows: number }> = [];
  for (let r = 0; r < 3; r++) await feedStore(5_000, (s) => void rereads.push(treeReread(s, PROJECT, 21)));
  const reread5k = { ms: median(rereads.map((x) => x.ms)), rows: rereads[0].rows };

  const pages = [10, 100, 1000].filter((p) => p <= stores[0].perPage.length);
  const last = pages[pages.length - 1];
  const sum = (fs: Feed[]) => ({
    totalMs: median(fs.map((f) => f.totalMs)),
    cpuMs: median(fs.map((f) => f.cpuMs)),
    heapMb: median(fs.map((f) => f.heapMb)),
  });
  const ours = sum(stores);
  const floor = sum(floors);
  const ratio = around(stores, last) / around(stores, 10);
  const second10 = around(stores, 10, 'secondPerPage');

  const ms = (x: number) =>
    x < 1 ? `${x.toFixed(3)} ms` : x < 100 ? `${x.toFixed(2)} ms` : `${x.toFixed(0)} ms`;
  const rows: Array<Array<string | number>> = [
    ...pages.map((p) => [
      `CPU time of one page at page ${p.toLocaleString('en')}`,
      ms(around(stores, p)),
      ms(around(floors, p)),
      `${(around(stores, p) / around(floors, p)).toFixed(1)}× the floor`,
    ]),
    [
      `page ${last.toLocaleString('en')} ÷ page 10`,
      `${ratio.toFixed(2)}×`,
      `${(around(floors, last) / around(floors, 10)).toFixed(2)}×`,
      'flat is 1×; target ≤ 1.5×',
    ],
    [
      `CPU time of one page at page 10 of a second project, after the ${TOTAL.toLocaleString('en')}`,
      ms(second10),
      '',
      `page ${last.toLocaleString('en')} ÷ this: ${(around(stores, last) / second10).toFixed(2)}× (same heap)`,
    ],
    [
      `wall time of all ${TOTAL.toLocaleString('en')} generations`,
      ms(ours.totalMs),
      ms(floor.totalMs),
      `${(ours.totalMs / floor.totalMs).toFixed(1)}× the floor; target < 2 s`,
    ],
    [
      `CPU time of all ${TOTAL.toLocaleString('en')} generations`,
      ms(ours.cpuMs),
      ms(floor.cpuMs),
      `${(ours.cpuMs / floor.cpuMs).toFixed(1)}× the floor`,
    ],
    [
      'heap after the feed (after GC)',
      `${ours.heapMb.toFixed(0)} MB`,
      `${floor.heapMb.toFixed(0)} MB`,
      `${(ours.heapMb / floor.heapMb).toFixed(2)}× the floor; target < 150 MB`,
    ],
    [
      `CPU time of the tree's re-read, ${reread5k.rows.toLocaleString('en')}-item project`,
      ms(reread5k.ms),
      '',
      'target < 5 ms',
    ],
    [
      `CPU time of the tree's re-read, ${rereadAll.rows.toLocaleString('en')}-item project`,
      ms(rereadAll.ms),
      '',
      '',
    ],
  ];
  const markdown =
    `Feeding ${TOTAL.toLocaleString('en')} generations through the store, ${PAGE} a page as "Load more" does; ` +
    'the floor is the same pages pushed into a plain array + Set + Map, in the same run:\n\n' +
    table(['what', 'store', 'floor', 'ratio'], rows);
  console.log(markdown);
  record(
    'store',
    {
      generations: TOTAL,
      rounds: ROUNDS,
      pageSize: PAGE,
      perPageMs: Object.fromEntries(
        pages.map((p) => [p, { store: around(stores, p), floor: around(floors, p) }]),
      ),
      lastOverFirst: ratio,
      secondProjectPage10Ms: second10,
      lastOverSecondProjectPage10: around(stores, last) / second10,
      totalMs: { store: ours.totalMs, floor: floor.totalMs },
      cpuMs: { store: ours.cpuMs, floor: floor.cpuMs },
      heapMb: { store: ours.heapMb, floor: floor.heapMb },
      treeRereadMs: { [reread5k.rows]: reread5k.ms, [rereadAll.rows]: rereadAll.ms },
    },
    markdown,
  );
}

void main();
