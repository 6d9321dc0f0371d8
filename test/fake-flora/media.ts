import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { TEXT_OUTPUTS } from './content';
import { Rng, hashString } from './prng';

// Output files the fake serves itself, so previews work offline and without FLORA's CDN.
// Everything but the video is generated in code from the number in the file name.

export interface MediaFile {
  contentType: string;
  data: Buffer;
}

export function imagePath(n: number, width: number, height: number): string {
  return `/media/img-${n}-${width}x${height}.png`;
}
export function videoPath(n: number): string {
  return `/media/video-${n}.webm`;
}
export function audioPath(n: number): string {
  return `/media/audio-${n}.wav`;
}
export function documentPath(n: number): string {
  return `/media/doc-${n}.pdf`;
}

export const IMAGE_SIZES: ReadonlyArray<readonly [number, number]> = [
  [512, 512],
  [512, 288],
  [288, 512],
  [384, 384],
];

// ---------------------------------------------------------------- PNG

type Rgb = readonly [number, number, number];

function hsl(h: number, s: number, l: number): Rgb {
  const k = (n: number): number => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)];
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData) >>> 0);
  return Buffer.concat([length, typeAndData, crc]);
}

export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type None
    raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A colourful pattern that differs per `n` (palette, pattern family and parameters). */
export function generatePng(n: number, width: number, height: number): Buffer {
  const rng = new Rng(hashString(`img:${n}`));
  const hue = rng.range(0, 360);
  const palette: Rgb[] = [
    hsl(hue, 0.75, 0.35),
    hsl((hue + rng.range(60, 150)) % 360, 0.8, 0.55),
    hsl((hue + rng.range(180, 260)) % 360, 0.85, 0.75),
  ];
  const family = n % 6;
  const angle = rng.range(0, Math.PI * 2);
  const freq = rng.range(3, 9);
  const cx = rng.range(0.2, 0.8);
  const cy = rng.range(0.2, 0.8);
  const phase = rng.range(0, Math.PI * 2);
  const rgb = new Uint8Array(width * height * 3);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  for (let y = 0; y < height; y++) {
    const v = y / height;
    for (let x = 0; x < width; x++) {
      const u = x / width;
      let t: number;
      switch (family) {
        case 0:
          t = ((u - 0.5) * cos + (v - 0.5) * sin) * 0.9 + 0.5;
          break;
        case 1:
          t = 0.5 + 0.5 * Math.sin(Math.hypot(u - cx, v - cy) * freq * 8 + phase);
          break;
        case 2:
          t =
            0.5 +
            0.25 * Math.sin(u * freq * 2 + phase) +
            0.25 * Math.sin((v * freq + Math.sin(u * 3 + phase)) * 2);
          break;
        case 3:
          t = (((u * cos + v * sin) * freq * 2 + 10) % 1) * 0.6 + v * 0.4;
          break;
        case 4:
          t = ((Math.floor(u * freq) + Math.floor(v * freq)) % 2) * 0.5 + u * 0.5;
          break;
        default:
          t = Math.max(Math.abs(u - cx), Math.abs(v - cy)) * 2 * freq;
          t = (t % 1) * 0.7 + (1 - v) * 0.3;
      }
      t = Math.min(1, Math.max(0, t));
      const c = t < 0.5 ? mix(palette[0], palette[1], t * 2) : mix(palette[1], palette[2], (t - 0.5) * 2);
      const i = (y * width + x) * 3;
      rgb[i] = c[0];
      rgb[i + 1] = c[1];
      rgb[i + 2] = c[2];
    }
  }
  return encodePng(width, height, rgb);
}

// ---------------------------------------------------------------- WAV

const SAMPLE_RATE = 22050;
const PENTATONIC = [0, 2, 4, 7, 9, 12, 14, 16];

/** About three seconds of gentle tones (16-bit mono PCM), a different melody per `n`. */
export function generateWav(n: number, seconds = 3): Buffer {
  const rng = new Rng(hashString(`wav:${n}`));
  const base = 220 * Math.pow(2, rng.int(0, 11) / 12);
  const noteCount = 6;
  const notes = Array.from({ length: noteCount }, () => base * Math.pow(2, rng.pick(PENTATONIC) / 12));
  const samples = Math.round(SAMPLE_RATE * seconds);
  const noteLength = samples / noteCount;
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const noteIndex = Math.min(noteCount - 1, Math.floor(i / noteLength));
    const f = notes[noteIndex];
    const local = (i - noteIndex * noteLength) / noteLength;
    const envelope = Math.min(1, local * 20) * Math.pow(1 - local, 1.5);
    const time = i / SAMPLE_RATE;
    const s = Math.sin(2 * Math.PI * f * time) * 0.7 + Math.sin(4 * Math.PI * f * time) * 0.2;
    pcm.writeInt16LE(Math.round(s * envelope * 0.6 * 32767), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}

// ---------------------------------------------------------------- PDF

function pdfString(text: string): string {
  // Standard Type1 fonts only cover Latin-1 reliably; keep the file strictly ASCII.
  const ascii = text.replace(/[^\x20-\x7e]/g, '-');
  return `(${ascii.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** A valid single-page PDF 1.4 with a title and a short paragraph. */
export function generatePdf(n: number, title = `FLORA demo document #${n}`): Buffer {
  const body = TEXT_OUTPUTS[n % TEXT_OUTPUTS.length];
  const lines = [
    'BT',
    '/F1 22 Tf',
    '72 720 Td',
    `${pdfString(title)} Tj`,
    '/F1 12 Tf',
    '0 -32 Td',
    '16 TL',
    ...wrap(body, 80).map((l) => `${pdfString(l)} '`),
    'ET',
  ];
  const stream = lines.join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((obj, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${obj}\nendobj\n`;
  });
  const xrefAt = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// ---------------------------------------------------------------- lookup and serving

let videoCache: Buffer | null | undefined;

function demoVideo(): Buffer | null {
  if (videoCache === undefined) {
    try {
      videoCache = readFileSync(join(__dirname, 'assets', 'demo.webm'));
    } catch {
      videoCache = null;
    }
  }
  return videoCache;
}

const cache = new Map<string, MediaFile>();
const CACHE_LIMIT = 64;

function generate(pathname: string): MediaFile | null {
  let m = /^\/media\/img-(\d{1,9})-(\d{1,4})x(\d{1,4})\.png$/.exec(pathname);
  if (m) {
    const w = Number(m[2]);
    const h = Number(m[3]);
    if (w < 8 || h < 8 || w > 1024 || h > 1024) return null;
    return { contentType: 'image/png', data: generatePng(Number(m[1]), w, h) };
  }
  m = /^\/media\/audio-(\d{1,9})\.wav$/.exec(pathname);
  if (m) return { contentType: 'audio/wav', data: generateWav(Number(m[1])) };
  m = /^\/media\/doc-(\d{1,9})\.pdf$/.exec(pathname);
  if (m) return { contentType: 'application/pdf', data: generatePdf(Number(m[1])) };
  if (/^\/media\/(video-\d{1,9}|demo)\.webm$/.test(pathname)) {
    const data = demoVideo();
    return data ? { contentType: 'video/webm', data } : null;
  }
  return null;
}

/**
 * `/media/status-<code>[-anything].<ext>[?reason=…]`: a media file that fails with that status
 * (400–599) and, when given, that reason phrase in the status line (any printable text, as a
 * CDN or proxy might send). Null for other paths; a reason Node cannot send becomes a 400.
 */
export function failingMedia(
  pathname: string,
  query: URLSearchParams,
): { status: number; reason: string | null } | null {
  const m = /^\/media\/status-(\d{3})(?:-[\w-]*)?\.\w{1,5}$/.exec(pathname);
  if (!m) return null;
  const status = Number(m[1]);
  if (status < 400 || status > 599) return null;
  const reason = query.get('reason');
  // What Node accepts in a status line (no CR/LF or other control characters).
  if (reason !== null && !/^[\t\x20-\x7e\x80-\xff]*$/.test(reason)) {
    return { status: 400, reason: 'Reason Not Sendable' };
  }
  return { status, reason };
}

export function resolveMedia(pathname: string): MediaFile | null {
  const hit = cache.get(pathname);
  if (hit) return hit;
  const file = generate(pathname);
  if (file) {
    if (cache.size >= CACHE_LIMIT) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(pathname, file);
  }
  return file;
}

export type ByteRange = { start: number; end: number };

/**
 * Single-range `bytes=` parsing. Returns null when the header should be ignored (absent,
 * malformed or multi-range, which RFC 9110 lets us answer with the full body).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, startText = '', endText = ''] = m;
  if (startText === '' && endText === '') return null;
  if (startText === '') {
    const suffix = Number(endText);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(startText);
  const end = endText === '' ? size - 1 : Math.min(Number(endText), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/** Answers GET/HEAD for a media file with Range support (Chromium needs 206 to seek media). */
export function sendMedia(
  req: IncomingMessage,
  res: ServerResponse,
  file: MediaFile,
  headers: Record<string, string>,
): number {
  const size = file.data.length;
  const common = {
    ...headers,
    'content-type': file.contentType,
    'accept-ranges': 'bytes',
    'cache-control': 'public, max-age=3600',
    'access-control-allow-origin': '*',
  };
  const range = parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...common, 'content-range': `bytes */${size}`, 'content-length': '0' });
    res.end();
    return 416;
  }
  if (range) {
    const chunk = file.data.subarray(range.start, range.end + 1);
    res.writeHead(206, {
      ...common,
      'content-range': `bytes ${range.start}-${range.end}/${size}`,
      'content-length': String(chunk.length),
    });
    res.end(req.method === 'HEAD' ? undefined : chunk);
    return 206;
  }
  res.writeHead(200, { ...common, 'content-length': String(size) });
  res.end(req.method === 'HEAD' ? undefined : file.data);
  return 200;
}
