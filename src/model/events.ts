/** A minimal typed event emitter (the model layer cannot use vscode.EventEmitter). */
export type Listener<T> = (event: T) => void;

export interface Subscription {
  dispose(): void;
}

export class Emitter<T> {
  private listeners = new Set<Listener<T>>();

  /**
   * `onListenerError` receives what a listener threw, for the owner to log (there is no default:
   * an exception no one sees is a bug no one finds); the other listeners still run.
   */
  constructor(private readonly onListenerError: (err: unknown) => void) {}

  readonly event = (listener: Listener<T>): Subscription => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(event: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (err) {
        // One broken listener must not stop the others (or the store that fires), nor go unseen.
        this.onListenerError(err);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
