// A small but real HTTP proxy for tests: CONNECT tunnels (https) by piping sockets, and
// absolute-form requests (plain http) by forwarding them, as corporate proxies do. It records what
// passed through it (method, target, Proxy-Authorization, and the Authorization header of plain
// http requests, which a proxy can read) and can demand credentials (407 without them).
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ProxyRecord {
  method: string;
  /** `host:port` for CONNECT, the absolute URL otherwise. */
  target: string;
  proxyAuthorization?: string;
  /** Only visible for plain http requests; inside a CONNECT tunnel the proxy sees bytes only. */
  authorization?: string;
  /** What the proxy answered itself (407) or relayed. */
  status?: number;
}

export interface RecordingProxyOptions {
  /** When set, requests without exactly this Proxy-Authorization value get 407. */
  requireAuthorization?: string;
  /** Serve the proxy itself over TLS (an `https://` proxy) with this key and certificate. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export class RecordingProxy {
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    readonly records: ProxyRecord[],
    private readonly sockets: Set<net.Socket>,
  ) {}

  static async start(options: RecordingProxyOptions = {}): Promise<RecordingProxy> {
    const server = options.tls ? https.createServer({ ...options.tls }) : http.createServer();
    const records: ProxyRecord[] = [];
    const sockets = new Set<net.Socket>();
    const refused = (record: ProxyRecord): boolean =>
      options.requireAuthorization !== undefined &&
      record.proxyAuthorization !== options.requireAuthorization;

    server.on(options.tls ? 'secureConnection' : 'connection', (socket: net.Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });

    server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      const record: ProxyRecord = {
        method: 'CONNECT',
        target: req.url ?? '',
        proxyAuthorization: req.headers['proxy-authorization'],
        authorization: req.headers.authorization,
      };
      records.push(record);
      client.on('error', () => undefined);
      if (refused(record)) {
        record.status = 407;
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n');
        return;
      }
      const [host, port] = splitHostPort(req.url ?? '');
      const upstream = net.connect(port, host, () => {
        record.status = 200;
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
    });

    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const record: ProxyRecord = {
        method: req.method ?? 'GET',
        target: req.url ?? '',
        proxyAuthorization: req.headers['proxy-authorization'],
        authorization: req.headers.authorization,
      };
      records.push(record);
      if (refused(record)) {
        record.status = 407;
        res.writeHead(407, { 'proxy-authenticate': 'Basic' }).end();
        return;
      }
      let target: URL;
      try {
        target = new URL(req.url ?? '');
      } catch {
        record.status = 400;
        res.writeHead(400).end('absolute-form requests only');
        return;
      }
      // A proxy consumes its own credentials: they are not passed on.
      const headers = { ...req.headers };
      delete headers['proxy-authorization'];
      delete headers['proxy-connection'];
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method: req.method,
          headers,
        },
        (answer) => {
          record.status = answer.statusCode;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502).end();
        else res.destroy();
      });
      req.pipe(upstream);
    });

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return new RecordingProxy(
      server,
      `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
      records,
      sockets,
    );
  }

  /** The records whose target names `host` (`127.0.0.1:1234` or a URL on it). */
  to(hostPort: string): ProxyRecord[] {
    return this.records.filter((r) => r.target === hostPort || r.target.startsWith(`http://${hostPort}/`));
  }

  async close(): Promise<void> {
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const s of this.sockets) s.destroy();
    await done;
  }
}

function splitHostPort(target: string): [string, number] {
  const i = target.lastIndexOf(':');
  return [target.slice(0, i).replace(/^\[|\]$/g, ''), Number(target.slice(i + 1))];
}
