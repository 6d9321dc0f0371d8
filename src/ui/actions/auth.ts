import * as vscode from 'vscode';
import { isFloraError } from '../../api/errors';
import { apiKeyProblem } from '../../api/validate';
import { inertText } from '../../model/plainText';
import type { Deps } from '../deps';
import { userFacingError } from '../errorView';

/**
 * Asks for a key (unless one is passed, as tests and scripts do), checks it with a real request,
 * and stores it in SecretStorage only if FLORA accepts it (or, when FLORA cannot be reached, if
 * the user chooses to keep it anyway). Returns whether a key was stored.
 */
export async function setApiKey(
  deps: Pick<Deps, 'session' | 'keys' | 'logger'>,
  given?: unknown,
): Promise<boolean> {
  const key =
    typeof given === 'string'
      ? given.trim()
      : (
          await vscode.window.showInputBox({
            title: vscode.l10n.t('FLORA API Key'),
            prompt: vscode.l10n.t(
              'Paste a key from the FLORA app: Settings → API Keys. It is kept in VS Code secret storage.',
            ),
            placeHolder: 'sk_live_…', // l10n-ignore: the shape of a key
            password: true,
            ignoreFocusOut: true,
            validateInput: (v) => {
              if (v.trim().length < 8) return vscode.l10n.t('A FLORA API key is longer than that.');
              const problem = apiKeyProblem(v.trim());
              return problem
                ? vscode.l10n.t('This key {0}; copy it again from the FLORA app.', problem)
                : undefined;
            },
          })
        )?.trim();
  if (!key) return false;
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the FLORA API key…') },
      () => deps.session.checkKey(key),
    );
  } catch (err) {
    const shown = isFloraError(err) ? userFacingError(err) : undefined;
    const kind = isFloraError(err) ? err.kind : 'unknown';
    if (kind === 'authentication' || kind === 'permission') {
      void vscode.window
        .showErrorMessage(
          isFloraError(err) && err.code === 'malformed_api_key'
            ? vscode.l10n.t(
                'That is not a FLORA API key: it holds a line break, a space or another character no key has. {0}',
                inertText(shown?.detail ?? ''),
              )
            : vscode.l10n.t('FLORA rejected this API key. {0}', inertText(shown?.detail ?? '')),
          vscode.l10n.t('Try Again'),
        )
        .then((choice) => (choice ? vscode.commands.executeCommand('flora.setApiKey') : undefined))
        .then(undefined, (e: unknown) => deps.logger.warn(`Set API Key: ${String(e)}`));
      return false;
    }
    if (typeof given === 'string') return false;
    const saveAnyway = vscode.l10n.t('Save Anyway');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Could not check the key: {0}. Save it anyway?', inertText(shown?.title ?? String(err))),
      saveAnyway,
      vscode.l10n.t('Cancel'),
    );
    if (choice !== saveAnyway) return false;
  }
  await deps.keys.set(key);
  deps.logger.info('API key stored in secret storage.');
  return true;
}

export async function clearApiKey(deps: Pick<Deps, 'keys' | 'logger'>): Promise<void> {
  await deps.keys.clear();
  deps.logger.info('API key removed from secret storage.');
  if (await deps.keys.fromEnvironment()) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'The stored FLORA key is removed, but FLORA_API_KEY is set in the environment of VS Code and is still used.',
      ),
    );
  }
}
