// `npm run screenshots`: refreshes the README's pictures (docs/screenshots/) from the demo backend,
// in the same code-server + headless Chromium host the tests use. Run it after a visible change.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { fakeEnv, startFake, type FakeFlora } from '../test/runner/fake';
import { launchWorkbench, prepareHost, type Workbench } from '../test/runner/host';
import { build, errorMessage, log, repoRoot, waitFor } from '../test/runner/util';
import { palettePick, webviewFrame } from '../test/ui/previewSteps';

const outDir = path.join(repoRoot, 'docs', 'screenshots');
const TIMEOUT = 60_000;

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
    // The project with live work, so the picture shows every status.
    const live = fake.generations({ status: 'running' })[0];
    const prj = fake.projects().find((p) => p.project_id === live.project_id)!;
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
    const image = fake
      .generations({ project_id: prj.project_id })
      .slice(0, 20)
      .find((g) => g.status === 'completed' && g.outputs?.some((o) => o.type === 'imageUrl'));
    if (!image) throw new Error(`no completed image generation on the first page of ${prj.name}`);
    await palettePick(page, 'FLORA: Preview Generation', image.generation_id);
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
  } catch (err) {
    log(`screenshots failed: ${errorMessage(err)}`);
    process.exitCode = 1;
  } finally {
    await workbench?.close();
    await fake?.close();
  }
}

void main();
