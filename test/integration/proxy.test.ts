// Proxies in the real extension host: setting `http.proxy` at runtime makes the tree load through
// the proxy (no reload), and `http.noProxy` makes it bypass the proxy again. The proxy is a real one
// (test/proxy/recordingProxy.ts) running in the host; the fake FLORA server is plain http on
// loopback, so the proxy sees absolute-form requests it can record.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FloraExtensionApi } from '../../src/extension';
import { RecordingProxy } from '../proxy/recordingProxy';
import { fake, floraApi, freshStart, rows, waitFor } from './support';

let api: FloraExtensionApi;
let proxy: RecordingProxy;

const http = () => vscode.workspace.getConfiguration('http');
const setHttp = (key: string, value: unknown) => http().update(key, value, vscode.ConfigurationTarget.Global);
/** API requests the proxy relayed (the host's own traffic, if any, is left out). */
const apiThroughProxy = () => proxy.records.filter((r) => r.target.includes('/api/v1/'));

suite('proxy', () => {
  suiteSetup(async () => {
    api = await floraApi();
    proxy = await RecordingProxy.start();
  });

  setup(async () => {
    await freshStart(api);
    proxy.records.length = 0;
  });

  suiteTeardown(async () => {
    await setHttp('proxy', undefined);
    await setHttp('noProxy', undefined);
    await proxy.close();
    await freshStart(api);
  });

  test('http.proxy set at runtime: the tree loads through the proxy; http.noProxy: directly again', async () => {
    await setHttp('proxy', proxy.url);
    api.store.clear();
    const roots = await rows(api);
    assert.ok(roots.length > 0, 'the workspaces loaded');
    assert.ok(
      roots.every((r) => r.node.kind === 'workspace'),
      `rows: ${JSON.stringify(roots.map((r) => r.label))}`,
    );
    const seen = await waitFor('the proxy to relay the API requests', () =>
      apiThroughProxy().length ? apiThroughProxy() : undefined,
    );
    assert.ok(
      seen.some((r) => r.method === 'GET' && new URL(r.target).pathname === '/api/v1/workspaces'),
      JSON.stringify(seen),
    );

    const origin = new URL(process.env.FLORA_FAKE_ORIGIN ?? '');
    await setHttp('noProxy', [origin.hostname]);
    proxy.records.length = 0;
    await fake.resetCounts();
    api.store.clear();
    const again = await rows(api);
    assert.ok(again.length > 0, 'the workspaces loaded again');
    const counts = await fake.counts();
    assert.ok(counts['GET /workspaces'] >= 1, 'the fake server was asked directly');
    assert.deepEqual(apiThroughProxy(), [], 'nothing went through the proxy');
  });
});
