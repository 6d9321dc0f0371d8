// Localisation works for real outside the vscode API: with a (made-up, partial) German bundle
// loaded into @vscode/l10n, as extension.ts does with VS Code's bundle, the model's words, the
// api layer's error messages and the preview's view models come out in German; every key used is
// one the real l10n/bundle.l10n.json holds, so the bundle a translator gets is the one the code asks.
import * as l10n from '@vscode/l10n';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { validateBaseUrl } from '../../src/api/validate';
import { ConfigurationError } from '../../src/api/errors';
import type { Generation } from '../../src/api/types';
import { finishNotice, relativeTime } from '../../src/model/format';
import { STATUS_LABELS } from '../../src/model/presentation';
import { userFacingError } from '../../src/ui/errorView';
import { buildShellHtml } from '../../src/ui/preview/html';
import { galleryView, generationView } from '../../src/ui/preview/view';

const GERMAN: Record<string, string> = {
  'just now': 'gerade eben',
  '{0}m ago': 'vor {0} Min.',
  Failed: 'Fehlgeschlagen',
  'FLORA: {0} in {1}': 'FLORA: {0} in {1}',
  '{0} failed: {1}': '{0} ist fehlgeschlagen: {1}',
  'flora.apiBaseUrl must be an https URL, not {0}.': 'flora.apiBaseUrl muss eine https-URL sein, nicht {0}.',
  'The FLORA settings are not usable': 'Die FLORA-Einstellungen sind nicht verwendbar',
  'Open Settings': 'Einstellungen öffnen',
  Status: 'Status',
  Model: 'Modell',
  'The run failed; FLORA gave no reason.': 'Der Lauf ist fehlgeschlagen; FLORA nannte keinen Grund.',
  '{0} generations': '{0} Generierungen',
  'Loading…': 'Wird geladen…',
};

const NOW = Date.UTC(2026, 6, 15, 12, 0, 0);
const failed: Generation = {
  id: 'run_1',
  runId: 'run_1',
  workspaceId: 'ws_1',
  projectId: 'prj_1',
  modelId: 'flux-pro',
  status: 'failed',
  rawStatus: 'failed',
  progress: 0,
  createdAt: NOW - 3 * 60_000,
  outputs: [],
};
const ctx = { modelName: () => 'Flux Pro', projectName: () => 'Launch', now: NOW };

describe('translations through @vscode/l10n (api, model, preview view models)', () => {
  before(() => l10n.config({ contents: GERMAN }));
  // Back to no bundle (English) for whatever runs after in this process.
  after(() => l10n.config({ contents: {} }));

  it('every translated key is one the generated bundle holds', () => {
    const bundle = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', '..', 'l10n', 'bundle.l10n.json'), 'utf8'),
    ) as Record<string, unknown>;
    assert.deepEqual(
      Object.keys(GERMAN).filter((k) => !(k in bundle)),
      [],
    );
  });

  it('times, status words and notifications of the model layer', () => {
    assert.equal(relativeTime(NOW - 10_000, NOW), 'gerade eben');
    assert.equal(relativeTime(NOW - 5 * 60_000, NOW), 'vor 5 Min.');
    assert.equal(STATUS_LABELS.failed, 'Fehlgeschlagen');
    assert.deepEqual(
      finishNotice({ ...failed, errorMessage: 'NSFW' }, { model: 'Flux Pro', project: 'Launch' }, 'failed'),
      { text: 'FLORA: Flux Pro in Launch ist fehlgeschlagen: NSFW', warning: true },
    );
  });

  it('an error of the api layer and what the tree makes of it', () => {
    const error = (() => {
      try {
        validateBaseUrl('ftp://flora.example');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(error instanceof ConfigurationError);
    assert.equal(error.message, 'flora.apiBaseUrl muss eine https-URL sein, nicht ftp:.');
    const shown = userFacingError(error);
    assert.equal(shown.title, 'Die FLORA-Einstellungen sind nicht verwendbar');
    assert.deepEqual(shown.action, { command: 'flora.openSettings', title: 'Einstellungen öffnen' });
  });

  it('the preview: details, error and gallery count; the shell’s placeholder', () => {
    const v = generationView(failed, ctx);
    assert.equal(v.statusLabel, 'Fehlgeschlagen');
    assert.deepEqual(
      v.details.slice(0, 2).map((d) => d.label),
      ['Status', 'Modell'],
    );
    assert.equal(v.error?.message, 'Der Lauf ist fehlgeschlagen; FLORA nannte keinen Grund.');
    const g = galleryView(
      {
        projectId: 'prj_1',
        generations: [failed, { ...failed, id: 'run_2' }],
        hasMore: false,
        loading: false,
      },
      ctx,
    );
    assert.equal(g.countLabel, '2 Generierungen');
    const html = buildShellHtml({
      view: 'preview',
      title: 't',
      cspSource: 'vscode-webview:',
      nonce: 'n',
      allowLoopbackMedia: false,
      scriptUri: 's',
      styleUri: 'c',
      data: {},
    });
    assert.match(html, /<p class="placeholder">Wird geladen…<\/p>/);
  });

  it('a string the bundle does not translate stays English, with its arguments filled in', () => {
    assert.equal(relativeTime(NOW - 3 * 3_600_000, NOW), '3h ago');
  });
});
