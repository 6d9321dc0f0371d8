// Public entry point of the fake FLORA server used by unit, integration and UI tests.
export { FakeFlora, DEFAULT_API_KEY } from './server';
export { DEFAULT_SEED, DEFAULT_START_TIME, DEFAULT_TEST_DATASET } from './dataset';
export {
  DEMO_FUTURE_COUNT,
  DEMO_FUTURE_INTERVAL_MS,
  DEMO_HISTORY_SIZE,
  DEMO_TECHNIQUE_RUNS,
} from './demoDataset';
export { MODEL_CATALOG, RETIRED_MODEL_IDS } from './models';
export { HOSTILE_TEXT } from './content';
export { decodeCursor, encodeCursor } from './api';
export { generatePdf, generatePng, generateWav, parseRange } from './media';
export type { ArmedFault } from './faults';
export {
  GENERATION_STATUSES,
  MODEL_TYPES,
  OUTPUT_TYPES,
  ROUTE_NAMES,
  type AddGenerationInput,
  type AddProjectInput,
  type AuthState,
  type DatasetOptions,
  type ErrorEnvelope,
  type ErrorField,
  type FakeFloraOptions,
  type Fault,
  type FaultKind,
  type FormatOptions,
  type Generation,
  type GenerationFilter,
  type GenerationStatus,
  type IdempotencyStyle,
  type TechniqueRun,
  type InjectOptions,
  type LastCursorStyle,
  type Model,
  type ModelParam,
  type ModelType,
  type Output,
  type OutputType,
  type ProgressScale,
  type Project,
  type RequestLogEntry,
  type RouteName,
  type RunDetail,
  type RuntimeOptions,
  type StartGenerationsOptions,
  type TimeUnit,
  type Workspace,
} from './types';
