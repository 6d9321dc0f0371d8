/**
 * The HTML shell of the preview webviews and its Content Security Policy. The shell holds no API
 * data at all besides escaped ids in data attributes: the webview script builds the content with
 * `textContent` from the messages it receives. No `vscode` import: unit-tested directly.
 */
import * as l10n from '@vscode/l10n';
import { randomBytes } from 'node:crypto';

/** A fresh script nonce from the system CSPRNG (never Math.random). */
export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

export interface CspInput {
  /** `webview.cspSource`: where the webview's own script and style come from. */
  cspSource: string;
  nonce: string;
  /** Also allow media from http://127.0.0.1 and http://localhost (any port): only for a loopback FLORA (tests, demo). */
  allowLoopbackMedia: boolean;
}

/**
 * `default-src 'none'`; script only by nonce; style only from the extension's own files (so no
 * `style=""` either); images and media from https: (FLORA's CDN hosts are not published, so no
 * host list) plus loopback http when the API itself is loopback. No frames, no objects, no
 * connections: the script talks to the extension by postMessage only.
 */
export function buildCsp({ cspSource, nonce, allowLoopbackMedia }: CspInput): string {
  const media = [
    cspSource,
    'https:',
    ...(allowLoopbackMedia ? ['http://127.0.0.1:*', 'http://localhost:*'] : []),
  ].join(' ');
  return [
    "default-src 'none'",
    `img-src ${media}`,
    `media-src ${media}`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export interface ShellInput extends CspInput {
  view: 'preview' | 'gallery';
  title: string;
  scriptUri: string;
  styleUri: string;
  /** Identifies what the panel shows, so the webview can save it in its state before any message arrives. */
  data: Record<string, string>;
}

export function buildShellHtml(input: ShellInput): string {
  const data = Object.entries(input.data)
    .map(([k, v]) => ` data-${k.replace(/[^a-z0-9-]/g, '')}="${escapeHtml(v)}"`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(buildCsp(input))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(input.styleUri)}">
<title>${escapeHtml(input.title)}</title>
</head>
<body data-view="${input.view}"${data}>
<main id="app" aria-busy="true"><p class="placeholder">${escapeHtml(l10n.t('Loading…'))}</p></main>
<script nonce="${escapeHtml(input.nonce)}" src="${escapeHtml(input.scriptUri)}"></script>
</body>
</html>
`;
}

/** Escapes text for HTML content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
