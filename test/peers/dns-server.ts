// A DNS server on 127.0.0.1 (dns2, UDP, port 0) answering A, MX, SRV and TXT from a table, so the
// resolver and detection run against real DNS packets without touching a real resolver.
import dns2 from 'dns2';

const { Packet } = dns2;

export type DnsRecord =
  | { type: 'A'; address: string }
  | { type: 'MX'; exchange: string; priority: number }
  | { type: 'SRV'; target: string; port: number; priority: number; weight: number }
  | { type: 'TXT'; data: string | string[] };

export interface DnsTable {
  /** Records by owner name (case-insensitive). A name with no entry here is NXDOMAIN. */
  records?: Record<string, DnsRecord[]>;
  /** Names answered with SERVFAIL. */
  servfail?: string[];
  /** Names never answered: the client times out. */
  silent?: string[];
}

export interface DnsPeer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** '127.0.0.1:PORT', what `--dns-server` takes. */
  readonly server: string;
  /** Every question received, as 'TYPE name'. */
  readonly queries: string[];
  /** Replaces or adds the records of one name. */
  set(name: string, records: DnsRecord[]): void;
  close(): Promise<void>;
}

const TYPE_NAMES = new Map<number, string>(Object.entries(Packet.TYPE).map(([name, code]) => [code, name]));

export async function startDnsServer(table: DnsTable = {}): Promise<DnsPeer> {
  const records = new Map<string, DnsRecord[]>();
  for (const [name, list] of Object.entries(table.records ?? {})) records.set(name.toLowerCase(), list);
  const servfail = new Set((table.servfail ?? []).map((n) => n.toLowerCase()));
  const silent = new Set((table.silent ?? []).map((n) => n.toLowerCase()));
  const queries: string[] = [];

  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const question = request.questions[0];
      if (!question) return void send(response);
      const name = question.name.toLowerCase();
      const typeName = TYPE_NAMES.get(question.type) ?? String(question.type);
      queries.push(`${typeName} ${name}`);
      if (silent.has(name)) return;
      if (servfail.has(name)) {
        response.header.rcode = 2;
        return void send(response);
      }
      const owned = records.get(name);
      if (!owned) {
        response.header.rcode = 3;
        return void send(response);
      }
      for (const record of owned) {
        if (record.type !== typeName) continue;
        const base = { name: question.name, type: question.type, class: Packet.CLASS.IN, ttl: 60 };
        response.answers.push(
          record.type === 'A'
            ? Packet.createResourceFromQuestion(question, { ...base, address: record.address })
            : record.type === 'MX'
              ? Packet.createResourceFromQuestion(question, { ...base, exchange: record.exchange, priority: record.priority })
              : record.type === 'SRV'
                ? Packet.createResourceFromQuestion(question, {
                    ...base,
                    target: record.target,
                    port: record.port,
                    priority: record.priority,
                    weight: record.weight,
                  })
                : Packet.createResourceFromQuestion(question, { ...base, data: record.data }),
        );
      }
      void send(response);
    },
  });
  server.on('requestError', () => {});
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const port = addresses.udp?.port;
  if (!port) throw new Error('dns2 did not report its UDP port');

  return {
    host: '127.0.0.1',
    port,
    server: `127.0.0.1:${port}`,
    queries,
    set: (name, list) => void records.set(name.toLowerCase(), list),
    close: () => server.close(),
  };
}
