/** A minimal typed event emitter (the model layer cannot use vscode.EventEmitter). */
export type Listener<T> = (event: T) => void;

export interface Subscription {
  dispose(): void;
}

export class Emitter<T> {
  private listeners = new Set<Listener<T>>();

  readonly event = (listener: Listener<T>): Subscription => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  /** How many listeners are subscribed now (leak checks). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  fire(event: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // One broken listener must not stop the others (or the store that fires).
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
