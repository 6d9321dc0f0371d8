/** A minimal typed event emitter (the model layer cannot use vscode.EventEmitter). */
export type Listener<T> = (event: T) => void;

export interface Subscription {
  dispose(): void;
}

export class Emitter<T> {
  private listeners = new Set<Listener<T>>();

  /** `onListenerError` receives what a listener threw (logged by the owner); the others still run. */
  constructor(private readonly onListenerError: (err: unknown) => void = () => undefined) {}

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
