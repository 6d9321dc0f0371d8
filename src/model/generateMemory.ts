/**
 * What the Generate flow remembers, per account (the fingerprint of API URL and key that the
 * instant-start snapshot uses, so no key is stored): the prompts of generations started here
 * (the API does not return prompts), the models used last per type, and the project used last.
 * Bounded: MAX_PROMPTS prompts of at most MAX_PROMPT_CHARS each per account, MAX_ACCOUNTS
 * accounts (the least recently used is forgotten). Kept in an injected key-value storage
 * (VS Code's `globalState` in the extension).
 */

export interface KeyValueStorage {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export const MEMORY_KEY = 'flora.generate.memory';
export const MAX_PROMPTS = 200;
export const MAX_PROMPT_CHARS = 2_000;
export const MAX_ACCOUNTS = 5;
const MAX_MODELS_PER_TYPE = 10;

interface AccountMemory {
  usedAt: number;
  /** [generation id, prompt], oldest first. */
  prompts: Array<[string, string]>;
  /** Model ids per type, last used first. */
  models: Record<string, string[]>;
  projectId?: string;
}

interface Stored {
  version: 1;
  accounts: Record<string, AccountMemory>;
}

const EMPTY: Stored = Object.freeze({ version: 1, accounts: Object.freeze({}) });

export class GenerateMemory {
  /**
   * The prompts by generation id, per account, built from the stored value they were read from:
   * the tree asks for every row it draws. The storage hands back the same object until something
   * is written (here or by another window), and a new one is indexed again.
   */
  private index: { from: Stored; byAccount: Map<string, Map<string, string>> } | undefined;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly now: () => number = Date.now,
  ) {}

  promptOf(account: string | undefined, generationId: string): string | undefined {
    if (!account) return undefined;
    const stored = this.read();
    if (this.index?.from !== stored) this.index = { from: stored, byAccount: new Map() };
    let prompts = this.index.byAccount.get(account);
    if (!prompts) {
      // Later entries win, as the newest prompt for an id.
      prompts = new Map(stored.accounts[account]?.prompts ?? []);
      this.index.byAccount.set(account, prompts);
    }
    return prompts.get(generationId);
  }

  /** Model ids of `type` used from here, last used first. */
  recentModels(account: string | undefined, type: string): string[] {
    return account ? [...(this.read().accounts[account]?.models[type] ?? [])] : [];
  }

  lastProject(account: string | undefined): string | undefined {
    return account ? this.read().accounts[account]?.projectId : undefined;
  }

  /** After a confirmed submission FLORA took: its prompt, model and project. */
  async remember(
    account: string | undefined,
    use: { generationId?: string; prompt: string; type: string; modelId?: string; projectId: string },
  ): Promise<void> {
    if (!account) return;
    const stored = this.read();
    const mem: AccountMemory = stored.accounts[account] ?? { usedAt: 0, prompts: [], models: {} };
    mem.usedAt = this.now();
    if (use.generationId) {
      mem.prompts = mem.prompts.filter(([id]) => id !== use.generationId);
      mem.prompts.push([use.generationId, use.prompt.slice(0, MAX_PROMPT_CHARS)]);
      if (mem.prompts.length > MAX_PROMPTS) mem.prompts.splice(0, mem.prompts.length - MAX_PROMPTS);
    }
    if (use.modelId) {
      const list = (mem.models[use.type] ?? []).filter((m) => m !== use.modelId);
      list.unshift(use.modelId);
      mem.models[use.type] = list.slice(0, MAX_MODELS_PER_TYPE);
    }
    mem.projectId = use.projectId;
    const accounts = { ...stored.accounts, [account]: mem };
    const ranked = Object.entries(accounts).sort(([, a], [, b]) => b.usedAt - a.usedAt);
    await this.storage.update(MEMORY_KEY, {
      version: 1,
      accounts: Object.fromEntries(ranked.slice(0, MAX_ACCOUNTS)),
    } satisfies Stored);
  }

  /** What is stored, or nothing for a value of another shape (an older or damaged entry). */
  private read(): Stored {
    const raw = this.storage.get<Stored>(MEMORY_KEY);
    if (!raw || raw.version !== 1 || typeof raw.accounts !== 'object' || raw.accounts === null) return EMPTY;
    return raw;
  }
}
