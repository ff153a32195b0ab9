// The SASL exchanges the connection check can sign in with (PLAIN, LOGIN, CRAM-MD5), written against
// a `send` callback so the check owns the socket, the timings and the redacted transcript.
import { createHmac } from 'node:crypto';
import type { Reply } from './reply-reader';

export const SUPPORTED_MECHANISMS = ['PLAIN', 'LOGIN', 'CRAM-MD5'] as const;
export type Mechanism = (typeof SUPPORTED_MECHANISMS)[number];

/** Sends a line, logging `logged` in its place, and resolves with the server's reply. */
export type Send = (line: string, logged: string) => Promise<Reply>;

/** The account's method, or under 'auto' the first supported one the server offers. */
export function pickMechanism(wanted: string, offered: string[]): Mechanism | undefined {
  if (wanted !== 'auto') return SUPPORTED_MECHANISMS.find((m) => m === wanted.toUpperCase());
  return SUPPORTED_MECHANISMS.find((m) => offered.includes(m));
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** Runs one AUTH exchange and returns the server's final reply (235 on success). */
export async function signIn(mechanism: Mechanism, user: string, password: string, send: Send): Promise<Reply> {
  switch (mechanism) {
    case 'PLAIN':
      return send(`AUTH PLAIN ${b64(`\u0000${user}\u0000${password}`)}`, 'AUTH PLAIN [redacted]');
    case 'LOGIN': {
      let reply = await send('AUTH LOGIN', 'AUTH LOGIN');
      if (reply.code === 334) reply = await send(b64(user), '[redacted]');
      if (reply.code === 334) reply = await send(b64(password), '[redacted]');
      return reply;
    }
    case 'CRAM-MD5': {
      const reply = await send('AUTH CRAM-MD5', 'AUTH CRAM-MD5');
      if (reply.code !== 334) return reply;
      const challenge = Buffer.from(reply.text.slice(4).trim(), 'base64').toString('utf8');
      const digest = createHmac('md5', password).update(challenge).digest('hex');
      return send(b64(`${user} ${digest}`), '[redacted]');
    }
  }
}
