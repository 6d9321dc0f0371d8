import type { Clock } from '../../src/api/clock';
import type { Logger } from '../../src/api/logger';

/** A clock whose sleeps return at once and are recorded, so retry schedules are checked without waiting. */
export class RecordingClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private time = Date.UTC(2026, 10, 28, 12, 0, 0)) {}
  now(): number {
    return this.time;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new Error('aborted'));
    this.sleeps.push(ms);
    this.time += ms;
    return Promise.resolve();
  }
}

export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  trace = (m: string) => void this.lines.push(`trace ${m}`);
  debug = (m: string) => void this.lines.push(`debug ${m}`);
  info = (m: string) => void this.lines.push(`info ${m}`);
  warn = (m: string) => void this.lines.push(`warn ${m}`);
  error = (m: string) => void this.lines.push(`error ${m}`);
}
