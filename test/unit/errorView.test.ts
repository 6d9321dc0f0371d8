// The one function that turns an error into what the tree's error row (and a notification) says
// and offers: every kind of FLORA error gets a title that says what to do and a working way forward.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AuthenticationError,
  ConfigurationError,
  ConnectionError,
  FloraError,
  InvalidResponseError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from '../../src/api/errors';
import { userFacingError } from '../../src/ui/errorView';

describe('what an error row says and offers', () => {
  it('each kind of error: a title that says what to do, and the command that does it', () => {
    const cases: Array<[FloraError, RegExp, string]> = [
      [
        new AuthenticationError('Invalid API key.', { status: 401, code: 'invalid_api_key' }),
        /rejected the API key/,
        'flora.setApiKey',
      ],
      [
        new AuthenticationError('no key', { code: 'no_api_key' }),
        /No FLORA API key is set/,
        'flora.setApiKey',
      ],
      [
        new AuthenticationError('bad', { code: 'malformed_api_key' }),
        /malformed — set it again/,
        'flora.setApiKey',
      ],
      [new PermissionError('nope', { status: 403, code: 'forbidden' }), /no access/, 'flora.setApiKey'],
      [
        new PermissionError('pay', { status: 403, code: 'paid_plan_required' }),
        /paid plan/,
        'flora.showLogs',
      ],
      [
        new RateLimitError('slow', { status: 429, retryAfterMs: 120_000 }),
        /try again in 2 min/,
        'flora.refresh',
      ],
      [new RateLimitError('slow', { status: 429 }), /try again shortly/, 'flora.refresh'],
      [new ConnectionError('ECONNREFUSED'), /unreachable/, 'flora.refresh'],
      [new TimeoutError('slow'), /unreachable/, 'flora.refresh'],
      [new ServerError('boom', { status: 503 }), /server error/, 'flora.refresh'],
      [new ConfigurationError('bad url'), /settings are not usable/, 'flora.openSettings'],
      [new NotFoundError('gone', { status: 404 }), /Not found/, 'flora.refresh'],
      [new InvalidResponseError('garbage'), /not understood/, 'flora.showLogs'],
    ];
    for (const [error, title, command] of cases) {
      const shown = userFacingError(error);
      assert.match(shown.title, title, `${error.kind} ${error.code ?? ''}`);
      assert.equal(shown.action.command, command, `${error.kind} ${error.code ?? ''}`);
      assert.ok(shown.action.title.length > 0);
    }
  });

  it('the detail is FLORA’s message with what to quote to support', () => {
    const shown = userFacingError(
      new ServerError('Upstream timed out', { status: 502, code: 'bad_gateway', requestId: 'req_42' }),
    );
    assert.equal(shown.detail, 'Upstream timed out (bad_gateway · HTTP 502 · req_42)');
    assert.equal(userFacingError(new ConnectionError('ECONNRESET')).detail, 'ECONNRESET');
  });
});
