// One build script for every bundle: `node esbuild.js [--production] [--watch]`.
// - dist/extension.js: the extension (Node, CommonJS, `vscode` provided by the host), kept small:
//   what activation loads;
// - dist/net.js: the HTTP stack (undici, src/api/network.ts), loaded by extension.js on the first
//   request with a plain require() of the sibling file (see `lazyModules`);
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

/**
 * Modules bundled apart and loaded on first use: an `import('./network')` in the extension's code
 * becomes `require('./net.js')` of the sibling bundle instead of pulling undici into extension.js.
 * Only dynamic import() may name them (a static import would load them at activation).
 */
const lazyModules = { [path.join(__dirname, 'src', 'api', 'network.ts')]: './net.js' };

/** @type {import('esbuild').Plugin} */
const lazyModulesPlugin = {
  name: 'lazy-modules',
  setup(build) {
    build.onResolve({ filter: /^\./ }, (args) => {
      if (args.namespace === 'lazy') return { path: args.path, external: true };
      if (args.kind !== 'dynamic-import') return undefined;
      const resolved = path.resolve(args.resolveDir, args.path).replace(/\.js$/, '');
      const target = lazyModules[resolved] ?? lazyModules[`${resolved}.ts`];
      return target ? { path: target, namespace: 'lazy' } : undefined;
    });
    // A stand-in module whose body runs only when the import() runs: a CommonJS require() of the
    // sibling bundle (the extension host loads extensions as CommonJS).
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
      resolveDir: __dirname,
    }));
  },
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts', net: 'src/api/network.ts' },
    outdir: 'dist',
    plugins: [lazyModulesPlugin],
    metafile: true,
  },
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
