// Batched directory fsync: many renames into one folder share one fsync, so durable enqueues
// and state changes stay cheap under load without ever reporting a rename before it is on disk.
import { fsyncDir } from './durable-write';

export class DirSyncer {
  private readonly state = new Map<string, { running: Promise<void> | null; queued: Promise<void> | null }>();

  /** Resolves once an fsync of `dir` that started after this call has completed. */
  sync(dir: string): Promise<void> {
    let s = this.state.get(dir);
    if (!s) {
      s = { running: null, queued: null };
      this.state.set(dir, s);
    }
    const entry = s;
    if (entry.queued) return entry.queued;
    const start = (): Promise<void> => {
      const run = fsyncDir(dir).finally(() => {
        if (entry.running === run) entry.running = null;
      });
      entry.running = run;
      return run;
    };
    if (!entry.running) return start();
    // A sync is in flight and may have started before our rename: queue exactly one more behind it.
    entry.queued = entry.running
      .catch(() => {})
      .then(() => {
        entry.queued = null;
        return start();
      });
    return entry.queued;
  }
}
