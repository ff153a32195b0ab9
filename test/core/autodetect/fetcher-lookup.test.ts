import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHttpFetcher } from '../../../electron/core/autodetect/fetcher';

let server: http.Server;
let port: number;
const hosts: string[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    hosts.push(req.headers.host ?? '');
    res.end('<clientConfig/>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

it('looks autoconfig hosts up with the given resolver (outbox detect --dns-server), not the system', async () => {
  const asked: string[] = [];
  const fetcher = createHttpFetcher({
    resolve4: async (host) => {
      asked.push(host);
      return ['127.0.0.1'];
    },
  });
  const got = await fetcher(`http://autoconfig.only-in-test-dns.invalid:${port}/mail/config-v1.1.xml`, {
    signal: AbortSignal.timeout(3000),
    maxBytes: 10_000,
  });
  expect(asked).toEqual(['autoconfig.only-in-test-dns.invalid']);
  expect(JSON.stringify(got)).toContain('clientConfig');
  expect(hosts).toEqual([`autoconfig.only-in-test-dns.invalid:${port}`]);
});
