// `npm run test:ui`: a browser smoke test of what a user sees. A normal workbench (code-server +
// headless Chromium) with the extension under development loaded and pointed at the fake FLORA
// server; each step asserts on the rendered UI and leaves a screenshot in artifacts/screenshots/.
// Add a check by appending a named step to `steps`. Env: FLORA_TEST_TIMEOUT_MS, FLORA_TEST_VERBOSE.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { fakeEnv, startFake, type FakeFlora } from '../runner/fake';
import { generateSteps } from './generateSteps';
import { inertSteps } from './inertSteps';
import { liveSteps, stopLiveTicker } from './liveSteps';
import { previewSteps } from './previewSteps';
import { launchWorkbench, prepareHost, type Workbench } from '../runner/host';
import {
  artifactsDir,
  build,
  deadline,
  envMs,
  errorMessage,
  log,
  onTerminationSignal,
  repoRoot,
  waitFor,
} from '../runner/util';
import { floraView, openCommandPalette, poll, UI_TIMEOUT_MS } from './helpers';

const screenshotsDir = path.join(artifactsDir, 'screenshots');

interface SmokeContext {
  page: Page;
  fake: FakeFlora;
  /** Shared between steps, e.g. the workspace a step expanded. */
  state: Map<string, string>;
  /** The workbench's temp dir (logs). */
  workbenchDir: string;
}

interface Step {
  name: string;
  run(ctx: SmokeContext): Promise<void>;
  /** Later steps need it: kept when FLORA_UI_GREP picks a subset. */
  setup?: boolean;
}

interface Row {
  label: string;
  level: number;
  expanded: boolean | undefined;
}

async function treeRows(page: Page): Promise<Row[]> {
  return floraView(page)
    .locator('.monaco-list-row[role="treeitem"]')
    .evaluateAll((elements) =>
      elements.map((el) => {
        const expanded = el.getAttribute('aria-expanded');
        return {
          label: (el.querySelector('.label-name')?.textContent ?? el.getAttribute('aria-label') ?? '').trim(),
          level: Number(el.getAttribute('aria-level') ?? '0'),
          expanded: expanded === null ? undefined : expanded === 'true',
        };
      }),
    );
}

/** Runs a command through the Command Palette, as a user would. */
async function runCommand(page: Page, title: string): Promise<void> {
  const input = await openCommandPalette(page);
  await input.fill(`>${title}`);
  const item = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await item.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  await input.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
}

const sorted = (list: string[]): string[] => [...list].sort((a, b) => a.localeCompare(b));

const steps: Step[] = [
  {
    name: 'the workbench loads',
    setup: true,
    run: async ({ page }) => {
      await page
        .locator('.monaco-workbench .part.activitybar')
        .waitFor({ state: 'visible', timeout: 120_000 });
    },
  },
  {
    name: 'the FLORA activity-bar icon opens the FLORA view',
    setup: true,
    run: async ({ page }) => {
      const icon = page.locator('.part.activitybar a.action-label[aria-label="FLORA"]');
      await icon.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      await icon.click();
      await floraView(page).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    },
  },
  {
    name: "the tree's root rows are the fake server's workspaces",
    setup: true,
    run: async ({ page, fake, state }) => {
      const expected = sorted(fake.workspaces().map((w) => w.name));
      if (expected.length === 0) throw new Error('the fake server has no workspaces');
      let seen: string[] = [];
      try {
        await waitFor(
          `root rows ${JSON.stringify(expected)}`,
          async () => {
            seen = sorted((await treeRows(page)).filter((r) => r.level === 1).map((r) => r.label));
            return JSON.stringify(seen) === JSON.stringify(expected) ? true : undefined;
          },
          UI_TIMEOUT_MS,
        );
      } catch (err) {
        throw new Error(`${errorMessage(err)}; last seen: ${JSON.stringify(seen)}`);
      }
      // What the first screen cost: logged for the README and the closing notes.
      const byRoute = new Map<string, number>();
      for (const r of fake.requests())
        byRoute.set(r.route ?? r.path, (byRoute.get(r.route ?? r.path) ?? 0) + 1);
      log(`  first screen: ${[...byRoute].map(([route, n]) => `${n}× ${route}`).join(', ')}`);
      const first = fake.workspaces()[0];
      state.set('workspace', first?.name ?? '');
      state.set('workspaceId', first?.workspace_id ?? '');
    },
  },
  {
    name: 'expanding a workspace shows its projects',
    run: async ({ page, fake, state }) => {
      const name = state.get('workspace') ?? '';
      const projects = fake.projects(state.get('workspaceId')).map((p) => p.name);
      const row = floraView(page).locator('.monaco-list-row[aria-level="1"]', {
        has: page.locator('.label-name', { hasText: name }),
      });
      await row.first().locator('.monaco-tl-twistie').click();
      const children = await waitFor(
        `child rows under "${name}" including ${JSON.stringify(projects)}`,
        async () => {
          const rows = await treeRows(page);
          const index = rows.findIndex((r) => r.level === 1 && r.label === name);
          if (index < 0 || rows[index]?.expanded !== true) return undefined;
          const below: Row[] = [];
          for (const r of rows.slice(index + 1)) {
            if (r.level <= 1) break;
            below.push(r);
          }
          const labels = new Set(below.map((r) => r.label));
          // Extra rows (e.g. "load more") are fine; every project of the workspace must be there.
          const complete = below.length > 0 && projects.every((p) => labels.has(p));
          return complete ? below : undefined;
        },
        UI_TIMEOUT_MS,
      );
      log(`  "${name}" shows: ${children.map((c) => c.label).join(', ')}`);
    },
  },
  {
    name: 'expanding a project shows its generations with status icons',
    run: async ({ page, fake, state }) => {
      const workspaceId = state.get('workspaceId') ?? '';
      const project = fake.projects(workspaceId)[0];
      const expected = fake.generations({ project_id: project.project_id });
      const row = floraView(page).locator('.monaco-list-row[aria-level="2"]', {
        has: page.locator('.label-name', { hasText: project.name }),
      });
      await row.first().locator('.monaco-tl-twistie').click();
      const icons = await waitFor(
        `${expected.length} generation rows under "${project.name}"`,
        async () => {
          const found = await floraView(page)
            .locator('.monaco-list-row[aria-level="3"]')
            .evaluateAll((els) =>
              els.map((el) => el.querySelector('.custom-view-tree-node-item-icon')?.className ?? ''),
            );
          return found.length >= Math.min(expected.length, 20) ? found : undefined;
        },
        UI_TIMEOUT_MS,
      );
      // Every status the project holds shows its codicon.
      const wanted: Record<string, string> = {
        pending: 'codicon-clock',
        running: 'codicon-loading',
        completed: 'codicon-pass',
        failed: 'codicon-error',
      };
      for (const status of new Set(expected.map((g) => g.status))) {
        if (!icons.some((c) => c.includes(wanted[status]))) {
          throw new Error(
            `no ${wanted[status]} icon for a ${status} generation among ${JSON.stringify(icons)}`,
          );
        }
      }
      state.set('project', project.name);
    },
  },
  {
    name: 'the status bar counts running jobs',
    run: async ({ page, fake }) => {
      const active =
        fake.generations({ status: 'running' }).length + fake.generations({ status: 'pending' }).length;
      if (active === 0) throw new Error('the fake dataset has nothing running');
      const item = page.locator('.statusbar-item', { hasText: /\d+ running/ });
      await item.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      // poll, not waitFor: the item re-renders as the count changes, and a read of it may throw.
      await poll(`"${active} running" in the status bar`, async () =>
        (await item.first().textContent())?.includes(`${active} running`) ? true : undefined,
      );
    },
  },
  {
    name: 'refresh keeps the expanded rows',
    run: async ({ page, fake, state }) => {
      const before = (await treeRows(page)).filter((r) => r.expanded).map((r) => r.label);
      const projectName = state.get('project') ?? '';
      if (!before.includes(projectName))
        throw new Error(`the project was not expanded: ${JSON.stringify(before)}`);
      // The expanded project's generation pages FLORA answered: the expansion's are in, and only a
      // refresh asks for them again (the poller's requests name no project). The rows are already
      // expanded before the refresh, so without this the check below would pass with no refresh.
      const projectId = fake
        .projects(state.get('workspaceId'))
        .find((p) => p.name === projectName)?.project_id;
      const answered = () =>
        fake
          .requests()
          .filter(
            (r) => r.route === 'GET /generations' && r.query.project_id === projectId && r.status !== null,
          ).length;
      const answeredBefore = answered();
      await runCommand(page, 'FLORA: Refresh');
      await waitFor(
        `the refresh to re-read "${projectName}"'s generations`,
        () => (answered() > answeredBefore ? true : undefined),
        UI_TIMEOUT_MS,
      );
      // The project was re-read: the expansion must have held.
      await waitFor(
        'the same rows expanded after refresh',
        async () => {
          const rows = await treeRows(page);
          const expanded = rows.filter((r) => r.expanded).map((r) => r.label);
          return JSON.stringify(expanded) === JSON.stringify(before) && rows.some((r) => r.level === 3)
            ? true
            : undefined;
        },
        UI_TIMEOUT_MS,
      );
    },
  },
  {
    name: 'finished jobs leave the status bar and turn green or red in place',
    run: async ({ page, fake }) => {
      fake.advance(10 * 60_000);
      await waitFor(
        'no running count in the status bar',
        async () =>
          (await page.locator('.statusbar-item', { hasText: /\d+ running/ }).count()) === 0
            ? true
            : undefined,
        UI_TIMEOUT_MS,
      );
      await waitFor(
        'no spinning or clock icon in the tree',
        async () =>
          (await floraView(page)
            .locator('.monaco-list-row .codicon-loading, .monaco-list-row .codicon-clock')
            .count()) === 0
            ? true
            : undefined,
        UI_TIMEOUT_MS,
      );
    },
  },
  // They add generations to the first project.
  ...previewSteps,
  ...inertSteps,
  ...generateSteps,
  // Last: they seed the second workspace's projects and set a ticker going.
  ...liveSteps,
];

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

async function screenshot(page: Page, index: number, name: string, suffix = ''): Promise<void> {
  const file = path.join(screenshotsDir, `${String(index + 1).padStart(2, '0')}-${slug(name)}${suffix}.png`);
  try {
    await page.screenshot({ path: file, timeout: 30_000 });
  } catch (err) {
    log(`could not save ${file}: ${errorMessage(err)}`);
  }
}

async function main(): Promise<number> {
  // The whole run takes ~4 min on a loaded 2-core machine: room for a CI machine several times slower.
  const timeoutMs = envMs('FLORA_TEST_TIMEOUT_MS', 20 * 60_000);
  const started = Date.now();
  let fake: FakeFlora | undefined;
  let workbench: Workbench | undefined;
  const cleanup = async (): Promise<void> => {
    stopLiveTicker();
    await workbench?.close();
    await fake?.close().catch((err: unknown) => log(`closing the fake server: ${errorMessage(err)}`));
  };
  const removeSignalHandlers = onTerminationSignal(cleanup);

  let passed = 0;
  let failed = 0;
  const run = async (): Promise<void> => {
    fake = await startFake('test');
    workbench = await launchWorkbench({
      label: 'flora-ui',
      extensionDevelopmentPath: repoRoot,
      env: fakeEnv(fake),
      // Live updates on every 2 s tick, and pages of 50, as a user following busy projects has.
      settings: { 'flora.pollInterval': 2, 'flora.pageSize': 50 },
      actionTimeoutMs: UI_TIMEOUT_MS,
    });
    const ctx: SmokeContext = { page: workbench.page, fake, state: new Map(), workbenchDir: workbench.dir };
    const grep = process.env.FLORA_UI_GREP;
    for (const [index, step] of steps.entries()) {
      if (grep && !step.setup && !step.name.includes(grep)) continue;
      const stepStarted = Date.now();
      try {
        await step.run(ctx);
        passed++;
        process.stdout.write(`  ✔ ${step.name} (${Date.now() - stepStarted} ms)\n`);
        await screenshot(ctx.page, index, step.name);
      } catch (err) {
        failed++;
        process.stdout.write(`  ✖ ${step.name}\n    ${errorMessage(err).split('\n').join('\n    ')}\n`);
        await screenshot(ctx.page, index, step.name, '-FAILED');
        // Later steps build on earlier ones: after a failure they would only fail for the same reason.
        return;
      }
    }
  };

  // Counted when the race ends: a step still running after a timeout must not change the verdict.
  let verdict = { passed: 0, failed: 0 };
  let timer: ReturnType<typeof deadline> | undefined;
  try {
    process.stdout.write('UI smoke test\n');
    fs.rmSync(screenshotsDir, { recursive: true, force: true });
    fs.mkdirSync(screenshotsDir, { recursive: true });
    build();
    await prepareHost();
    timer = deadline(timeoutMs, `the UI smoke test took longer than ${timeoutMs} ms (FLORA_TEST_TIMEOUT_MS)`);
    await Promise.race([run(), timer.promise]);
    verdict = { passed, failed };
  } catch (err) {
    verdict = { passed, failed: failed + 1 };
    log(errorMessage(err));
    if (workbench) log(`--- code-server log ---\n${workbench.codeServer.logTail(40)}`);
  } finally {
    timer?.cancel();
  }
  await cleanup();
  removeSignalHandlers();

  const skipped = Math.max(0, steps.length - verdict.passed - verdict.failed);
  log(`UI smoke test took ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${screenshotsDir}`);
  process.stdout.write(
    `${verdict.passed} passed, ${verdict.failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`,
  );
  return verdict.failed === 0 && verdict.passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(errorMessage(err));
    process.exit(1);
  },
);
