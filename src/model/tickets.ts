/**
 * Tickets make late answers harmless. Async work takes a ticket when it starts and, when its
 * answer arrives, drops it unless the ticket is still valid. `invalidate()` (sign-out, a key
 * change, a filter change, a poller restart) makes every ticket taken before it stale: the
 * answers they wait for belong to a key or a question that is gone.
 */
export interface Ticket {
  /** Nothing invalidated the tickets since this one was taken. */
  readonly valid: boolean;
}

export class Tickets {
  private issued = 0;

  take(): Ticket {
    const issued = this.issued;
    const valid = () => issued === this.issued;
    return {
      get valid() {
        return valid();
      },
    };
  }

  invalidate(): void {
    this.issued++;
  }
}
