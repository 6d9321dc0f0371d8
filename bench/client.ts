// Walking a long history: the client's keep-alive undici pool against the same client with a
// new TCP connection per request (`connection: close`), measured in this run, alternating
// rounds, median of each. Also the cost of checking every item with zod, against JSON.parse alone.
import { Pool, type Dispatcher } from 'undici';
import { FloraClient } from '../src/api/client';
import { parseGeneration, parseItems } from '../src/api/schemas';
import { FakeFlora } from '../test/fake-flora';

const ROUNDS = 7;

/** A pool that closes every connection after its request: the per-request-connection baseline. */
class ClosingPool extends Pool {
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return super.dispatch({ ...options, reset: true }, handler);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function walk(client: FloraClient): Promise<number> {
  let n = 0;
  for await (const page of client.generationPages({ limit: 20 })) n += page.items.length;
  return n;
}

async function main(): Promise<void> {
  const fake = await FakeFlora.start({ dataset: 'demo', clock: 'manual' });
  const keepAlive = new FloraClient({ baseUrl: fake.baseUrl, apiKey: () => fake.apiKey });
  const closing = new FloraClient({
    baseUrl: fake.baseUrl,
    apiKey: () => fake.apiKey,
    dispatcher: new ClosingPool(fake.origin, { connections: 4 }),
  });
  const a: number[] = [];
  const b: number[] = [];
  let items = 0;
  try {
    await walk(keepAlive);
    await walk(closing);
    for (let r = 0; r < ROUNDS; r++) {
      let t = performance.now();
      items = await walk(keepAlive);
      a.push(performance.now() - t);
      t = performance.now();
      await walk(closing);
      b.push(performance.now() - t);
    }
    // Parsing: the same raw pages through JSON.parse only, and through zod item by item.
    const raw: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await fetch(`${fake.baseUrl}/generations?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: { authorization: `Bearer ${fake.apiKey}` },
      });
      const text = await res.text();
      raw.push(text);
      cursor =
        (JSON.parse(text) as { meta?: { next_cursor?: string | null } }).meta?.next_cursor ?? undefined;
    } while (cursor);
    const times = (f: () => void) => {
      const xs: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const t = performance.now();
        for (let k = 0; k < 20; k++) f();
        xs.push((performance.now() - t) / 20);
      }
      return median(xs);
    };
    const parseOnly = times(() => raw.forEach((t) => void JSON.parse(t)));
    const withZod = times(() =>
      raw.forEach((t) =>
        parseItems((JSON.parse(t) as { generations: unknown[] }).generations, parseGeneration),
      ),
    );
    console.log(
      `Walking ${items} generations, 20 per page (${Math.ceil(items / 20)} requests), median of ${ROUNDS}`,
    );
    console.log('| what | this run | baseline | ratio |');
    console.log('|---|---|---|---|');
    console.log(
      `| keep-alive pool vs a connection per request | ${median(a).toFixed(1)} ms | ${median(b).toFixed(1)} ms | ${(median(b) / median(a)).toFixed(2)}× faster |`,
    );
    console.log(
      `| JSON.parse + zod per item vs JSON.parse alone (${items} items) | ${withZod.toFixed(2)} ms | ${parseOnly.toFixed(2)} ms | ${(withZod / parseOnly).toFixed(2)}× the cost |`,
    );
  } finally {
    await keepAlive.close();
    await closing.close();
    await fake.close();
  }
}

void main();
