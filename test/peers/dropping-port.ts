// A loopback port that silently drops new connections, as a firewall would: a socket that listens but never
// accepts, its accept queue filled, so the kernel ignores further SYNs. Python holds it (Node always accepts).
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface DroppingPort {
  port: number;
  close(): Promise<void>;
}

const SCRIPT = `
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)
print(s.getsockname()[1], flush=True)
time.sleep(600)
`;

export async function startDroppingPort(): Promise<DroppingPort> {
  const child: ChildProcess = spawn('python3', ['-c', SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
  });
  // Fill the accept queue: connections the listener never takes.
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 3; i++) {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => {});
    fillers.push(s);
  }
  await new Promise((r) => setTimeout(r, 100));
  return {
    port,
    close: async () => {
      for (const s of fillers) s.destroy();
      child.kill('SIGKILL');
    },
  };
}
