// A minimal, fast SMTP sink for benchmarks: accepts everything, keeps nothing, answers at once.
// smtp-server's 100 ms greeting delay and parsing would measure the sink rather than the client.
import net from 'node:net';

/** What a session answers where a bench server differs from the plain sink. */
export interface SinkReplies {
  name: string;
  /** The reply to MAIL FROM (default 250). */
  mail?(socket: net.Socket): string;
  /** The reply once a message's data has ended (default 250 queued). */
  message?(socket: net.Socket): string;
}

/** One SMTP session over `socket`: EHLO, MAIL, RCPT, DATA (the data itself skipped, not kept), QUIT. */
export function serveSession(socket: net.Socket, replies: SinkReplies): void {
  socket.setNoDelay(true);
  socket.write(`220 ${replies.name} ESMTP\r\n`);
  let buffer = '';
  let inData = false;
  socket.on('data', (data) => {
    buffer += data.toString('latin1');
    for (;;) {
      if (inData) {
        const end = buffer.indexOf('\r\n.\r\n');
        if (end < 0) {
          if (buffer.length > 8) buffer = buffer.slice(-8);
          return;
        }
        buffer = buffer.slice(end + 5);
        inData = false;
        socket.write(`${replies.message?.(socket) ?? '250 2.0.0 Ok: queued'}\r\n`);
        continue;
      }
      const eol = buffer.indexOf('\r\n');
      if (eol < 0) return;
      const verb = buffer.slice(0, 4).toUpperCase();
      buffer = buffer.slice(eol + 2);
      if (verb === 'EHLO')
        socket.write(`250-${replies.name}\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 SIZE 1000000000\r\n`);
      else if (verb === 'MAIL') socket.write(`${replies.mail?.(socket) ?? '250 2.1.0 Ok'}\r\n`);
      else if (verb === 'DATA') {
        socket.write('354 go ahead\r\n');
        inData = true;
      } else if (verb === 'QUIT') socket.end('221 2.0.0 bye\r\n');
      else socket.write('250 2.0.0 Ok\r\n');
    }
  });
  socket.on('error', () => {});
}

export function startSink(port = 0): Promise<net.Server> {
  const server = net.createServer((socket) => serveSession(socket, { name: 'sink' }));
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
