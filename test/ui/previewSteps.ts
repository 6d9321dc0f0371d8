// UI smoke steps for the output preview webviews, in the shape of test/ui/smoke.ts's steps
// (`{ name, run(ctx) }` with `ctx = { page, fake, state }`): append `...previewSteps` to its
// `steps` array. They check what only a real browser shows: the image really loads from the fake
// server, players get their media, hostile text and error messages stay inert text, and the
// gallery works from the keyboard; each leaves a screenshot in artifacts/screenshots/preview-*.png.
//
// Standalone (for working on the preview alone): `node --import tsx test/ui/previewSteps.ts`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import type { FakeFlora } from '../fake-flora/index';
import { fakeEnv, startFake } from '../runner/fake';
import { launchWorkbench, prepareHost } from '../runner/host';
import { artifactsDir, build, errorMessage, repoRoot } from '../runner/util';
import { assert, escapeRegExp, floraView, openCommandPalette, poll, UI_TIMEOUT_MS } from './helpers';

export interface PreviewStepContext {
  page: Page;
  fake: FakeFlora;
  /** Shared between steps. */
  state: Map<string, string>;
}

export interface PreviewStep {
  name: string;
  run(ctx: PreviewStepContext): Promise<void>;
}

const screenshotsDir = process.env.FLORA_PREVIEW_SCREENSHOTS ?? path.join(artifactsDir, 'screenshots');

/** Text that would run script or load an image if it were ever parsed as HTML. */
export const HOSTILE =
  `<img src=x onerror="document.body.dataset.pwned='img'"> and ` +
  `<script>document.body.dataset.pwned='script'</script> & "quotes"`;

const LABEL_ALL = 'ui-every-output';
const LABEL_TEXT = 'ui-hostile-text';
const LABEL_ERROR = 'ui-hostile-error';

// ------------------------------------------------------------------ helpers

function treeRow(page: Page, label: string): Locator {
  return floraView(page)
    .locator('.monaco-list-row[role="treeitem"]')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) })
    .first();
}

/** Runs a command through the Command Palette, then picks `choice` in the QuickPick it opens. */
export async function palettePick(page: Page, title: string, choice: string): Promise<void> {
  // A QuickPick closes when something else takes focus (a webview that finished loading, say):
  // what the user would do then is open it again, so a closed picker is tried again, twice.
  for (let attempt = 1; ; attempt++) {
    try {
      await pickOnce(page, title, choice, attempt === 3 ? UI_TIMEOUT_MS : UI_TIMEOUT_MS / 4);
      return;
    } catch (err) {
      if (attempt === 3) throw err;
      await page.keyboard.press('Escape');
    }
  }
}

async function pickOnce(page: Page, title: string, choice: string, timeout: number): Promise<void> {
  const input = await openCommandPalette(page, timeout);
  await input.fill(`>${title}`, { timeout });
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: title })
    .first()
    .waitFor({ state: 'visible', timeout });
  await input.press('Enter', { timeout });
  // The command's own QuickPick replaces the palette.
  await poll(
    `the "${title}" picker`,
    async () => ((await input.getAttribute('placeholder'))?.startsWith('Pick') ? true : undefined),
    timeout,
  );
  await input.fill(choice, { timeout });
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: choice })
    .first()
    .waitFor({ state: 'visible', timeout });
  await input.press('Enter', { timeout });
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout });
}

async function expand(page: Page, label: string): Promise<void> {
  const row = treeRow(page, label);
  await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
  await poll(`"${label}" to expand`, async () =>
    (await row.getAttribute('aria-expanded')) === 'true' ? true : undefined,
  );
}

/** The webview document (the inner `active-frame` of `iframe.webview`) whose body matches. */
export async function webviewFrame(
  page: Page,
  what: string,
  match: (data: Record<string, string>) => boolean,
): Promise<Frame> {
  return poll(`the ${what} webview`, async () => {
    for (const frame of page.frames()) {
      const data = await frame
        .evaluate(() => (document.body?.dataset.view ? { ...document.body.dataset } : undefined))
        .catch(() => undefined);
      if (data && match(data as Record<string, string>)) return frame;
    }
    return undefined;
  });
}

async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(screenshotsDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotsDir, `preview-${name}.png`), timeout: 30_000 });
}

/** Whether the document holds anything the hostile strings could have become. */
async function inertness(
  frame: Frame,
): Promise<{ strayImages: number; foreignScripts: number; pwned?: string }> {
  return frame.evaluate(() => ({
    strayImages: Array.from(document.images).filter((i) => i.getAttribute('src') === 'x').length,
    // Only VS Code's API script and the preview's own bundle belong in the page.
    foreignScripts: Array.from(document.scripts).filter(
      (x) => x.id !== '_vscodeApiScript' && !x.src.endsWith('/dist/media/preview.js'),
    ).length,
    pwned: document.body.dataset.pwned,
  }));
}

// ------------------------------------------------------------------ steps

export const previewSteps: PreviewStep[] = [
  {
    name: 'preview: seed a project with every output type and hostile text',
    run: async ({ page, fake, state }) => {
      const workspace = fake.workspaces()[0];
      const project = fake.projects(workspace.workspace_id)[0];
      const o = fake.origin;
      const all = fake.addGeneration({
        project_id: project.project_id,
        status: 'completed',
        model: { model_id: LABEL_ALL },
        charged_cost: 0.12,
        outputs: [
          { output_id: 'out_ui_img', type: 'imageUrl', url: `${o}/media/img-7-512x288.png` },
          { output_id: 'out_ui_vid', type: 'videoUrl', url: `${o}/media/demo.webm` },
          { output_id: 'out_ui_aud', type: 'audioUrl', url: `${o}/media/audio-2.wav` },
          { output_id: 'out_ui_doc', type: 'documentUrl', url: `${o}/media/doc-1.pdf` },
          { output_id: 'out_ui_txt', type: 'text', url: 'A quiet harbour at dawn, mist over the water.' },
        ],
      });
      const text = fake.addGeneration({
        project_id: project.project_id,
        status: 'completed',
        model: { model_id: LABEL_TEXT },
        outputs: [{ output_id: 'out_ui_hostile', type: 'text', url: HOSTILE }],
      });
      const failed = fake.addGeneration({
        project_id: project.project_id,
        status: 'failed',
        model: { model_id: LABEL_ERROR },
        error_code: 'content_policy',
        error_message: HOSTILE,
      });
      state.set(LABEL_ALL, all.generation_id);
      state.set(LABEL_TEXT, text.generation_id);
      state.set(LABEL_ERROR, failed.generation_id);
      state.set('previewWorkspace', workspace.name);
      state.set('previewProject', project.name);

      const view = floraView(page);
      if (!(await view.isVisible())) {
        await page.locator('.part.activitybar a.action-label[aria-label="FLORA"]').click();
        await view.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      }
      await expand(page, workspace.name);
      await expand(page, project.name);
      // The project's row says how many generations it loaded: 10 of the dataset plus the 3 seeded.
      const count = fake.generations({ project_id: project.project_id }).length;
      let attempts = 0;
      await poll(`"${project.name}" to load its ${count} generations`, async () => {
        const description = await treeRow(page, project.name).locator('.label-description').textContent();
        if (description?.trim() === String(count)) return true;
        // Loaded before the seeding: ask for fresh data (every 5 s), as a user would.
        if (++attempts % 20 !== 0) return undefined;
        await page
          .locator('.part.sidebar .title-actions a.action-label[aria-label*="Refresh"]')
          .first()
          .click();
        return undefined;
      });
    },
  },
  {
    name: 'preview: the preview shows every output; the image loads from the fake server and the players get media',
    run: async ({ page, state }) => {
      const id = state.get(LABEL_ALL) ?? '';
      await palettePick(page, 'FLORA: Preview Generation', id);
      const frame = await webviewFrame(page, 'preview', (d) => d.view === 'preview' && d.generationId === id);
      const media = await poll('the image to load and the players to read metadata', async () => {
        const m = await frame.evaluate(() => {
          const img = document.querySelector<HTMLImageElement>('.output-image img');
          const video = document.querySelector<HTMLVideoElement>('.output-video video');
          const audio = document.querySelector<HTMLAudioElement>('.output-audio audio');
          return {
            title: document.querySelector('h1')?.textContent,
            imageWidth: img?.complete ? img.naturalWidth : 0,
            video: video?.readyState ?? -1,
            audio: audio?.readyState ?? -1,
            documentName: document.querySelector('.doc-name')?.textContent,
            text: document.querySelector('.output-text pre')?.textContent,
            progress: document.querySelectorAll('progress').length,
          };
        });
        return m.imageWidth > 0 && m.video >= 1 && m.audio >= 1 ? m : undefined;
      });
      assert(media.title === LABEL_ALL, `title ${media.title}`);
      assert(media.imageWidth === 512, `the image is 512 px wide, not ${media.imageWidth}`);
      assert(media.documentName === 'doc-1.pdf', `document name ${media.documentName}`);
      assert(media.text === 'A quiet harbour at dawn, mist over the water.', `text ${media.text}`);
      assert(media.progress === 0, 'no progress bar on a completed run');
      await screenshot(page, 'generation');
    },
  },
  {
    name: 'preview: hostile text output renders as inert text',
    run: async ({ page, state }) => {
      const id = state.get(LABEL_TEXT) ?? '';
      await palettePick(page, 'FLORA: Preview Generation', id);
      const frame = await webviewFrame(
        page,
        'hostile text preview',
        (d) => d.view === 'preview' && d.generationId === id,
      );
      const text = await poll('the hostile text', async () => {
        const t = await frame.evaluate(
          () => document.querySelector('.output-text pre')?.textContent ?? undefined,
        );
        return t === undefined ? undefined : t;
      });
      assert(text === HOSTILE, `the text shows verbatim, got ${JSON.stringify(text)}`);
      const check = await inertness(frame);
      assert(check.strayImages === 0, 'no <img src=x> was created');
      assert(
        check.foreignScripts === 0,
        `no script besides the preview's own (found ${check.foreignScripts})`,
      );
      assert(check.pwned === undefined, `hostile code ran (${check.pwned})`);
      await screenshot(page, 'hostile-text');
    },
  },
  {
    name: 'preview: a hostile error message renders as inert text',
    run: async ({ page, state }) => {
      const id = state.get(LABEL_ERROR) ?? '';
      await palettePick(page, 'FLORA: Preview Generation', id);
      const frame = await webviewFrame(
        page,
        'failed preview',
        (d) => d.view === 'preview' && d.generationId === id,
      );
      const shown = await poll('the error message', async () =>
        frame.evaluate(() => {
          const message = document.querySelector('.error .error-message')?.textContent;
          return message
            ? {
                message,
                code: document.querySelector('.error .error-code')?.textContent,
                status: document.querySelector('.badge')?.textContent,
              }
            : undefined;
        }),
      );
      assert(shown.message === HOSTILE, `the message shows verbatim, got ${JSON.stringify(shown.message)}`);
      assert(shown.code === 'content_policy', `code ${shown.code}`);
      assert(shown.status === 'Failed', `status ${shown.status}`);
      const check = await inertness(frame);
      assert(
        check.strayImages === 0 && check.foreignScripts === 0 && check.pwned === undefined,
        JSON.stringify(check),
      );
      await screenshot(page, 'hostile-error');
    },
  },
  {
    name: 'preview: the project gallery shows thumbnails newest first and works from the keyboard',
    run: async ({ page, fake, state }) => {
      const projectName = state.get('previewProject') ?? '';
      await palettePick(page, 'FLORA: Preview Project', projectName);
      const frame = await webviewFrame(page, 'gallery', (d) => d.view === 'gallery');
      const project = fake.projects().find((p) => p.name === projectName)!;
      const newest = fake
        .generations({ project_id: project.project_id })
        .sort((a, b) => b.created_at - a.created_at)
        .slice(0, 3)
        .map((g) => g.generation_id);
      const cards = await poll('the cards, with their thumbnails loaded', async () => {
        const c = await frame.evaluate(() => ({
          ids: Array.from(document.querySelectorAll<HTMLElement>('li.card')).map(
            (x) => x.dataset.generationId ?? '',
          ),
          loadedImages: Array.from(document.querySelectorAll<HTMLImageElement>('li.card img')).filter(
            (i) => i.complete && i.naturalWidth > 0,
          ).length,
        }));
        return c.ids.length >= 3 && c.loadedImages > 0 ? c : undefined;
      });
      assert(
        JSON.stringify(cards.ids.slice(0, 3)) === JSON.stringify(newest),
        `newest first: ${JSON.stringify(cards.ids.slice(0, 3))} vs ${JSON.stringify(newest)}`,
      );
      await screenshot(page, 'gallery');

      // Arrow keys move between cards; Enter opens the focused one.
      const first = frame.locator('li.card').first();
      await first.focus();
      await first.press('ArrowRight');
      const focused = await poll('focus on the second card', async () => {
        const id = await frame.evaluate(
          () => (document.activeElement as HTMLElement | null)?.dataset.generationId,
        );
        return id === cards.ids[1] ? id : undefined;
      });
      await frame.locator('li.card:focus').press('Enter');
      await webviewFrame(
        page,
        'preview opened from the gallery',
        (d) => d.view === 'preview' && d.generationId === focused,
      );
      await screenshot(page, 'gallery-opened');
    },
  },
];

// ------------------------------------------------------------------ standalone run

function findLogs(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /exthost\.log$|FLORA\.log$|remoteexthost\.log$/i.test(f))
    .map((f) => path.join(dir, f));
}

async function standalone(): Promise<number> {
  build();
  await prepareHost();
  const fake = await startFake('test');
  const workbench = await launchWorkbench({
    label: 'flora-preview-ui',
    extensionDevelopmentPath: repoRoot,
    env: fakeEnv(fake),
    actionTimeoutMs: UI_TIMEOUT_MS,
  });
  let failed = 0;
  try {
    await workbench.page
      .locator('.monaco-workbench .part.activitybar')
      .waitFor({ state: 'visible', timeout: 120_000 });
    const ctx: PreviewStepContext = { page: workbench.page, fake, state: new Map() };
    for (const step of previewSteps) {
      const started = Date.now();
      try {
        await step.run(ctx);
        process.stdout.write(`  ✔ ${step.name} (${Date.now() - started} ms)\n`);
      } catch (err) {
        failed++;
        process.stdout.write(`  ✖ ${step.name}\n    ${errorMessage(err)}\n`);
        await screenshot(workbench.page, 'FAILED').catch(() => undefined);
        process.stdout.write(`--- code-server log ---\n${workbench.codeServer.logTail(60)}\n`);
        for (const file of findLogs(path.join(workbench.dir, 'user', 'logs'))) {
          process.stdout.write(`--- ${file} ---\n${fs.readFileSync(file, 'utf8').slice(-6000)}\n`);
        }
        for (const frame of workbench.page.frames()) {
          const html = await frame
            .evaluate(() =>
              document.body?.dataset.view
                ? JSON.stringify({
                    body: document.body.outerHTML.slice(0, 600),
                    scripts: Array.from(document.scripts).map((x) => x.src),
                    sheets: Array.from(document.styleSheets).map((x) => {
                      try {
                        return `${x.href} ${x.cssRules.length}`;
                      } catch (e) {
                        return `${x.href} ${String(e)}`;
                      }
                    }),
                    resources: performance
                      .getEntriesByType('resource')
                      .map((r) => `${r.name.slice(0, 120)} ${Math.round(r.duration)}ms`),
                  })
                : document.documentElement?.outerHTML.slice(0, 300),
            )
            .catch((e: unknown) => `(${errorMessage(e)})`);
          process.stdout.write(
            `    frame ${frame.url().slice(0, 160)}\n      ${String(html).replace(/\n/g, ' ')}\n`,
          );
        }
        break;
      }
    }
  } finally {
    await workbench.close();
    await fake.close();
  }
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  standalone().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
