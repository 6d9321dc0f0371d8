/**
 * Keeps the last loaded tree across restarts, per account (no secrets stored), in a JSON file
 * under the extension's global storage folder: VS Code keeps `globalState` in memory and warns
 * about large values there, and a snapshot holds up to a thousand generations.
 */
import * as vscode from 'vscode';
import type { Logger } from '../api/logger';
import type { SnapshotStorage } from '../model/session';
import type { StoreSnapshot } from '../model/store';

/** Where versions before the file kept the snapshot (globalState); moved to the file once. */
export const LEGACY_KEY = 'flora.snapshot';
export const SNAPSHOT_FILE = 'snapshot.json';
/** A snapshot larger than this (serialized) is not kept; a few hundred items stay well below it. */
const MAX_BYTES = 2_000_000;

interface Saved {
  account: string;
  snapshot: StoreSnapshot;
}

/**
 * The snapshot file. Reads and writes go through `vscode.workspace.fs` (global storage is a
 * `file:` folder on desktop, but need not be elsewhere) and run one at a time, in call order: a
 * delete (sign-out) is never overtaken by a write that started before it. A write goes to a
 * temporary file first and is renamed over the snapshot, so a crash mid-write leaves the
 * previous snapshot, never half of one. Which account a snapshot belongs to is the session's
 * `accountFingerprint` (src/model/session.ts).
 */
export class SnapshotCache implements SnapshotStorage {
  readonly file: vscode.Uri;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: vscode.Uri,
    private readonly legacy: vscode.Memento,
    private readonly logger: Logger,
  ) {
    this.file = vscode.Uri.joinPath(dir, SNAPSHOT_FILE);
  }

  /**
   * The saved snapshot of `account`, if any (undefined for another account's, or a file that is
   * not one). Moves a snapshot an older version left in globalState into the file first.
   */
  load(account: string): Promise<StoreSnapshot | undefined> {
    return this.run(async () => {
      await this.migrate();
      let text: string;
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(this.file));
      } catch {
        return undefined; // none saved yet
      }
      const saved = parseSaved(text);
      if (!saved) this.logger.warn(`Ignored ${this.file.toString(true)}: not a snapshot this version reads.`);
      return saved?.account === account ? saved.snapshot : undefined;
    });
  }

  save(account: string, snapshot: StoreSnapshot): Promise<void> {
    return this.run(async () => {
      const text = JSON.stringify({ account, snapshot } satisfies Saved);
      if (text.length > MAX_BYTES) return;
      await this.write(text);
    });
  }

  /** Deletes the snapshot (sign-out, another key or API): the next start shows nothing earlier. */
  delete(): Promise<void> {
    return this.run(async () => {
      await this.migrate();
      await Promise.resolve(vscode.workspace.fs.delete(this.file)).catch(() => undefined);
    });
  }

  private async write(text: string): Promise<void> {
    const temp = vscode.Uri.joinPath(this.dir, `${SNAPSHOT_FILE}.${process.pid}.tmp`);
    await vscode.workspace.fs.createDirectory(this.dir);
    await vscode.workspace.fs.writeFile(temp, new TextEncoder().encode(text));
    try {
      await vscode.workspace.fs.rename(temp, this.file, { overwrite: true });
    } catch (err) {
      await Promise.resolve(vscode.workspace.fs.delete(temp)).catch(() => undefined);
      throw err;
    }
  }

  /** Once: what globalState held goes to the file (unless the file is newer), and out of globalState. */
  private async migrate(): Promise<void> {
    const old = this.legacy.get<unknown>(LEGACY_KEY);
    if (old === undefined) return;
    const saved = parseSaved(JSON.stringify(old));
    const exists = await Promise.resolve(vscode.workspace.fs.stat(this.file)).then(
      () => true,
      () => false,
    );
    if (saved && !exists) await this.write(JSON.stringify(saved));
    await this.legacy.update(LEGACY_KEY, undefined);
  }

  /** Runs `op` after every operation asked for before it; a failure is logged, never thrown. */
  private run<T>(op: () => Promise<T>): Promise<T | undefined> {
    const next = this.queue.then(op).catch((err: unknown) => {
      this.logger.warn(
        `Could not use the saved snapshot at ${this.file.toString(true)}: ${err instanceof Error ? err.message : String(err)}`,
      );
      return undefined;
    });
    this.queue = next;
    return next;
  }
}

/** The saved file's content when it has the shape `Store.restore` relies on. */
function parseSaved(text: string): Saved | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { account, snapshot } = value as Partial<Saved>;
  if (typeof account !== 'string' || typeof snapshot !== 'object' || snapshot === null) return undefined;
  const s = snapshot as unknown as Record<string, unknown>;
  const lists = ['workspaces', 'projects', 'generations', 'models', 'projectLists', 'generationLists'];
  if (s.version !== 1 || typeof s.filter !== 'object' || !lists.every((k) => Array.isArray(s[k])))
    return undefined;
  // Technique runs' lists came later: a snapshot without them is still read.
  if (s.techniqueLists !== undefined && !Array.isArray(s.techniqueLists)) return undefined;
  return { account, snapshot };
}
