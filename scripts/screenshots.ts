// `npm run screenshots`: refreshes the README's pictures (docs/screenshots/) from the demo backend,
// in the same code-server + headless Chromium host the tests use. Run it after a visible change.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { fakeEnv, startFake, type FakeFlora } from '../test/runner/fake';
import { launchWorkbench, prepareHost, type Workbench } from '../test/runner/host';
import { build, errorMessage, log, repoRoot, waitFor } from '../test/runner/util';
import { choose, editorLines, quickInput, quickOpen } from '../test/ui/generateSteps';
import { palettePick, webviewFrame } from '../test/ui/previewSteps';

const outDir = path.join(repoRoot, 'docs', 'screenshots');
const TIMEOUT = 60_000;
/**
 * The project the pictures show: it has live work (a running generation and, for the first minute,
 * a running technique run) and technique runs among its first page of generations.
 */
const PROJECT = 'Spring Campaign 2026';
/** The Markdown file Generate from Selection starts from; the prompt line is low enough to stay clear of the QuickPick. */
const NOTES = 'campaign-notes.md';
const PROMPT = 'a red fox in fresh snow at sunrise, soft light';
const NOTES_TEXT = [
  '# Spring Campaign 2026',
  '',
  'Landing page for the spring launch: one hero image, three product tiles and a short',
  'headline. Keep the palette warm and the backgrounds simple.',
  '',
  '## Headline',
  '',
  'Fresh tracks for a new season.',
  '',
  '## Hero image',
  '',
  PROMPT,
  '',
  '## Product tiles',
  '',
  '- Trail runner, side view',
  '- City sneaker, top view',
  '- Kids edition, on grass',
  '',
].join('\n');

async function expand(page: Page, level: number, name: string): Promise<void> {
  const view = page.locator('[id="workbench.view.extension.flora"]');
  const row = view
    .locator(`.monaco-list-row[aria-level="${level}"]`, {
      has: page.locator('.label-name', { hasText: name }),
    })
    .first();
  await row.waitFor({ state: 'visible', timeout: TIMEOUT });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
  await waitFor(
    `${name} expanded`,
    async () => ((await row.getAttribute('aria-expanded')) === 'true' ? true : undefined),
    TIMEOUT,
  );
}

async function command(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible', timeout: TIMEOUT });
  await input.fill(`>${title}`);
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: title })
    .first()
    .waitFor({ state: 'visible', timeout: TIMEOUT });
  await input.press('Enter');
}

/**
 * generate.png: a Markdown file with its prompt line selected and the Generate wizard's
 * confirmation on screen; inserted.png: the same file once the result was inserted in its place.
 */
async function generateFromSelection(
  page: Page,
  fake: FakeFlora,
  dir: string,
  project: string,
): Promise<void> {
  await command(page, 'View: Close All Editors');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: TIMEOUT });
  fs.writeFileSync(path.join(dir, 'workspace', NOTES), NOTES_TEXT);
  await quickOpen(page, NOTES, TIMEOUT);
  await waitFor(
    'the notes in the editor',
    async () => ((await editorLines(page)).includes(PROMPT) ? true : undefined),
    TIMEOUT,
  );
  // Select the prompt line with the keyboard.
  await page.locator('.editor-instance .monaco-editor textarea').first().focus();
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < NOTES_TEXT.split('\n').indexOf(PROMPT); i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Home');
  await page.keyboard.press('Shift+End');

  const before = fake.submissions().length;
  await command(page, 'FLORA: Generate from Selection');
  await quickInput(page, /FLORA: Generate/);
  await choose(page, 'Image', /Image/);
  await quickInput(page, /FLORA: Generate/);
  await choose(page, 'FLUX.2 Pro', /FLUX\.2 Pro/);
  const input = page.locator('.quick-input-widget input');
  await waitFor(
    'the prompt prefilled from the selection',
    async () => ((await input.inputValue()) === PROMPT ? true : undefined),
    TIMEOUT,
  );
  await input.press('Enter');
  await waitFor(
    'the project step',
    async () => {
      const rows = await page.locator('.quick-input-list .monaco-list-row').allTextContents();
      return rows.some((r) => r.includes(project)) ? true : undefined;
    },
    TIMEOUT,
  );
  await choose(page, project, new RegExp(project.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  await quickInput(page, /confirm/);
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: /FLUX\.2 Pro/ })
    .first()
    .waitFor({ state: 'visible', timeout: TIMEOUT });
  await page.screenshot({ path: path.join(outDir, 'generate.png') });
  log(`wrote ${path.join(outDir, 'generate.png')}`);

  await input.press('Enter');
  await waitFor('the submission', () => Promise.resolve(fake.submissions()[before]), TIMEOUT);
  // The demo's clock is real: the job finishes after the model's estimated time.
  const insert = page.locator('.notifications-toasts .monaco-button', { hasText: /^Insert$/ });
  await insert.first().waitFor({ state: 'visible', timeout: 3 * TIMEOUT });
  await insert.first().click();
  await waitFor(
    'the image Markdown in place of the selection',
    async () => ((await editorLines(page)).some((l) => l.startsWith(`![${PROMPT}](`)) ? true : undefined),
    TIMEOUT,
  );
  await page.locator('.notifications-toasts .monaco-button', { hasText: /^Insert$/ }).waitFor({
    state: 'hidden',
    timeout: TIMEOUT,
  });
  await page.screenshot({ path: path.join(outDir, 'inserted.png') });
  log(`wrote ${path.join(outDir, 'inserted.png')}`);
}

async function main(): Promise<void> {
  let fake: FakeFlora | undefined;
  let workbench: Workbench | undefined;
  try {
    build();
    await prepareHost();
    fake = await startFake('demo');
    workbench = await launchWorkbench({
      label: 'flora-shots',
      extensionDevelopmentPath: repoRoot,
      env: fakeEnv(fake),
    });
    const page = workbench.page;
    await page.setViewportSize({ width: 1280, height: 760 });
    await page.locator('.part.activitybar a.action-label[aria-label="FLORA"]').click({ timeout: TIMEOUT });
    // A project with live work and technique runs, so the picture shows every status and both kinds.
    const prj = fake.projects().find((p) => p.name === PROJECT);
    if (!prj) throw new Error(`no project ${PROJECT} in the demo data`);
    const firstPage = [
      ...fake.generations({ project_id: prj.project_id }),
      ...fake.techniqueRuns({ project_id: prj.project_id }),
    ]
      .sort((a, b) => b.created_at - a.created_at)
      .slice(0, 20);
    if (!firstPage.some((g) => 'technique' in g) || !firstPage.some((g) => g.status === 'running'))
      throw new Error(`${PROJECT} has no technique run or no running generation on its first page`);
    const ws = fake.workspaces().find((w) => w.workspace_id === prj.workspace_id)!;
    await expand(page, 1, ws.name);
    await expand(page, 2, prj.name);
    // One completed generation opened to its outputs.
    const done = page.locator('.monaco-list-row[aria-level="3"][aria-expanded="false"]').first();
    await done.waitFor({ state: 'visible', timeout: TIMEOUT });
    await done.locator('.monaco-tl-twistie').click();
    await page
      .locator('.monaco-list-row[aria-level="3"]')
      .nth(5)
      .waitFor({ state: 'visible', timeout: TIMEOUT });
    await page
      .locator('.statusbar-item', { hasText: /\d+ running/ })
      .first()
      .waitFor({ timeout: TIMEOUT });
    fs.mkdirSync(outDir, { recursive: true });
    await page.screenshot({ path: path.join(outDir, 'tree.png') });
    log(`wrote ${path.join(outDir, 'tree.png')}`);

    // The preview of a completed image generation of that project (on its first page).
    const image = firstPage.find(
      (g) =>
        'generation_id' in g && g.status === 'completed' && g.outputs?.some((o) => o.type === 'imageUrl'),
    );
    if (!image) throw new Error(`no completed image generation on the first page of ${prj.name}`);
    await palettePick(page, 'FLORA: Preview Generation', 'generation_id' in image ? image.generation_id : '');
    const preview = await webviewFrame(page, 'preview', (d) => d.view === 'preview');
    await waitFor(
      'the preview images to load',
      async () =>
        (await preview.evaluate(() => {
          const imgs = Array.from(document.querySelectorAll('img'));
          return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
        }))
          ? true
          : undefined,
      TIMEOUT,
    );
    await page.screenshot({ path: path.join(outDir, 'preview.png') });
    log(`wrote ${path.join(outDir, 'preview.png')}`);

    // The project's gallery.
    await palettePick(page, 'FLORA: Preview Project', prj.name);
    const gallery = await webviewFrame(page, 'gallery', (d) => d.view === 'gallery');
    await waitFor(
      'gallery thumbnails',
      async () =>
        (await gallery.evaluate(
          () => Array.from(document.querySelectorAll('img')).filter((i) => i.naturalWidth > 0).length,
        )) >= 3
          ? true
          : undefined,
      TIMEOUT,
    );
    await page.screenshot({ path: path.join(outDir, 'gallery.png') });
    log(`wrote ${path.join(outDir, 'gallery.png')}`);

    await generateFromSelection(page, fake, workbench.dir, prj.name);
  } catch (err) {
    log(`screenshots failed: ${errorMessage(err)}`);
    process.exitCode = 1;
  } finally {
    await workbench?.close();
    await fake?.close();
  }
}

void main();
