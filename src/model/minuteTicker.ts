/**
 * What keeps relative times on screen true ("just now", "5m ago", see format.ts): a tick at most
 * once a minute while something that shows them is in view. A tick asks FLORA nothing; the views
 * re-render their times from what the store holds, and only the rows whose text changed.
 */
import { Emitter, type Subscription } from './events';
import { systemTimers, type Timers } from './poller';

/** The finest step of a relative time ("1m ago" → "2m ago"): no tick is needed more often. */
export const MINUTE_MS = 60_000;

export interface MinuteTickerOptions {
  /** Whether anything showing relative times is in view now (a hidden view is not re-rendered). */
  isActive(): boolean;
  timers?: Timers;
  /** Receives what a listener threw, to log it (the others still run). */
  onListenerError: (err: unknown) => void;
}

export class MinuteTicker implements Subscription {
  private readonly timers: Timers;
  private readonly ticked: Emitter<void>;
  /** Fires when the relative times on screen may read differently. */
  readonly onDidTick: (listener: () => void) => Subscription;
  private timer: unknown;
  /** When the last tick fired (timers' time); none yet counts as "long ago". */
  private lastTick = Number.NEGATIVE_INFINITY;
  private running = false;

  constructor(private readonly options: MinuteTickerOptions) {
    this.timers = options.timers ?? systemTimers;
    this.ticked = new Emitter<void>(options.onListenerError);
    this.onDidTick = (listener) => this.ticked.event(() => listener());
  }

  /** Starts ticking: the first tick comes a minute from now. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.lastTick = this.timers.now();
    this.schedule();
  }

  /**
   * Something that shows relative times came into view: if a minute has passed since the last
   * tick (the view was hidden meanwhile), tick now, and count the next minute from here.
   */
  poke(): void {
    if (!this.running || !this.options.isActive()) return;
    if (this.timers.now() - this.lastTick < MINUTE_MS) return;
    this.fire();
    this.schedule();
  }

  dispose(): void {
    this.running = false;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.ticked.dispose();
  }

  private schedule(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      if (!this.running) return;
      // Nothing in view: skip (a later poke catches up), but keep one timer going.
      if (this.options.isActive()) this.fire();
      this.schedule();
    }, MINUTE_MS);
  }

  private fire(): void {
    this.lastTick = this.timers.now();
    this.ticked.fire();
  }
}
