// UI steps for what broke under live updates: rows clicked with the mouse while jobs in the same
// project progress on every poll tick ("Load more", a generation, an output), and Load All from the
// context menu over a slow link. Same shape as test/ui/smoke.ts's steps; appended to its list.
//
// The workbench runs with `flora.pollInterval: 2` and `flora.pageSize: 50` (see smoke.ts). While
// these steps run, a ticker moves the fake server's clock on, so the three live jobs change
// progress on every tick, as they do for a user watching real jobs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { FakeFlora } from '../fake-flora/index';
import { repoRoot, waitFor } from '../runner/util';
import { assert, escapeRegExp, floraView, openCommandPalette, poll, UI_TIMEOUT_MS } from './helpers';

export interface LiveStepContext {
  page: Page;
  fake: FakeFlora;
  state: Map<string, string>;
  /** The workbench's temp dir: its logs are searched for VS Code's own tree errors. */
  workbenchDir: string;
}

export interface LiveStep {
  name: string;
  run(ctx: LiveStepContext): Promise<void>;
}

/** A read that is a look, not a wait: what is not there now is a "not yet" for the loop around it. */
const LOOK_MS = 1_000;
const PAGE_SIZE = 50;
/** Completed generations seeded into the live project (plus the three live ones). */
const SEEDED = 227;
const LIVE = 3;
/** Completed generations seeded into the Load All project, behind its live ones. */
const LOAD_ALL_SEEDED = 260;

/** What VS Code logs when a row's cached command was disposed, or a tree got one id twice. */
const TREE_ERRORS = [
  /Actual command not found/,
  /is already registered/,
  /Unable to refresh tree view/,
  /Cannot resolve tree item/,
];

/** The snapshot file's parts the reload step reads (src/ui/snapshotCache.ts, src/model/snapshot.ts). */
interface SavedSnapshot {
  snapshot: {
    generations: Array<{ id: string; projectId: string; modelId: string }>;
    generationLists: Array<[string, { ids: string[] }]>;
  };
}

/** `publisher.name`: the extension's global storage folder is named after it. */
function extensionId(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
  };
  return `${pkg.publisher}.${pkg.name}`;
}

function rowsList(page: Page): Locator {
  return floraView(page).locator('.monaco-list-row[role="treeitem"]');
}

function rowByLabel(page: Page, label: string | RegExp): Locator {
  const pattern = typeof label === 'string' ? new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) : label;
  return rowsList(page)
    .filter({ has: page.locator('.label-name', { hasText: pattern }) })
    .first();
}

async function expand(page: Page, label: string): Promise<void> {
  const row = rowByLabel(page, label);
  await scrollTo(page, row, label);
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
  // poll: the row re-renders on every tick (and the page reloads in the last step); a read may throw.
  await poll(`"${label}" to expand`, async () =>
    (await row.getAttribute('aria-expanded')) === 'true' ? true : undefined,
  );
}

/**
 * Scrolls the tree with the mouse wheel, as a person does, until `row` is rendered (the list is
 * virtualised: rows out of view are not in the DOM). Scrolls down first, then up.
 */
async function scrollTo(page: Page, row: Locator, what: string): Promise<void> {
  const list = floraView(page).locator('.monaco-list').first();
  await list.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  const box = await list.boundingBox();
  if (!box) throw new Error('the FLORA tree has no size');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  let direction = 1;
  let stuck = 0;
  const deadline = Date.now() + UI_TIMEOUT_MS;
  while (Date.now() < deadline) {
    let step = direction * 110;
    if ((await row.count()) > 0 && (await row.isVisible())) {
      // Fully inside the list, below the sticky rows VS Code pins at its top (they would take the
      // click), and not half under its bottom edge.
      const stickyRows = floraView(page).locator('.monaco-tree-sticky-container').first();
      // Rows come and go as the list re-renders: a look that misses is a "not yet", not a wait.
      const sticky = await stickyRows.boundingBox({ timeout: LOOK_MS }).catch(() => null);
      const top = box.y + (sticky?.height ?? 0);
      const r = await row.boundingBox({ timeout: LOOK_MS }).catch(() => null);
      if (r && r.y >= top && r.y + r.height <= box.y + box.height) return;
      if (r) step = r.y < top ? -66 : 66;
    }
    // The list scrolls virtually: its rows container moves (style.top), the DOM scrollTop does not.
    const position = () =>
      list
        .locator('.monaco-list-rows')
        .first()
        .evaluate((el) => (el as HTMLElement).style.top);
    const before = await position();
    await page.mouse.wheel(0, step);
    // The list re-renders on the next frame; wait until it did rather than for a fixed time.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const after = await position();
    if (after === before) {
      if (++stuck >= 3) {
        direction = -direction;
        stuck = 0;
      }
    } else stuck = 0;
  }
  throw new Error(`could not scroll to ${what}`);
}

/**
 * The row's description, or '' when the row is not rendered now. A look, not a wait (1 s, not the
 * page's 90 s default): the callers' loops scroll or retry, and a row the list virtualised away
 * after a page loaded comes back only when they scroll to it again.
 */
async function description(row: Locator): Promise<string> {
  return (
    (await row
      .locator('.label-description')
      .textContent({ timeout: LOOK_MS })
      .catch(() => '')) ?? ''
  ).trim();
}

/** Lines VS Code's logs hold that say a tree row lost its command or an id was registered twice. */
function treeErrorsInLogs(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'chromium' && entry.name !== 'ext' && entry.name !== 'workspace') walk(p);
      } else if (entry.name.endsWith('.log')) {
        for (const line of fs.readFileSync(p, 'utf8').split('\n')) {
          if (TREE_ERRORS.some((re) => re.test(line))) found.push(`${entry.name}: ${line.trim()}`);
        }
      }
    }
  };
  walk(dir);
  return found;
}

let ticker: ReturnType<typeof setInterval> | undefined;

/** Moves the fake's clock on every second of wall time: live jobs progress on every poll tick. */
function startTicker(fake: FakeFlora): void {
  ticker ??= setInterval(() => fake.advance(10_000), 1_000);
}

export function stopLiveTicker(): void {
  if (ticker) clearInterval(ticker);
  ticker = undefined;
}

/** Seeds `count` completed generations (newest first, every 10th with a text output) and `live` running ones. */
function seed(fake: FakeFlora, projectId: string, prefix: string, count: number, live: number): void {
  const now = fake.now();
  for (let i = 0; i < count; i++) {
    const at = now - (i + 1) * 60_000;
    fake.addGeneration({
      project_id: projectId,
      status: 'completed',
      created_at: at,
      started_at: at,
      completed_at: at + 20_000,
      model: { model_id: `${prefix}-${String(i).padStart(3, '0')}` },
      outputs:
        i % 10 === 0
          ? [{ output_id: `out_${prefix}_${i}`, type: 'text', url: `${prefix} text ${i}` }]
          : undefined,
    });
  }
  for (let i = 0; i < live; i++) {
    fake.addGeneration({
      project_id: projectId,
      status: 'running',
      created_at: now - i,
      started_at: now,
      model: { model_id: `${prefix}-live-${i}` },
      durationMs: 3 * 60 * 60_000,
      finalStatus: 'completed',
    });
  }
}

function generationPageRequests(fake: FakeFlora, projectId: string): number {
  return fake
    .requests()
    .filter((r) => r.route === 'GET /generations' && r.query.project_id === projectId && r.query.cursor)
    .length;
}

export const liveSteps: LiveStep[] = [
  {
    name: 'live: a project with 230 generations, 3 of them progressing on every tick, shows 50 and "Load more…"',
    run: async ({ page, fake, state }) => {
      const workspace = fake.workspaces()[1] ?? fake.workspaces()[0];
      const project = fake.projects(workspace.workspace_id)[0];
      seed(fake, project.project_id, 'live', SEEDED, LIVE);
      state.set('liveProjectId', project.project_id);
      state.set('liveProject', project.name);
      // Progress as fractions with three decimals (a variant the contract allows): the live jobs'
      // progress then changes on every 2 s tick, so their rows re-render on every tick.
      fake.setOptions({ progressScale: 1 });
      startTicker(fake);
      // Start from a known tree: what earlier steps expanded is collapsed (the view's own button).
      await floraView(page).hover();
      const collapseAll = floraView(page).locator('.action-label.codicon-collapse-all').first();
      if (await collapseAll.isVisible()) await collapseAll.click();
      await expand(page, workspace.name);
      await expand(page, project.name);
      const more = rowByLabel(page, 'Load more…');
      await scrollTo(page, more, '"Load more…"');
      await waitFor(
        '"Load more…" to say 50 of about 2xx',
        async () => (/^50 of about \d+$/.test(await description(more)) ? true : undefined),
        UI_TIMEOUT_MS,
      );
      // Live: one of the running jobs' rows shows a percentage that changes.
      const liveRow = rowByLabel(page, 'live-live-0');
      await scrollTo(page, liveRow, 'the first live job');
      const first = await description(liveRow);
      await waitFor(
        `the live job's progress to move on from "${first}"`,
        async () => ((await description(liveRow)) !== first ? true : undefined),
        UI_TIMEOUT_MS,
      );
    },
  },
  {
    name: 'live: "Load more…" clicked with the mouse three times loads a page each time',
    run: async ({ page, fake, state }) => {
      const projectId = state.get('liveProjectId') ?? '';
      for (let click = 1; click <= 3; click++) {
        const loaded = PAGE_SIZE * click;
        const more = rowByLabel(page, /^\s*Load more…\s*$/);
        await scrollTo(page, more, `"Load more…" (click ${click})`);
        await waitFor(
          `"Load more…" to say ${loaded} of about …`,
          async () => ((await description(more)).startsWith(`${loaded} of`) ? true : undefined),
          UI_TIMEOUT_MS,
        );
        const requestsBefore = generationPageRequests(fake, projectId);
        // A real mouse click, while the live rows above it re-render on every tick.
        await more.click();
        // The new "Load more…" row is 50 rows further down: scroll to it as a person would.
        const next = `${loaded + PAGE_SIZE} of`;
        await waitFor(
          `click ${click} to load page ${click + 1} ("Load more…" saying ${next} …)`,
          async () => {
            const row = rowByLabel(page, /^\s*Load more…\s*$/);
            await scrollTo(page, row, '"Load more…"');
            return (await description(row)).startsWith(next) ? true : undefined;
          },
          UI_TIMEOUT_MS,
        );
        assert(
          generationPageRequests(fake, projectId) === requestsBefore + 1,
          `click ${click} sent ${generationPageRequests(fake, projectId) - requestsBefore} page requests, not 1`,
        );
      }
    },
  },
  {
    name: 'live: clicking generations with the mouse opens each one’s preview',
    run: async ({ page }) => {
      for (const label of ['live-003', 'live-live-1', 'live-007', 'live-live-2']) {
        const row = rowByLabel(page, label);
        await scrollTo(page, row, label);
        await row.click();
        // The preview tab of that generation is the active editor.
        await waitFor(
          `the preview of ${label} to open`,
          async () => {
            const active = page.locator('.tabs-container .tab.active .label-name').first();
            const text = (await active.textContent({ timeout: LOOK_MS }).catch(() => '')) ?? '';
            return text.startsWith(label) ? true : undefined;
          },
          UI_TIMEOUT_MS,
        );
      }
    },
  },
  {
    name: 'live: clicking text outputs with the mouse opens each in an editor',
    run: async ({ page }) => {
      for (const i of [10, 20, 30]) {
        const label = `live-${String(i).padStart(3, '0')}`;
        const row = rowByLabel(page, label);
        await scrollTo(page, row, label);
        if ((await row.getAttribute('aria-expanded')) !== 'true')
          await row.locator('.monaco-tl-twistie').click();
        const output = rowByLabel(page, `Text: live text ${i}`);
        await scrollTo(page, output, `the text output of ${label}`);
        await output.click();
        await waitFor(
          `an editor showing "live text ${i}"`,
          async () => {
            const lines = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
            // Monaco renders spaces as non-breaking ones.
            const text = ((await lines.textContent({ timeout: LOOK_MS }).catch(() => '')) ?? '').replace(
              /\u00a0/g,
              ' ',
            );
            return text.includes(`live text ${i}`) ? true : undefined;
          },
          UI_TIMEOUT_MS,
        );
      }
    },
  },
  {
    name: 'live: Load All from the context menu over a slow link puts every generation on screen',
    run: async ({ page, fake, state, workbenchDir }) => {
      const workspace = fake.workspaces()[1] ?? fake.workspaces()[0];
      const project = fake.projects(workspace.workspace_id)[1] ?? fake.projects(workspace.workspace_id)[0];
      seed(fake, project.project_id, 'all', LOAD_ALL_SEEDED, LIVE);
      const total = fake.generations({ project_id: project.project_id }).length;
      state.set('loadAllTotal', String(total));
      await expand(page, project.name);
      // Every generation request is held 400 ms, as over a slow link, while the jobs progress.
      fake.inject('GET /generations', { kind: 'delay', ms: 400 }, { times: Infinity });
      try {
        // A menu that a live re-render closed under the pointer starts nothing: as a user would,
        // open it again when no page of this project was asked for after the click.
        const asked = (since: number) =>
          fake
            .requests()
            .slice(since)
            .some((r) => r.query.project_id === project.project_id && !!r.query.cursor);
        for (let attempt = 1; ; attempt++) {
          const since = fake.requests().length;
          const row = rowByLabel(page, project.name);
          await scrollTo(page, row, project.name);
          await row.click({ button: 'right' });
          const item = page
            .locator('.context-view .action-label', { hasText: 'Load All Generations' })
            .first();
          await item.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
          await item.click();
          const started = await waitFor(
            'Load All to ask for a page',
            () => asked(since) || undefined,
            20_000,
          ).catch(() => false);
          if (started) break;
          assert(attempt < 3, 'Load All from the context menu asked for no page, three times');
          await page.keyboard.press('Escape');
        }
        await waitFor(
          `"${project.name}" to show all ${total} generations`,
          async () =>
            (await description(rowByLabel(page, project.name))) === String(total) ? true : undefined,
          UI_TIMEOUT_MS * 2,
        );
      } finally {
        fake.clearFaults();
      }
      // On screen: the rows under the project say they are `total` siblings (aria-setsize), and
      // the oldest one can be scrolled to.
      const oldest = rowByLabel(page, `all-${String(LOAD_ALL_SEEDED - 1).padStart(3, '0')}`);
      await scrollTo(page, oldest, 'the oldest generation');
      const setSize = Number(await oldest.getAttribute('aria-setsize'));
      assert(setSize === total, `the project shows ${setSize} rows, not ${total}`);
      const errors = treeErrorsInLogs(workbenchDir);
      assert(errors.length === 0, `VS Code logged tree errors:\n${errors.slice(0, 5).join('\n')}`);
    },
  },
  {
    name: 'live: instant start after a window reload — the last session’s tree shows while FLORA answers slowly',
    run: async ({ page, fake, state, workbenchDir }) => {
      stopLiveTicker();
      // The snapshot is written at most every 30 s after a change (src/model/session.ts), and a
      // reload cancels a pending write: wait until the file holds the live project's list with its
      // first live job, the row the reloaded window must show before FLORA answers.
      const snapshotFile = path.join(
        workbenchDir,
        'user',
        'User',
        'globalStorage',
        extensionId(),
        'snapshot.json',
      );
      const liveProjectId = state.get('liveProjectId') ?? '';
      await poll(`${snapshotFile} to hold the live project with "live-live-0"`, async () => {
        const { snapshot } = JSON.parse(await fs.promises.readFile(snapshotFile, 'utf8')) as SavedSnapshot;
        const job = snapshot.generations.find(
          (g) => g.modelId === 'live-live-0' && g.projectId === liveProjectId,
        );
        const list = snapshot.generationLists.find(([id]) => id === liveProjectId)?.[1];
        return job && list?.ids.includes(job.id) ? true : undefined;
      });
      // Every FLORA route is now held 45 s, as for a user on a slow morning link.
      const routes = [
        'GET /workspaces',
        'GET /projects',
        'GET /generations',
        'GET /models',
        'GET /runs/:id',
      ] as const;
      for (const route of routes) fake.inject(route, { kind: 'delay', ms: 45_000 }, { times: Infinity });
      const workspace = fake.workspaces()[1] ?? fake.workspaces()[0];
      let reloadedAt = fake.requests().length;
      try {
        // The reload navigates this same page: the old document's FLORA view and rows would pass
        // every check below until it unloads, so it is marked, and the checks wait for a new one.
        await page.evaluate(() => {
          (window as unknown as Record<string, unknown>).floraBeforeReload = true;
        });
        const input = await openCommandPalette(page);
        await input.fill('>Developer: Reload Window');
        await page
          .locator('.quick-input-list .monaco-list-row', { hasText: 'Developer: Reload Window' })
          .first()
          .waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
        reloadedAt = fake.requests().length;
        await input.press('Enter');
        // While the page navigates, evaluate throws (its context is destroyed): poll retries.
        await poll('the reloaded window (a page without the old one’s mark)', async () =>
          (await page.evaluate(
            () => (window as unknown as Record<string, unknown>).floraBeforeReload === true,
          ))
            ? undefined
            : true,
        );
        await floraView(page).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
        // The workspaces are on screen at once, marked as earlier data, before FLORA answered.
        await poll(`"${workspace.name}" from the last session`, async () =>
          (await rowByLabel(page, workspace.name).count()) > 0 ? true : undefined,
        );
        // Shown until FLORA answers or the root's load fails: each of its three tries (the client's
        // 2 retries) is held 45 s and times out after 30 s, so for about 90 s after the start.
        let message = '';
        await poll('the view to say the rows are earlier data', async () => {
          message =
            (await floraView(page).locator('.message').first().textContent({ timeout: LOOK_MS })) ?? '';
          return /last session/.test(message) ? true : undefined;
        }).catch(() => {
          throw new Error(`the view does not say the data is earlier data: "${message}"`);
        });
        // Opening the live project shows its generations from the snapshot too, still unanswered.
        await expand(page, workspace.name);
        await expand(page, state.get('liveProject') ?? '');
        await scrollTo(page, rowByLabel(page, 'live-live-0'), 'the live job from the last session');
        const answered = fake
          .requests()
          .slice(reloadedAt)
          .filter((r) => r.status !== null);
        assert(
          answered.length === 0,
          `the rows waited for FLORA: ${answered.length} requests were answered first`,
        );
      } finally {
        fake.clearFaults();
      }
      // FLORA's answer replaces it: the "earlier data" message goes away once the workspaces were
      // answered (a failed load hides the message too, for an error row: that does not count), and
      // the workspace is still on screen.
      await poll('the view to drop the "last session" message once FLORA answered', async () => {
        const answered = fake
          .requests()
          .slice(reloadedAt)
          .some((r) => r.route === 'GET /workspaces' && r.status === 200);
        if (!answered) return undefined;
        const text =
          (await floraView(page)
            .locator('.message')
            .first()
            .textContent({ timeout: LOOK_MS })
            .catch(() => '')) ?? '';
        if (/last session/.test(text)) return undefined;
        return (await rowByLabel(page, workspace.name).count()) > 0 ? true : undefined;
      });
    },
  },
];
