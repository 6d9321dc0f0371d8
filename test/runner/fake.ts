// The fake FLORA server as the runners start it, and the env that points the extension at it.
import { FakeFlora } from '../fake-flora/index';
import { verbose } from './util';

export { FakeFlora };

export async function startFake(mode: 'test' | 'demo'): Promise<FakeFlora> {
  return FakeFlora.start({
    dataset: mode,
    // Tests advance time explicitly (POST /_fake/advance); the demo should look alive on its own.
    clock: mode === 'test' ? 'manual' : 'real',
    log: verbose() ? (line: string) => process.stderr.write(`[fake-flora] ${line}\n`) : undefined,
  });
}

/** Env the extension reads as fallbacks, plus what the tests need to reach the fake's control API. */
export function fakeEnv(fake: FakeFlora): Record<string, string> {
  return {
    FLORA_BASE_URL: fake.baseUrl,
    FLORA_API_KEY: fake.apiKey,
    FLORA_FAKE_ORIGIN: fake.origin,
  };
}
