/** The one module that reads `flora.*` settings. */
import * as vscode from 'vscode';
import { DEFAULT_BASE_URL } from '../api/client';

export const SECTION = 'flora';

export interface Settings {
  /** The explicit setting, else FLORA_BASE_URL from the environment (as FLORA's SDK reads it), else FLORA's API. */
  apiBaseUrl(): string;
  pageSize(): number;
  onDidChange(listener: (key: keyof typeof KEYS) => void): vscode.Disposable;
}

const KEYS = {
  apiBaseUrl: 'apiBaseUrl',
  pageSize: 'pageSize',
} as const;

export function createSettings(): Settings {
  const config = () => vscode.workspace.getConfiguration(SECTION);
  return {
    apiBaseUrl() {
      const inspected = config().inspect<string>(KEYS.apiBaseUrl);
      const explicit = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
      return (explicit || process.env.FLORA_BASE_URL || DEFAULT_BASE_URL).trim();
    },
    pageSize() {
      const n = config().get<number>(KEYS.pageSize, 20);
      return Number.isInteger(n) ? Math.min(100, Math.max(1, n)) : 20;
    },
    onDidChange(listener) {
      return vscode.workspace.onDidChangeConfiguration((e) => {
        for (const key of Object.keys(KEYS) as Array<keyof typeof KEYS>) {
          if (e.affectsConfiguration(`${SECTION}.${KEYS[key]}`)) listener(key);
        }
      });
    },
  };
}
