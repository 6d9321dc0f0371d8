import * as l10n from '@vscode/l10n';
import { ConfigurationError } from './errors';
import {
  FloraClient,
  type FloraApi,
  type FloraClientOptions,
  type GenerateCallOptions,
  type GenerationQuery,
  type ProjectQuery,
  type RunRef,
  type TechniqueRunQuery,
} from './client';
import type { CallOptions } from './http';
import type { GenerateBody } from './schemas';

/**
 * A FloraApi whose client is rebuilt when its settings change (another base URL), so the store
 * and the views keep one reference. An unusable configuration fails every call with the
 * ConfigurationError that explains it, instead of failing activation.
 */
export class SwitchingClient implements FloraApi {
  private current: FloraClient | undefined;
  private problem: ConfigurationError | undefined;

  constructor(private readonly options: () => FloraClientOptions) {
    this.reconfigure();
  }

  reconfigure(): void {
    void this.current?.close();
    this.current = undefined;
    this.problem = undefined;
    try {
      this.current = new FloraClient(this.options());
    } catch (err) {
      this.problem =
        err instanceof ConfigurationError ? err : new ConfigurationError(String(err), { cause: err });
    }
  }

  /** The client for a one-off request with other options (e.g. checking a candidate key). */
  withOptions(overrides: Partial<FloraClientOptions>): FloraClient {
    return new FloraClient({ ...this.options(), ...overrides });
  }

  get origin(): string | undefined {
    return this.current?.origin;
  }

  private client(): Promise<FloraClient> {
    if (this.current) return Promise.resolve(this.current);
    return Promise.reject(
      this.problem ?? new ConfigurationError(l10n.t('The FLORA client is not configured.')),
    );
  }

  async listWorkspaces(o?: CallOptions) {
    return (await this.client()).listWorkspaces(o);
  }
  async listProjects(q: ProjectQuery, o?: CallOptions) {
    return (await this.client()).listProjects(q, o);
  }
  async getProject(id: string, o?: CallOptions) {
    return (await this.client()).getProject(id, o);
  }
  async listGenerations(q: GenerationQuery, o?: CallOptions) {
    return (await this.client()).listGenerations(q, o);
  }
  async getRun(runId: string, o?: CallOptions & { pollUrl?: string }) {
    return (await this.client()).getRun(runId, o);
  }
  async getRunJson(runId: string, o?: CallOptions) {
    return (await this.client()).getRunJson(runId, o);
  }
  async listModels(q?: { type?: string }, o?: CallOptions) {
    return (await this.client()).listModels(q, o);
  }
  async listTechniqueRuns(q: TechniqueRunQuery, o?: CallOptions) {
    return (await this.client()).listTechniqueRuns(q, o);
  }
  async getRunOf(run: RunRef, o?: CallOptions) {
    return (await this.client()).getRunOf(run, o);
  }
  async getRunJsonOf(run: RunRef, o?: CallOptions) {
    return (await this.client()).getRunJsonOf(run, o);
  }

  async generate(body: GenerateBody, o: GenerateCallOptions) {
    return (await this.client()).generate(body, o);
  }

  dispose(): void {
    void this.current?.close();
    this.current = undefined;
  }
}
