// The simulator's clock: real time, unless a bench skips it ahead. Skipping moves every timestamp the
// simulator writes and makes the sync jobs' timers due sooner, so an hours-long sync reaches its last
// minutes in a few minutes of real time, with the progress it would have made by then.
import { nowMicros } from './time';

interface Pending {
  due: number;
  step: () => void;
  timer: NodeJS.Timeout;
}

export class SimClock {
  private offsetMs = 0;
  private readonly pending = new Set<Pending>();

  /** Epoch ms on this clock: Date.now() (so tests can fake it) plus what was skipped. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  nowMicros(): number {
    return nowMicros(this.now());
  }

  /** Runs `step` once this clock has moved on by `ms`; the timer does not keep the process alive. */
  later(ms: number, step: () => void): void {
    const entry: Pending = { due: this.now() + ms, step, timer: undefined as unknown as NodeJS.Timeout };
    this.arm(entry);
    this.pending.add(entry);
  }

  /** Jumps ahead by `ms`: what falls due in the skipped span runs at once, in order of due time. */
  skip(ms: number): void {
    this.offsetMs += ms;
    [...this.pending].sort((a, b) => a.due - b.due).forEach((entry) => {
      clearTimeout(entry.timer);
      this.arm(entry);
    });
  }

  cancelAll(): void {
    this.pending.forEach((entry) => clearTimeout(entry.timer));
    this.pending.clear();
  }

  private arm(entry: Pending): void {
    entry.timer = setTimeout(() => {
      this.pending.delete(entry);
      entry.step();
    }, Math.max(0, entry.due - this.now()));
    entry.timer.unref();
  }
}
