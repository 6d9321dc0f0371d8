/** Keeps the last loaded tree across restarts, in extension storage, per account (no secrets stored). */
import { createHash } from 'node:crypto';
import type * as vscode from 'vscode';
import type { StoreSnapshot } from '../model/store';

const KEY = 'flora.snapshot';
/** A snapshot larger than this (serialized) is not kept; a few hundred items stay well below it. */
const MAX_BYTES = 2_000_000;

interface Saved {
  account: string;
  snapshot: StoreSnapshot;
}

/**
 * Which account a snapshot belongs to: a one-way digest of base URL and key, so another key
 * never sees this key's data and the key itself is never written anywhere.
 */
export function accountFingerprint(baseUrl: string, key: string): string {
  return createHash('sha256').update(`${baseUrl}\n${key}`).digest('hex').slice(0, 24);
}

export class SnapshotCache {
  constructor(private readonly memento: vscode.Memento) {}

  load(account: string): StoreSnapshot | undefined {
    const saved = this.memento.get<Saved>(KEY);
    return saved?.account === account ? saved.snapshot : undefined;
  }

  async save(account: string, snapshot: StoreSnapshot): Promise<void> {
    if (JSON.stringify(snapshot).length > MAX_BYTES) return;
    await this.memento.update(KEY, { account, snapshot } satisfies Saved);
  }
}
