// What the FLORA output channel shows at its default level (info): nothing for requests that
// worked (every poll tick would otherwise add lines), a warning for every one that did not.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { FloraClient } from '../../src/api/client';
import { FakeFlora } from '../fake-flora';
import { MemoryLogger, RecordingClock } from './helpers';

let fake: FakeFlora;
let log: MemoryLogger;
let client: FloraClient;

/** The lines a channel at its default level (info) shows. */
const visible = () => log.lines.filter((l) => /^(info|warn|error) /.test(l));

before(async () => {
  fake = await FakeFlora.start();
});
after(async () => {
  await fake.close();
});
beforeEach(async () => {
  await client?.close();
  fake.reset();
  log = new MemoryLogger();
  client = new FloraClient({
    baseUrl: fake.baseUrl,
    apiKey: () => fake.apiKey,
    logger: log,
    clock: new RecordingClock(),
    maxRetries: 1,
  });
});
after(async () => {
  await client.close();
});

describe('log levels', () => {
  it('a request that works logs its line at debug and nothing at info or above', async () => {
    await client.listWorkspaces();
    await client.listModels();
    assert.deepEqual(visible(), []);
    const debug = log.lines.filter((l) => l.startsWith('debug GET '));
    assert.equal(debug.length, 2, log.lines.join('\n'));
    assert.match(debug[0], /^debug GET \S*\/workspaces\S* → 200 in \d+ ms/);
  });

  it('a request that fails logs a warning: an HTTP error, a retried 5xx, a dead connection', async () => {
    fake.inject('GET /workspaces', { kind: 'status', status: 404, code: 'not_found', message: 'gone' });
    await assert.rejects(client.listWorkspaces());
    assert.ok(
      visible().some((l) => /^warn GET \S*\/workspaces\S* → 404/.test(l)),
      visible().join('\n'),
    );

    log.lines.length = 0;
    fake.inject('GET /workspaces', { kind: 'status', status: 503, code: 'unknown_error' });
    await client.listWorkspaces();
    // The failed try and the retry are visible; the retry that worked is not.
    assert.ok(visible().some((l) => /^warn GET \S*\/workspaces\S* → 503/.test(l)));
    assert.ok(visible().some((l) => /^warn .*retry 1 of 1/.test(l)));
    assert.ok(visible().every((l) => !l.includes('→ 200')));

    log.lines.length = 0;
    fake.inject('GET /workspaces', { kind: 'reset' }, { times: Infinity });
    await assert.rejects(client.listWorkspaces());
    assert.ok(visible().some((l) => /^warn GET \S*\/workspaces\S* failed after/.test(l)));
  });
});
