/**
 * The session: which key (at which API) the extension is signed in with, and the last session's
 * tree kept between starts. It owns `hasKey`, the queue that handles key changes one at a time,
 * the throttle on snapshot writes, and the account a snapshot belongs to. No vscode: where the key
 * and the snapshot live, the timers, and what VS Code is told come in as options (src/ui/session.ts
 * passes SecretStorage, the snapshot file and `setContext`).
 */
import { createHash } from 'node:crypto';
import type { FloraApi } from '../api/client';
import { silentLogger, type Logger } from '../api/logger';
import { Emitter, type Subscription } from './events';
import { systemTimers, type Poller, type Timers } from './poller';
import type { Store, StoreSnapshot } from './store';

/**
 * At most one snapshot write per this period: progress changes every poll tick, and the snapshot
 * only has to be recent enough to show something useful at the next start.
 */
export const SNAPSHOT_THROTTLE_MS = 30_000;

/** Where the last session's tree is kept between starts, per account (a file in VS Code). */
export interface SnapshotStorage {
  /** The snapshot saved for `account`, if any (another account's is not returned). */
  load(account: string): Promise<StoreSnapshot | undefined>;
  save(account: string, snapshot: StoreSnapshot): Promise<void>;
  delete(): Promise<void>;
}

/** A client for one request with a candidate key (closed after it). */
export type KeyProbe = Pick<FloraApi, 'listWorkspaces'> & { close(): Promise<void> };

export interface SessionOptions {
  /** The key in use now (SecretStorage, else the environment), or undefined when none is set. */
  key(): Promise<string | undefined>;
  baseUrl(): string;
  store: Pick<Store, 'onDidChange' | 'clear' | 'restore' | 'refresh' | 'snapshot' | 'workspaceList'>;
  poller: Pick<Poller, 'restart' | 'stop'>;
  snapshots: SnapshotStorage;
  /** A client that sends `key` instead of the stored one (checking a key before storing it). */
  probe(key: string): KeyProbe;
  /** Told whether there is a key before the store is cleared (VS Code's welcome view and menus). */
  setHasKey?(hasKey: boolean): Promise<void>;
  timers?: Timers;
  throttleMs?: number;
  logger?: Logger;
}

/**
 * Which account a snapshot belongs to: a one-way digest of base URL and key, so another key
 * never sees this key's data and the key itself is never written anywhere.
 */
export function accountFingerprint(baseUrl: string, key: string): string {
  return createHash('sha256').update(`${baseUrl}\n${key}`).digest('hex').slice(0, 24);
}

export class Session implements Subscription {
  private signedIn = false;
  /** The key and base URL of the last reload: SecretStorage reports our own writes too. */
  private currentKey: string | undefined;
  private currentBaseUrl: string | undefined;
  /** Whose snapshot the store holds now; undefined while signed out or switching accounts. */
  private account: string | undefined;

  /** The signed-in account's fingerprint (see accountFingerprint); undefined while signed out. */
  get currentAccount(): string | undefined {
    return this.account;
  }
  private reloading: Promise<void> = Promise.resolve();
  private snapshotTimer: unknown;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly storeSub: Subscription;
  private readonly reloaded: Emitter<void>;
  /** After each reload that changed the key or API (the store is cleared or restored by then). */
  readonly onDidReload: (listener: () => void) => Subscription;

  constructor(private readonly options: SessionOptions) {
    this.timers = options.timers ?? systemTimers;
    this.logger = options.logger ?? silentLogger;
    this.reloaded = new Emitter<void>((err) =>
      this.logger.error(
        `A listener of the session failed: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
    this.onDidReload = (listener) => this.reloaded.event(() => listener());
    this.storeSub = options.store.onDidChange(() => {
      this.snapshotTimer ??= this.timers.setTimeout(
        () => void this.saveSnapshotNow(),
        options.throttleMs ?? SNAPSHOT_THROTTLE_MS,
      );
    });
  }

  /** Whether a key is set (as of the last reload). */
  get hasKey(): boolean {
    return this.signedIn;
  }

  /** The first load: the key as stored, and the last session's tree of that account at once. */
  start(): void {
    this.enqueue(true);
  }

  /** The key or the base URL may have changed: everything reloads if it did. */
  keyChanged(): void {
    this.enqueue(false);
  }

  /** Settles when every reload asked for so far has run. */
  whenIdle(): Promise<void> {
    return this.reloading;
  }

  /** Writes the snapshot now (instead of at the end of the throttle period). */
  saveSnapshotNow(): Promise<void> {
    this.cancelSnapshot();
    const account = this.account;
    return account && this.options.store.workspaceList().loaded
      ? this.options.snapshots.save(account, this.options.store.snapshot())
      : Promise.resolve();
  }

  /** Asks FLORA with `key` instead of the stored one; rejects with FLORA's answer when it fails. */
  async checkKey(key: string): Promise<void> {
    const probe = this.options.probe(key);
    try {
      await probe.listWorkspaces();
    } finally {
      void probe.close();
    }
  }

  dispose(): void {
    this.cancelSnapshot();
    this.storeSub.dispose();
    this.reloaded.dispose();
  }

  /** Key changes are handled one at a time, in order. */
  private enqueue(first: boolean): void {
    this.reloading = this.reloading
      .then(() => this.reload(first))
      .catch((err: unknown) =>
        this.logger.error(`Could not read the API key: ${err instanceof Error ? err.message : String(err)}`),
      );
  }

  private async reload(first: boolean): Promise<void> {
    const { store, poller, snapshots } = this.options;
    const key = await this.options.key();
    const baseUrl = this.options.baseUrl();
    if (!first && key === this.currentKey && baseUrl === this.currentBaseUrl) return;
    this.currentKey = key;
    this.currentBaseUrl = baseUrl;
    // From here on nothing is written for the account the store held until now.
    this.account = undefined;
    const nextAccount = key ? accountFingerprint(baseUrl, key) : undefined;
    // The file is read while VS Code still starts (a local read, well before any FLORA answer).
    const snapshot = first && nextAccount ? await snapshots.load(nextAccount) : undefined;
    // Signed out, or another key or API: the last account's data is not kept on disk.
    if (!first || !key) {
      this.cancelSnapshot();
      void snapshots.delete();
    }
    this.signedIn = !!key;
    await this.options.setHasKey?.(this.signedIn);
    store.clear();
    this.account = nextAccount;
    if (snapshot && store.restore(snapshot)) {
      this.logger.info(
        `Showing ${snapshot.generations.length} generations from the last session until refreshed.`,
      );
      void store.refresh();
    }
    this.reloaded.fire();
    if (this.signedIn) poller.restart();
    else poller.stop();
  }

  private cancelSnapshot(): void {
    if (this.snapshotTimer !== undefined) this.timers.clearTimeout(this.snapshotTimer);
    this.snapshotTimer = undefined;
  }
}
