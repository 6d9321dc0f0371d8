// The preview's pure parts: CSP and HTML shell, view models, message validation, file names,
// drag-and-drop text, and the download that never leaves a partial file (against real servers).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FloraClient } from '../../src/api/client';
import { Transport } from '../../src/api/transport';
import {
  DOWNLOAD_IDLE_TIMEOUT_MS,
  downloadToFile,
  DownloadError,
  probeContentType,
} from '../../src/ui/preview/download';
import { dragPayload, markdownForUris, parseUriList } from '../../src/ui/preview/dropText';
import {
  chooseExtension,
  extensionForContentType,
  extensionForUrl,
  proposeFileName,
  slug,
} from '../../src/ui/preview/fileNames';
import { buildCsp, buildShellHtml, createNonce, escapeHtml } from '../../src/ui/preview/html';
import { PanelStateSchema, WebviewMessageSchema } from '../../src/ui/preview/messages';
import { galleryView, generationView, type ViewContext } from '../../src/ui/preview/view';
import { FakeFlora } from '../fake-flora';
import { HOSTILE_TEXT } from '../fake-flora/content';
import { T0, sampleGeneration as gen } from './fixtures';

const ctx: ViewContext = {
  modelName: (id) => (id === 'flux-pro' ? 'Flux Pro' : id),
  projectName: (id) => (id === 'prj_1' ? 'Launch visuals' : undefined),
  now: T0 + 5 * 60_000,
};

describe('CSP and HTML shell', () => {
  const csp = buildCsp({ cspSource: 'https://x.vscode-cdn.net', nonce: 'abc', allowLoopbackMedia: false });

  it("denies by default, scripts only by nonce, styles only from the webview's source, media from https", () => {
    const directives = Object.fromEntries(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values];
      }),
    );
    assert.deepEqual(directives['default-src'], ["'none'"]);
    assert.deepEqual(directives['script-src'], ["'nonce-abc'"]);
    assert.deepEqual(directives['style-src'], ['https://x.vscode-cdn.net']);
    assert.deepEqual(directives['img-src'], ['https://x.vscode-cdn.net', 'https:']);
    assert.deepEqual(directives['media-src'], ['https://x.vscode-cdn.net', 'https:']);
    assert.equal(directives['frame-src'], undefined);
    assert.equal(directives['connect-src'], undefined);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\bhttp:/);
  });

  it('allows loopback http media only when asked (a loopback FLORA: tests and the demo)', () => {
    const loop = buildCsp({ cspSource: 's', nonce: 'n', allowLoopbackMedia: true });
    assert.match(loop, /img-src s https: http:\/\/127\.0\.0\.1:\* http:\/\/localhost:\*/);
    assert.match(loop, /media-src s https: http:\/\/127\.0\.0\.1:\* http:\/\/localhost:\*/);
  });

  it('makes a fresh, long nonce every time', () => {
    const nonces = new Set(Array.from({ length: 50 }, () => createNonce()));
    assert.equal(nonces.size, 50);
    for (const n of nonces) assert.match(n, /^[A-Za-z0-9+/]{24}$/);
  });

  it('escapes everything it interpolates and carries no inline script or style', () => {
    const html = buildShellHtml({
      view: 'preview',
      title: '<script>alert(1)</script>',
      cspSource: 'src',
      nonce: 'N0nce',
      allowLoopbackMedia: false,
      scriptUri: 'https://a/b.js?x="><script>',
      styleUri: 'https://a/c.css',
      data: { 'generation-id': '"><img src=x onerror=alert(1)>' },
    });
    assert.doesNotMatch(html, /<script>alert/);
    assert.doesNotMatch(html, /<img/);
    assert.match(html, /data-generation-id="&#34;&#62;&#60;img src=x onerror=alert\(1\)&#62;"/);
    assert.doesNotMatch(html, /style=/);
    assert.equal((html.match(/<script /g) ?? []).length, 1);
    assert.match(html, /<script nonce="N0nce" src=/);
    assert.equal(escapeHtml(`&<>"'`), '&#38;&#60;&#62;&#34;&#39;');
  });
});

describe('view models', () => {
  it('shows status, model name, cost, times, duration and ids of a completed run', () => {
    const v = generationView(gen(), ctx);
    assert.equal(v.title, 'Flux Pro');
    assert.equal(v.statusLabel, 'Completed');
    assert.equal(v.active, false);
    assert.equal(v.summary, '5m ago · $0.04 · 42 s');
    const rows = Object.fromEntries(v.details.map((d) => [d.label, d.value]));
    assert.equal(rows.Model, 'Flux Pro');
    assert.equal(rows.Cost, '$0.04');
    assert.equal(rows.Created, '2026-07-15 12:00:00 UTC');
    assert.equal(rows.Started, '2026-07-15 12:00:01 UTC');
    assert.equal(rows.Completed, '2026-07-15 12:00:43 UTC');
    assert.equal(rows.Duration, '42 s');
    assert.equal(rows.Project, 'Launch visuals');
    assert.equal(rows['Generation id'], 'gen_1');
    assert.equal(rows['Run id'], 'run_1');
    assert.equal(v.error, undefined);
  });

  it('a running run is active with its progress; a failed one carries its error verbatim', () => {
    const running = generationView(gen({ status: 'running', progress: 42.4, completedAt: undefined }), ctx);
    assert.equal(running.active, true);
    assert.equal(running.progress, 42.4);
    assert.match(running.details[0].value, /Running · 42%/);
    const failed = generationView(
      gen({ status: 'failed', errorMessage: HOSTILE_TEXT, errorCode: 'content_policy' }),
      ctx,
    );
    assert.deepEqual(failed.error, { message: HOSTILE_TEXT, code: 'content_policy' });
    const silent = generationView(gen({ status: 'failed' }), ctx);
    assert.match(silent.error?.message ?? '', /no reason/);
  });

  it('text outputs carry their text and never a URL; non-web links are shown, not linked', () => {
    const v = generationView(
      gen({
        outputs: [
          { id: 'o1', kind: 'image', rawType: 'imageUrl', url: 'https://media.flora.ai/a/output.png' },
          { id: 'o2', kind: 'image', rawType: 'imageUrl', url: 'javascript:alert(1)' },
          { id: 'o3', kind: 'text', rawType: 'text', url: 'https://looks.like/a/url but is text' },
          { id: 'o4', kind: 'document', rawType: 'documentUrl', url: 'https://cdn.x/files/Brief%20v2.pdf' },
        ],
      }),
      ctx,
    );
    const [img, js, text, doc] = v.outputs;
    assert.equal(img.src, 'https://media.flora.ai/a/output.png');
    assert.equal(img.label, 'Image 1');
    assert.equal(js.src, undefined);
    assert.equal(js.raw, 'javascript:alert(1)');
    assert.equal(js.canSave, false);
    assert.equal(text.src, undefined);
    assert.equal(text.text, 'https://looks.like/a/url but is text');
    assert.equal(text.canSave, true);
    assert.equal(doc.fileName, 'Brief v2.pdf');
    assert.equal(doc.host, 'cdn.x');
  });

  it('the gallery is newest first and says how much is loaded', () => {
    const g = galleryView(
      {
        projectId: 'prj_1',
        projectName: 'Launch visuals',
        generations: [gen({ id: 'old', createdAt: T0 - 1000 }), gen({ id: 'new', createdAt: T0 + 1000 })],
        hasMore: true,
        loading: false,
        totalEstimate: 40,
      },
      ctx,
    );
    assert.deepEqual(
      g.items.map((i) => i.id),
      ['new', 'old'],
    );
    assert.equal(g.countLabel, '2 of about 40 generations');
    assert.equal(g.title, 'Launch visuals');
  });
});

describe('messages from the webview', () => {
  it('accepts exactly the known shapes', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'rendered', revision: 3 },
      { type: 'refresh' },
      { type: 'loadMore' },
      { type: 'preview', generationId: 'gen_1' },
      { type: 'open', generationId: 'gen_1', outputId: 'o1' },
      { type: 'save', generationId: 'gen_1', outputId: 'o1' },
      { type: 'copy', generationId: 'gen_1', outputId: 'o1' },
    ]) {
      assert.ok(WebviewMessageSchema.safeParse(m).success, JSON.stringify(m));
    }
  });

  it('refuses unknown types, missing or extra fields, and raw URLs', () => {
    for (const m of [
      null,
      'ready',
      { type: 'openUrl', url: 'https://evil.example' },
      { type: 'open', url: 'file:///etc/passwd' },
      { type: 'open', generationId: 'gen_1' },
      { type: 'open', generationId: 'gen_1', outputId: 'o1', url: 'javascript:alert(1)' },
      { type: 'save', generationId: '', outputId: 'o1' },
      { type: 'rendered', revision: 'x' },
      { type: 'preview', generationId: 'x'.repeat(300) },
    ]) {
      assert.equal(WebviewMessageSchema.safeParse(m).success, false, JSON.stringify(m));
    }
  });

  it('reads the saved panel state and ignores the rest of it', () => {
    const s = PanelStateSchema.safeParse({ view: 'preview', generationId: 'gen_1', last: { anything: 1 } });
    assert.ok(s.success);
    assert.deepEqual(s.data, { view: 'preview', generationId: 'gen_1' });
    assert.equal(PanelStateSchema.safeParse({ view: 'gallery' }).success, false);
    assert.equal(PanelStateSchema.safeParse(undefined).success, false);
  });
});

describe('file names', () => {
  it('maps content types and URLs to extensions', () => {
    assert.equal(extensionForContentType('image/png'), '.png');
    assert.equal(extensionForContentType('image/jpeg; charset=binary'), '.jpg');
    assert.equal(extensionForContentType('AUDIO/WAV'), '.wav');
    assert.equal(extensionForContentType('application/x-unknown'), undefined);
    assert.equal(extensionForUrl('https://m.flora.ai/out/ABC.PNG?sig=1'), '.png');
    assert.equal(extensionForUrl('https://m.flora.ai/out/abc'), undefined);
    assert.equal(extensionForUrl('https://m.flora.ai/v1.2/abc'), undefined);
    assert.equal(extensionForUrl('not a url.png'), undefined);
  });

  it('prefers the URL, then the content type; text is always .txt', () => {
    assert.equal(chooseExtension({ kind: 'image', url: 'https://x/a.webp' }, 'image/png'), '.webp');
    assert.equal(chooseExtension({ kind: 'video', url: 'https://x/a' }, 'video/mp4'), '.mp4');
    assert.equal(chooseExtension({ kind: 'video', url: 'https://x/a' }, undefined), '.bin');
    assert.equal(chooseExtension({ kind: 'text', url: 'a poem.png' }, undefined), '.txt');
  });

  it('proposes a readable, sortable, file-system-safe name', () => {
    const base = { createdAt: T0, output: { id: 'o', kind: 'image' as const }, extension: '.png' };
    assert.equal(proposeFileName({ ...base, title: 'Flux Pro 1.1' }), 'flux-pro-1-1-2026-07-15-1200.png');
    assert.equal(proposeFileName({ ...base, title: 'Flux', index: 2 }), 'flux-2026-07-15-1200-2.png');
    assert.equal(proposeFileName({ ...base, title: '../../etc/passwd' }), 'etc-passwd-2026-07-15-1200.png');
    assert.equal(proposeFileName({ ...base, title: '日本' }), 'flora-2026-07-15-1200.png');
    assert.equal(slug('Émile’s  Model!!'), 'emile-s-model');
  });

  it('leaves an unknown creation time out of the name instead of dating it 1970', () => {
    const base = { title: 'Flux', output: { id: 'o', kind: 'image' as const }, extension: '.png' };
    for (const createdAt of [0, -1, Number.NaN, 1e300]) {
      assert.equal(proposeFileName({ ...base, createdAt }), 'flux.png', `createdAt ${createdAt}`);
    }
  });
});

describe('drag and drop', () => {
  const g = gen({
    modelId: 'flux-pro',
    outputs: [
      { id: 'i', kind: 'image', rawType: 'imageUrl', url: 'https://m.flora.ai/a (1).png' },
      { id: 'v', kind: 'video', rawType: 'videoUrl', url: 'https://m.flora.ai/b.mp4' },
      { id: 't', kind: 'text', rawType: 'text', url: 'Hello [world]' },
      { id: 'j', kind: 'image', rawType: 'imageUrl', url: 'javascript:alert(1)' },
    ],
  });
  const store = {
    generation: (id: string) => (id === g.id ? g : undefined),
    allGenerations: () => [g],
    modelName: (id: string | undefined) => ctx.modelName(id),
  };

  it('a generation carries its web URLs as a uri-list and its text as plain text', () => {
    const p = dragPayload(store, [{ kind: 'generation', generationId: 'gen_1' }]);
    assert.deepEqual(p.uris, ['https://m.flora.ai/a%20(1).png', 'https://m.flora.ai/b.mp4']);
    assert.deepEqual(p.texts, [
      'https://m.flora.ai/a%20(1).png',
      'https://m.flora.ai/b.mp4',
      'Hello [world]',
    ]);
    const text = dragPayload(store, [{ kind: 'output', generationId: 'gen_1', outputId: 't' }]);
    assert.deepEqual(text, { uris: [], texts: ['Hello [world]'] });
    const js = dragPayload(store, [{ kind: 'output', generationId: 'gen_1', outputId: 'j' }]);
    assert.deepEqual(js, { uris: [], texts: [] });
  });

  it('in Markdown an image becomes ![label](url) and other media a link; foreign URIs are not ours', () => {
    const md = markdownForUris(
      store,
      parseUriList('https://m.flora.ai/a%20(1).png\r\nhttps://m.flora.ai/b.mp4\r\n'),
    );
    assert.equal(
      md,
      '![Flux Pro image](https://m.flora.ai/a%20%281%29.png)\n[Flux Pro video](https://m.flora.ai/b.mp4)',
    );
    assert.equal(markdownForUris(store, ['file:///home/me/x.png']), undefined);
    assert.equal(markdownForUris(store, []), undefined);
  });
});

describe('download', () => {
  let fake: FakeFlora;
  let dir: string;
  let server: http.Server;
  let serverUrl: string;
  const seen: Array<{ url?: string; headers: http.IncomingHttpHeaders }> = [];

  before(async () => {
    fake = await FakeFlora.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flora-dl-'));
    server = http.createServer((req, res) => {
      seen.push({ url: req.url, headers: req.headers });
      if (req.url === '/api/v1/workspaces') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"workspaces":[]}');
        return;
      }
      if (req.url === '/short') {
        // Announces more than it sends, then hangs up.
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': '1000' });
        res.write(Buffer.alloc(10));
        setImmediate(() => res.destroy());
        return;
      }
      if (req.url === '/stall') {
        // Announces 1000 bytes, sends 100, then goes silent without hanging up.
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': '1000' });
        res.write(Buffer.alloc(100, 7));
        return;
      }
      if (req.url === '/stall-headers') return; // never answers at all
      if (req.url === '/trickle') {
        // Slow but steady: 10 small chunks, each well within the idle timeout.
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': '1000' });
        let n = 0;
        const timer = setInterval(() => {
          res.write(Buffer.alloc(100, n));
          if (++n === 10) {
            clearInterval(timer);
            res.end();
          }
        }, 20);
        return;
      }
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'video/mp4' }); // no length: the cap is enforced while streaming
        const chunk = Buffer.alloc(64 * 1024, 1);
        let sent = 0;
        const pump = () => {
          while (sent < 50 && res.write(chunk)) sent++;
          if (sent < 50) res.once('drain', pump);
          else res.end();
        };
        pump();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await fake.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const listing = () => fs.readdirSync(dir).sort();

  it('writes exactly the bytes served, then nothing else is left in the folder', async () => {
    const url = `${fake.origin}/media/img-3-512x288.png`;
    const target = path.join(dir, 'image.png');
    let progressCalls = 0;
    const result = await downloadToFile(url, target, { onProgress: () => progressCalls++ });
    const expected = Buffer.from(await (await fetch(url)).arrayBuffer());
    assert.deepEqual(fs.readFileSync(target), expected);
    assert.equal(result.bytes, expected.length);
    assert.equal(result.contentType, 'image/png');
    assert.ok(progressCalls > 0);
    assert.deepEqual(listing(), ['image.png']);
    fs.rmSync(target);
  });

  it('leaves nothing behind on HTTP errors, a size cap, a short body, or cancellation', async () => {
    const target = path.join(dir, 'x.bin');
    await assert.rejects(
      downloadToFile(`${fake.origin}/media/nothing-here.png`, target),
      (e: unknown) => e instanceof DownloadError && e.reason === 'http' && e.status === 404,
    );
    await assert.rejects(
      downloadToFile(`${fake.origin}/media/doc-1.pdf`, target, { maxBytes: 100 }),
      (e: unknown) => e instanceof DownloadError && e.reason === 'too-large',
    );
    await assert.rejects(
      downloadToFile(`${serverUrl}/big`, target, { maxBytes: 1024 * 1024 }),
      (e: unknown) => e instanceof DownloadError && e.reason === 'too-large',
    );
    await assert.rejects(
      downloadToFile(`${serverUrl}/short`, target),
      (e: unknown) => e instanceof DownloadError && e.reason === 'network',
    );
    const abort = new AbortController();
    await assert.rejects(
      downloadToFile(`${serverUrl}/big`, target, {
        signal: abort.signal,
        onProgress: (n) => n > 128 * 1024 && abort.abort(),
      }),
      (e: unknown) => e instanceof DownloadError && e.reason === 'cancelled',
    );
    await assert.rejects(
      downloadToFile('file:///etc/passwd', target),
      (e: unknown) => e instanceof DownloadError && e.reason === 'not-http',
    );
    assert.deepEqual(listing(), []);
  });

  it(
    'gives up on a body that stalls, with a clear error and no partial file',
    { timeout: 20_000 },
    async () => {
      const target = path.join(dir, 'stalled.png');
      fs.writeFileSync(target, 'previous');
      for (const route of ['/stall', '/stall-headers']) {
        await assert.rejects(
          downloadToFile(`${serverUrl}${route}`, target, { idleTimeoutMs: 300 }),
          (e: unknown) =>
            e instanceof DownloadError &&
            e.reason === 'timeout' &&
            /stalled: no data for 0\.3 s/.test(e.message) &&
            e.message.includes('127.0.0.1'),
        );
      }
      assert.equal(fs.readFileSync(target, 'utf8'), 'previous', 'the file it would have replaced is intact');
      assert.deepEqual(listing(), ['stalled.png'], 'no temp file is left');
      fs.rmSync(target);
    },
  );

  it('lets a slow but steady body finish (the timeout is for silence, not for the whole download)', async () => {
    const target = path.join(dir, 'slow.png');
    const result = await downloadToFile(`${serverUrl}/trickle`, target, { idleTimeoutMs: 2_000 });
    assert.equal(result.bytes, 1000);
    assert.deepEqual(listing(), ['slow.png']);
    fs.rmSync(target);
  });

  it('waits 30 s of silence by default', () => {
    assert.equal(DOWNLOAD_IDLE_TIMEOUT_MS, 30_000);
  });

  it('keeps an existing file intact when a download over it fails', async () => {
    const target = path.join(dir, 'keep.png');
    fs.writeFileSync(target, 'previous');
    await assert.rejects(downloadToFile(`${serverUrl}/short`, target));
    assert.equal(fs.readFileSync(target, 'utf8'), 'previous');
    assert.deepEqual(listing(), ['keep.png']);
    fs.rmSync(target);
  });

  it('sends no credentials with a download, even to the origin the key is sent to', async () => {
    // The real wiring (extension.ts): one Transport for the client's API calls, which carry the
    // key, and Save Output's downloads; the media is on the API's own origin. The API call is
    // the proof that this origin gets the key and that the server would see it.
    const transport = new Transport({ env: {} });
    const client = new FloraClient({
      baseUrl: `${serverUrl}/api/v1`,
      apiKey: () => 'sk_live_download_test',
      dispatcher: () => transport.dispatcher(),
      maxRetries: 0,
    });
    try {
      seen.length = 0;
      assert.deepEqual(await client.listWorkspaces(), []);
      await downloadToFile(`${serverUrl}/ok`, path.join(dir, 'ok.txt'), { fetch: transport.fetch });
      assert.equal(await probeContentType(`${serverUrl}/ok`, { fetch: transport.fetch }), 'text/plain');
      const byPath = (p: string) => seen.filter((r) => r.url === p).map((r) => r.headers);
      assert.deepEqual(
        byPath('/api/v1/workspaces').map((h) => h.authorization),
        ['Bearer sk_live_download_test'],
        'the API call carries the key',
      );
      const downloads = byPath('/ok');
      assert.equal(downloads.length, 2, 'the download and its HEAD probe');
      for (const h of downloads) {
        assert.equal(h.authorization, undefined);
        assert.equal(h.cookie, undefined);
      }
    } finally {
      await client.close();
      await transport.close();
      fs.rmSync(path.join(dir, 'ok.txt'), { force: true });
    }
  });
});
