/**
 * The pure checks of settings and keys: not calls, so `src/ui` may import them (the key input's
 * validation, the preview's loopback rule, the settings' default) from here, never from the
 * client modules — the lint rule that keeps the client out of `src/ui` is a plain path rule.
 * The request side (http.ts) applies the same checks before anything is sent.
 */
import * as l10n from '@vscode/l10n';
import { ConfigurationError } from './errors';

export const DEFAULT_BASE_URL = 'https://app.flora.ai/api/v1';

/** Checks a base URL: http(s) only, and plain http only to a loopback host. */
export function validateBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigurationError(l10n.t('"{0}" is not a valid URL for flora.apiBaseUrl.', baseUrl));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(l10n.t('flora.apiBaseUrl must be an https URL, not {0}.', url.protocol));
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigurationError(
      l10n.t(
        'flora.apiBaseUrl uses plain http to {0}; your API key would travel unencrypted. Use https (plain http is allowed only for 127.0.0.1, localhost and [::1]).',
        url.hostname,
      ),
    );
  }
  if (url.username || url.password) {
    throw new ConfigurationError(l10n.t('flora.apiBaseUrl must not contain a user name or password.'));
  }
  return url;
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/**
 * Why `key` cannot be an API key sent as `Authorization: Bearer <key>`, or undefined when it can.
 * Keys are printable ASCII without spaces (FLORA's are `sk_live_…`); a line break, a space, a
 * control character or a non-ASCII character (a zero-width space, an ellipsis from a copied
 * "sk_live_…") means the key was pasted wrong. Surrounding white space is trimmed before this.
 */
export function apiKeyProblem(key: string): string | undefined {
  if (/[\r\n]/.test(key)) return l10n.t('contains a line break');
  if (/\s/.test(key)) return l10n.t('contains a space or a tab');
  if (/[^\x21-\x7e]/.test(key))
    return l10n.t('contains a character no API key has (a control or non-ASCII character)');
  return undefined;
}
