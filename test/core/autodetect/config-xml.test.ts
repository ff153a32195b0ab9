// The clientConfig parser on the ISPDB itself and on the documents a live lookup may bring back (malformed,
// odd socket types, missing fields), plus the committed providers.json checked against a fresh derivation.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deriveProviderData, parseConfigXml } from '../../../electron/core/autodetect/config-xml';
import { SECURITY_MODES } from '../../../electron/shared/account';

const root = path.resolve(__dirname, '..', '..', '..');
const dataDir = path.join(root, 'electron', 'core', 'autodetect', 'data');
const ispdbDir = path.resolve(root, '..', 'shared', 'ispdb');
const hasIspdb = fs.existsSync(ispdbDir);
const committed: unknown = JSON.parse(fs.readFileSync(path.join(dataDir, 'providers.json'), 'utf8'));

const serverSchema = z.object({
  protocol: z.enum(['smtp', 'imap']),
  host: z.string().regex(/^([a-z0-9.-]|%EMAILDOMAIN%)+$/),
  port: z.number().int().min(1).max(65535),
  security: z.enum(SECURITY_MODES),
  auth: z.array(z.enum(['password', 'oauth2'])),
  usernameTemplate: z.string().min(1).optional(),
});
const dataSchema = z.object({
  source: z.string().min(1),
  providers: z
    .array(
      z
        .object({
          id: z.string().min(1),
          displayName: z.string().min(1),
          domains: z.array(z.string().regex(/^[a-z0-9.-]+$/)),
          smtp: z.array(serverSchema).min(1),
          imap: z.array(serverSchema),
          documentation: z.array(z.string().url()).optional(),
          oauth2: z.object({ issuer: z.string().min(1), scope: z.string().min(1) }).optional(),
        })
        .strict(),
    )
    .min(100),
});

function doc(server: string, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.com">
    <domain>example.com</domain>
    <displayName>Example Mail</displayName>
    ${server}
    ${extra}
  </emailProvider>
</clientConfig>`;
}

const smtp465 = `<outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>465</port>
  <socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>`;

describe('the committed providers.json', () => {
  it('has every provider well-formed, with a domain and at least one SMTP server', () => {
    const data = dataSchema.parse(committed);
    for (const p of data.providers) expect(p.domains.length, p.id).toBeGreaterThan(0);
  });

  it('keeps the ISPDB licence beside the data', () => {
    const licence = fs.readFileSync(path.join(dataDir, 'LICENSE'), 'utf8');
    expect(licence).toContain('Mozilla Public License Version 2.0');
  });

  it.skipIf(!hasIspdb)('matches a fresh derivation of ../shared/ispdb (skipped when that copy is not beside the clone)', () => {
    const names = fs.readdirSync(ispdbDir).filter((n) => n.endsWith('.xml'));
    const files = names.map((name) => ({ name, xml: fs.readFileSync(path.join(ispdbDir, name), 'utf8') }));
    for (const file of files) {
      const result = parseConfigXml(file.xml);
      expect(result.ok ? '' : result.reason, file.name).toBe('');
    }
    expect(deriveProviderData(files).data).toEqual(committed);
    expect(fs.readFileSync(path.join(dataDir, 'LICENSE'))).toEqual(fs.readFileSync(path.join(ispdbDir, 'LICENSE')));
  });
});

describe('parseConfigXml', () => {
  it('reads a provider with several servers, comments, attributes and entities', () => {
    const xml = doc(
      `<!-- submission first -->
      ${smtp465}
      <outgoingServer type="smtp"><hostname>SMTP.example.com</hostname><port>587</port><socketType>STARTTLS</socketType>
        <username>%EMAILLOCALPART%</username><authentication>OAuth2</authentication><authentication>password-encrypted</authentication></outgoingServer>
      <incomingServer type="pop3"><hostname>pop.example.com</hostname><port>995</port><socketType>SSL</socketType></incomingServer>
      <incomingServer type="imap"><hostname>imap.example.com</hostname><port>993</port><socketType>SSL</socketType></incomingServer>`,
      `<documentation url="https://example.com/help?a=1&amp;b=2"><descr lang="en">Help</descr></documentation>
      <documentation url="javascript:alert(1)"/>`,
    );

    const result = parseConfigXml(xml);

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.provider).toEqual({
      id: 'example.com',
      displayName: 'Example Mail',
      domains: ['example.com'],
      smtp: [
        { protocol: 'smtp', host: 'smtp.example.com', port: 465, security: 'tls', auth: ['password'], usernameTemplate: '%EMAILADDRESS%' },
        {
          protocol: 'smtp',
          host: 'smtp.example.com',
          port: 587,
          security: 'starttls',
          auth: ['oauth2', 'password'],
          usernameTemplate: '%EMAILLOCALPART%',
        },
      ],
      imap: [{ protocol: 'imap', host: 'imap.example.com', port: 993, security: 'tls', auth: ['password'] }],
      documentation: ['https://example.com/help?a=1&b=2'],
    });
  });

  it('keeps templates in host names as they are, lower-casing the rest', () => {
    const templated =
      '<outgoingServer type="smtp"><hostname>Mail.%EMAILDOMAIN%</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>';
    const result = parseConfigXml(doc(templated));
    expect(result.ok && result.provider.smtp[0]?.host).toBe('mail.%EMAILDOMAIN%');
  });

  it('reads a document that starts with a byte-order mark', () => {
    expect(parseConfigXml('\uFEFF' + doc(smtp465)).ok).toBe(true);
  });

  it('reads the OAuth2 issuer and scope', () => {
    const result = parseConfigXml(
      doc(smtp465).replace(
        '</clientConfig>',
        '<oAuth2><issuer>accounts.example.com</issuer><scope>mail  offline</scope></oAuth2></clientConfig>',
      ),
    );
    expect(result.ok && result.provider.oauth2).toEqual({ issuer: 'accounts.example.com', scope: 'mail offline' });
  });

  it('skips a server with an unknown socket type and says so, keeping the others', () => {
    const odd =
      '<outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>2465</port><socketType>QUANTUM</socketType></outgoingServer>';

    const result = parseConfigXml(doc(odd + smtp465));

    expect(result.ok).toBe(true);
    expect(result.ok && result.provider.smtp.map((s) => s.port)).toEqual([465]);
    expect(result.warnings.join('\n')).toMatch(/socket type "QUANTUM" is not one Outbox knows, skipped/);
  });

  it('gives a clear reason when no server is usable', () => {
    const odd =
      '<outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>25</port><socketType>QUANTUM</socketType></outgoingServer>';
    const result = parseConfigXml(doc(odd));
    expect(result).toMatchObject({ ok: false, reason: 'provider "example.com" has no usable SMTP or IMAP server' });
  });

  it('skips servers with a missing host, a bad port or only unsupported sign-in methods', () => {
    const bad = [
      '<outgoingServer type="smtp"><port>465</port><socketType>SSL</socketType></outgoingServer>',
      '<outgoingServer type="smtp"><hostname>a.example.com</hostname><port>99999</port><socketType>SSL</socketType></outgoingServer>',
      '<outgoingServer type="smtp"><hostname>b.example.com</hostname><socketType>SSL</socketType></outgoingServer>',
      '<outgoingServer type="smtp"><hostname>c.example.com</hostname><port>465</port><socketType>SSL</socketType><authentication>NTLM</authentication></outgoingServer>',
      '<outgoingServer type="smtp"/>',
    ].join('');

    const result = parseConfigXml(doc(bad + smtp465));

    expect(result.ok && result.provider.smtp.map((s) => s.host)).toEqual(['smtp.example.com']);
    expect(result.warnings).toHaveLength(5);
  });

  it('reads a server that needs no sign-in as having no auth methods', () => {
    const open =
      '<outgoingServer type="smtp"><hostname>relay.example.com</hostname><port>25</port><socketType>plain</socketType><authentication>none</authentication></outgoingServer>';
    const result = parseConfigXml(doc(open));
    expect(result.ok && result.provider.smtp[0]).toMatchObject({ security: 'none', auth: [] });
  });

  it('turns IDN domains into punycode', () => {
    const result = parseConfigXml(doc(smtp465).replace('<domain>example.com</domain>', '<domain>Ünicode.example</domain>'));
    expect(result.ok && result.provider.domains).toEqual(['xn--nicode-2ya.example']);
  });

  it.each([
    ['malformed XML', '<clientConfig><emailProvider></clientConfig>', /^not well-formed XML \(line 1: /],
    ['an empty document', '', /^not well-formed XML/],
    ['HTML instead of XML', '<html><body>Not found</body></html>', /^no <clientConfig> element$/],
    ['no emailProvider', '<clientConfig version="1.1"/>', /^no <emailProvider> element$/],
    [
      'entity declarations',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><clientConfig>&a;</clientConfig>',
      /declares XML entities/,
    ],
  ])('returns a reason, never throws, for %s', (_name, xml, reason) => {
    const result = parseConfigXml(xml);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});
