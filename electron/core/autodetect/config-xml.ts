// Parses a Thunderbird clientConfig v1.1 document (ISPDB, live ISPDB, a domain's own autoconfig) into a
// ProviderConfig. Never throws on bad input: a malformed or unusable document is a value with a reason.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Security } from '../../shared/account';
import type { OAuth2Hint, Protocol, ProviderConfig, ServerConfig } from './types';
import { normalizeDomain } from './domain-name';

/** A sensible cap for fetched documents; the ISPDB's largest file is a few kilobytes. The caller enforces it. */
export const CONFIG_XML_MAX_BYTES = 256 * 1024;

export type ConfigXmlResult =
  { ok: true; provider: ProviderConfig; warnings: string[] } | { ok: false; reason: string; warnings: string[] };

// Elements that may repeat; everything else is read as a single value.
const REPEATED = new Set(['emailProvider', 'domain', 'incomingServer', 'outgoingServer', 'authentication', 'documentation']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (tagName, _path, _leaf, isAttribute) => !isAttribute && REPEATED.has(tagName),
});

const SOCKET_TYPES: Record<string, Security> = { ssl: 'tls', tls: 'tls', starttls: 'starttls', plain: 'none' };
const PASSWORD_AUTH = new Set(['password-cleartext', 'password-encrypted', 'plain', 'secure']);

type Node = Record<string, unknown>;

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** The text of an element, whether it has attributes (`{ '#text': … }`) or not. */
function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number') return String(v);
  if (isNode(v)) return text(v['#text']);
  return undefined;
}

/** Lower-case ASCII (punycode) form of a domain, or undefined when it is not a usable domain (domain-name.ts). */
export { normalizeDomain };

function parseServer(node: unknown, protocol: Protocol, where: string, warnings: string[]): ServerConfig | undefined {
  if (!isNode(node)) {
    warnings.push(`${where}: empty server entry skipped`);
    return undefined;
  }
  const host = text(node.hostname);
  if (!host || /\s/.test(host)) {
    warnings.push(`${where}: no usable hostname, skipped`);
    return undefined;
  }
  const portText = text(node.port);
  const port = portText && /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    warnings.push(`${where} ${host}: port "${portText ?? ''}" is not a valid port, skipped`);
    return undefined;
  }
  const socketType = text(node.socketType);
  const security = socketType ? SOCKET_TYPES[socketType.toLowerCase()] : undefined;
  if (!security) {
    warnings.push(`${where} ${host}:${port}: socket type "${socketType ?? '(missing)'}" is not one Outbox knows, skipped`);
    return undefined;
  }
  const authKinds = list(node.authentication)
    .map((a) => text(a)?.toLowerCase())
    .filter((a): a is string => !!a);
  const auth: ServerConfig['auth'] = [];
  if (authKinds.some((a) => a === 'oauth2')) auth.push('oauth2');
  if (authKinds.some((a) => PASSWORD_AUTH.has(a))) auth.push('password');
  // Thunderbird's default when none is given is a password; a list of only kinds we cannot do
  // (NTLM, GSSAPI, client-IP-address…) makes the server unusable for us, while "none" means no sign-in.
  if (authKinds.length === 0) auth.push('password');
  else if (auth.length === 0 && !authKinds.includes('none')) {
    warnings.push(`${where} ${host}:${port}: only unsupported sign-in methods (${authKinds.join(', ')}), skipped`);
    return undefined;
  }
  // Host names are case-insensitive, the templates in them (mail.%EMAILDOMAIN%) are not.
  const normalizedHost = host.toLowerCase().replace(/%email(address|localpart|domain)%/g, (m) => m.toUpperCase());
  const server: ServerConfig = { protocol, host: normalizedHost, port, security, auth };
  const username = text(node.username);
  if (username) server.usernameTemplate = username;
  return server;
}

function serversOf(nodes: unknown[], protocol: Protocol, element: string, warnings: string[]): ServerConfig[] {
  const out: ServerConfig[] = [];
  for (const node of nodes) {
    const type = isNode(node) ? text(node['@_type'])?.toLowerCase() : undefined;
    if (type !== protocol) continue; // pop3, ews, exchange…: not used by Outbox
    const server = parseServer(node, protocol, `${element} ${protocol}`, warnings);
    if (server) out.push(server);
  }
  return out;
}

function parseOAuth2(node: unknown): OAuth2Hint | undefined {
  if (!isNode(node)) return undefined;
  const issuer = text(node.issuer);
  const scope = text(node.scope);
  return issuer && scope ? { issuer, scope: scope.split(/\s+/).join(' ') } : undefined;
}

/** Parses one clientConfig document. `fallbackId` names the provider when the file gives no id. */
export function parseConfigXml(input: string, fallbackId = 'unknown'): ConfigXmlResult {
  const warnings: string[] = [];
  const xml = input.replace(/^\uFEFF/, ''); // a byte-order mark, as some servers send
  // Autoconfig documents never declare entities; refusing them rules out entity-expansion bombs.
  if (/<!ENTITY/i.test(xml))
    return { ok: false, reason: 'the document declares XML entities, which autoconfig files never need', warnings };
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    return { ok: false, reason: `not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`, warnings };
  }
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch (error) {
    return { ok: false, reason: `not readable XML (${(error as Error).message})`, warnings };
  }
  const root = isNode(doc) ? doc.clientConfig : undefined;
  if (!isNode(root)) return { ok: false, reason: 'no <clientConfig> element', warnings };
  const providerNode = list(root.emailProvider)[0];
  if (!isNode(providerNode)) return { ok: false, reason: 'no <emailProvider> element', warnings };

  const id = text(providerNode['@_id']) ?? fallbackId;
  const domains: string[] = [];
  for (const d of list(providerNode.domain)) {
    const raw = text(d);
    const domain = raw ? normalizeDomain(raw) : undefined;
    if (!domain) warnings.push(`domain "${raw ?? ''}" is not a usable domain, skipped`);
    else if (!domains.includes(domain)) domains.push(domain);
  }
  const smtp = serversOf(list(providerNode.outgoingServer), 'smtp', 'outgoingServer', warnings);
  const imap = serversOf(list(providerNode.incomingServer), 'imap', 'incomingServer', warnings);
  if (smtp.length === 0 && imap.length === 0) {
    return { ok: false, reason: `provider "${id}" has no usable SMTP or IMAP server`, warnings };
  }
  const provider: ProviderConfig = {
    id,
    displayName: text(providerNode.displayName) ?? text(providerNode.displayShortName) ?? id,
    domains,
    smtp,
    imap,
  };
  const documentation = list(providerNode.documentation)
    .map((d) => (isNode(d) ? text(d['@_url']) : undefined))
    .filter((u): u is string => !!u && /^https?:\/\//i.test(u));
  if (documentation.length > 0) provider.documentation = documentation;
  const oauth2 = parseOAuth2(root.oAuth2);
  if (oauth2) provider.oauth2 = oauth2;
  return { ok: true, provider, warnings };
}

/** The bundled data file's shape: what scripts/derive-providers.mjs writes and bundled.ts reads. */
export interface BundledProviderData {
  source: string;
  providers: ProviderConfig[];
}

export interface DeriveResult {
  data: BundledProviderData;
  /** One line per file skipped or entry dropped, for the developer running the script. */
  warnings: string[];
}

/** Derives the bundled data from ISPDB files; files in name order, so the output is reproducible. */
export function deriveProviderData(files: { name: string; xml: string }[]): DeriveResult {
  const warnings: string[] = [];
  const providers: ProviderConfig[] = [];
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const file of sorted) {
    const result = parseConfigXml(file.xml, file.name.replace(/\.xml$/, ''));
    for (const w of result.warnings) warnings.push(`${file.name}: ${w}`);
    if (!result.ok) {
      warnings.push(`${file.name}: skipped, ${result.reason}`);
      continue;
    }
    if (result.provider.smtp.length === 0) {
      warnings.push(`${file.name}: skipped, no SMTP server (Outbox only sends)`);
      continue;
    }
    providers.push(result.provider);
  }
  return { data: { source: 'Thunderbird ISPDB (https://github.com/thunderbird/autoconfig), MPL-2.0: see LICENSE', providers }, warnings };
}
