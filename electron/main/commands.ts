// Delivers AppCommands (menu, notification clicks, mailto: links, quitting) to the window. A page is "ready" once it
// has called app:takeCommands (it subscribes to app:command first): until then commands wait here, never pushed
// to a page that has no listener yet. A reload or a new window waits for its own takeCommands again.
import type { AppCommand } from '../shared/ipc-contract';

/** The part of a BrowserWindow's webContents the router needs. */
export interface CommandTarget {
  isDestroyed(): boolean;
  send(channel: 'app:command', command: AppCommand): void;
  on(event: 'did-start-loading' | 'destroyed', listener: () => void): unknown;
}

/** Enough for a launch's worth of links; older ones are dropped first so a flood cannot grow memory. */
const MAX_PENDING = 50;

export class CommandRouter {
  private readonly pending: AppCommand[] = [];
  private target: CommandTarget | undefined;
  /** The target's page has subscribed (it called takeCommands since it started loading). */
  private ready = false;

  /** Follows a window's page: commands are pushed only to a page that said it listens. */
  attach(contents: CommandTarget): void {
    this.target = contents;
    this.ready = false;
    contents.on('did-start-loading', () => {
      if (this.target === contents) this.ready = false;
    });
    contents.on('destroyed', () => {
      if (this.target !== contents) return;
      this.target = undefined;
      this.ready = false;
    });
  }

  deliver(command: AppCommand): void {
    const target = this.target;
    if (target && this.ready && !target.isDestroyed()) {
      target.send('app:command', command);
      return;
    }
    this.pending.push(command);
    if (this.pending.length > MAX_PENDING) this.pending.shift();
  }

  /**
   * What app:takeCommands answers: the commands not yet delivered, oldest first; taking them empties the list.
   * The renderer calls it once it listens for app:command, so from now on commands are pushed to it.
   */
  take(): AppCommand[] {
    if (this.target && !this.target.isDestroyed()) this.ready = true;
    return this.pending.splice(0, this.pending.length);
  }
}
