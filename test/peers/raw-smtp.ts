// A scripted SMTP server on raw sockets: byte-exact replies chosen per command, drops and stalls
// on cue, and a record of everything each client sent (and what crossed the wire before TLS).
import net from 'node:net';
import tls from 'node:tls';

/** Close the connection instead of replying. */
export const DROP = { drop: true } as const;
/** Never reply (and ignore everything the client sends afterwards). */
export const STALL = { stall: true } as const;

/** A reply written exactly as given plus CRLF (lines of an array are joined with CRLF), or DROP / STALL. */
export type RawAction = string | readonly string[] | typeof DROP | typeof STALL;

export interface RawCommand {
  /** Upper-cased verb: 'EHLO', 'MAIL', 'RCPT', ... */
  verb: string;
  /** Everything after the verb. */
  args: string;
  line: string;
  /** RCPT: the address between the angle brackets. */
  address?: string;
  /** RCPT: the recipient's position in the current transaction, from 0. */
  rcptIndex?: number;
  /** AUTH: the client's SASL responses (initial response and continuation lines), base64 as sent. */
  saslResponses?: string[];
  connection: RawConnectionRecord;
}

export type RawHandler = RawAction | ((command: RawCommand) => RawAction);

export interface RawSmtpScript {
  /** Default '220 raw.test ESMTP ready'. */
  greeting?: RawAction;
  /** Default: '250-raw.test' followed by `extensions`. */
  ehlo?: RawHandler;
  helo?: RawHandler;
  /** Default: '220 2.0.0 Ready to start TLS' when `tls` is set, otherwise '502 5.5.1 Unrecognized command'. */
  starttls?: RawHandler;
  /** The final reply to AUTH, after any 334 continuation steps. Default '235 2.7.0 Authentication successful'. */
  auth?: RawHandler;
  /** Default '250 2.1.0 Ok'. */
  mail?: RawHandler;
  /** Called once per recipient. Default '250 2.1.5 Ok'. */
  rcpt?: RawHandler;
  /** The reply to the DATA command. Default '354 End data with <CR><LF>.<CR><LF>', or 554 when no recipient was accepted. */
  data?: RawHandler;
  /** After a 354: DROP closes the connection as soon as message bytes arrive; STALL stops answering. */
  midData?: typeof DROP | typeof STALL;
  /** The reply after the final dot. Default '250 2.0.0 Ok: queued as RAW<n>'. */
  dataEnd?: RawHandler;
  rset?: RawHandler;
  noop?: RawHandler;
  /** Default '221 2.0.0 Bye', then the server closes. */
  quit?: RawHandler;
  /** Any other verb. Default '502 5.5.2 Command not recognized'. */
  other?: RawHandler;
  /** Key and certificate for STARTTLS; with them EHLO advertises STARTTLS until the upgrade. */
  tls?: { key: string; cert: string };
  /** EHLO keywords. Default PIPELINING, 8BITMIME, ENHANCEDSTATUSCODES, AUTH PLAIN LOGIN. */
  extensions?: string[];
}

export interface RawConnectionRecord {
  /** Every line the client sent outside DATA, without CRLF, in order (after a TLS upgrade too). */
  commands: string[];
  /** The bytes the client sent before any TLS upgrade: what crossed the network in clear. */
  clearText(): Buffer;
  /** Message bodies received, dot-unstuffed, each ending with the CRLF before the final dot. */
  messages: Buffer[];
  /** True once STARTTLS succeeded. */
  tls: boolean;
  closed: boolean;
}

export interface RawSmtpServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly connections: RawConnectionRecord[];
  /** Destroys every client socket and stops listening. */
  close(): Promise<void>;
}

const DEFAULT_EXTENSIONS = ['PIPELINING', '8BITMIME', 'ENHANCEDSTATUSCODES', 'AUTH PLAIN LOGIN'];
const END_OF_DATA = Buffer.from('\r\n.\r\n');

function isDrop(a: RawAction): a is typeof DROP {
  return typeof a === 'object' && 'drop' in a;
}
function isStall(a: RawAction): a is typeof STALL {
  return typeof a === 'object' && 'stall' in a;
}
function firstLine(a: RawAction): string {
  if (typeof a === 'string') return a;
  if (Array.isArray(a)) return String(a[0] ?? '');
  return '';
}

/** Removes the leading dot SMTP adds to lines that start with one. */
function unstuff(body: Buffer): Buffer {
  const text = body.toString('latin1');
  const out = text.startsWith('..') ? text.slice(1) : text;
  return Buffer.from(out.replaceAll('\r\n..', '\r\n.'), 'latin1');
}

export async function startRawSmtp(script: RawSmtpScript = {}): Promise<RawSmtpServer> {
  const sockets = new Set<net.Socket>();
  const connections: RawConnectionRecord[] = [];
  let queued = 0;

  const server = net.createServer((plain) => {
    sockets.add(plain);
    // Replies go out as written: Nagle plus the client's delayed ACK would add 40 ms per exchange.
    plain.setNoDelay(true);
    plain.on('close', () => sockets.delete(plain));
    plain.on('error', () => {});

    const clear: Buffer[] = [];
    const record: RawConnectionRecord = {
      commands: [],
      clearText: () => Buffer.concat(clear),
      messages: [],
      tls: false,
      closed: false,
    };
    connections.push(record);

    let socket: net.Socket = plain;
    let buffer: Buffer = Buffer.alloc(0);
    let mode: 'command' | 'data' | 'sasl' = 'command';
    let stalled = false;
    let rcptIndex = 0;
    let accepted = 0;
    let sasl: RawCommand | undefined;

    const write = (a: RawAction): boolean => {
      if (isDrop(a)) {
        record.closed = true;
        socket.destroy();
        plain.destroy();
        return false;
      }
      if (isStall(a)) {
        stalled = true;
        return false;
      }
      const text = typeof a === 'string' ? a : a.join('\r\n');
      if (!socket.destroyed) socket.write(text + '\r\n');
      return true;
    };
    const run = (handler: RawHandler | undefined, fallback: RawAction, command: RawCommand): RawAction =>
      handler === undefined ? fallback : typeof handler === 'function' ? handler(command) : handler;

    const ehloReply = (): string[] => {
      const ext = [...(script.extensions ?? DEFAULT_EXTENSIONS)];
      if (script.tls && !record.tls) ext.unshift('STARTTLS');
      const lines = ['raw.test', ...ext];
      return lines.map((l, i) => `250${i === lines.length - 1 ? ' ' : '-'}${l}`);
    };

    const upgrade = (): void => {
      const { key, cert } = script.tls!;
      plain.removeListener('data', onData);
      buffer = Buffer.alloc(0);
      const secure = new tls.TLSSocket(plain, { isServer: true, key, cert });
      secure.on('error', () => {});
      secure.on('data', onData);
      socket = secure;
      record.tls = true;
    };

    const finishAuth = (command: RawCommand): void => {
      mode = 'command';
      sasl = undefined;
      write(run(script.auth, '235 2.7.0 Authentication successful', command));
    };

    const handleLine = (line: string): void => {
      record.commands.push(line);
      if (mode === 'sasl' && sasl) {
        const responses = sasl.saslResponses!;
        responses.push(line);
        if (sasl.args.split(' ')[0]!.toUpperCase() === 'LOGIN' && responses.length === 1) {
          write('334 UGFzc3dvcmQ6');
          return;
        }
        finishAuth(sasl);
        return;
      }
      const space = line.indexOf(' ');
      const verb = (space < 0 ? line : line.slice(0, space)).toUpperCase();
      const args = space < 0 ? '' : line.slice(space + 1);
      const command: RawCommand = { verb, args, line, connection: record };
      switch (verb) {
        case 'EHLO':
          write(run(script.ehlo, ehloReply(), command));
          return;
        case 'HELO':
          write(run(script.helo, '250 raw.test', command));
          return;
        case 'STARTTLS': {
          const reply = run(script.starttls, script.tls ? '220 2.0.0 Ready to start TLS' : '502 5.5.1 Unrecognized command', command);
          if (write(reply) && script.tls && firstLine(reply).startsWith('220')) upgrade();
          return;
        }
        case 'AUTH': {
          const [mech = '', initial] = args.split(' ');
          command.saslResponses = initial === undefined ? [] : [initial];
          const upper = mech.toUpperCase();
          if (upper === 'LOGIN') {
            mode = 'sasl';
            sasl = command;
            write(initial === undefined ? '334 VXNlcm5hbWU6' : '334 UGFzc3dvcmQ6');
            return;
          }
          if (upper === 'CRAM-MD5' || (upper === 'PLAIN' && initial === undefined)) {
            mode = 'sasl';
            sasl = command;
            write(upper === 'CRAM-MD5' ? `334 ${Buffer.from('<1.1@raw.test>').toString('base64')}` : '334 ');
            return;
          }
          finishAuth(command);
          return;
        }
        case 'MAIL':
          rcptIndex = 0;
          accepted = 0;
          write(run(script.mail, '250 2.1.0 Ok', command));
          return;
        case 'RCPT': {
          const match = /<([^>]*)>/.exec(args);
          if (match) command.address = match[1];
          command.rcptIndex = rcptIndex++;
          const reply = run(script.rcpt, '250 2.1.5 Ok', command);
          if (firstLine(reply).startsWith('2')) accepted++;
          write(reply);
          return;
        }
        case 'DATA': {
          const reply = run(
            script.data,
            accepted ? '354 End data with <CR><LF>.<CR><LF>' : '554 5.5.1 Error: no valid recipients',
            command,
          );
          if (write(reply) && firstLine(reply).startsWith('3')) mode = 'data';
          return;
        }
        case 'RSET':
          rcptIndex = 0;
          accepted = 0;
          write(run(script.rset, '250 2.0.0 Ok', command));
          return;
        case 'NOOP':
          write(run(script.noop, '250 2.0.0 Ok', command));
          return;
        case 'QUIT':
          if (write(run(script.quit, '221 2.0.0 Bye', command))) socket.end();
          return;
        default:
          write(run(script.other, '502 5.5.2 Command not recognized', command));
      }
    };

    const pump = (): void => {
      while (!stalled && !socket.destroyed) {
        if (mode === 'data') {
          if (buffer.length && script.midData) {
            write(script.midData);
            return;
          }
          // A message that is empty ends with ".\r\n" right after the 354.
          const atStart = buffer.subarray(0, 3).equals(Buffer.from('.\r\n'));
          const end = atStart ? -2 : buffer.indexOf(END_OF_DATA);
          if (end === -1) return;
          const body = atStart ? Buffer.alloc(0) : buffer.subarray(0, end + 2);
          buffer = buffer.subarray(atStart ? 3 : end + END_OF_DATA.length);
          record.messages.push(unstuff(body));
          mode = 'command';
          rcptIndex = 0;
          accepted = 0;
          const command: RawCommand = { verb: '.', args: '', line: '.', connection: record };
          write(run(script.dataEnd, `250 2.0.0 Ok: queued as RAW${++queued}`, command));
          continue;
        }
        const nl = buffer.indexOf('\n');
        if (nl === -1) return;
        const line = buffer.subarray(0, nl).toString('utf8').replace(/\r$/, '');
        buffer = buffer.subarray(nl + 1);
        const before = socket;
        handleLine(line);
        if (socket !== before) return; // upgraded: the rest arrives over TLS
      }
    };

    function onData(chunk: Buffer): void {
      if (!record.tls) clear.push(chunk);
      if (stalled) return;
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      pump();
    }

    plain.on('data', onData);
    plain.on('close', () => {
      record.closed = true;
    });
    write(script.greeting ?? '220 raw.test ESMTP ready');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    connections,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
