// A clock whose timers fire only when a test advances it, so debounces and coalescing run without sleeping.
// Shared by the shell's tests (connectivity, notifications, queue count, window state).
import type { Clock } from '../../electron/core/ports';

export function manualClock() {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void; cancelled: boolean }> = [];
  const clock: Clock = {
    now: () => now,
    setTimer(fn, ms) {
      const timer = { at: now + ms, fn, cancelled: false };
      timers.push(timer);
      return { cancel: () => void (timer.cancelled = true) };
    },
  };
  /** Moves time on, firing due timers in order (including ones they set that fall due meanwhile). */
  const advance = (ms: number): void => {
    const end = now + ms;
    for (;;) {
      const due = timers.filter((t) => !t.cancelled && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      now = due.at;
      timers = timers.filter((t) => t !== due);
      due.fn();
    }
    now = end;
  };
  const pending = (): number => timers.filter((t) => !t.cancelled).length;
  return { clock, advance, pending };
}
