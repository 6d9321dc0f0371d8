/**
 * "Save Output…": asks where (proposing a readable name with the right extension), then writes the
 * text or downloads the media with progress and cancel, within MAX_DOWNLOAD_BYTES, leaving nothing
 * partial behind. Media hosts get no FLORA key (downloadToFile sends no credentials). Downloads go
 * through the extension's proxy-aware transport, as API requests do.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Generation, GenerationOutput } from '../../api/types';
import { safeHttpUrl } from '../../model/format';
import { OUTPUT_LABELS, outputNumber, runName } from '../../model/presentation';
import { inertText } from '../../model/plainText';
import { openUrl } from '../actions/outputs';
import type { Deps } from '../deps';
import { DownloadError, downloadToFile, humanSize, probeContentType, type DownloadFailure } from './download';
import { chooseExtension, extensionForUrl, proposeFileName } from './fileNames';

export interface SaveOptions {
  /** Where to save without asking (tests, other extensions); the dialog is skipped. */
  target?: vscode.Uri;
  /** A lower size cap than MAX_DOWNLOAD_BYTES (tests). */
  maxBytes?: number;
}

export type SaveResult =
  | { saved: true; uri: vscode.Uri; bytes: number }
  | { saved: false; reason: 'no-output' | 'dismissed' | DownloadFailure; message?: string };

export async function saveOutput(
  deps: Pick<Deps, 'store' | 'logger' | 'transport'>,
  generationId: string,
  outputId: string,
  options: SaveOptions = {},
): Promise<SaveResult> {
  const generation = deps.store.generation(generationId);
  const output = generation?.outputs.find((o) => o.id === outputId);
  if (!generation || !output) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('That output is not loaded any more. Refresh the FLORA view and try again.'),
    );
    return { saved: false, reason: 'no-output' };
  }
  const label = OUTPUT_LABELS[output.kind];

  if (output.kind !== 'text' && !safeHttpUrl(output.url)) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('This {0} is not a web link, so there is nothing to download.', label.toLowerCase()),
    );
    return { saved: false, reason: 'not-http' };
  }

  const target = options.target ?? (await askTarget(deps, generation, output));
  if (!target) return { saved: false, reason: 'dismissed' };

  if (output.kind === 'text') {
    const bytes = Buffer.from(output.url, 'utf8');
    try {
      await vscode.workspace.fs.writeFile(target, bytes);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      deps.logger.warn(`Could not save text output ${output.id}: ${message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not save the text: {0}', inertText(message)));
      return { saved: false, reason: 'write', message };
    }
    announce(target, bytes.length);
    return { saved: true, uri: target, bytes: bytes.length };
  }

  const name = path.posix.basename(target.path);
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Saving {0}', inertText(name)),
      cancellable: true,
    },
    async (progress, token): Promise<SaveResult> => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      const onProgress = (received: number, total: number | undefined): void => {
        if (total) {
          const percent = Math.floor((received / total) * 100);
          if (percent > reported) {
            progress.report({
              increment: percent - reported,
              message: vscode.l10n.t('{0} of {1}', humanSize(received), humanSize(total)),
            });
            reported = percent;
          }
        } else if (received - reported >= 512 * 1024) {
          progress.report({ message: humanSize(received) });
          reported = received;
        }
      };
      try {
        const { bytes } = await download(output.url, target, {
          signal: abort.signal,
          maxBytes: options.maxBytes,
          onProgress,
          fetch: deps.transport.fetch,
        });
        return { saved: true, uri: target, bytes };
      } catch (err) {
        const e = err instanceof DownloadError ? err : new DownloadError('network', String(err));
        return { saved: false, reason: e.reason, message: e.message };
      } finally {
        cancel.dispose();
      }
    },
  );

  if (result.saved) {
    deps.logger.info(
      `Saved ${output.kind} output ${output.id} to ${target.toString(true)} (${result.bytes} bytes).`,
    );
    announce(target, result.bytes);
  } else if (result.reason === 'cancelled') {
    vscode.window.setStatusBarMessage(vscode.l10n.t('FLORA: save cancelled, nothing was written'), 4000);
  } else {
    deps.logger.warn(`Could not save output ${output.id}: ${result.message ?? result.reason}`);
    const openInBrowser = vscode.l10n.t('Open in Browser');
    const showLogs = vscode.l10n.t('Show Logs');
    void vscode.window
      .showErrorMessage(
        vscode.l10n.t(
          'Could not save the {0}: {1}',
          label.toLowerCase(),
          inertText(result.message ?? result.reason),
        ),
        openInBrowser,
        showLogs,
      )
      .then((choice) => {
        if (choice === openInBrowser) void openUrl(deps, output.url);
        if (choice === showLogs) void vscode.commands.executeCommand('flora.showLogs');
      });
  }
  return result;
}

async function askTarget(
  deps: Pick<Deps, 'store' | 'transport'>,
  generation: Generation,
  output: GenerationOutput,
): Promise<vscode.Uri | undefined> {
  // The URL usually says what the file is; otherwise ask the server (HEAD) before proposing a name.
  const contentType =
    output.kind === 'text' || extensionForUrl(output.url)
      ? undefined
      : await probeContentType(output.url, { fetch: deps.transport.fetch });
  const extension = chooseExtension(output, contentType);
  // The number its name carries ("Image 2"): the file is named as the tree and the preview name it.
  const index = outputNumber(output, generation.outputs);
  const fileName = proposeFileName({
    title: runName(generation, deps.store.modelName(generation.modelId)) ?? 'flora', // l10n-ignore: a file name's stem
    createdAt: generation.createdAt,
    output,
    index,
    extension,
  });
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  const kindLabel = OUTPUT_LABELS[output.kind];
  return vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(folder, fileName),
    saveLabel: vscode.l10n.t('Save'),
    title: vscode.l10n.t('Save {0} output', kindLabel.toLowerCase()),
    filters: {
      [vscode.l10n.t('{0} (*{1})', kindLabel, extension)]: [extension.slice(1)],
      [vscode.l10n.t('All files')]: ['*'],
    },
  });
}

/** Streams straight into the target's folder when it is a local file; otherwise via a local temp file. */
async function download(
  url: string,
  target: vscode.Uri,
  options: {
    signal: AbortSignal;
    maxBytes?: number;
    onProgress: (received: number, total?: number) => void;
    fetch: typeof fetch;
  },
): Promise<{ bytes: number }> {
  if (target.scheme === 'file') return downloadToFile(url, target.fsPath, options);

  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'flora-save-'));
  const local = path.join(dir, 'output');
  const part = target.with({ path: `${target.path}.part` });
  try {
    const result = await downloadToFile(url, local, options);
    try {
      await vscode.workspace.fs.copy(vscode.Uri.file(local), part, { overwrite: true });
      await vscode.workspace.fs.rename(part, target, { overwrite: true });
    } catch (err) {
      await Promise.resolve(vscode.workspace.fs.delete(part)).catch(() => undefined);
      throw new DownloadError(
        'write',
        vscode.l10n.t('Could not write {0}: {1}', path.posix.basename(target.path), String(err)),
      );
    }
    return result;
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function announce(target: vscode.Uri, bytes: number): void {
  const name = path.posix.basename(target.path);
  const open = vscode.l10n.t('Open');
  void vscode.window
    .showInformationMessage(vscode.l10n.t('Saved {0} ({1}).', inertText(name), humanSize(bytes)), open)
    .then((choice) => {
      if (choice === open) void vscode.commands.executeCommand('vscode.open', target);
    });
}
