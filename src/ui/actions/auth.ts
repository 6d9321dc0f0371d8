import * as vscode from 'vscode';
import { apiKeyProblem } from '../../api/client';
import { isFloraError } from '../../api/errors';
import { inertText } from '../../model/plainText';
import type { Deps } from '../deps';
import { userFacingError } from '../errorView';

/**
 * Asks for a key (unless one is passed, as tests and scripts do), checks it with a real request,
 * and stores it in SecretStorage only if FLORA accepts it (or, when FLORA cannot be reached, if
 * the user chooses to keep it anyway). Returns whether a key was stored.
 */
export async function setApiKey(
  deps: Pick<Deps, 'api' | 'keys' | 'logger'>,
  given?: unknown,
): Promise<boolean> {
  const key =
    typeof given === 'string'
      ? given.trim()
      : (
          await vscode.window.showInputBox({
            title: 'FLORA API Key',
            prompt:
              'Paste a key from the FLORA app: Settings → API Keys. It is kept in VS Code secret storage.',
            placeHolder: 'sk_live_…',
            password: true,
            ignoreFocusOut: true,
            validateInput: (v) => {
              if (v.trim().length < 8) return 'A FLORA API key is longer than that.';
              const problem = apiKeyProblem(v.trim());
              return problem ? `This key ${problem}; copy it again from the FLORA app.` : undefined;
            },
          })
        )?.trim();
  if (!key) return false;
  let probe: ReturnType<typeof deps.api.withOptions> | undefined;
  try {
    probe = deps.api.withOptions({ apiKey: () => key, maxRetries: 1, logger: deps.logger });
    const client = probe;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Checking the FLORA API key…' },
      () => client.listWorkspaces(),
    );
  } catch (err) {
    const shown = isFloraError(err) ? userFacingError(err) : undefined;
    const kind = isFloraError(err) ? err.kind : 'unknown';
    if (kind === 'authentication' || kind === 'permission') {
      void vscode.window
        .showErrorMessage(
          isFloraError(err) && err.code === 'malformed_api_key'
            ? `That is not a FLORA API key: it holds a line break, a space or another character no key has. ${inertText(shown?.detail ?? '')}`
            : `FLORA rejected this API key. ${inertText(shown?.detail ?? '')}`,
          'Try Again',
        )
        .then((choice) => (choice ? vscode.commands.executeCommand('flora.setApiKey') : undefined))
        .then(undefined, (e: unknown) => deps.logger.warn(`Set API Key: ${String(e)}`));
      return false;
    }
    if (typeof given === 'string') return false;
    const choice = await vscode.window.showWarningMessage(
      `Could not check the key: ${inertText(shown?.title ?? String(err))}. Save it anyway?`,
      'Save Anyway',
      'Cancel',
    );
    if (choice !== 'Save Anyway') return false;
  } finally {
    void probe?.close();
  }
  await deps.keys.set(key);
  deps.logger.info('API key stored in secret storage.');
  return true;
}

export async function clearApiKey(deps: Pick<Deps, 'keys' | 'store' | 'logger'>): Promise<void> {
  await deps.keys.clear();
  deps.logger.info('API key removed from secret storage.');
  if (await deps.keys.fromEnvironment()) {
    void vscode.window.showInformationMessage(
      'The stored FLORA key is removed, but FLORA_API_KEY is set in the environment of VS Code and is still used.',
    );
  }
}
