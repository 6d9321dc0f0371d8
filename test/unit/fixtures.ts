/** Shared test data: a plain completed generation to vary per test. */
import type { Generation } from '../../src/api/types';

/** A fixed moment the sample's times are counted from. */
export const T0 = Date.UTC(2026, 6, 15, 12, 0, 0);

/** A completed generation of one model, 42 s long, $0.04, no outputs; `over` changes any field. */
export function sampleGeneration(over: Partial<Generation> = {}): Generation {
  return {
    id: 'gen_1',
    runId: 'run_1',
    workspaceId: 'ws_1',
    projectId: 'prj_1',
    modelId: 'flux-pro',
    status: 'completed',
    rawStatus: 'completed',
    progress: 100,
    createdAt: T0,
    startedAt: T0 + 1000,
    completedAt: T0 + 43_000,
    cost: 0.04,
    outputs: [],
    ...over,
  };
}
