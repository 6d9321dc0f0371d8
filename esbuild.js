// One build script for every bundle: `node esbuild.js [--production] [--watch]`.
// - dist/extension.js: the extension (Node, CommonJS, `vscode` provided by the host);
// - out/test/integration/suite.js: the mocha suite that runs inside the extension host;
// - dist/media/preview.js: the script of the preview webviews (browser, IIFE).
const esbuild = require('esbuild');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  sourcesContent: false,
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  { ...common, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist' },
  {
    ...common,
    minify: false,
    sourcemap: true,
    entryPoints: { suite: 'test/integration/index.ts' },
    outdir: path.join('out', 'test', 'integration'),
    // mocha loads reporters with require(): keep it a real package.
    external: ['vscode', 'mocha'],
  },
  // The preview webviews' script (a plain browser script, no Node, no vscode module).
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    external: [],
    entryPoints: { preview: 'media/preview/main.ts' },
    outdir: path.join('dist', 'media'),
  },
];

async function main() {
  if (watch) {
    const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
    await Promise.all(contexts.map((c) => c.watch()));
    console.log('[esbuild] watching…');
    return;
  }
  await Promise.all(builds.map((b) => esbuild.build(b)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
