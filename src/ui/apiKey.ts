/** Where the API key lives: SecretStorage, with FLORA_API_KEY from the environment as the fallback. */
import * as vscode from 'vscode';

const SECRET = 'flora.apiKey';

export class ApiKeyStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private cached: string | undefined;
  private loaded = false;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    // Another window of the same profile may set or clear the key.
    this.subscription = secrets.onDidChange((e) => {
      if (e.key === SECRET) {
        this.loaded = false;
        this.changed.fire();
      }
    });
  }

  /** The key to use, or undefined when none is set. */
  async get(): Promise<string | undefined> {
    if (!this.loaded) {
      this.cached = (await this.secrets.get(SECRET))?.trim() || undefined;
      this.loaded = true;
    }
    return this.cached ?? (process.env.FLORA_API_KEY?.trim() || undefined);
  }

  /** Whether the key comes from the environment rather than SecretStorage. */
  async fromEnvironment(): Promise<boolean> {
    return !(await this.secrets.get(SECRET)) && !!process.env.FLORA_API_KEY?.trim();
  }

  async set(key: string): Promise<void> {
    await this.secrets.store(SECRET, key.trim());
    this.cached = key.trim();
    this.loaded = true;
    this.changed.fire();
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET);
    this.cached = undefined;
    this.loaded = true;
    this.changed.fire();
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
