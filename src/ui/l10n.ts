/**
 * Hands VS Code's translations for the display language to @vscode/l10n, through which the api
 * and model layers (no `vscode` import) translate. Every bundle that carries a copy of
 * @vscode/l10n must call this when it loads: dist/previews.js has its own copy (esbuild's
 * CommonJS bundles share no modules), which would otherwise stay English.
 */
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';

export function configureL10n(): void {
  // No bundle for English: the source strings are the English ones.
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
}
