/** Readable file names for saved outputs, with the extension the content calls for. No `vscode`. */
import type { GenerationOutput, OutputKind } from '../../api/types';
import { isKnownTime } from '../../model/format';

const BY_CONTENT_TYPE: Record<string, string> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/jpg': '.jpg',
  'image/webp': '.webp',
  'image/gif': '.gif',
  'image/avif': '.avif',
  'image/heic': '.heic',
  'image/svg+xml': '.svg',
  'image/bmp': '.bmp',
  'image/tiff': '.tiff',
  'video/mp4': '.mp4',
  'video/webm': '.webm',
  'video/quicktime': '.mov',
  'video/x-matroska': '.mkv',
  'video/ogg': '.ogv',
  'audio/mpeg': '.mp3',
  'audio/mp3': '.mp3',
  'audio/wav': '.wav',
  'audio/wave': '.wav',
  'audio/x-wav': '.wav',
  'audio/ogg': '.ogg',
  'audio/webm': '.weba',
  'audio/mp4': '.m4a',
  'audio/aac': '.aac',
  'audio/flac': '.flac',
  'audio/x-flac': '.flac',
  'application/pdf': '.pdf',
  'application/json': '.json',
  'application/zip': '.zip',
  'application/msword': '.doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': '.pptx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '.xlsx',
  'text/plain': '.txt',
  'text/markdown': '.md',
  'text/csv': '.csv',
  'text/html': '.html',
  'model/gltf-binary': '.glb',
};

const KNOWN_EXTENSIONS = new Set([...Object.values(BY_CONTENT_TYPE), '.jpeg', '.tif', '.gltf', '.obj']);

/** ".png" for "image/png; charset=binary"; undefined for types it does not know. */
export function extensionForContentType(contentType: string | null | undefined): string | undefined {
  if (!contentType) return undefined;
  const essence = contentType.split(';')[0].trim().toLowerCase();
  return BY_CONTENT_TYPE[essence];
}

/** The extension of the URL's last path segment when it is a known file type (".png"), else undefined. */
export function extensionForUrl(raw: string): string | undefined {
  let pathname: string;
  try {
    pathname = new URL(raw).pathname;
  } catch {
    return undefined;
  }
  const m = /\.([a-z0-9]{1,5})$/i.exec(pathname);
  if (!m) return undefined;
  const ext = `.${m[1].toLowerCase()}`;
  return KNOWN_EXTENSIONS.has(ext) ? ext : undefined;
}

/** Lower-case words joined by dashes, at most `max` characters: "Flux Pro 1.1" → "flux-pro-1-1". */
export function slug(text: string, max = 40): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, max).replace(/-+$/, '');
}

/** "2026-07-15-1200" (UTC), sortable and safe in every file system. */
function stamp(ms: number): string {
  // createdAt is 0 when FLORA gave no usable time: no date beats a false one.
  if (!isKnownTime(ms)) return '';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

export interface FileNameInput {
  /** Model display name (or "Generation"). */
  title: string;
  createdAt: number;
  output: Pick<GenerationOutput, 'id' | 'kind'>;
  /** The number the output's name carries ("Image 2": presentation.ts outputNumber), when it has one. */
  index?: number;
  /** With the dot: ".png". */
  extension: string;
}

/** "flux-pro-2026-07-15-1200-2.png": model, creation time, the output's number; readable and sortable. */
export function proposeFileName(input: FileNameInput): string {
  const parts = [slug(input.title) || 'flora', stamp(input.createdAt)].filter(Boolean);
  if (input.index !== undefined) parts.push(String(input.index));
  return `${parts.join('-')}${input.extension}`;
}

/** What to name a file of this kind when neither the URL nor the server says what it is. */
export function fallbackExtension(kind: OutputKind): string {
  return kind === 'text' ? '.txt' : '.bin';
}

/** The extension to propose: text is ".txt"; otherwise the URL's, then the content type's, then ".bin". */
export function chooseExtension(
  output: Pick<GenerationOutput, 'kind' | 'url'>,
  contentType?: string | null,
): string {
  if (output.kind === 'text') return '.txt';
  return (
    extensionForUrl(output.url) ?? extensionForContentType(contentType) ?? fallbackExtension(output.kind)
  );
}
