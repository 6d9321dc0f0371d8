// Start-up cost: what a window pays for the extension before the user opens its view.
// 1. The activation bundle (production build): its size, and the time to require() it in a fresh
//    Node process, against the same code built as one bundle (undici inlined, as before the split)
//    and against an empty module, all in the same run (median of ROUNDS, alternating).
// 2. In the real extension host (code-server, production build): how long activate() takes (the
//    extension's own performance.now() mark), and how long the first rows take after the view
//    opens, against the local fake server (bench/startupHost.ts).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BuildOptions } from 'esbuild';
import * as esbuild from 'esbuild';
import { fakeEnv, startFake } from '../test/runner/fake';
import { launchWorkbench, prepareHost } from '../test/runner/host';
import { repoRoot } from '../test/runner/util';
import { median, record, table } from './results';

const ROUNDS = 9;

const { extensionBuild } = createRequire(__filename)(path.join(repoRoot, 'esbuild.js')) as {
  extensionBuild: (o: { production: boolean; outdir: string; lazy?: boolean }) => BuildOptions;
};

/** Requires `file` in a fresh Node process (with an inert `vscode` module) and returns the ms it took. */
function requireMs(file: string): number {
  const script = `
    const Module = require('node:module');
    // Whatever the bundle touches at load time (classes, constants) exists and does nothing.
    const inert = new Proxy(function () {}, {
      get: (_t, key) => (key === 'prototype' ? Object.prototype : typeof key === 'symbol' ? undefined : inert),
      apply: () => inert,
      construct: () => inert,
    });
    const vscode = Object.create(new Proxy({}, { get: (_t, key) => (typeof key === 'symbol' ? undefined : inert) }));
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
    };
    require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };
    const t0 = performance.now();
    require(${JSON.stringify(file)});
    process.stdout.write(String(performance.now() - t0));`;
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

async function bundles() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flora-bench-startup-'));
  try {
    const split = path.join(dir, 'split');
    const single = path.join(dir, 'single');
    await esbuild.build(extensionBuild({ production: true, outdir: split }));
    await esbuild.build(extensionBuild({ production: true, outdir: single, lazy: false }));
    const empty = path.join(dir, 'empty.js');
    fs.writeFileSync(empty, '');
    const files = {
      split: path.join(split, 'extension.js'),
      single: path.join(single, 'extension.js'),
      empty,
    };
    const times: Record<keyof typeof files, number[]> = { split: [], single: [], empty: [] };
    for (let i = 0; i < ROUNDS; i++) {
      for (const k of Object.keys(files) as Array<keyof typeof files>) times[k].push(requireMs(files[k]));
    }
    return {
      bytes: {
        activation: fs.statSync(files.split).size,
        net: fs.statSync(path.join(split, 'net.js')).size,
        single: fs.statSync(files.single).size,
      },
      requireMs: {
        activation: median(times.split),
        single: median(times.single),
        empty: median(times.empty),
      },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function host(): Promise<{ activateMs: number; firstRowsMs: number; firstGenerationRowsMs: number }> {
  // The host loads dist/: build it as shipped (production), with the host-side script beside it.
  execFileSync(process.execPath, [path.join(repoRoot, 'esbuild.js'), '--production'], { cwd: repoRoot });
  const outDir = path.join(repoRoot, 'out', 'bench');
  await esbuild.build({
    entryPoints: { startupHost: path.join(repoRoot, 'bench', 'startupHost.ts') },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: outDir,
    external: ['vscode'],
    logLevel: 'warning',
  });
  await prepareHost();
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'flora-bench-host-')), 'result.json');
  const fake = await startFake('test');
  const workbench = await launchWorkbench({
    label: 'flora-bench',
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: path.join(outDir, 'startupHost.js'),
    env: { ...fakeEnv(fake), FLORA_BENCH_RESULT: resultFile },
  });
  try {
    const code = await workbench.automationExit;
    if (code !== 0) throw new Error(`the host-side benchmark failed (exit ${code})`);
    return JSON.parse(fs.readFileSync(resultFile, 'utf8')) as {
      activateMs: number;
      firstRowsMs: number;
      firstGenerationRowsMs: number;
    };
  } finally {
    await workbench.close();
    await fake.close();
    fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
    // Leave dist/ as `npm run build` makes it (the runners rebuild it anyway).
    execFileSync(process.execPath, [path.join(repoRoot, 'esbuild.js')], { cwd: repoRoot });
  }
}

async function main(): Promise<void> {
  const b = await bundles();
  const h = await host();
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const rows = [
    [
      'activation bundle (dist/extension.js)',
      kb(b.bytes.activation),
      `${kb(b.bytes.single)} as one bundle`,
      `${(b.bytes.single / b.bytes.activation).toFixed(1)}× smaller`,
    ],
    [
      'require() of it, fresh process',
      ms(b.requireMs.activation),
      `${ms(b.requireMs.single)} as one bundle; empty module ${ms(b.requireMs.empty)}`,
      `${(b.requireMs.single / b.requireMs.activation).toFixed(1)}× faster`,
    ],
    ['activate() in the extension host', ms(h.activateMs), '', ''],
    ['view opened → workspace rows (fake server)', ms(h.firstRowsMs), '', ''],
    ['view opened → first generation rows', ms(h.firstGenerationRowsMs), '', ''],
  ];
  const markdown = table(['what', 'this build', 'baseline (same run)', 'ratio'], rows);
  console.log(markdown);
  console.log(`(dist/net.js, loaded at the first request: ${kb(b.bytes.net)})`);
  record('startup', { ...b, host: h }, markdown);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
