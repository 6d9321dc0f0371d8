// Proxies and TLS: every request (API and downloads) goes through the proxy VS Code's settings or
// the environment name, bypasses it for noProxy hosts, sends proxy credentials to the proxy only,
// and verifies the FLORA server's certificate (an extra CA works; proxyStrictSSL relaxes the
// proxy's own certificate only). A real proxy (test/proxy) and the real fake server, over http and
// https.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { FloraClient, type FloraClientOptions } from '../../src/api/client';
import { ConfigurationError, ConnectionError } from '../../src/api/errors';
import { describeRoute, proxyRoute, type NetworkSettings } from '../../src/api/proxy';
import { SwitchingClient } from '../../src/api/switchingClient';
import { Transport } from '../../src/api/transport';
import { downloadToFile } from '../../src/ui/preview/download';
import { FakeFlora } from '../fake-flora';
import { testCertificates } from '../proxy/certs';
import { RecordingProxy } from '../proxy/recordingProxy';
import { MemoryLogger, RecordingClock } from './helpers';

const TOKEN = 'Basic cHJveHl1c2VyOnByb3h5cGFzcw=='; // proxyuser:proxypass

describe('proxy route (pure)', () => {
  it('uses http.proxy for both schemes, with http.noProxy', () => {
    const r = proxyRoute({
      proxy: 'http://proxy.corp:3128',
      noProxy: ['internal.corp'],
      env: { HTTPS_PROXY: 'http://env:1' },
    });
    assert.equal(r.httpsProxy, 'http://proxy.corp:3128');
    assert.equal(r.httpProxy, 'http://proxy.corp:3128');
    assert.deepEqual(r.noProxy, ['internal.corp']);
    assert.equal(r.source, 'settings');
  });

  it('falls back to the environment (lower case first; https falls back to HTTP_PROXY) and NO_PROXY', () => {
    assert.deepEqual(
      proxyRoute({
        env: { https_proxy: 'http://low:1', HTTPS_PROXY: 'http://up:1', NO_PROXY: 'a.corp, b.corp' },
      }),
      {
        httpProxy: undefined,
        httpsProxy: 'http://low:1',
        noProxy: ['a.corp', 'b.corp'],
        source: 'environment',
      },
    );
    assert.equal(proxyRoute({ env: { HTTP_PROXY: 'http://only-http:1' } }).httpsProxy, 'http://only-http:1');
    assert.equal(proxyRoute({ env: {} }).source, 'none');
  });

  it('http.proxySupport "off" ignores every proxy setting and variable', () => {
    const r = proxyRoute({ proxySupport: 'off', proxy: 'http://p:1', env: { HTTPS_PROXY: 'http://e:1' } });
    assert.equal(r.httpsProxy, undefined);
    assert.equal(r.httpProxy, undefined);
  });

  it('refuses a proxy that is not a URL, and never logs proxy credentials', () => {
    assert.throws(() => proxyRoute({ proxy: 'proxy.corp:3128 ' + 'x' }), ConfigurationError);
    assert.throws(() => proxyRoute({ proxy: 'ftp://proxy.corp' }), ConfigurationError);
    const line = describeRoute(proxyRoute({ proxy: 'http://user:s3cret@proxy.corp:3128' }));
    assert.match(line, /proxy\.corp:3128/);
    assert.doesNotMatch(line, /s3cret|user/);
  });
});

describe('requests through a real proxy', () => {
  let plain: FakeFlora;
  let secure: FakeFlora;
  let proxy: RecordingProxy;
  const cleanup: Array<() => Promise<unknown>> = [];

  before(async () => {
    const certs = testCertificates();
    plain = await FakeFlora.start();
    secure = await FakeFlora.start({ tls: certs.server });
    proxy = await RecordingProxy.start();
  });
  after(async () => {
    await Promise.all([plain.close(), secure.close(), proxy.close()]);
  });
  afterEach(async () => {
    proxy.records.length = 0;
    plain.resetCounts();
    secure.resetCounts();
    await Promise.all(cleanup.splice(0).map((c) => c()));
  });

  function clientVia(
    fake: FakeFlora,
    settings: NetworkSettings,
    options: Partial<FloraClientOptions> = {},
  ): { client: FloraClient; transport: Transport; log: MemoryLogger } {
    const log = new MemoryLogger();
    const transport = new Transport(settings, log);
    const client = new FloraClient({
      baseUrl: fake.baseUrl,
      apiKey: () => fake.apiKey,
      clock: new RecordingClock(),
      maxRetries: 0,
      dispatcher: () => transport.dispatcher(),
      ...options,
    });
    cleanup.push(() => transport.close());
    return { client, transport, log };
  }
  const hostOf = (fake: FakeFlora) => new URL(fake.origin).host;
  const ca = () => [testCertificates().ca];

  it('https: the API goes through a CONNECT tunnel; the proxy sees its credentials, never the API key', async () => {
    const { client, log } = clientVia(secure, { proxy: proxy.url, proxyAuthorization: TOKEN, extraCa: ca() });
    const workspaces = await client.listWorkspaces();
    assert.ok(workspaces.length > 0);
    const tunnels = proxy.to(hostOf(secure));
    assert.ok(tunnels.length >= 1, `the proxy saw ${JSON.stringify(proxy.records)}`);
    for (const r of tunnels) {
      assert.equal(r.method, 'CONNECT');
      assert.equal(r.proxyAuthorization, TOKEN);
      assert.equal(r.authorization, undefined, 'the API key stays inside the TLS tunnel');
    }
    const seen = secure.requests();
    assert.ok(seen.length >= 1);
    for (const r of seen) {
      assert.equal(r.authorization, 'valid');
      assert.equal(r.proxyAuthorization, undefined, 'proxy credentials never reach FLORA');
    }
    assert.ok(
      log.lines.some((l) => l.includes(`proxy ${proxy.url}`)),
      'the log says which proxy is used',
    );
  });

  it('http (loopback): absolute-form requests through the proxy', async () => {
    const { client } = clientVia(plain, { proxy: proxy.url, proxyAuthorization: TOKEN });
    await client.listWorkspaces();
    const seen = proxy.to(hostOf(plain));
    assert.ok(seen.length >= 1);
    assert.equal(seen[0].method, 'GET');
    assert.equal(seen[0].target, `${plain.baseUrl}/workspaces`);
    assert.equal(seen[0].proxyAuthorization, TOKEN);
    for (const r of plain.requests()) assert.equal(r.proxyAuthorization, undefined);
  });

  it('a proxy from HTTPS_PROXY / HTTP_PROXY is used when the settings name none', async () => {
    const { client } = clientVia(secure, { env: { HTTPS_PROXY: proxy.url }, extraCa: ca() });
    await client.listWorkspaces();
    assert.equal(proxy.to(hostOf(secure))[0]?.method, 'CONNECT');
  });

  it('noProxy hosts are reached directly, and proxy credentials are not sent to them', async () => {
    const { client } = clientVia(secure, {
      proxy: proxy.url,
      proxyAuthorization: TOKEN,
      noProxy: ['127.0.0.1'],
      extraCa: ca(),
    });
    await client.listWorkspaces();
    assert.deepEqual(proxy.records, [], 'nothing went through the proxy');
    assert.ok(secure.requests().length >= 1);
    for (const r of secure.requests()) assert.equal(r.proxyAuthorization, undefined);

    const env = clientVia(plain, {
      env: { HTTP_PROXY: proxy.url, NO_PROXY: `127.0.0.1:${new URL(plain.origin).port}` },
    });
    await env.client.listWorkspaces();
    assert.deepEqual(proxy.records, [], 'NO_PROXY host:port is bypassed too');
  });

  it('http.proxySupport "off" connects directly whatever is set', async () => {
    const { client } = clientVia(plain, {
      proxySupport: 'off',
      proxy: proxy.url,
      env: { HTTP_PROXY: proxy.url },
    });
    await client.listWorkspaces();
    assert.deepEqual(proxy.records, []);
  });

  it('a proxy that wants credentials refuses requests without them (a clear connection error)', async () => {
    const strict = await RecordingProxy.start({ requireAuthorization: TOKEN });
    cleanup.push(() => strict.close());
    const without = clientVia(secure, { proxy: strict.url, extraCa: ca() });
    await assert.rejects(without.client.listWorkspaces(), ConnectionError);
    assert.equal(strict.records[0]?.status, 407);
    assert.equal(secure.requests().length, 0);

    const withToken = clientVia(secure, { proxy: strict.url, proxyAuthorization: TOKEN, extraCa: ca() });
    assert.ok((await withToken.client.listWorkspaces()).length > 0);
    // Credentials in the proxy URL work as well (Basic).
    const inUrl = clientVia(secure, {
      proxy: strict.url.replace('//', '//proxyuser:proxypass@'),
      extraCa: ca(),
    });
    assert.ok((await inUrl.client.listWorkspaces()).length > 0);
  });

  it('a changed proxy setting takes effect at the next request (the old dispatcher is closed)', async () => {
    const log = new MemoryLogger();
    const transport = new Transport({ extraCa: ca() }, log);
    cleanup.push(() => transport.close());
    const api = new SwitchingClient(() => ({
      baseUrl: secure.baseUrl,
      apiKey: () => secure.apiKey,
      maxRetries: 0,
      dispatcher: () => transport.dispatcher(),
    }));
    cleanup.push(() => Promise.resolve(api.dispose()));
    await api.listWorkspaces();
    assert.deepEqual(proxy.records, [], 'direct at first');
    const first = await transport.dispatcher();

    transport.configure({ proxy: proxy.url, extraCa: ca() });
    await api.listWorkspaces();
    assert.equal(proxy.to(hostOf(secure)).length, 1, 'through the proxy after the change');
    await assert.rejects(
      first.request({ origin: secure.origin, path: '/', method: 'GET' }),
      /closed|destroyed/i,
      'the old dispatcher was closed',
    );

    transport.configure({ proxy: proxy.url, noProxy: ['127.0.0.1'], extraCa: ca() });
    await api.listWorkspaces();
    assert.equal(proxy.to(hostOf(secure)).length, 1, 'bypassed once noProxy names the host');
  });

  it('an unusable proxy URL fails requests with a configuration error, not "could not reach FLORA"', async () => {
    const { client } = clientVia(secure, { proxy: 'not a url' });
    await assert.rejects(client.listWorkspaces(), (err: unknown) => {
      assert.ok(err instanceof ConfigurationError, String(err));
      assert.match(err.message, /http\.proxy/);
      return true;
    });
  });

  it("TLS: FLORA's certificate is verified (an extra CA makes it trusted), through a proxy or not", async () => {
    const untrusted = clientVia(secure, {});
    await assert.rejects(untrusted.client.listWorkspaces(), ConnectionError);
    const viaProxy = clientVia(secure, { proxy: proxy.url, proxyStrictSSL: false });
    await assert.rejects(
      viaProxy.client.listWorkspaces(),
      ConnectionError,
      "proxyStrictSSL: false does not turn off the check of FLORA's certificate",
    );
    assert.equal(secure.requests().length, 0, 'the key was never sent to an unverified server');
    const trusted = clientVia(secure, { extraCa: ca() });
    assert.ok((await trusted.client.listWorkspaces()).length > 0);
  });

  it('http.proxyStrictSSL: false accepts an https proxy whose certificate is not trusted; true refuses it', async () => {
    const tlsProxy = await RecordingProxy.start({ tls: testCertificates().untrusted });
    cleanup.push(() => tlsProxy.close());
    const strict = clientVia(secure, { proxy: tlsProxy.url, extraCa: ca() });
    await assert.rejects(strict.client.listWorkspaces(), ConnectionError);
    assert.deepEqual(tlsProxy.records, [], 'nothing was sent to the unverified proxy');

    const relaxed = clientVia(secure, { proxy: tlsProxy.url, proxyStrictSSL: false, extraCa: ca() });
    assert.ok((await relaxed.client.listWorkspaces()).length > 0);
    assert.equal(tlsProxy.to(hostOf(secure))[0]?.method, 'CONNECT');
  });

  it('Save Output downloads go through the proxy too, without the API key', async () => {
    const transport = new Transport({ proxy: proxy.url, noProxy: [] });
    cleanup.push(() => transport.close());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flora-proxy-dl-'));
    cleanup.push(() => fs.promises.rm(dir, { recursive: true, force: true }));
    const target = path.join(dir, 'doc.pdf');
    const url = `${plain.origin}/media/doc-1.pdf`;
    const result = await downloadToFile(url, target, { fetch: transport.fetch });
    assert.ok(result.bytes > 0);
    assert.equal(fs.statSync(target).size, result.bytes);
    const seen = proxy.to(hostOf(plain));
    assert.equal(seen.length, 1);
    assert.equal(seen[0].target, url);
    assert.equal(seen[0].authorization, undefined, 'downloads carry no credentials');
    // The size rule still holds through the proxy.
    await assert.rejects(
      downloadToFile(url, path.join(dir, 'small.pdf'), { fetch: transport.fetch, maxBytes: 100 }),
      /Save Output stops at/,
    );
  });
});

describe('NODE_EXTRA_CA_CERTS', () => {
  let secure: FakeFlora;
  before(async () => {
    secure = await FakeFlora.start({ tls: testCertificates().server });
  });
  after(() => secure.close());

  // Node reads the variable at start-up, so it takes a fresh process: one without it fails on the
  // test CA's certificate, one with it loads the workspaces (no `extraCa` anywhere).
  const run = (extraEnv: Record<string, string>) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const script = path.join(__dirname, '..', 'proxy', 'listWorkspaces.ts');
      execFile(
        process.execPath,
        ['--import', 'tsx', script, secure.baseUrl, secure.apiKey],
        { env: { ...process.env, NODE_EXTRA_CA_CERTS: '', ...extraEnv }, timeout: 120_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
      );
    });

  it('a CA added with NODE_EXTRA_CA_CERTS is trusted', async () => {
    const without = await run({});
    assert.notEqual(without.code, 0, without.out);
    assert.match(without.out, /ConnectionError/);
    const withCa = await run({ NODE_EXTRA_CA_CERTS: testCertificates().caFile });
    assert.equal(withCa.code, 0, withCa.out);
    assert.match(withCa.out, /workspaces: [1-9]/);
  });
});
