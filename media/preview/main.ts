/**
 * The script of the FLORA preview and gallery webviews (bundled to dist/media/preview.js).
 *
 * Safety: every string that came from the API is put into the page with `textContent` or as a
 * property (`src` of a media element, only for http(s) URLs); nothing is ever parsed as HTML.
 * The extension validates every message this script sends; this script only renders.
 */
import * as l10n from '@vscode/l10n';
import type {
  DetailRow,
  GalleryView,
  GenerationView,
  HostMessage,
  OutputView,
  PanelState,
  WebviewMessage,
} from '../../src/ui/preview/messages';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
// The extension puts VS Code's translations for the display language into the page (none for English).
if (document.body.dataset.l10n) l10n.config({ contents: document.body.dataset.l10n });
const app = document.getElementById('app') as HTMLElement;
const mode: 'preview' | 'gallery' = document.body.dataset.view === 'gallery' ? 'gallery' : 'preview';

let state: PanelState = initialState();

function initialState(): PanelState {
  const saved = vscode.getState();
  if (mode === 'preview') {
    const generationId = document.body.dataset.generationId ?? '';
    return saved?.view === 'preview' && saved.generationId === generationId
      ? saved
      : { view: 'preview', generationId };
  }
  const projectId = document.body.dataset.projectId ?? '';
  return saved?.view === 'gallery' && saved.projectId === projectId ? saved : { view: 'gallery', projectId };
}

function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

// ------------------------------------------------------------------ DOM helpers (text only)

type Attrs = Record<string, string | number | boolean | undefined>;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: { className?: string; text?: string; attrs?: Attrs } = {},
  children: Array<Node | undefined | false> = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child) node.appendChild(child);
  return node;
}

function button(
  text: string,
  action: string,
  data: Record<string, string> = {},
  options: { secondary?: boolean; title?: string; disabled?: boolean } = {},
): HTMLButtonElement {
  const b = el('button', {
    className: options.secondary ? 'secondary' : undefined,
    text,
    attrs: { type: 'button', title: options.title, disabled: options.disabled },
  });
  b.dataset.action = action;
  for (const [k, v] of Object.entries(data)) b.dataset[k] = v;
  return b;
}

/** Only http(s) URLs become a media `src` (the extension already filtered; this is a second lock). */
function isWebUrl(value: string | undefined): value is string {
  if (!value) return false;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Replaces `parent`'s children with `wanted`, moving as little as possible (playing media keep playing). */
function reconcile(parent: Element, wanted: Node[]): void {
  const current = Array.from(parent.childNodes);
  if (current.length === wanted.length && current.every((n, i) => n === wanted[i])) return;
  for (const n of current) if (!wanted.includes(n)) n.remove();
  wanted.forEach((n, i) => {
    if (parent.childNodes[i] !== n) parent.insertBefore(n, parent.childNodes[i] ?? null);
  });
}

/** Elements keyed by id and a signature of their data: unchanged items keep their DOM node. */
class KeyedCache {
  private items = new Map<string, { signature: string; node: HTMLElement }>();

  get(key: string, data: unknown, build: () => HTMLElement): HTMLElement {
    const signature = JSON.stringify(data);
    const known = this.items.get(key);
    if (known && known.signature === signature) return known.node;
    const node = build();
    this.items.set(key, { signature, node });
    return node;
  }

  retain(keys: Set<string>): void {
    for (const k of this.items.keys()) if (!keys.has(k)) this.items.delete(k);
  }
}

// ------------------------------------------------------------------ outputs

function mediaFailed(container: HTMLElement, output: OutputView): void {
  container.classList.add('broken');
  container.querySelector('.media-error')?.remove();
  container.prepend(
    el('p', {
      className: 'media-error',
      text: output.host
        ? l10n.t(
            'Could not load this {0} from {1}. Try Open in Browser.',
            output.label.toLowerCase(),
            output.host,
          )
        : l10n.t('Could not load this {0} from its host. Try Open in Browser.', output.label.toLowerCase()),
    }),
  );
}

function outputActions(generationId: string, output: OutputView, compact = false): HTMLElement {
  const ids = { generationId, outputId: output.id };
  const buttons: HTMLButtonElement[] = [];
  if (output.kind === 'text') {
    buttons.push(button(l10n.t('Copy'), 'copy', ids, { title: l10n.t('Copy the text') }));
  } else if (output.src) {
    buttons.push(button(l10n.t('Open in Browser'), 'open', ids, { secondary: compact }));
  }
  if (output.canSave)
    buttons.push(
      button(l10n.t('Save…'), 'save', ids, { secondary: true, title: l10n.t('Save into the workspace') }),
    );
  if (output.src && !compact) buttons.push(button(l10n.t('Copy URL'), 'copy', ids, { secondary: true }));
  return el('div', { className: 'actions' }, buttons);
}

function outputBody(output: OutputView, title: string, thumbnail: boolean): HTMLElement {
  const box = el('div', { className: `media media-${output.kind}` });
  if (
    (output.kind === 'image' || output.kind === 'video' || output.kind === 'audio') &&
    isWebUrl(output.src)
  ) {
    let media: HTMLImageElement | HTMLVideoElement | HTMLAudioElement;
    if (output.kind === 'image') {
      const img = el('img', {
        attrs: { alt: l10n.t('{0} from {1}', output.label, title), loading: 'lazy', decoding: 'async' },
      });
      img.src = output.src;
      media = img;
    } else if (output.kind === 'video') {
      const video = el('video', { attrs: { controls: true, preload: 'metadata', playsinline: true } });
      video.muted = thumbnail;
      video.src = output.src;
      media = video;
    } else {
      const audio = el('audio', { attrs: { controls: true, preload: thumbnail ? 'none' : 'metadata' } });
      audio.src = output.src;
      media = audio;
    }
    media.addEventListener('error', () => mediaFailed(box, output));
    box.appendChild(media);
    return box;
  }
  if (output.kind === 'text') {
    box.appendChild(el('pre', { className: thumbnail ? 'text clipped' : 'text', text: output.text ?? '' }));
    return box;
  }
  if (output.kind === 'document' && output.src) {
    box.appendChild(
      el('div', { className: 'document' }, [
        // l10n-ignore: an icon, hidden from screen readers
        el('span', { className: 'doc-icon', text: 'DOC', attrs: { 'aria-hidden': 'true' } }),
        el('div', {}, [
          el('div', { className: 'doc-name', text: output.fileName ?? output.label }),
          el('div', { className: 'muted', text: output.host ?? '' }),
        ]),
      ]),
    );
    return box;
  }
  // Unknown type, or a value that is not a web link: say what it is, as text.
  box.appendChild(
    el('div', { className: 'unknown' }, [
      el('div', { text: l10n.t('{0} of type “{1}”', output.label, output.rawType) }),
      output.raw !== undefined
        ? el('code', { className: 'raw', text: output.raw })
        : el('div', { className: 'muted', text: output.host ?? '' }),
    ]),
  );
  return box;
}

function outputCard(generationId: string, output: OutputView, title: string): HTMLElement {
  return el('figure', { className: `output output-${output.kind}`, attrs: { 'data-output-id': output.id } }, [
    outputBody(output, title, false),
    el('figcaption', {}, [
      el('span', { className: 'output-label', text: output.label }),
      output.host ? el('span', { className: 'muted', text: ` · ${output.host}` }) : undefined,
      outputActions(generationId, output),
    ]),
  ]);
}

// ------------------------------------------------------------------ generation preview

const outputCache = new KeyedCache();

function statusBadge(view: GenerationView): HTMLElement {
  return el('span', { className: `badge status-${view.status}`, text: view.statusLabel });
}

function progressBar(view: GenerationView): HTMLElement {
  const bar = el('progress', { attrs: { max: 100, 'aria-label': l10n.t('Progress') } });
  if (view.status === 'running') bar.value = view.progress;
  else bar.removeAttribute('value'); // pending: indeterminate
  return el('div', { className: 'progress' }, [
    bar,
    el('span', {
      className: 'muted',
      text: view.status === 'running' ? `${Math.round(view.progress)}%` : l10n.t('Queued'),
    }),
  ]);
}

function errorBox(error: NonNullable<GenerationView['error']>): HTMLElement {
  return el('div', { className: 'error', attrs: { role: 'alert' } }, [
    el('strong', { text: l10n.t('Error: ') }),
    el('span', { className: 'error-message', text: error.message }),
    error.code ? el('code', { className: 'error-code', text: error.code }) : undefined,
  ]);
}

function detailsList(rows: DetailRow[]): HTMLElement {
  const dl = el('dl', { className: 'details' });
  for (const row of rows) {
    dl.appendChild(el('dt', { text: row.label }));
    dl.appendChild(
      el('dd', { className: row.mono ? 'mono' : undefined, text: row.value, attrs: { title: row.hint } }),
    );
  }
  return dl;
}

/** `notice`: a line above the details (the webview's own, e.g. when a run is missing). */
function renderGeneration(view: GenerationView, notice?: string): void {
  const header = el('header', { className: 'header' }, [
    el('div', { className: 'title-row' }, [el('h1', { text: view.title }), statusBadge(view)]),
    el('p', { className: 'muted summary', text: view.summary }),
    el('div', { className: 'toolbar' }, [button(l10n.t('Refresh'), 'refresh', {}, { secondary: true })]),
  ]);

  const keys = new Set<string>();
  const cards = view.outputs.map((o) => {
    keys.add(o.id);
    return outputCache.get(o.id, { o, t: view.title, g: view.id }, () => outputCard(view.id, o, view.title));
  });
  outputCache.retain(keys);
  let outputs = app.querySelector<HTMLElement>('section.outputs');
  if (!outputs) outputs = el('section', { className: 'outputs', attrs: { 'aria-label': l10n.t('Outputs') } });
  reconcile(outputs, cards);

  const parts: Array<HTMLElement | undefined> = [
    header,
    notice ? el('p', { className: 'notice', text: notice, attrs: { role: 'status' } }) : undefined,
    view.active ? progressBar(view) : undefined,
    view.error ? errorBox(view.error) : undefined,
    view.outputs.length === 0
      ? el('p', {
          className: 'muted empty',
          text: view.active
            ? l10n.t('The outputs appear here when the run completes.')
            : view.status === 'failed'
              ? l10n.t('This run produced no outputs.')
              : l10n.t('This run has no outputs.'),
        })
      : undefined,
    outputs,
    el('h2', { text: l10n.t('Details') }),
    detailsList(view.details),
  ];
  reconcile(
    app,
    parts.filter((p): p is HTMLElement => !!p),
  );
}

function renderMissing(message: string): void {
  const last = state.last;
  if (last?.type === 'generation') {
    renderGeneration(last.view, message);
    return;
  }
  reconcile(app, [el('p', { className: 'notice', text: message, attrs: { role: 'status' } })]);
}

// ------------------------------------------------------------------ gallery

const cardCache = new KeyedCache();

function galleryThumb(view: GenerationView): HTMLElement {
  const visual =
    view.outputs.find((o) => o.kind === 'image' || o.kind === 'video') ??
    view.outputs.find((o) => o.kind === 'audio') ??
    view.outputs[0];
  if (visual) return outputBody(visual, view.title, true);
  if (view.active) return el('div', { className: 'media media-placeholder' }, [progressBar(view)]);
  if (view.error) {
    return el('div', { className: 'media media-placeholder' }, [
      el('p', { className: 'error-message clipped-text', text: view.error.message }),
    ]);
  }
  return el('div', { className: 'media media-placeholder' }, [
    el('p', { className: 'muted', text: l10n.t('No outputs') }),
  ]);
}

function galleryCard(view: GenerationView): HTMLElement {
  const more = view.outputs.length > 1 ? l10n.t('+{0} more', view.outputs.length - 1) : '';
  const card = el(
    'li',
    {
      className: `card status-${view.status}`,
      attrs: {
        tabindex: -1,
        'aria-label': l10n.t(
          '{0}, {1}, {2}. Press Enter to open.',
          view.title,
          view.statusLabel,
          view.summary,
        ),
      },
    },
    [
      galleryThumb(view),
      el('div', { className: 'card-meta' }, [
        el('div', { className: 'title-row' }, [
          el('span', { className: 'card-title', text: view.title }),
          statusBadge(view),
        ]),
        el('div', { className: 'muted', text: [view.summary, more].filter(Boolean).join(' · ') }),
      ]),
    ],
  );
  card.dataset.generationId = view.id;
  return card;
}

function cards(): HTMLElement[] {
  return Array.from(app.querySelectorAll<HTMLElement>('li.card'));
}

function setFocusable(target: HTMLElement | undefined, focus: boolean): void {
  const all = cards();
  const chosen =
    target ??
    all.find((c) => c.dataset.generationId === (state.view === 'gallery' ? state.focused : '')) ??
    all[0];
  for (const c of all) c.tabIndex = c === chosen ? 0 : -1;
  if (chosen && focus) {
    chosen.focus();
    chosen.scrollIntoView({ block: 'nearest' });
  }
  if (chosen && state.view === 'gallery' && state.focused !== chosen.dataset.generationId) {
    state = { ...state, focused: chosen.dataset.generationId };
    vscode.setState(state);
  }
}

function renderGallery(view: GalleryView): void {
  const header = el('header', { className: 'header' }, [
    el('div', { className: 'title-row' }, [el('h1', { text: view.title })]),
    el('p', { className: 'muted summary', text: view.countLabel }),
    el('div', { className: 'toolbar' }, [button(l10n.t('Refresh'), 'refresh', {}, { secondary: true })]),
  ]);
  const keys = new Set<string>();
  const items = view.items.map((g) => {
    keys.add(g.id);
    return cardCache.get(g.id, g, () => galleryCard(g));
  });
  cardCache.retain(keys);
  let grid = app.querySelector<HTMLElement>('ul.grid');
  if (!grid) {
    grid = el('ul', { className: 'grid', attrs: { 'aria-label': l10n.t('Generations, newest first') } });
    grid.addEventListener('keydown', onGridKey);
    grid.addEventListener('click', onGridClick);
    grid.addEventListener('focusin', (e) => {
      const card = (e.target as HTMLElement).closest<HTMLElement>('li.card');
      if (card) setFocusable(card, false);
    });
  }
  const hadFocus = grid.contains(document.activeElement);
  reconcile(grid, items);

  const footer: HTMLElement[] = [];
  if (view.hasMore) {
    footer.push(
      button(
        view.loading ? l10n.t('Loading…') : l10n.t('Load more'),
        'loadMore',
        {},
        { disabled: view.loading, title: l10n.t('Load the next page') },
      ),
    );
  } else if (view.loading) {
    footer.push(el('p', { className: 'muted', text: l10n.t('Loading…') }));
  }
  const parts: Array<HTMLElement | undefined> = [
    header,
    view.error ? el('p', { className: 'error', text: view.error, attrs: { role: 'alert' } }) : undefined,
    view.items.length === 0 && !view.loading
      ? el('p', { className: 'muted empty', text: l10n.t('No generations in this project yet.') })
      : undefined,
    grid,
    el('div', { className: 'more' }, footer),
  ];
  reconcile(
    app,
    parts.filter((p): p is HTMLElement => !!p),
  );
  setFocusable(undefined, hadFocus && !grid.contains(document.activeElement));
}

function columns(all: HTMLElement[]): number {
  if (all.length === 0) return 1;
  const top = all[0].offsetTop;
  const n = all.findIndex((c) => c.offsetTop !== top);
  return n === -1 ? all.length : Math.max(1, n);
}

function onGridKey(event: KeyboardEvent): void {
  const card = event.target as HTMLElement;
  // Keys inside a player (seek, volume) belong to the player.
  if (!card.matches('li.card')) return;
  const all = cards();
  const i = all.indexOf(card);
  if (i < 0) return;
  const cols = columns(all);
  const moves: Record<string, number> = {
    ArrowRight: i + 1,
    ArrowLeft: i - 1,
    ArrowDown: i + cols,
    ArrowUp: i - cols,
    Home: 0,
    End: all.length - 1,
  };
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    openCard(card);
    return;
  }
  if (!(event.key in moves)) return;
  event.preventDefault();
  const next = all[Math.min(all.length - 1, Math.max(0, moves[event.key]))];
  if (next) setFocusable(next, true);
}

function onGridClick(event: MouseEvent): void {
  const target = event.target as HTMLElement;
  // Using a player or a button in a card is not a request to open the card.
  if (target.closest('video, audio, button')) return;
  const card = target.closest<HTMLElement>('li.card');
  if (card) openCard(card);
}

function openCard(card: HTMLElement): void {
  const generationId = card.dataset.generationId;
  if (generationId) post({ type: 'preview', generationId });
}

// ------------------------------------------------------------------ wiring

app.addEventListener('click', (event) => {
  const b = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]');
  if (!b || b.disabled) return;
  const { action, generationId, outputId } = b.dataset;
  if (action === 'refresh' || action === 'loadMore') post({ type: action });
  else if ((action === 'open' || action === 'save' || action === 'copy') && generationId && outputId) {
    post({ type: action, generationId, outputId });
  }
});

function render(message: HostMessage, restored = false): void {
  switch (message.type) {
    case 'generation':
      if (mode !== 'preview') return;
      renderGeneration(message.view);
      if (!restored)
        state = {
          view: 'preview',
          generationId: message.view.id,
          projectId: message.view.projectId,
          title: message.view.title,
          last: message,
        };
      break;
    case 'missing':
      if (mode !== 'preview') return;
      renderMissing(message.message);
      break;
    case 'gallery':
      if (mode !== 'gallery') return;
      renderGallery(message.view);
      if (!restored && state.view === 'gallery')
        state = { ...state, title: message.view.title, last: message };
      break;
  }
  app.setAttribute('aria-busy', 'false');
  if (!restored) {
    vscode.setState(state);
    post({ type: 'rendered', revision: message.revision });
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  // The webview host frame relays the extension's messages from the page's own origin; a message
  // from any other origin (there should be none: the CSP allows no frames) is not ours.
  if (event.origin !== window.origin) return;
  const data = event.data as Partial<HostMessage> | null;
  if (!data || typeof data !== 'object' || typeof data.type !== 'string' || typeof data.revision !== 'number')
    return;
  render(data as HostMessage);
});

// Show what was on screen before (a reload, or the tab coming back) at once, then ask for fresh data.
vscode.setState(state);
if (state.last) render(state.last, true);
post({ type: 'ready' });
