/**
 * What the store keeps across restarts, so the tree shows last session's data at once: ids,
 * names, states and output URLs, never a secret. Bounded by a number of generations; restored
 * lists are stale until a refresh confirms them.
 */
import type { Generation, Model, Project, Workspace } from '../api/types';
import type { Entities, Filter } from './entities';
import type { ListState, PagedList, SavedList } from './pagedList';

export interface StoreSnapshot {
  version: 1;
  filter: Filter;
  workspaces: Workspace[];
  projects: Project[];
  generations: Generation[];
  models: Model[];
  projectLists: Array<[string, SavedList]>;
  generationLists: Array<[string, SavedList]>;
  /** Projects' technique-run lists (their items are in `generations`, `technique` set); absent in older snapshots. */
  techniqueLists?: Array<[string, SavedList]>;
}

/** The store's parts a snapshot reads and a restore fills. */
export interface SnapshotParts {
  filter: Filter;
  entities: Entities;
  workspaceIds: readonly string[];
  projectLists: ReadonlyMap<string, PagedList<Project>>;
  generationLists: ReadonlyMap<string, PagedList<Generation>>;
  techniqueLists: ReadonlyMap<string, PagedList<Generation>>;
}

/**
 * The loaded state; projects' lists (generations and technique runs, a project's two together)
 * are kept in the order they were loaded until `maxGenerations` items are in.
 */
export function takeSnapshot(parts: SnapshotParts, maxGenerations: number): StoreSnapshot {
  const { entities } = parts;
  const generationLists: Array<[string, SavedList]> = [];
  const techniqueLists: Array<[string, SavedList]> = [];
  const generations: Generation[] = [];
  for (const [projectId, list] of parts.generationLists) {
    const runs = parts.techniqueLists.get(projectId);
    const kept = [list, runs].filter((l): l is PagedList<Generation> => !!l?.state.loaded);
    if (!kept.length) continue;
    const count = kept.reduce((n, l) => n + l.ids.length, 0);
    if (generations.length + count > maxGenerations) break;
    if (list.state.loaded) generationLists.push([projectId, list.save()]);
    if (runs?.state.loaded) techniqueLists.push([projectId, runs.save()]);
    for (const l of kept) generations.push(...entities.generationsOf(l.ids));
  }
  const projectLists: Array<[string, SavedList]> = [];
  for (const [id, list] of parts.projectLists) if (list.state.loaded) projectLists.push([id, list.save()]);
  return {
    version: 1,
    filter: parts.filter,
    workspaces: parts.workspaceIds
      .map((id) => entities.workspaces.get(id))
      .filter((w): w is Workspace => !!w),
    projects: [...entities.projects.values()],
    generations,
    models: [...entities.models.values()],
    projectLists,
    generationLists,
    techniqueLists,
  };
}

/**
 * Puts a snapshot into the entity maps and lists (`projectList`/`generationList` give the list of
 * an id, made if needed) and returns the workspace list to show; undefined, and nothing changed,
 * when it was taken under another status filter or is of another version.
 */
export function restoreSnapshot(
  snapshot: StoreSnapshot,
  into: {
    filter: Filter;
    entities: Entities;
    projectList(workspaceId: string): PagedList<Project>;
    generationList(projectId: string): PagedList<Generation>;
    techniqueList(projectId: string): PagedList<Generation>;
  },
): ListState | undefined {
  if (snapshot.version !== 1) return undefined;
  if ((snapshot.filter.status ?? null) !== (into.filter.status ?? null)) return undefined;
  const { entities } = into;
  for (const w of snapshot.workspaces) entities.workspaces.set(w.id, w);
  for (const p of snapshot.projects) entities.projects.set(p.id, p);
  for (const g of snapshot.generations) entities.generations.set(g.id, g);
  for (const m of snapshot.models) entities.models.set(m.id, m);
  for (const [id, l] of snapshot.projectLists) into.projectList(id).restore(l);
  for (const [id, l] of snapshot.generationLists) into.generationList(id).restore(l);
  for (const [id, l] of snapshot.techniqueLists ?? []) into.techniqueList(id).restore(l);
  return {
    ids: snapshot.workspaces.map((w) => w.id),
    pagesLoaded: 1,
    loaded: true,
    loading: false,
    stale: true,
    skipped: 0,
  };
}
