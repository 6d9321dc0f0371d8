/** Reads VS Code's own network settings (`http.*`) and the proxy variables of the environment. */
import * as vscode from 'vscode';
import type { NetworkSettings } from '../api/proxy';

const HTTP_KEYS = ['proxy', 'noProxy', 'proxyStrictSSL', 'proxyAuthorization', 'proxySupport'] as const;
const ENV_KEYS = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY'];

export function readNetworkSettings(env: NodeJS.ProcessEnv = process.env): NetworkSettings {
  const http = vscode.workspace.getConfiguration('http');
  const noProxy = http.get<unknown>('noProxy');
  return {
    proxySupport: http.get<string>('proxySupport'),
    proxy: http.get<string>('proxy') || undefined,
    noProxy: Array.isArray(noProxy) ? noProxy.filter((h): h is string => typeof h === 'string') : undefined,
    proxyStrictSSL: http.get<boolean>('proxyStrictSSL', true) !== false,
    proxyAuthorization: http.get<string | null>('proxyAuthorization') || undefined,
    env: Object.fromEntries(ENV_KEYS.filter((k) => env[k] !== undefined).map((k) => [k, env[k]])),
  };
}

/** Fires when one of the `http.*` settings above changes (no reload needed: the dispatcher is rebuilt). */
export function onDidChangeNetworkSettings(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (HTTP_KEYS.some((k) => e.affectsConfiguration(`http.${k}`))) listener();
  });
}
