/**
 * Tree nodes: one class per kind, each with a stable id built from FLORA ids (never labels), so
 * expansion and selection survive refreshes. Nodes hold ids only; data is read from the store.
 */
import type { MessageKind } from '../model/rows';

export type { MessageKind };

export class WorkspaceNode {
  readonly kind = 'workspace';
  constructor(readonly workspaceId: string) {}
  get id(): string {
    return `ws:${this.workspaceId}`;
  }
}

export class ProjectNode {
  readonly kind = 'project';
  constructor(
    readonly projectId: string,
    readonly workspaceId: string,
  ) {}
  get id(): string {
    return `prj:${this.projectId}`;
  }
}

export class GenerationNode {
  readonly kind = 'generation';
  /** Built once: a project's re-read looks every row's id up several times (thousands of rows). */
  readonly id: string;
  constructor(
    readonly generationId: string,
    readonly projectId: string,
    readonly workspaceId: string,
  ) {
    this.id = `gen:${generationId}`;
  }
}

export class OutputNode {
  readonly kind = 'output';
  constructor(
    readonly generationId: string,
    readonly outputId: string,
    readonly parent: GenerationNode,
  ) {}
  get id(): string {
    return `out:${this.generationId}:${this.outputId}`;
  }
}

/** "Load more…" under a workspace (projects) or a project (generations). */
export class LoadMoreNode {
  readonly kind = 'loadMore';
  constructor(readonly parent: WorkspaceNode | ProjectNode) {}
  get id(): string {
    return `more:${this.parent.id}`;
  }
}

export class MessageNode {
  readonly kind = 'message';
  constructor(
    readonly parent: WorkspaceNode | ProjectNode | undefined,
    readonly messageKind: MessageKind,
    readonly label: string,
    readonly detail: string,
    /** Run without arguments: a row's command arguments do not survive VS Code's refreshes. */
    readonly action?: { command: string; title: string },
  ) {}
  get id(): string {
    return `msg:${this.parent?.id ?? 'root'}:${this.messageKind}`;
  }
}

export type FloraNode =
  WorkspaceNode | ProjectNode | GenerationNode | OutputNode | LoadMoreNode | MessageNode;
