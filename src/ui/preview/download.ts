/**
 * Downloads one output to a file without ever leaving a partial file behind: the bytes go to a
 * hidden temp file next to the target, which is renamed over the target only once complete and is
 * deleted on any failure or cancellation. Media URLs are public (FLORA's CDN needs no key), so the
 * request carries no credentials at all. No `vscode` import: unit-tested against a real server.
 */
import * as l10n from '@vscode/l10n';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { safeHttpUrl } from '../../model/format';

/** The largest output "Save Output…" downloads: 500 MB (a constant; FLORA videos are far smaller). */
export const MAX_DOWNLOAD_BYTES = 500 * 1024 * 1024;

/** How long a download may go without receiving a byte (headers included) before it is given up. */
export const DOWNLOAD_IDLE_TIMEOUT_MS = 30_000;

/** `timeout`: nothing arrived for `idleTimeoutMs` (the server or the network stalled). */
export type DownloadFailure =
  'not-http' | 'http' | 'too-large' | 'network' | 'timeout' | 'cancelled' | 'write';

export class DownloadError extends Error {
  constructor(
    readonly reason: DownloadFailure,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DownloadError';
  }
}

export interface DownloadOptions {
  signal?: AbortSignal;
  maxBytes?: number;
  /** Called as bytes arrive; `total` is the announced length when the server sent one. */
  onProgress?: (received: number, total: number | undefined) => void;
  fetch?: typeof fetch;
  /**
   * Silence allowed before the download is given up (DOWNLOAD_IDLE_TIMEOUT_MS by default). The
   * timer restarts with every chunk, so a slow but steady download is never cut short.
   */
  idleTimeoutMs?: number;
}

export interface DownloadResult {
  bytes: number;
  contentType?: string;
}

/** A hidden sibling of `target`, unique per call: ".photo.png.3f9a1c2e.part". */
export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(4).toString('hex')}.part`);
}

export async function downloadToFile(
  rawUrl: string,
  target: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const url = safeHttpUrl(rawUrl);
  if (!url) throw new DownloadError('not-http', l10n.t('Only http and https links can be downloaded.'));
  const maxBytes = options.maxBytes ?? MAX_DOWNLOAD_BYTES;
  const doFetch = options.fetch ?? fetch;
  if (options.signal?.aborted) throw cancelled();

  // The idle timer aborts the request (waiting for headers or for the next chunk) after idleMs
  // without a byte. It restarts with every chunk and is cleared however the download ends.
  const idleMs = options.idleTimeoutMs ?? DOWNLOAD_IDLE_TIMEOUT_MS;
  const idle = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), idleMs);
  };
  const signal = options.signal ? AbortSignal.any([options.signal, idle.signal]) : idle.signal;
  // Why the request was aborted, if it was: the user cancelled, or nothing arrived for idleMs.
  const aborted = (): DownloadError | undefined => {
    if (options.signal?.aborted) return cancelled();
    if (!idle.signal.aborted) return undefined;
    return new DownloadError(
      'timeout',
      l10n.t(
        'The download from {0} stalled: no data for {1} s. Try again later, or open it in the browser.',
        url.host,
        Math.round(idleMs / 100) / 10,
      ),
    );
  };

  arm();
  try {
    let response: Response;
    try {
      // No headers beyond the defaults: above all no Authorization, whatever the host.
      response = await doFetch(url, { signal, redirect: 'follow', credentials: 'omit' });
    } catch (err) {
      throw (
        aborted() ??
        new DownloadError(
          'network',
          l10n.t('Could not reach {0}: {1}', url.host, messageOf(err)),
          undefined,
          {
            cause: err,
          },
        )
      );
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw new DownloadError(
        'http',
        response.statusText
          ? l10n.t('{0} answered HTTP {1} {2}.', url.host, response.status, response.statusText)
          : l10n.t('{0} answered HTTP {1}.', url.host, response.status),
        response.status,
      );
    }
    const announced = Number(response.headers.get('content-length'));
    const total =
      Number.isFinite(announced) && announced >= 0 && response.headers.has('content-length')
        ? announced
        : undefined;
    if (total !== undefined && total > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw tooLarge(maxBytes, total);
    }

    const temp = tempPathFor(target);
    let received = 0;
    arm();
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        arm();
        received += chunk.length;
        if (received > maxBytes) {
          callback(tooLarge(maxBytes));
          return;
        }
        options.onProgress?.(received, total);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(
        Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>),
        counter,
        // 'wx': the temp name is fresh; never write through an existing file or link.
        fs.createWriteStream(temp, { flags: 'wx' }),
        { signal },
      );
      const encoded = response.headers.has('content-encoding');
      if (total !== undefined && !encoded && received !== total) {
        throw new DownloadError(
          'network',
          l10n.t('The download ended early ({0} of {1} bytes).', received, total),
        );
      }
      await fs.promises.rename(temp, target);
      return { bytes: received, contentType: response.headers.get('content-type') ?? undefined };
    } catch (err) {
      await fs.promises.rm(temp, { force: true }).catch(() => undefined);
      if (err instanceof DownloadError) throw err;
      const why = aborted();
      if (why) throw why;
      const code = (err as NodeJS.ErrnoException | undefined)?.code;
      if (code && /^E[A-Z]+$/.test(code) && code !== 'ECONNRESET' && code !== 'ETIMEDOUT') {
        throw new DownloadError(
          'write',
          l10n.t('Could not write {0}: {1}', path.basename(target), messageOf(err)),
          undefined,
          {
            cause: err,
          },
        );
      }
      throw new DownloadError(
        'network',
        l10n.t('The download from {0} failed: {1}', url.host, messageOf(err)),
        undefined,
        {
          cause: err,
        },
      );
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Asks for the content type without downloading (HEAD), for naming; undefined when the server will not say. */
export async function probeContentType(
  rawUrl: string,
  options: { signal?: AbortSignal; fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<string | undefined> {
  const url = safeHttpUrl(rawUrl);
  if (!url) return undefined;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 5000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const res = await (options.fetch ?? fetch)(url, {
      method: 'HEAD',
      signal,
      redirect: 'follow',
      credentials: 'omit',
    });
    return res.ok ? (res.headers.get('content-type') ?? undefined) : undefined;
  } catch {
    return undefined;
  }
}

export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let n = bytes / 1024;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n < 10 ? n.toFixed(1) : Math.round(n)} ${units[i]}`;
}

function tooLarge(maxBytes: number, size?: number): DownloadError {
  return new DownloadError(
    'too-large',
    size !== undefined
      ? l10n.t(
          'The output is {0}; Save Output stops at {1}. Open it in the browser instead.',
          humanSize(size),
          humanSize(maxBytes),
        )
      : l10n.t(
          'The output is larger than {0}; Save Output stops at {0}. Open it in the browser instead.',
          humanSize(maxBytes),
        ),
  );
}

function cancelled(): DownloadError {
  return new DownloadError('cancelled', l10n.t('The download was cancelled.'));
}

function messageOf(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error && cause.message ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}
