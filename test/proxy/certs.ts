// Test certificates, made once per process with the openssl CLI (Node can sign with a key but has
// no API that builds an X.509 certificate, and openssl is on every machine the tests run on, so no
// npm package is needed): a test CA, a server certificate it signs for 127.0.0.1 (the fake FLORA
// server over https), and a self-signed certificate no one trusts (an https proxy with a bad cert).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TestCertificates {
  dir: string;
  /** The test CA (PEM) and its file, for `ca` options and NODE_EXTRA_CA_CERTS. */
  ca: string;
  caFile: string;
  /** Signed by the CA, for IP 127.0.0.1 and localhost. */
  server: { key: string; cert: string };
  /** Self-signed, trusted by nobody. */
  untrusted: { key: string; cert: string };
}

let made: TestCertificates | undefined;

export function testCertificates(): TestCertificates {
  if (made) return made;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flora-certs-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => {
    try {
      return execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error('The TLS tests need the openssl command (Debian: apt-get install openssl).');
      }
      throw err;
    }
  };
  const san = 'subjectAltName=IP:127.0.0.1,DNS:localhost';

  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=FLORA test CA',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
  );
  fs.writeFileSync(file('server.ext'), `${san}\nextendedKeyUsage=serverAuth\n`);
  openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    file('server.ext'),
    '-out',
    file('server.pem'),
  );
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=untrusted proxy',
    '-keyout',
    file('untrusted.key'),
    '-out',
    file('untrusted.pem'),
    '-addext',
    san,
  );

  const read = (name: string) => fs.readFileSync(file(name), 'utf8');
  made = {
    dir,
    ca: read('ca.pem'),
    caFile: file('ca.pem'),
    server: { key: read('server.key'), cert: read('server.pem') },
    untrusted: { key: read('untrusted.key'), cert: read('untrusted.pem') },
  };
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return made;
}
