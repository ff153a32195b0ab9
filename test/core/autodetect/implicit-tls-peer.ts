// A tiny implicit-TLS SMTP listener (port 465 style) on loopback: greets over TLS and answers EHLO and QUIT,
// enough for probing; the certificate is whatever the test passes (right host, wrong host).
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';

export interface ImplicitTlsSmtp {
  readonly port: number;
  close(): Promise<void>;
}

export async function startImplicitTlsSmtp(options: { key: string; cert: string; extensions?: string[] }): Promise<ImplicitTlsSmtp> {
  const extensions = options.extensions ?? ['SIZE 35882577', 'AUTH PLAIN LOGIN', 'ENHANCEDSTATUSCODES'];
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer({ key: options.key, cert: options.cert }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.write('220 tls.test ESMTP ready\r\n');
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let eol: number;
      while ((eol = buffer.indexOf('\r\n')) >= 0) {
        const verb = buffer.slice(0, eol).split(' ')[0]?.toUpperCase();
        buffer = buffer.slice(eol + 2);
        if (verb === 'EHLO')
          socket.write(
            ['250-tls.test', ...extensions.map((e, i) => `250${i === extensions.length - 1 ? ' ' : '-'}${e}`)].join('\r\n') + '\r\n',
          );
        else if (verb === 'QUIT') socket.end('221 2.0.0 Bye\r\n');
        else socket.write('502 5.5.2 Command not recognized\r\n');
      }
    });
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
