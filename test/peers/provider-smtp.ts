// A loopback SMTP submission server that behaves like a big provider's, byte for byte (the raw peer):
// a daily quota that runs out, a limit on sessions signed in at once, too many sign-ins, a retired password.
import { startRawSmtp, type RawCommand, type RawConnectionRecord, type RawSmtpServer } from './raw-smtp';

export interface ProviderPeerOptions {
  /** Accepts this many messages in all, then answers every MAIL FROM with `reply` (Gmail's 550 5.4.5 …). */
  dailyQuota?: { messages: number; reply: string };
  /** With more than `sessions` signed-in connections at once, the extra ones get `reply` after DATA (Microsoft's 432 4.3.2). */
  threadLimit?: { sessions: number; reply: string };
  /** After `logins` sign-ins in all, AUTH is answered with `reply` (Gmail's 454 4.7.0). */
  loginLimit?: { logins: number; reply: string };
  /** Every AUTH is answered with this (Microsoft's 5.7.139 / 5.7.30 for a password). */
  authReply?: string;
}

export interface ProviderPeer {
  readonly port: number;
  readonly raw: RawSmtpServer;
  /** Messages accepted (250 after the final dot). */
  accepted(): number;
  /** Throttling or limit replies sent, in order. */
  readonly refusals: string[];
  /** The most sessions signed in at once, over the whole run. */
  peakSessions(): number;
  /** Signed-in sessions open when each accepted message was taken, in order. */
  readonly sessionsAtAccept: number[];
  logins(): number;
  close(): Promise<void>;
}

/** A documented reply as the wire carries it: one line, or its lines (nodemailer gives them joined with "\n"). */
export function wire(reply: string): string | string[] {
  const lines = reply.split('\n');
  return lines.length === 1 ? reply : lines;
}

export async function startProviderPeer(options: ProviderPeerOptions): Promise<ProviderPeer> {
  let accepted = 0;
  let started = 0;
  let logins = 0;
  let peak = 0;
  const refusals: string[] = [];
  const sessionsAtAccept: number[] = [];
  // Signed-in sessions in the order they signed in: one is refused while `threadLimit` older ones are still open.
  const signedIn = new Set<RawConnectionRecord>();
  const live = (): number => [...signedIn].filter((c) => !c.closed).length;
  const rank = (c: RawConnectionRecord): number => [...signedIn].filter((o) => !o.closed).indexOf(c);
  const refuse = (reply: string): string | string[] => {
    refusals.push(reply);
    return wire(reply);
  };

  const raw = await startRawSmtp({
    auth: (command: RawCommand) => {
      if (options.authReply) return refuse(options.authReply);
      logins++;
      if (options.loginLimit && logins > options.loginLimit.logins) return refuse(options.loginLimit.reply);
      signedIn.add(command.connection);
      peak = Math.max(peak, live());
      return '235 2.7.0 Authentication successful';
    },
    // Counted when the transaction starts, as a provider's quota does: pipelined sessions cannot overshoot it.
    mail: () => {
      if (options.dailyQuota && started >= options.dailyQuota.messages) return refuse(options.dailyQuota.reply);
      started++;
      return '250 2.1.0 Ok';
    },
    dataEnd: (command: RawCommand) => {
      if (options.threadLimit && rank(command.connection) >= options.threadLimit.sessions) return refuse(options.threadLimit.reply);
      accepted++;
      sessionsAtAccept.push(live());
      return `250 2.0.0 OK <${accepted}@provider.test> [InternalId=${accepted}]`;
    },
  });
  return {
    port: raw.port,
    raw,
    accepted: () => accepted,
    refusals,
    peakSessions: () => peak,
    sessionsAtAccept,
    logins: () => logins,
    close: () => raw.close(),
  };
}
