// Notices messages dropped by other processes: a file-system watch where the OS has one,
// and a slow rescan behind it, because watches can miss events (network drives, some container mounts).
import fs from 'node:fs';
import type { SpoolPaths } from './spool-paths';

export class SpoolWatcher {
  private readonly watchers: fs.FSWatcher[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(paths: SpoolPaths, handlers: { onQueue(name?: string): void }, rescanMs = 5_000) {
    this.watch(paths.queue, handlers.onQueue);
    const rescan = setInterval(() => handlers.onQueue(), rescanMs);
    rescan.unref?.();
    this.timers.push(rescan);
  }

  private watch(dir: string, handler: (name?: string) => void): void {
    try {
      const watcher = fs.watch(dir, { persistent: false }, (_event, name) => {
        // The name lets the handler dismiss its own moves cheaply; nameless events are gathered.
        if (name) handler(name.toString());
        else this.debounce(dir, () => handler());
      });
      watcher.on('error', () => watcher.close());
      this.watchers.push(watcher);
    } catch {
      // No watch here: the rescan covers it.
    }
  }

  private debounce(key: string, handler: () => void): void {
    if (this.pending.has(key)) return;
    const t = setTimeout(() => {
      this.pending.delete(key);
      handler();
    }, 15);
    this.pending.set(key, t);
  }

  close(): void {
    for (const w of this.watchers) w.close();
    for (const t of this.timers) clearInterval(t);
    for (const t of this.pending.values()) clearTimeout(t);
    this.watchers.length = 0;
  }
}
