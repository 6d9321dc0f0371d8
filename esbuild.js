// One build script for every bundle: `node esbuild.js [--production] [--watch]`.
// - dist/extension.js: the extension (Node, CommonJS, `vscode` provided by the host), kept small:
//   what activation loads;
// - dist/net.js: the HTTP stack (undici, src/api/network.ts), loaded by extension.js on the first
//   request with a plain require() of the sibling file (see `lazyModules`);
// - dist/previews.js: the preview panels, galleries and Save Output (src/ui/preview), loaded alike
//   when a preview command first runs;
// - out/test/integration/suite.js: the mocha suite that runs inside the extension host;
// - dist/media/preview.js: the script of the preview webviews (browser, IIFE).
const esbuild = require('esbuild');
const path = require('node:path');

const production = process.argv.includes('--production');
const { version } = require('./package.json');
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
  // package.json's version, for the User-Agent (src/api/http.ts; run from source it reads the file).
  define: { __EXTENSION_VERSION__: JSON.stringify(version) },
};

/**
 * Modules bundled apart and loaded on first use: an `import('./network')` in the extension's code
 * becomes `require('./net.js')` of the sibling bundle instead of pulling undici into extension.js.
 * Only dynamic import() may name them (a static import would load them at activation).
 */
const lazyModules = {
  [path.join(__dirname, 'src', 'api', 'network.ts')]: './net.js',
  [path.join(__dirname, 'src', 'ui', 'preview', 'index.ts')]: './previews.js',
};

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

/**
 * The extension's own bundles. bench/startup.ts builds them elsewhere too (and, as its baseline,
 * with `lazy: false`: one bundle with everything in it, as before the split).
 * @param {{ production: boolean; outdir: string; lazy?: boolean }} options
 * @returns {import('esbuild').BuildOptions}
 */
function extensionBuild({ production, outdir, lazy = true }) {
  return {
    ...common,
    sourcemap: !production,
    minify: production,
    entryPoints: lazy
      ? { extension: 'src/extension.ts', net: 'src/api/network.ts', previews: 'src/ui/preview/index.ts' }
      : { extension: 'src/extension.ts' },
    absWorkingDir: __dirname,
    outdir,
    plugins: lazy ? [lazyModulesPlugin] : [],
    metafile: true,
  };
}

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  extensionBuild({ production, outdir: 'dist' }),
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

module.exports = { extensionBuild };

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
