/** The one module that reads `flora.*` settings. */
import * as vscode from 'vscode';
import { DEFAULT_BASE_URL } from '../api/validate';
import { clampPageSize } from '../api/pageSize';
import type { NotifyOn } from './notifications';

export const SECTION = 'flora';

const KEYS = [
  'apiBaseUrl',
  'pageSize',
  'autoRefresh',
  'pollInterval',
  'idleRefreshInterval',
  'notifyOn',
  'insertResultAutomatically',
] as const;
export type SettingKey = (typeof KEYS)[number];

export interface Settings {
  /** The explicit setting, else FLORA_BASE_URL from the environment (as FLORA's SDK reads it), else FLORA's API. */
  apiBaseUrl(): string;
  pageSize(): number;
  autoRefresh(): boolean;
  /** Seconds between polls while something is pending or running (≥ 2). */
  pollIntervalSeconds(): number;
  /** Seconds between checks for new work while nothing runs (≥ 15). */
  idleRefreshIntervalSeconds(): number;
  notifyOn(): NotifyOn;
  /** Insert a generation started from an editor into it when it completes, without asking. */
  insertResultAutomatically(): boolean;
  onDidChange(listener: (key: SettingKey) => void): vscode.Disposable;
}

function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value)
    ? Math.min(max, Math.max(min, Math.round(value)))
    : fallback;
}

export function createSettings(): Settings {
  const config = () => vscode.workspace.getConfiguration(SECTION);
  return {
    apiBaseUrl() {
      // Only the user's own setting: a repository's .vscode/settings.json must never be able to
      // send the key somewhere else.
      const user = config().inspect<string>('apiBaseUrl')?.globalValue;
      return (user || process.env.FLORA_BASE_URL || DEFAULT_BASE_URL).trim();
    },
    pageSize: () => clampPageSize(config().get('pageSize')),
    autoRefresh: () => config().get<boolean>('autoRefresh', true) !== false,
    pollIntervalSeconds: () => clampInt(config().get('pollInterval'), 2, 600, 3),
    idleRefreshIntervalSeconds: () => clampInt(config().get('idleRefreshInterval'), 15, 3600, 60),
    notifyOn() {
      const v = config().get<string>('notifyOn', 'failed');
      return v === 'none' || v === 'all' ? v : 'failed';
    },
    insertResultAutomatically: () => config().get<boolean>('insertResultAutomatically', false) === true,
    onDidChange(listener) {
      return vscode.workspace.onDidChangeConfiguration((e) => {
        for (const key of KEYS) if (e.affectsConfiguration(`${SECTION}.${key}`)) listener(key);
      });
    },
  };
}
