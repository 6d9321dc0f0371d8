/** The one place that turns an error into words and a way forward for the user. */
import * as l10n from '@vscode/l10n';
import type { FloraError } from '../api/errors';
import { duration } from '../model/format';

export interface UserFacingError {
  /** Short, for a tree row or the start of a notification. */
  title: string;
  /** What happened in FLORA's words, plus the request id to quote to support. */
  detail: string;
  action: { command: string; title: string };
}

export function userFacingError(error: FloraError): UserFacingError {
  const ref = [error.code, error.status ? `HTTP ${error.status}` : undefined, error.requestId]
    .filter(Boolean)
    .join(' · ');
  const detail = ref ? `${error.message} (${ref})` : error.message;
  const retry = { command: 'flora.refresh', title: l10n.t('Retry') };
  switch (error.kind) {
    case 'authentication':
      if (error.code === 'malformed_api_key') {
        // Refused before sending: FLORA never saw it, so it did not "reject" it.
        return {
          title: l10n.t('The FLORA API key is malformed — set it again'),
          detail,
          action: { command: 'flora.setApiKey', title: l10n.t('Set API Key') },
        };
      }
      return error.code === 'no_api_key'
        ? {
            title: l10n.t('No FLORA API key is set'),
            detail,
            action: { command: 'flora.setApiKey', title: l10n.t('Set API Key') },
          }
        : {
            title: l10n.t('FLORA rejected the API key — set a new one'),
            detail,
            action: { command: 'flora.setApiKey', title: l10n.t('Set API Key') },
          };
    case 'permission':
      if (error.code === 'paid_plan_required') {
        return {
          title: l10n.t('FLORA’s API needs a paid plan for this workspace'),
          detail,
          action: { command: 'flora.showLogs', title: l10n.t('Show Logs') },
        };
      }
      return {
        title: l10n.t('This API key has no access — use a key of this workspace'),
        detail,
        action: { command: 'flora.setApiKey', title: l10n.t('Set API Key') },
      };
    case 'rate_limit':
      return {
        title: error.retryAfterMs
          ? l10n.t('FLORA is rate limiting; try again in {0}', duration(error.retryAfterMs))
          : l10n.t('FLORA is rate limiting; try again shortly'),
        detail,
        action: retry,
      };
    case 'connection':
    case 'timeout':
      return { title: l10n.t('FLORA is unreachable — check your connection'), detail, action: retry };
    case 'server':
      return { title: l10n.t('FLORA had a server error — retry'), detail, action: retry };
    case 'configuration':
      return {
        title: l10n.t('The FLORA settings are not usable'),
        detail,
        action: { command: 'flora.openSettings', title: l10n.t('Open Settings') },
      };
    case 'not_found':
      return { title: l10n.t('Not found in FLORA'), detail, action: retry };
    default:
      return {
        title: l10n.t("FLORA's answer was not understood — see the logs"),
        detail,
        action: { command: 'flora.showLogs', title: l10n.t('Show Logs') },
      };
  }
}
