// UI smoke steps for issue 9 §2: text from FLORA or the network never becomes a command link or
// an icon. In the shape of test/ui/smoke.ts's steps (`{ name, run(ctx) }`); append `...inertSteps`.
// A project name, a model id, a generation's error message and a media host's HTTP reason phrase
// carry `[Run](command:flora.clearApiKey)` and `$(bug)`; the steps use the extension as a person
// does (right-click Load All, wait for the failure toast, right-click Save Output…, hover the
// status bar) and read what VS Code rendered: no `<a>` with a `command:` href or data-href, no bug
// icon, and the planted text readable as it was sent. Each leaves artifacts/screenshots/inert-*.png.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { FakeFlora } from '../fake-flora/index';
import { artifactsDir } from '../runner/util';
import { assert, floraView, poll, UI_TIMEOUT_MS } from './helpers';

export interface InertStepContext {
  page: Page;
  fake: FakeFlora;
  /** Shared between steps. */
  state: Map<string, string>;
}

export interface InertStep {
  name: string;
  run(ctx: InertStepContext): Promise<void>;
}

const screenshotsDir = path.join(artifactsDir, 'screenshots');

/** What VS Code would turn into a link that signs the user out, and into a bug icon. */
export const LINK = '[Run](command:flora.clearApiKey)';
export const ICON = '$(bug)';
export const PROJECT_NAME = `Inert project ${LINK} ${ICON}`;
export const MODEL_ID = `Inert model ${LINK} ${ICON}`;
export const ERROR_MESSAGE = `Quota ${LINK} exceeded ${ICON}`;
export const REASON_PHRASE = `Busy ${LINK} ${ICON}`;
const SAVE_MODEL_ID = 'inert-save';

// ------------------------------------------------------------------ helpers

/** A tree row at `level` whose label starts with `prefix`. */
function row(page: Page, level: number, prefix: string): Locator {
  return floraView(page)
    .locator(`.monaco-list-row[role="treeitem"][aria-level="${level}"]`)
    .filter({ has: page.locator('.label-name', { hasText: prefix }) })
    .first();
}

async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(screenshotsDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotsDir, `inert-${name}.png`), timeout: 30_000 });
}

/** Right-clicks `target` and picks `item` in the context menu, as a person does. */
async function contextMenu(page: Page, target: Locator, item: string): Promise<void> {
  await target.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  await target.click({ button: 'right' });
  const entry = page.getByRole('menuitem', { name: item }).first();
  await entry.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  await entry.click();
}

/** What an element shows and what in it could act: links with `command:` targets, rendered icons. */
interface Rendered {
  /** The text as a person reads it (a word joiner is not seen; nbsp reads as a space). */
  text: string;
  /** Elements whose href or data-href is a `command:` URI. */
  commandLinks: string[];
  /** Every `<a>` in the message (none expected: nothing in these messages is a link). */
  anchors: string[];
  bugIcons: number;
}

/**
 * The visible notification (toast or centre) or hover whose text contains `marker`, as rendered.
 * No named inner functions: the callback runs in the page as text.
 */
async function rendered(
  page: Page,
  where: 'notification' | 'hover',
  marker: string,
): Promise<Rendered | undefined> {
  const found = await page.evaluate(
    ({ where, marker }) => {
      const candidates =
        where === 'notification'
          ? Array.from(document.querySelectorAll('.notification-list-item')).map((root) => ({
              root,
              message: root.querySelector('.notification-list-item-message'),
            }))
          : Array.from(document.querySelectorAll('.workbench-hover, .monaco-hover')).map((root) => ({
              root,
              message: root,
            }));
      for (const { root, message } of candidates) {
        if (!(message instanceof HTMLElement) || root.getClientRects().length === 0) continue;
        const text = message.innerText.replace(/\u2060/g, '').replace(/\u00a0/g, ' ');
        if (!text.includes(marker)) continue;
        return {
          text,
          commandLinks: Array.from(root.querySelectorAll('[href], [data-href]'))
            .filter(
              (el) =>
                /^\s*command:/i.test(el.getAttribute('href') ?? '') ||
                /^\s*command:/i.test(el.getAttribute('data-href') ?? ''),
            )
            .map((el) => el.outerHTML.slice(0, 200)),
          anchors: Array.from(message.querySelectorAll('a')).map((a) => a.outerHTML.slice(0, 200)),
          bugIcons: root.querySelectorAll('.codicon-bug').length,
        };
      }
      return undefined;
    },
    { where, marker },
  );
  return found ?? undefined;
}

function assertInert(what: string, shown: Rendered, expected: string[]): void {
  assert(
    shown.commandLinks.length === 0,
    `${what}: a command link was rendered: ${JSON.stringify(shown.commandLinks)}`,
  );
  assert(shown.anchors.length === 0, `${what}: the message holds links: ${JSON.stringify(shown.anchors)}`);
  assert(shown.bugIcons === 0, `${what}: $(bug) was rendered as an icon`);
  for (const text of expected) {
    assert(
      shown.text.includes(text),
      `${what}: ${JSON.stringify(text)} is not shown as sent; shown: ${JSON.stringify(shown.text)}`,
    );
  }
}

// ------------------------------------------------------------------ steps

export const inertSteps: InertStep[] = [
  {
    name: 'inert: FLORA names a project, a model and an error with command links and icons',
    run: async ({ page, fake, state }) => {
      const workspace = fake.workspaces()[0];
      const project = fake.addProject({ workspace_id: workspace.workspace_id, name: PROJECT_NAME });
      const minute = 60_000;
      // Runs for an hour: the status bar counts it and its tooltip names it.
      const running = fake.addGeneration({
        project_id: project.project_id,
        status: 'running',
        model: { model_id: MODEL_ID },
        durationMs: 60 * minute,
      });
      // Fails a minute from now with the planted message: a failure toast once the clock moves.
      const failing = fake.addGeneration({
        project_id: project.project_id,
        status: 'running',
        model: { model_id: MODEL_ID },
        durationMs: minute,
        finalStatus: 'failed',
        error_code: 'quota_exceeded',
        error_message: ERROR_MESSAGE,
      });
      // Done, but its image host answers 503 with the planted reason phrase.
      const reason = encodeURIComponent(REASON_PHRASE);
      const saved = fake.addGeneration({
        project_id: project.project_id,
        status: 'completed',
        created_at: fake.now() - 5 * minute,
        model: { model_id: SAVE_MODEL_ID },
        outputs: [
          {
            output_id: 'out_inert_503',
            type: 'imageUrl',
            url: `${fake.origin}/media/status-503-inert.png?reason=${reason}`,
          },
        ],
      });
      state.set('inertProjectId', project.project_id);
      state.set('inertRunning', running.generation_id);
      state.set('inertFailing', failing.generation_id);
      state.set('inertSaved', saved.generation_id);

      const view = floraView(page);
      if (!(await view.isVisible())) {
        await page.locator('.part.activitybar a.action-label[aria-label="FLORA"]').click();
        await view.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      }
      const workspaceRow = row(page, 1, workspace.name);
      await workspaceRow.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      if ((await workspaceRow.getAttribute('aria-expanded')) !== 'true') {
        await workspaceRow.locator('.monaco-tl-twistie').click();
      }
      // The new project appears when the tree asks FLORA again: press Refresh (every 5 s) until then.
      let attempts = 0;
      await poll(`the project "${PROJECT_NAME}" in the tree`, async () => {
        if (await row(page, 2, 'Inert project').isVisible()) return true;
        if (attempts++ % 20 === 0) {
          await page
            .locator('.part.sidebar .title-actions a.action-label[aria-label*="Refresh"]')
            .first()
            .click();
        }
        return undefined;
      });
      const label = await row(page, 2, 'Inert project').locator('.label-name').innerText();
      assert(label.includes(PROJECT_NAME), `the tree row reads ${JSON.stringify(label)}`);
    },
  },
  {
    name: 'inert: Load All from the context menu shows the project name as text in its progress',
    run: async ({ page, fake }) => {
      // A slow FLORA keeps the progress notification up long enough to read, as on a slow link.
      fake.inject('GET /generations', { kind: 'delay', ms: 8_000 }, { times: Number.POSITIVE_INFINITY });
      let shown: Rendered;
      try {
        await contextMenu(page, row(page, 2, 'Inert project'), 'Load All Generations');
        shown = await poll('the "Loading all generations of …" notification', () =>
          rendered(page, 'notification', 'Loading all generations of'),
        );
        await screenshot(page, 'load-all-progress');
      } finally {
        fake.clearFaults();
      }
      assertInert('the Load All progress', shown, [`Loading all generations of ${PROJECT_NAME}`]);
      // And it finishes: the progress closes and the project's row counts its three generations.
      await poll('Load All to finish with 3 generations', async () => {
        if (await rendered(page, 'notification', 'Loading all generations of')) return undefined;
        const count = await row(page, 2, 'Inert project').locator('.label-description').textContent();
        return count?.trim() === '3' ? true : undefined;
      });
    },
  },
  {
    name: 'inert: a failed generation’s toast shows the model, project and error message as text',
    run: async ({ page, fake }) => {
      // The poller must follow both jobs before one fails, or there is no toast (never on first sight).
      await poll('at least 2 running in the status bar', async () => {
        const texts = await page.locator('.statusbar-item').allInnerTexts();
        return texts.some((t) => Number(/(\d+) running/.exec(t)?.[1] ?? 0) >= 2) ? true : undefined;
      });
      fake.advance(2 * 60_000);
      const shown = await poll('the failure notification', () => rendered(page, 'notification', 'Quota'));
      await screenshot(page, 'failure-toast');
      assertInert('the failure notification', shown, [MODEL_ID, PROJECT_NAME, ERROR_MESSAGE]);
    },
  },
  {
    name: 'inert: Save Output… on media that fails shows the host’s reason phrase as text',
    run: async ({ page }) => {
      const project = row(page, 2, 'Inert project');
      if ((await project.getAttribute('aria-expanded')) !== 'true') {
        await project.locator('.monaco-tl-twistie').click();
      }
      const generation = row(page, 3, SAVE_MODEL_ID);
      await generation.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      if ((await generation.getAttribute('aria-expanded')) !== 'true') {
        await generation.locator('.monaco-tl-twistie').click();
      }
      // Its output is the next row on screen (rows are positioned, not in DOM order: use data-index).
      await poll('the generation to expand', async () =>
        (await generation.getAttribute('aria-expanded')) === 'true' ? true : undefined,
      );
      const index = Number(await generation.getAttribute('data-index'));
      const output = floraView(page).locator(`.monaco-list-row[aria-level="4"][data-index="${index + 1}"]`);
      await contextMenu(page, output, 'Save Output…');
      // VS Code's own save dialog (a quick input in the browser) proposes a name: accept it.
      const input = page.locator('.quick-input-widget input');
      await poll('the save dialog with a proposed .png name', async () =>
        (await input.isVisible()) && (await input.inputValue()).endsWith('.png') ? true : undefined,
      );
      await screenshot(page, 'save-dialog');
      await input.press('Enter');
      const shown = await poll('the "Could not save" notification', () =>
        rendered(page, 'notification', 'Could not save'),
      );
      await screenshot(page, 'save-error');
      assertInert('the Save Output error', shown, [`answered HTTP 503 ${REASON_PHRASE}`]);
    },
  },
  {
    name: 'inert: the status-bar tooltip shows names with $(…) and links as text',
    run: async ({ page }) => {
      const item = page.locator('.statusbar-item', { hasText: /\d+ running/ }).first();
      await item.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      let attempts = 0;
      const shown = await poll('the status-bar tooltip', async () => {
        const now = await rendered(page, 'hover', 'Inert project');
        if (now) return now;
        // A hover opens when the pointer arrives and rests: move away and back every 5 s.
        if (attempts++ % 20 === 0) {
          await page.mouse.move(0, 0);
          await item.hover();
        }
        return undefined;
      });
      await screenshot(page, 'status-bar-tooltip');
      assertInert('the status-bar tooltip', shown, [`${MODEL_ID} · ${PROJECT_NAME}`]);
    },
  },
];
