// What activation loads: the production build keeps undici (dist/net.js) and the preview code
// (dist/previews.js) out of dist/extension.js, which loads them with a require() on first use.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import type { BuildOptions, Metafile } from 'esbuild';

const root = path.resolve(__dirname, '..', '..');
const { extensionBuild } = createRequire(__filename)(path.join(root, 'esbuild.js')) as {
  extensionBuild: (o: { production: boolean; outdir: string }) => BuildOptions;
};

describe('activation bundle', () => {
  let dir: string;
  let meta: Metafile;
  const inputsOf = (name: string) => {
    const key = Object.keys(meta.outputs).find((k) => k.endsWith(`/${name}`));
    assert.ok(key, `no ${name} among ${Object.keys(meta.outputs).join(', ')}`);
    return Object.keys(meta.outputs[key].inputs);
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flora-bundle-'));
    meta = (await esbuild.build(extensionBuild({ production: true, outdir: dir }))).metafile!;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('holds neither undici nor the preview panels; they are in net.js and previews.js', () => {
    const main = inputsOf('extension.js');
    assert.deepEqual(
      main.filter(
        (f) =>
          f.includes('node_modules/undici/') ||
          /src\/ui\/preview\/(manager|panels|save|download)\.ts$/.test(f),
      ),
      [],
    );
    assert.ok(inputsOf('net.js').some((f) => f.includes('node_modules/undici/')));
    assert.ok(inputsOf('previews.js').some((f) => f.endsWith('src/ui/preview/manager.ts')));
  });

  it('loads them only inside a function (on first use), never at load time', () => {
    const code = fs.readFileSync(path.join(dir, 'extension.js'), 'utf8');
    const requires = [...code.matchAll(/require\("(\.\/[^"]+)"\)/g)].map((m) => m[1]).sort();
    assert.deepEqual(requires, ['./net.js', './previews.js']);
    // Each sits in a lazily evaluated wrapper: requiring extension.js with a stub vscode and no
    // sibling files present must not fail.
    fs.renameSync(path.join(dir, 'net.js'), path.join(dir, 'net.js.away'));
    fs.renameSync(path.join(dir, 'previews.js'), path.join(dir, 'previews.js.away'));
    const req = createRequire(path.join(dir, 'extension.js'));
    const Module = req('node:module') as { _resolveFilename: (r: string, ...rest: unknown[]) => string };
    const resolve = Module._resolveFilename;
    const inert: unknown = new Proxy(function () {}, {
      get: (_t, key) =>
        key === 'prototype' ? Object.prototype : typeof key === 'symbol' ? undefined : inert,
      apply: () => inert,
      construct: () => inert as object,
    });
    Module._resolveFilename = function (request: string, ...rest: unknown[]) {
      return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
    };
    req.cache.vscode = {
      id: 'vscode',
      filename: 'vscode',
      loaded: true,
      exports: Object.create(
        new Proxy({}, { get: (_t, k) => (typeof k === 'symbol' ? undefined : inert) }),
      ) as object,
    } as NodeJS.Module;
    try {
      const ext = req(path.join(dir, 'extension.js')) as { activate?: unknown };
      assert.equal(typeof ext.activate, 'function');
    } finally {
      Module._resolveFilename = resolve;
      delete req.cache.vscode;
    }
  });
});

describe('translations in every bundle', () => {
  it('each bundle with its own copy of @vscode/l10n hands it VS Code’s translations when it loads', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flora-bundle-l10n-'));
    try {
      const meta = (await esbuild.build(extensionBuild({ production: true, outdir: dir }))).metafile!;
      const carrying = Object.entries(meta.outputs).filter(([, o]) =>
        Object.keys(o.inputs).some((f) => f.includes('node_modules/@vscode/l10n/')),
      );
      assert.ok(carrying.length >= 2, 'extension.js and previews.js both carry @vscode/l10n');
      for (const [file, output] of carrying) {
        assert.ok(
          Object.keys(output.inputs).some((f) => f.endsWith('src/ui/l10n.ts')),
          `${file} carries @vscode/l10n but never configures it: its strings would stay English`,
        );
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
