// Helpers shared by the UI steps (smoke.ts, previewSteps.ts, inertSteps.ts, liveSteps.ts).
import type { Locator, Page } from 'playwright-core';

/**
 * Per-condition wait, and every Playwright action's timeout (smoke.ts sets it as the page's
 * default): generous, since shared 2-core machines (and slower CI ones) can be slow to render.
 */
export const UI_TIMEOUT_MS = 90_000;

/** The FLORA view container in the sidebar (`workbench.view.extension.<container id>`). */
export function floraView(page: Page): Locator {
  return page.locator('[id="workbench.view.extension.flora"]');
}

/**
 * Polls `probe` until it returns a value other than undefined; a probe that throws (an element
 * not there yet) counts as "not yet", and its message is quoted if the wait times out.
 */
export async function poll<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = UI_TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message.split('\n')[0]}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Opens the Command Palette with F1 and waits until the quick input on screen is the palette (its
 * value starts with its own `>`): a picker left open by an earlier try, or still being replaced,
 * also has a visible input, and text typed into it would filter that picker instead.
 */
export async function openCommandPalette(page: Page, timeoutMs = UI_TIMEOUT_MS): Promise<Locator> {
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press('F1');
  await poll(
    'the Command Palette (a quick input starting with ">")',
    async () =>
      (await input.isVisible()) && (await input.inputValue({ timeout: 1_000 })).startsWith('>')
        ? true
        : undefined,
    timeoutMs,
  );
  return input;
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
