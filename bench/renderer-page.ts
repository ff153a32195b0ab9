// What the renderer bench adds to the site scripts/renderer-site.ts builds and serves: a blank page as the baseline,
// and a stand-in `window.outbox` that answers from synthetic data, so the figures measure the page and not IPC.
import fs from 'node:fs/promises';
import path from 'node:path';
import { buildRenderer, type BuiltRenderer } from '../scripts/renderer-site';

export const BLANK_PAGE = 'blank.html';

/** The renderer as the e2e suites build it, plus the baseline: the same server, the same navigation, a page with nothing to run. */
export async function buildWithBlankPage(root: string): Promise<BuiltRenderer> {
  const built = await buildRenderer(root);
  await fs.writeFile(
    path.join(built.dir, BLANK_PAGE),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>blank</title></head><body></body></html>',
  );
  return built;
}

/**
 * Runs in the page before its scripts: `window.outbox` answering from `?n=` synthetic messages, made here so
 * their making is not counted. Self-contained: it is serialised into the page and can call nothing outside.
 */
export function installStandIn(): void {
  const n = Number(new URLSearchParams(location.search).get('n') ?? '0');
  const states = ['queued', 'sent', 'sent', 'sent', 'failed', 'scheduled', 'held'];
  const base = Date.UTC(2030, 0, 1);
  const messages = Array.from({ length: n }, (_, i) => {
    const state = states[i % states.length];
    return {
      id: `m-${i}`,
      accountId: 'bench',
      state,
      messageId: `<m-${i}@example.com>`,
      subject: `Message ${i} about the quarterly figures`,
      from: 'Bench <bench@example.com>',
      to: [`friend${i}@example.com`, 'team@example.com'],
      cc: [],
      bccCount: i % 5 === 0 ? 1 : 0,
      envelope: { from: 'bench@example.com', to: [`friend${i}@example.com`] },
      size: 2048 + i,
      createdAt: new Date(base - i * 60_000).toISOString(),
      sentAt: state === 'sent' ? new Date(base - i * 60_000 + 5_000).toISOString() : undefined,
      scheduledAt: state === 'scheduled' ? new Date(base + 86_400_000).toISOString() : undefined,
      holdReason: state === 'held' ? 'user' : undefined,
      lastError:
        state === 'failed'
          ? {
              code: 'SMTP_RECIPIENT',
              message: 'The mail server refused one or more recipients.',
              next: 'Check the spelling.',
              retryable: false,
              reply: '550 5.1.1 User unknown',
            }
          : undefined,
      attemptCount: state === 'queued' ? 0 : 1,
    };
  });
  const account = {
    id: 'bench',
    name: 'Bench',
    email: 'bench@example.com',
    smtp: { host: 'smtp.example.com', port: 587, security: 'starttls', insecure: false, user: 'bench', authMethod: 'auto' },
    sentCopy: { enabled: false },
    signIn: { kind: 'password' },
    status: 'ok',
    createdAt: new Date(base).toISOString(),
  };
  const answers: Record<string, unknown> = {
    'outbox:list': messages,
    'account:list': [account],
    'app:connectivity': { online: true },
    'app:takeCommands': [],
    'draft:list': [],
  };
  const domain = (name: string) =>
    new Proxy({}, { get: (_t, verb) => async () => ({ ok: true, value: answers[`${name}:${String(verb)}`] ?? null }) });
  const api = new Proxy({}, { get: (_t, name) => (name === 'on' ? () => () => undefined : domain(String(name))) });
  Object.defineProperty(window, 'outbox', { value: api });
}
