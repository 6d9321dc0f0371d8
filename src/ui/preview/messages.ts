/**
 * What the preview webviews and the extension say to each other, shared by both sides: the
 * extension imports the schemas to validate what arrives from a webview; the webview script
 * imports only the types (so zod stays out of its bundle). No `vscode` import here.
 */
import * as z from 'zod/mini';
import type { GenerationStatus, OutputKind } from '../../api/types';

export const PREVIEW_VIEW_TYPE = 'flora.preview';
export const GALLERY_VIEW_TYPE = 'flora.gallery';

// ------------------------------------------------------------------ extension → webview

/** One output as the webview shows it. Every string is API data: the webview sets it as text only. */
export interface OutputView {
  id: string;
  kind: OutputKind;
  /** "Image", "Image 2", "Text"… */
  label: string;
  /** The output's http(s) URL; absent for text outputs and for values that are not web links. */
  src?: string;
  /** The generated text (text outputs only). */
  text?: string;
  /** What FLORA sent when it is neither text nor a web link (shown as text, never used as a URL). */
  raw?: string;
  /** The type string exactly as FLORA sent it. */
  rawType: string;
  /** Host name of `src`, to say where a document lives. */
  host?: string;
  /** A readable name: the URL's file name for documents. */
  fileName?: string;
  /** Whether "Save…" can work (text, or an http(s) URL). */
  canSave: boolean;
}

export interface DetailRow {
  label: string;
  value: string;
  /** Shown on hover (e.g. the absolute time behind a relative one). */
  hint?: string;
  /** Ids are shown monospaced and selectable. */
  mono?: boolean;
}

export interface GenerationView {
  id: string;
  runId: string;
  projectId: string;
  /** Model display name, or "Generation". */
  title: string;
  status: GenerationStatus;
  statusLabel: string;
  /** Pending or running: the view shows a progress bar and waits for outputs. */
  active: boolean;
  /** 0–100. */
  progress: number;
  /** "5m ago · $0.04 · 42 s". */
  summary: string;
  details: DetailRow[];
  error?: { message: string; code?: string };
  outputs: OutputView[];
}

export interface GalleryView {
  projectId: string;
  title: string;
  /** Newest first. */
  items: GenerationView[];
  hasMore: boolean;
  loading: boolean;
  /** "12 of about 40 generations". */
  countLabel: string;
  /** Set when the last load failed. */
  error?: string;
}

export type HostMessage =
  | { type: 'generation'; revision: number; view: GenerationView }
  | { type: 'missing'; revision: number; generationId: string; message: string }
  | { type: 'gallery'; revision: number; view: GalleryView };

/** What a webview keeps with `setState` (VS Code hands it to the serializer after a reload). */
export type PanelState =
  | { view: 'preview'; generationId: string; projectId?: string; title?: string; last?: HostMessage }
  | { view: 'gallery'; projectId: string; title?: string; last?: HostMessage; focused?: string };

// ------------------------------------------------------------------ webview → extension

const Id = z.string().check(z.minLength(1), z.maxLength(256));

/** Every message a webview may send; anything else is dropped (and logged). */
export const WebviewMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  z.strictObject({ type: z.literal('rendered'), revision: z.number().check(z.int()) }),
  z.strictObject({ type: z.literal('refresh') }),
  z.strictObject({ type: z.literal('loadMore') }),
  z.strictObject({ type: z.literal('preview'), generationId: Id }),
  z.strictObject({ type: z.literal('open'), generationId: Id, outputId: Id }),
  z.strictObject({ type: z.literal('save'), generationId: Id, outputId: Id }),
  z.strictObject({ type: z.literal('copy'), generationId: Id, outputId: Id }),
]);

export type WebviewMessage = z.infer<typeof WebviewMessageSchema>;

/** The part of a saved state the extension relies on (the snapshot in `last` is the webview's own). */
export const PanelStateSchema = z.discriminatedUnion('view', [
  z.object({
    view: z.literal('preview'),
    generationId: Id,
    projectId: z.optional(Id),
    title: z.optional(z.string().check(z.maxLength(200))),
  }),
  z.object({
    view: z.literal('gallery'),
    projectId: Id,
    title: z.optional(z.string().check(z.maxLength(200))),
  }),
]);

export type RestoredState = z.infer<typeof PanelStateSchema>;
