// Run as a child process by test/unit/proxy.test.ts: lists the workspaces at argv[2] with key
// argv[3] through the extension's transport, with whatever NODE_EXTRA_CA_CERTS the parent set.
import { FloraClient } from '../../src/api/client';
import { Transport } from '../../src/api/transport';

async function main(): Promise<void> {
  const [baseUrl, key] = process.argv.slice(2);
  const transport = new Transport({ env: {} });
  const client = new FloraClient({
    baseUrl,
    apiKey: () => key,
    maxRetries: 0,
    dispatcher: () => transport.dispatcher(),
  });
  try {
    const workspaces = await client.listWorkspaces();
    process.stdout.write(`workspaces: ${workspaces.length}\n`);
  } finally {
    await transport.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
  process.exit(1);
});
