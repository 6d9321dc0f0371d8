/**
 * Where requests go (a proxy or not) from plain network settings: VS Code's `http.*` settings and
 * the environment, read by src/ui. Pure and light (no undici, no `vscode`): the decision and its
 * errors are made here, in the code activation loads; network.ts builds the dispatcher from it.
 */
import * as l10n from '@vscode/l10n';
import { ConfigurationError } from './errors';

/** VS Code's `http.proxySupport`; `off` means direct connections, every proxy setting ignored. */
export type ProxySupport = 'off' | 'on' | 'fallback' | 'override';

export interface NetworkSettings {
  /** A ProxySupport value; anything but `off` lets the proxy settings apply. */
  proxySupport?: string;
  /** `http.proxy`, for http and https requests alike. Empty or absent: the environment's. */
  proxy?: string;
  /** `http.noProxy`: hosts reached directly (`example.com` also covers its subdomains; `host:port`). */
  noProxy?: readonly string[];
  /**
   * `http.proxyStrictSSL` (default true). As VS Code describes the setting ("whether the proxy
   * server certificate should be verified"), false accepts an unverified certificate from an
   * `https://` proxy only. The FLORA server's own certificate (inside the tunnel) is always
   * verified: the API key travels in that TLS session, and a proxy that inspects TLS must be
   * trusted by adding its CA (NODE_EXTRA_CA_CERTS), not by turning verification off.
   */
  proxyStrictSSL?: boolean;
  /** `http.proxyAuthorization`: the Proxy-Authorization header value sent to the proxy only. */
  proxyAuthorization?: string;
  /** The environment (`process.env`): HTTPS_PROXY, HTTP_PROXY, NO_PROXY (lower case first), when the settings name no proxy. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Certificates trusted in addition to Node's (for TLS to servers and to an https proxy). Node
   * itself adds NODE_EXTRA_CA_CERTS to its defaults, so this is for tests and embedders.
   */
  extraCa?: readonly (string | Buffer)[];
  /** Connections per origin (4 by default, as the API client always had). */
  connections?: number;
}

/** Where requests go: the proxy per scheme (undefined = direct) and the hosts that bypass it. */
export interface ProxyRoute {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy: string[];
  /** Which setting the proxies came from, for the log. */
  source: 'off' | 'settings' | 'environment' | 'none';
}

/** Decides the route from the settings, without building anything (pure; unit-tested). */
export function proxyRoute(settings: NetworkSettings): ProxyRoute {
  if (settings.proxySupport === 'off') return { noProxy: [], source: 'off' };
  const env = settings.env ?? {};
  const fromEnv = (name: string) => (env[name.toLowerCase()] ?? env[name.toUpperCase()])?.trim() || undefined;
  const configured = settings.proxy?.trim();
  const noProxySetting = (settings.noProxy ?? []).map((h) => h.trim()).filter(Boolean);
  const envNoProxy = (fromEnv('no_proxy') ?? '').split(/[,\s]+/).filter(Boolean);
  if (configured) {
    validateProxyUrl(configured, 'http.proxy');
    return {
      httpProxy: configured,
      httpsProxy: configured,
      noProxy: noProxySetting.length ? noProxySetting : envNoProxy,
      source: 'settings',
    };
  }
  const httpProxy = fromEnv('http_proxy');
  const httpsProxy = fromEnv('https_proxy') ?? httpProxy;
  if (!httpProxy && !httpsProxy) return { noProxy: [], source: 'none' };
  if (httpProxy) validateProxyUrl(httpProxy, 'HTTP_PROXY');
  if (httpsProxy) validateProxyUrl(httpsProxy, 'HTTPS_PROXY');
  return {
    httpProxy,
    httpsProxy,
    noProxy: noProxySetting.length ? noProxySetting : envNoProxy,
    source: 'environment',
  };
}

function validateProxyUrl(value: string, name: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(
      l10n.t('{0} "{1}" is not a proxy URL: write it as http://host:port.', name, withoutCredentials(value)),
    );
  }
  if (!['http:', 'https:', 'socks:', 'socks5:'].includes(url.protocol)) {
    throw new ConfigurationError(
      l10n.t(
        '{0} uses {1}, which the extension cannot use: write it as http://host:port or https://host:port.',
        name,
        url.protocol,
      ),
    );
  }
}

/** A proxy URL fit for a log line: the user name and password are dropped. */
export function withoutCredentials(proxy: string): string {
  try {
    const url = new URL(proxy);
    url.username = '';
    url.password = '';
    return url.href.replace(/\/$/, '');
  } catch {
    return proxy.replace(/\/\/[^@/]*@/, '//');
  }
}

/** One line for the log saying where requests go (no credentials). */
export function describeRoute(route: ProxyRoute): string {
  if (route.source === 'off') return 'direct connections (http.proxySupport is off)';
  if (route.source === 'none') return 'direct connections (no proxy is set)';
  const via =
    route.httpProxy === route.httpsProxy
      ? `proxy ${withoutCredentials(route.httpsProxy ?? '')}`
      : `proxy ${route.httpsProxy ? withoutCredentials(route.httpsProxy) : 'none'} for https, ${route.httpProxy ? withoutCredentials(route.httpProxy) : 'none'} for http`;
  const from = route.source === 'settings' ? 'http.proxy' : 'environment';
  return `${via} (from ${from})${route.noProxy.length ? `, not for ${route.noProxy.join(', ')}` : ''}`;
}
