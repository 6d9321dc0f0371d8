/**
 * Telling which rows of a long list read differently after a change without building every row
 * again. A row is a pure function of a few inputs (for a generation: the generation object, its
 * model's name, its project's name, the relative time shown); the store replaces a generation
 * object whenever it changes it and never edits one in place, so inputs that are all the same
 * values (`Object.is`) as when the row was built mean the row reads the same.
 */
import type { Generation } from '../api/types';
import { relativeTimeKey } from './format';
import type { Store } from './store';

export class RowMemo {
  private inputs = new Map<string, readonly unknown[]>();

  /** The inputs the row `id` was built from (what the view now shows). */
  remember(id: string, inputs: readonly unknown[]): void {
    this.inputs.set(id, inputs);
  }

  /**
   * False when the row `id` was built from exactly these inputs (it reads the same); true when it
   * was never built or any input differs (it may read differently: build it to know).
   */
  changed(id: string, inputs: readonly unknown[]): boolean {
    const before = this.inputs.get(id);
    if (!before || before.length !== inputs.length) return true;
    for (let i = 0; i < inputs.length; i++) if (!Object.is(before[i], inputs[i])) return true;
    return false;
  }

  /** Forgets the row `id` (it was built from something else: it is rebuilt next time). */
  forget(id: string): void {
    this.inputs.delete(id);
  }

  /** Forgets every row (the view re-reads them all). */
  clear(): void {
    this.inputs = new Map();
  }
}

/**
 * Everything a generation's tree row reads besides constants: two equal lists render alike. The
 * relative time is compared by its key (which text it is), not by its text: a re-read asks this
 * of every row on screen, and formatting thousands of times costs more than the rest.
 */
export function generationRowInputs(store: Store, g: Generation, now: number): readonly unknown[] {
  return [g, store.modelName(g.modelId), store.project(g.projectId)?.name, relativeTimeKey(g.createdAt, now)];
}
