// UI step for Generate from Selection (issue 13 §3): a Markdown file in the workspace, a line
// selected with the keyboard, the command run from the Command Palette, every QuickPick and
// InputBox of the flow answered with the keyboard, and the image Markdown inserted where the
// selection was once the fake server's job completes (its clock is moved on, no waiting). Same
// shape as test/ui/smoke.ts's steps; inserted into its list before the live steps.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { FakeFlora } from '../fake-flora/index';
import { assert, openCommandPalette, poll, UI_TIMEOUT_MS } from './helpers';

export interface GenerateStepContext {
  page: Page;
  fake: FakeFlora;
  workbenchDir: string;
}

const FILE = 'generate-notes.md';
const PROMPT = 'a red fox in fresh snow';

export async function quickInput(page: Page, title: RegExp): Promise<void> {
  await poll(`the quick input "${String(title)}"`, async () => {
    const widget = page.locator('.quick-input-widget');
    if (!(await widget.isVisible())) return undefined;
    // The rows are waited for by `choose` (they come once the step's items have loaded).
    const text = (await widget.locator('.quick-input-title').textContent()) ?? '';
    return title.test(text) ? true : undefined;
  });
}

/**
 * Waits for an InputBox step: its prompt (the message under the box) matches `message` and no list
 * shows. The quick input's text field is the same element from step to step, so typing before this
 * would go into the previous step's filter.
 */
export async function inputStep(page: Page, message: RegExp): Promise<void> {
  await poll(`the input box "${String(message)}"`, async () => {
    const widget = page.locator('.quick-input-widget');
    if (!(await widget.isVisible())) return undefined;
    if (await widget.locator('.quick-input-list .monaco-list-row').first().isVisible()) return undefined;
    const text = (await widget.locator('.quick-input-message').textContent()) ?? '';
    return message.test(text) ? true : undefined;
  });
}

/** Types into the open quick input to filter it, waits for a row matching `row`, and accepts it. */
export async function choose(page: Page, filter: string, row: RegExp): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const focused = page.locator('.quick-input-list .monaco-list-row.focused', { hasText: row });
  // Typed again whenever the filter is gone: the next step's picker, shown after this began typing,
  // starts empty (the text went into the step before it).
  await poll(`a focused row ${String(row)} for "${filter}"`, async () => {
    if ((await input.inputValue()) !== filter) await input.fill(filter);
    return (await focused.isVisible()) ? true : undefined;
  });
  await input.press('Enter');
}

/** Opens a workspace file with Quick Open (Ctrl+P), as a user would. */
export async function quickOpen(page: Page, file: string, timeout = UI_TIMEOUT_MS): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(file);
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: file })
    .first()
    .waitFor({ state: 'visible', timeout });
  await input.press('Enter');
}

export async function editorLines(page: Page): Promise<string[]> {
  return page.locator('.editor-instance .monaco-editor .view-lines .view-line').evaluateAll((els) =>
    els
      .map((el) => ({ top: parseFloat((el as HTMLElement).style.top || '0'), text: el.textContent ?? '' }))
      .sort((a, b) => a.top - b.top)
      .map((l) => l.text.replace(/\u00a0/g, ' ')),
  );
}

export const generateSteps: Array<{ name: string; run(ctx: GenerateStepContext): Promise<void> }> = [
  {
    name: 'Generate from Selection in a Markdown file inserts the image where the selection was',
    run: async ({ page, fake, workbenchDir }) => {
      const workspace = path.join(workbenchDir, 'workspace');
      assert(fs.existsSync(workspace), `no workspace folder at ${workspace}`);
      fs.writeFileSync(path.join(workspace, FILE), `# Notes\n\n${PROMPT}\n\nThe end.\n`);
      await quickOpen(page, FILE);
      await poll('the file in the editor', async () =>
        (await editorLines(page)).includes(PROMPT) ? true : undefined,
      );
      // Select line 3 with the keyboard.
      await page.locator('.editor-instance .monaco-editor textarea').first().focus();
      await page.keyboard.press('Control+Home');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Home');
      await page.keyboard.press('Shift+End');

      const before = fake.submissions().length;
      const input = await openCommandPalette(page);
      await input.fill('>FLORA: Generate from Selection');
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'Generate from Selection' })
        .first()
        .waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      await input.press('Enter');

      await quickInput(page, /FLORA: Generate/);
      await choose(page, 'Image', /Image/);
      await quickInput(page, /FLORA: Generate/);
      await choose(page, 'FLUX.2 Pro', /FLUX\.2 Pro/);
      // The prompt box is prefilled with the selection: accepted as it is.
      await inputStep(page, /The prompt for FLUX\.2 Pro/);
      await poll('the prompt prefilled from the selection', async () =>
        (await input.inputValue()) === PROMPT ? true : undefined,
      );
      await input.press('Enter');
      // The target project: the first project of the list (picked by its name).
      // One with a plain name (earlier steps add projects named with markup on purpose).
      const project = fake.projects().find((p) => /^[\w ]+$/.test(p.name));
      assert(project, 'a project with a plain name');
      await poll('the project step', async () => {
        const rows = await page.locator('.quick-input-list .monaco-list-row').allTextContents();
        return rows.some((r) => r.includes(project.name)) ? true : undefined;
      });
      await choose(page, project.name, new RegExp(project.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      await quickInput(page, /confirm/);
      const summary = await page.locator('.quick-input-list .monaco-list-row').first().textContent();
      assert(
        /FLUX\.2 Pro/.test(summary ?? '') && (summary ?? '').includes(project.name),
        `confirmation: ${summary}`,
      );
      assert(fake.submissions().length === before, 'nothing sent before the confirmation');
      await page.locator('.quick-input-widget input').press('Enter');

      const sub = await poll('the submission', () => Promise.resolve(fake.submissions()[before]));
      // The job runs on the fake server's clock: move it past the model's estimated time.
      fake.advance(60_000);
      const insert = page.locator('.notifications-toasts .monaco-button', { hasText: /^Insert$/ });
      await insert.first().waitFor({ state: 'visible', timeout: 90_000 });
      await insert.first().click();
      const url = fake.generations().find((g) => g.generation_id === sub.run_id)?.outputs?.[0]?.url;
      assert(url, 'the generation has an output');
      const lines = await poll('the image Markdown in place of the selection', async () => {
        const now = await editorLines(page);
        return now[2]?.startsWith(`![${PROMPT}](`) ? now : undefined;
      });
      assert(
        lines[0] === '# Notes' && lines[4] === 'The end.',
        `the rest is untouched: ${JSON.stringify(lines)}`,
      );
      await page.keyboard.press('Escape');
    },
  },
  {
    name: 'Generate in This Project… from a project row’s context menu, with the mouse while jobs run: Back clicked, the project kept, nothing sent on Escape',
    run: async ({ page, fake }) => {
      const project = fake.projects().find((p) => /^[\w ]+$/.test(p.name));
      assert(project, 'a project with a plain name');
      const workspace = fake.workspaces().find((w) => w.workspace_id === project.workspace_id);
      assert(workspace, 'the project’s workspace');
      const before = fake.submissions().length;
      const view = page.locator('[id="workbench.view.extension.flora"]');
      const treeRow = (level: number, name: string) =>
        view
          .locator(`.monaco-list-row[role="treeitem"][aria-level="${level}"]`)
          .filter({ has: page.locator('.label-name', { hasText: name }) })
          .first();
      const wsRow = treeRow(1, workspace.name);
      await wsRow.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      if ((await wsRow.getAttribute('aria-expanded')) !== 'true') await wsRow.click();
      const projectRow = treeRow(2, project.name);
      await projectRow.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      await projectRow.click({ button: 'right' });
      const entry = page.getByRole('menuitem', { name: 'Generate in This Project…' }).first();
      await entry.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      await entry.click();
      await quickInput(page, /FLORA: Generate/);
      await choose(page, 'Image', /Image/);
      // The model step; its Back button (the arrow in the title bar), clicked, is the type step again.
      await poll('the model step', async () =>
        (await page.locator('.quick-input-list .monaco-list-row').allTextContents()).some((r) =>
          r.includes('FLUX.2 Pro'),
        )
          ? true
          : undefined,
      );
      await page.locator('.quick-input-widget').getByRole('button', { name: 'Back' }).first().click();
      await poll('the type step again', async () => {
        const rows = await page.locator('.quick-input-list .monaco-list-row').allTextContents();
        return rows.some((r) => r.includes('Video')) && rows.some((r) => r.includes('Audio'))
          ? true
          : undefined;
      });
      await choose(page, 'Image', /Image/);
      await quickInput(page, /FLORA: Generate/);
      await choose(page, 'FLUX.2 Pro', /FLUX\.2 Pro/);
      await inputStep(page, /The prompt for FLUX\.2 Pro/);
      const input = page.locator('.quick-input-widget input');
      await input.fill('a lighthouse at dusk');
      await input.press('Enter');
      // No project step: the project is the row's.
      await quickInput(page, /confirm/);
      const summary = await page.locator('.quick-input-list .monaco-list-row').first().textContent();
      assert((summary ?? '').includes(project.name), `confirmation names the row's project: ${summary}`);
      await page.keyboard.press('Escape');
      await poll('the quick input closed', async () =>
        (await page.locator('.quick-input-widget').isVisible()) ? undefined : true,
      );
      assert(fake.submissions().length === before, 'nothing sent without the confirmation');
    },
  },
];
