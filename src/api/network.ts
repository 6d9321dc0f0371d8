/**
 * The extension's HTTP stack: turns plain network settings (VS Code's `http.*` settings and the
 * environment, read by src/ui) into one undici Dispatcher that every request goes through, API
 * calls and Save Output downloads alike. No `vscode` import, and the only module that loads
 * undici's values: it is bundled apart (dist/net.js) and loaded on the first request (see
 * transport.ts), so the ~500 KB of undici is never parsed by a window that makes none.
 */
import * as tls from 'node:tls';
import { Agent, EnvHttpProxyAgent, Pool, fetch as undiciFetch, type Dispatcher } from 'undici';
import type { NetworkSettings, ProxyRoute } from './proxy';

/**
 * The dispatcher for these settings: a plain Agent when nothing is proxied, else undici's
 * EnvHttpProxyAgent fed with explicit values (never its own reading of process.env), which picks
 * per request between the proxy (CONNECT tunnel for https, absolute-form requests for http) and a
 * direct connection for `noProxy` hosts. `route` is proxyRoute(settings), decided (and validated)
 * by the caller.
 */
export function createDispatcher(settings: NetworkSettings, route: ProxyRoute): Dispatcher {
  const ca = settings.extraCa?.length ? [...tls.rootCertificates, ...settings.extraCa] : undefined;
  const pooling = { connections: settings.connections ?? 4, keepAliveTimeout: 30_000 };
  if (!route.httpProxy && !route.httpsProxy)
    return new Agent({ ...pooling, connect: ca ? { ca } : undefined });
  return new EnvHttpProxyAgent({
    ...pooling,
    // '' (not undefined) so that EnvHttpProxyAgent never falls back to process.env by itself.
    httpProxy: route.httpProxy ?? '',
    httpsProxy: route.httpsProxy ?? '',
    noProxy: route.noProxy.join(','),
    // Direct connections (noProxy hosts).
    connect: ca ? { ca } : undefined,
    // The TLS session with the server, inside the CONNECT tunnel: always verified.
    requestTls: ca ? { ca } : undefined,
    // The connection to an https:// proxy: http.proxyStrictSSL decides whether it is verified.
    proxyTls: { rejectUnauthorized: settings.proxyStrictSSL !== false, ...(ca ? { ca } : {}) },
    // Plain http requests (loopback only, see validateBaseUrl) go as absolute-form requests, as
    // browsers and VS Code send them; many proxies refuse CONNECT to a port other than 443.
    proxyTunnel: false,
    ...(settings.proxyAuthorization?.trim() ? { token: settings.proxyAuthorization.trim() } : {}),
  });
}

/** A keep-alive pool to one origin: what a FloraHttp without a shared dispatcher uses. */
export function createPool(origin: string): Dispatcher {
  return new Pool(origin, { connections: 4, keepAliveTimeout: 30_000 });
}

/** `fetch` (undici's, the same as Node's global one) through `dispatcher`. */
export function fetchVia(dispatcher: Dispatcher): typeof fetch {
  return ((input: string | URL, init?: RequestInit) =>
    undiciFetch(input, {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
    })) as unknown as typeof fetch;
}
