/**
 * The one shared HTTP stack of the extension, loaded on first use: holds the current network
 * settings, builds the dispatcher (network.ts, bundled apart as dist/net.js) at the first request,
 * and rebuilds it when the settings change (closing the old one once its requests are done). No
 * `vscode` import and no undici value import: this module is part of what activation loads.
 */
import type { Dispatcher } from 'undici';
import type { Logger } from './logger';
import { describeRoute, proxyRoute, type NetworkSettings } from './proxy';

type NetworkModule = typeof import('./network.js');

let loading: Promise<NetworkModule> | undefined;

/**
 * The network module, loaded once. Bundled, the build maps this import to a plain
 * `require('./net.js')` of the sibling file (esbuild.js); from source (tests) it is the .ts module.
 */
export function loadNetwork(): Promise<NetworkModule> {
  loading ??= import('./network.js').catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

export class Transport {
  private current: Promise<Dispatcher> | undefined;
  private settingsKey: string;

  constructor(
    private settings: NetworkSettings = {},
    private readonly logger?: Logger,
  ) {
    this.settingsKey = keyOf(settings);
  }

  /** New settings; the dispatcher is rebuilt at the next request when they differ. */
  configure(settings: NetworkSettings): void {
    const key = keyOf(settings);
    if (key === this.settingsKey) return;
    this.settings = settings;
    this.settingsKey = key;
    this.retire();
  }

  /** The dispatcher for the current settings (built on first call). Rejects with a ConfigurationError for an unusable proxy URL. */
  dispatcher(): Promise<Dispatcher> {
    if (!this.current) {
      const settings = this.settings;
      // Decided (and validated) before anything loads: a bad proxy URL is a ConfigurationError.
      const built = (async () => {
        const route = proxyRoute(settings);
        const net = await loadNetwork();
        const dispatcher = net.createDispatcher(settings, route);
        this.logger?.info(`Network: ${describeRoute(route)}.`);
        return dispatcher;
      })();
      // A failure is not kept: the next request tries again (after the settings are fixed).
      built.catch(() => {
        if (this.current === built) this.current = undefined;
      });
      this.current = built;
    }
    return this.current;
  }

  /** `fetch` through the current dispatcher (Save Output downloads). */
  readonly fetch: typeof fetch = async (input, init) => {
    const dispatcher = await this.dispatcher();
    const net = await loadNetwork();
    return net.fetchVia(dispatcher)(input, init);
  };

  async close(): Promise<void> {
    const old = this.current;
    this.current = undefined;
    await closeQuietly(old);
  }

  private retire(): void {
    const old = this.current;
    this.current = undefined;
    // close() lets requests already sent finish, then frees the connections.
    void closeQuietly(old);
  }
}

async function closeQuietly(dispatcher: Promise<Dispatcher> | undefined): Promise<void> {
  try {
    await (await dispatcher)?.close();
  } catch {
    // It was never built (a bad proxy URL) or is closed already.
  }
}

function keyOf(settings: NetworkSettings): string {
  return JSON.stringify({ ...settings, extraCa: settings.extraCa?.map(String) });
}
