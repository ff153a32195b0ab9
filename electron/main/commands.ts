// Delivers AppCommands (menu, notification clicks, mailto: links, quitting) to the window: pushed once its page
// has loaded, otherwise kept until the renderer takes them (app:takeCommands on mount) or the page finishes loading.
import type { AppCommand } from '../shared/ipc-contract';

/** The part of a BrowserWindow's webContents the router needs. */
export interface CommandTarget {
  isDestroyed(): boolean;
  send(channel: 'app:command', command: AppCommand): void;
  on(event: 'did-start-loading' | 'did-finish-load' | 'destroyed', listener: () => void): unknown;
}

/** Enough for a launch's worth of links; older ones are dropped first so a flood cannot grow memory. */
const MAX_PENDING = 50;

export class CommandRouter {
  private readonly pending: AppCommand[] = [];
  private target: CommandTarget | undefined;
  private loaded = false;

  /** Follows a window's page: commands are pushed only while a loaded page can hear them. */
  attach(contents: CommandTarget): void {
    this.target = contents;
    this.loaded = false;
    contents.on('did-start-loading', () => {
      if (this.target === contents) this.loaded = false;
    });
    contents.on('did-finish-load', () => {
      if (this.target !== contents) return;
      this.loaded = true;
      // A command that came after the renderer's takeCommands but before load finished would otherwise wait forever.
      this.flush();
    });
    contents.on('destroyed', () => {
      if (this.target !== contents) return;
      this.target = undefined;
      this.loaded = false;
    });
  }

  deliver(command: AppCommand): void {
    const target = this.target;
    if (target && this.loaded && !target.isDestroyed()) {
      target.send('app:command', command);
      return;
    }
    this.pending.push(command);
    if (this.pending.length > MAX_PENDING) this.pending.shift();
  }

  /** What app:takeCommands answers: the commands not yet delivered, oldest first; taking them empties the list. */
  take(): AppCommand[] {
    return this.pending.splice(0, this.pending.length);
  }

  private flush(): void {
    for (const command of this.take()) this.deliver(command);
  }
}
