// The detection trace: each step's start, duration and outcome, timed from one origin so the
// wizard and `outbox detect` can show how the settings were found and what failed on the way.
import type { TraceStep } from './types';

export class Trace {
  readonly steps: TraceStep[] = [];
  private readonly origin: number;

  constructor(
    private readonly now: () => number = () => performance.now(),
    /** Hears each step as it is recorded (the wizard shows them live). */
    private readonly onStep?: (step: TraceStep) => void,
  ) {
    this.origin = now();
  }

  elapsed(): number {
    return Math.round(this.now() - this.origin);
  }

  /** Starts a step; the returned function records its outcome. */
  begin(step: string): (outcome: TraceStep['outcome'], detail: string) => void {
    const started = this.now();
    return (outcome, detail) => {
      const recorded: TraceStep = {
        step,
        startedMs: Math.round(started - this.origin),
        durationMs: Math.round(this.now() - started),
        outcome,
        detail,
      };
      this.steps.push(recorded);
      try {
        this.onStep?.(recorded);
      } catch {
        // A listener's trouble is not detection's.
      }
    };
  }

  add(step: string, outcome: TraceStep['outcome'], detail: string): void {
    this.begin(step)(outcome, detail);
  }
}
