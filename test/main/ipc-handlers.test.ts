import net from 'node:net';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../electron/shared/errors';
import type { AccountProfile } from '../../electron/shared/account';
import type { OutboxMessage } from '../../electron/shared/message';
import { INVOKE_CHANNELS, invokeContract, type ArgsOf, type InvokeChannel } from '../../electron/shared/ipc-contract';
import type { AccountTestResult } from '../../electron/core/diagnostics/account-check';
import type { OutboxEngine } from '../../electron/core/outbox/engine-api';
import { createChannelHandlers, summarize, type ChannelServices } from '../../electron/main/channels';
import { registerIpcHandlers, type TrustedRenderer } from '../../electron/main/ipc-handlers';
import { ipcMain } from './fake-electron';
import { malformedCall, seedFor } from '../security/malformed-args';
import { account } from '../renderer/fake-api';

vi.mock('electron', () => import('./fake-electron'));

import { RENDERER_URL } from '../../electron/main/app-protocol';
const OUR_CONTENTS_ID = 7;
const trusted: TrustedRenderer = { url: RENDERER_URL, isTrustedWebContents: (id) => id === OUR_CONTENTS_ID };

function senderEvent(overrides: { id?: number; url?: string; parent?: unknown; noFrame?: boolean } = {}) {
  return {
    sender: { id: overrides.id ?? OUR_CONTENTS_ID },
    senderFrame: overrides.noFrame ? null : { url: overrides.url ?? `${RENDERER_URL}#/outbox`, parent: overrides.parent ?? null },
  };
}

const message: OutboxMessage = {
  id: 'm-1',
  accountId: 'ann-example-com',
  state: 'queued',
  messageId: '<m-1@example.com>',
  subject: 'Hello',
  from: 'ann@example.com',
  to: ['bob@example.com'],
  cc: [],
  bccCount: 0,
  envelope: { from: 'ann@example.com', to: ['bob@example.com'] },
  size: 120,
  createdAt: '2030-01-01T10:00:00.000Z',
  attempts: [],
};

// The same saved account the window's tests use.
const profile: AccountProfile = account({ name: 'Ann' });

const newAccount = {
  name: 'Ann',
  email: 'ann@example.com',
  smtp: { host: 'smtp.example.com', port: 587, security: 'starttls' as const, user: 'ann' },
};

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(':');

const testReport: AccountTestResult = {
  account: 'ann-example-com',
  ok: false,
  notes: [],
  smtp: {
    ok: false,
    verdict: { code: 'SMTP_TLS', kind: 'tls-untrusted', message: 'The certificate is not trusted.', next: 'Trust this one certificate.' },
    server: { greeting: '220 smtp.example.com ESMTP', capabilities: null },
    timings: { dnsMs: 1, connectMs: 2, tlsMs: 3, greetingMs: 4, ehloMs: 5, authMs: null, totalMs: 15 },
    transcript: ['C: STARTTLS', 'S: 220 Ready'],
  },
};

/** One well-formed call per channel; test/security/malformed-args.ts breaks them. */
const VALID: { [C in InvokeChannel]: ArgsOf<C> } = {
  'outbox:list': [{ accountId: 'ann-example-com', states: ['queued', 'failed'] }],
  'outbox:get': ['m-1'],
  'outbox:enqueue': [
    { to: ['Bob <bob@example.com>'], subject: 'Hello', text: 'Hi Bob', attachments: ['att-0123456789ab'], draftId: 'draft-0123456789ab' },
  ],
  'outbox:edit': ['m-1'],
  'outbox:undo': ['m-1'],
  'outbox:sendNow': ['m-1'],
  'outbox:retry': ['m-1'],
  'outbox:hold': ['m-1'],
  'outbox:cancel': ['m-1'],
  'outbox:remove': ['m-1'],
  'outbox:flush': [],
  'account:list': [],
  'account:add': [newAccount, 'correct horse battery staple'],
  'account:update': ['ann-example-com', { smtp: { port: 465, security: 'tls' } }, 'new password'],
  'account:remove': ['ann-example-com'],
  'account:test': ['ann-example-com'],
  'account:trust': ['ann-example-com', FINGERPRINT, 'smtp'],
  'account:addOAuth': [{ name: 'Ann', email: 'ann@gmail.com', provider: 'google' }],
  'account:signIn': ['ann-example-com'],
  'settings:detect': ['ann@example.com', { timeoutSeconds: 5 }],
  'settings:cancelDetect': ['ann@example.com'],
  'settings:verify': [
    [
      {
        protocol: 'smtp',
        host: 'smtp.example.com',
        port: 465,
        security: 'tls',
        username: 'ann@example.com',
        auth: ['password'],
        source: 'bundled',
        insecure: false,
        notes: [],
      },
    ],
    'pw',
  ],
  'draft:list': [],
  'draft:save': [
    {
      id: 'draft-0123456789ab',
      to: ['bob@exa'],
      subject: 'Half written',
      html: '<p>Hi</p>',
      text: 'Hi',
      attachments: ['att-0123456789ab'],
    },
  ],
  'draft:remove': ['draft-0123456789ab'],
  'attachment:pick': [],
  'attachment:stage': [{ name: 'notes.txt', contentType: 'text/plain', bytes: new Uint8Array([104, 105]) }],
  'attachment:discard': ['att-0123456789ab'],
  'app:connectivity': [],
  'app:connectivityHint': [true],
  'app:preferences': [],
  'app:setPreferences': [{ retryLifetimeHours: 24, notifyOnSent: false, undoSendSeconds: 5 }],
  'app:takeCommands': [],
  'app:restartToUpdate': [],
};

function fakeServices() {
  const engine = {
    list: vi.fn(async () => [message]),
    get: vi.fn(async (id: string) => (id === message.id ? message : undefined)),
    enqueue: vi.fn(async () => message),
    sendNow: vi.fn(async () => ({ ...message, state: 'sending' as const })),
    retry: vi.fn(async () => message),
    hold: vi.fn(async () => ({ ...message, state: 'held' as const, holdReason: 'user' as const })),
    cancel: vi.fn(async () => ({ ...message, state: 'failed' as const })),
    remove: vi.fn(async () => undefined),
    flush: vi.fn(async () => undefined),
    accountChanged: vi.fn(),
  };
  const accounts = {
    list: vi.fn(async () => [profile]),
    get: vi.fn(async () => profile),
    credentials: vi.fn(async () => null),
    add: vi.fn(async () => profile),
    update: vi.fn(async () => profile),
    remove: vi.fn(async () => undefined),
  };
  const connectivity = { isOnline: vi.fn(() => false), onChange: vi.fn(() => () => {}) };
  const diagnostics = {
    test: vi.fn(async () => testReport),
    trust: vi.fn(async () => ({
      ...profile,
      smtp: { ...profile.smtp, pinnedCertificate: { fingerprint256: FINGERPRINT, pem: '-----BEGIN CERTIFICATE-----' } },
    })),
  };
  const oauth = {
    add: vi.fn(async () => ({ ...profile, signIn: { kind: 'oauth2' as const, provider: 'google' } })),
    signInAgain: vi.fn(async () => profile),
  };
  const detection = {
    detect: vi.fn(async () => ({
      email: 'ann@example.com',
      domain: 'example.com',
      smtp: [],
      imap: [],
      trace: [],
      status: 'complete' as const,
      health: [],
    })),
    cancel: vi.fn(),
    verify: vi.fn(async () => ({ attempts: [] })),
  };
  const draft = {
    id: 'draft-0123456789ab',
    to: ['bob@exa'],
    cc: [],
    bcc: [],
    subject: 'Half written',
    html: '<p>Hi</p>',
    text: 'Hi',
    attachments: [],
    updatedAt: '2026-11-27T10:00:00.000Z',
  };
  const staged = { id: 'att-0123456789ab', name: 'notes.txt', size: 2, contentType: 'text/plain' };
  const compose = { send: vi.fn(async () => message), edit: vi.fn(async () => draft), undo: vi.fn(async () => draft) };
  const drafts = {
    list: vi.fn(async () => [draft]),
    save: vi.fn(async () => draft),
    remove: vi.fn(async () => undefined),
    attachmentsInUse: vi.fn(async () => new Set<string>()),
  };
  const staging = { fromPath: vi.fn(async () => staged), fromBytes: vi.fn(async () => staged), discard: vi.fn(async () => undefined) };
  const pickFiles = vi.fn(async () => ['/home/ann/notes.txt']);
  const prefs = { retryLifetimeHours: 120, notifyOnSent: true, undoSendSeconds: 10 as const };
  const preferences = { get: vi.fn(() => prefs), update: vi.fn(async () => prefs) };
  const services = {
    engine: engine as unknown as OutboxEngine,
    accounts,
    connectivity,
    diagnostics,
    oauth,
    detection,
    compose: compose as unknown as ChannelServices['compose'],
    drafts: drafts as unknown as ChannelServices['drafts'],
    staging: staging as unknown as ChannelServices['staging'],
    preferences,
    pickFiles,
  } satisfies ChannelServices;
  const calls = (): number =>
    [
      ...Object.values(engine),
      ...Object.values(accounts),
      ...Object.values(diagnostics),
      ...Object.values(oauth),
      ...Object.values(detection),
      ...Object.values(compose),
      ...Object.values(drafts),
      ...Object.values(staging),
      ...Object.values(preferences),
      pickFiles,
    ].reduce((n, fn) => n + fn.mock.calls.length, 0);
  return { engine, accounts, connectivity, diagnostics, oauth, detection, compose, drafts, staging, pickFiles, services, calls };
}

let fakes: ReturnType<typeof fakeServices>;
let unregister: () => void;
const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

beforeEach(() => {
  unregister?.();
  fakes = fakeServices();
  unregister = registerIpcHandlers({ handlers: createChannelHandlers(fakes.services), trusted, logger });
});

/** Calls a channel the way Electron does: arguments structured-cloned, the event first. */
async function invoke(channel: string, args: unknown[], event: unknown = senderEvent()): Promise<any> {
  const handler = ipcMain.handlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  return handler(event, ...structuredClone(args));
}

// ---- tests ----

describe('IPC handlers', () => {
  it('registers every channel of the contract and nothing else', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
  });

  it('removes its handlers again', () => {
    unregister();
    expect(ipcMain.handlers.size).toBe(0);
    unregister = registerIpcHandlers({ handlers: createChannelHandlers(fakes.services), trusted, logger });
  });

  describe('refuses senders that are not the Outbox window', () => {
    const foreign = {
      'another webContents': senderEvent({ id: 99 }),
      'a web page in our window': senderEvent({ url: 'https://evil.example/index.html' }),
      'another local file': senderEvent({ url: 'file:///tmp/evil.html' }),
      'our renderer file opened as a file: page': senderEvent({ url: 'file:///opt/Outbox/resources/app/dist/renderer/index.html' }),
      'our path on another host (a network share)': senderEvent({
        url: 'file://evil.example/opt/Outbox/resources/app/dist/renderer/index.html',
      }),
      'another host on our scheme': senderEvent({ url: 'app://evil/index.html' }),
      'another page of our origin': senderEvent({ url: 'app://outbox/assets/evil.html' }),
      'our page over http': senderEvent({ url: 'http://outbox/index.html' }),
      'a blank page': senderEvent({ url: 'about:blank' }),
      'a data: page': senderEvent({ url: 'data:text/html,<script>outbox.account.list()</script>' }),
      'the developer tools': senderEvent({ url: 'devtools://devtools/bundled/devtools_app.html' }),
      'a frame with no URL yet': senderEvent({ url: '' }),
      'a subframe': senderEvent({ parent: { url: RENDERER_URL } }),
      'a frame that is gone': senderEvent({ noFrame: true }),
    };
    for (const [name, event] of Object.entries(foreign)) {
      it(name, async () => {
        for (const channel of INVOKE_CHANNELS) {
          const result = await invoke(channel, VALID[channel], event);
          expect(result.ok).toBe(false);
          expect(result.error.code).toBe('IPC_FORBIDDEN');
        }
        expect(fakes.calls()).toBe(0);
        expect(logger.warn).toHaveBeenCalled();
      });
    }
  });

  it('accepts our window whatever its hash or query', async () => {
    const result = await invoke('outbox:list', [], senderEvent({ url: `${RENDERER_URL}?x=1#/sent` }));
    expect(result).toEqual({ ok: true, value: [summarize(message)] });
  });

  it('answers every well-formed call with a value from the services', async () => {
    for (const channel of INVOKE_CHANNELS) {
      const result = await invoke(channel, VALID[channel]);
      expect(result, channel).toMatchObject({ ok: true });
      expect(result).toHaveProperty('value');
    }
  });

  it('passes validated arguments, defaults applied, to Compose and the engine', async () => {
    const result = await invoke('outbox:enqueue', VALID['outbox:enqueue']);
    expect(result).toEqual({ ok: true, value: message });
    expect(fakes.compose.send).toHaveBeenCalledWith(
      expect.objectContaining({
        to: ['Bob <bob@example.com>'],
        cc: [],
        bcc: [],
        attachments: ['att-0123456789ab'],
        subject: 'Hello',
        html: '',
        draftId: 'draft-0123456789ab',
      }),
    );
    await invoke('outbox:list', VALID['outbox:list']);
    expect(fakes.engine.list).toHaveBeenCalledWith({ accountId: 'ann-example-com', states: ['queued', 'failed'] });
  });

  it('hands the password to the account store and never returns it', async () => {
    fakes.accounts.add.mockResolvedValueOnce({ ...profile, password: 'leaked' } as AccountProfile);
    const result = await invoke('account:add', VALID['account:add']);
    expect(fakes.accounts.add).toHaveBeenCalledWith(expect.objectContaining({ email: 'ann@example.com' }), 'correct horse battery staple');
    expect(result).toEqual({ ok: true, value: { ...profile, sending: expect.any(Object) } });
    expect(JSON.stringify(result)).not.toContain('leaked');
  });

  it("sends each account's provider figures and what the engine paces by (the account's overrides over them)", async () => {
    const gmail: AccountProfile = {
      ...profile,
      email: 'ann@gmail.com',
      smtp: { ...profile.smtp, host: 'smtp.gmail.com' },
      limits: { recipientsPerMessage: 30 },
    };
    fakes.accounts.list.mockResolvedValueOnce([profile, gmail]);
    const result = await invoke('account:list', []);
    expect(result.value[0].sending).toEqual({
      provider: 'Your mail server',
      profile: { maxConnections: 5, messagesPerMinute: null, messagesPerDay: null, recipientsPerDay: null, recipientsPerMessage: 100 },
      effective: { maxConnections: 5, messagesPerMinute: null, messagesPerDay: null, recipientsPerDay: null, recipientsPerMessage: 100 },
    });
    expect(result.value[1].sending).toMatchObject({
      provider: 'Gmail',
      profile: { recipientsPerMessage: 100, messagesPerDay: 500 },
      effective: { recipientsPerMessage: 30, messagesPerDay: 500 },
    });
  });

  it('tells the engine when an account changed, leaving unmentioned settings alone', async () => {
    await invoke('account:update', VALID['account:update']);
    expect(fakes.accounts.update).toHaveBeenCalledWith('ann-example-com', { smtp: { port: 465, security: 'tls' } }, 'new password');
    expect(fakes.engine.accountChanged).toHaveBeenCalledWith(profile);
  });

  it('runs the connection test through the diagnostics service and returns its report', async () => {
    const result = await invoke('account:test', ['ann-example-com']);
    expect(fakes.diagnostics.test).toHaveBeenCalledWith('ann-example-com');
    expect(result).toEqual({ ok: true, value: testReport });
  });

  it('pins a certificate through the diagnostics service and tells the engine the account changed', async () => {
    const result = await invoke('account:trust', ['ann-example-com', FINGERPRINT.toLowerCase(), 'smtp']);
    expect(fakes.diagnostics.trust).toHaveBeenCalledWith('ann-example-com', FINGERPRINT.toLowerCase(), 'smtp');
    expect(result.value.smtp.pinnedCertificate.fingerprint256).toBe(FINGERPRINT);
    const { sending: _sending, ...stored } = result.value;
    expect(fakes.engine.accountChanged).toHaveBeenCalledWith(stored);
  });

  it('returns a refused pin as an error envelope with the TLS code', async () => {
    fakes.diagnostics.trust.mockRejectedValueOnce(
      new AppError('SMTP_TLS', { message: 'The server presents another certificate; nothing was trusted.' }),
    );
    const result = await invoke('account:trust', VALID['account:trust']);
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'SMTP_TLS', message: expect.stringContaining('nothing was trusted') }),
    });
    expect(fakes.engine.accountChanged).not.toHaveBeenCalled();
  });

  it('tests with the real checks when no diagnostics service is given (a closed loopback port here)', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const closed: AccountProfile = { ...profile, smtp: { ...profile.smtp, host: '127.0.0.1', port } };
    const { diagnostics: _fake, ...withoutDiagnostics } = fakes.services;
    fakes.accounts.get.mockResolvedValue(closed);
    unregister();
    unregister = registerIpcHandlers({ handlers: createChannelHandlers(withoutDiagnostics), trusted, logger });

    const result = await invoke('account:test', ['ann-example-com']);
    expect(result.ok).toBe(true);
    expect(result.value).toMatchObject({
      account: 'ann-example-com',
      ok: false,
      smtp: { verdict: { code: 'NETWORK_REFUSED', kind: 'refused' } },
    });
    expect(result.value.imap).toBeUndefined();
  });

  it('adds an OAuth account through the browser sign-in, and signs one in again, telling the engine', async () => {
    const added = await invoke('account:addOAuth', VALID['account:addOAuth']);
    expect(added).toEqual({ ok: true, value: expect.objectContaining({ signIn: { kind: 'oauth2', provider: 'google' } }) });
    expect(fakes.oauth.add).toHaveBeenCalledWith({ name: 'Ann', email: 'ann@gmail.com', provider: 'google' });
    expect(await invoke('account:signIn', ['ann-example-com'])).toEqual({ ok: true, value: { ...profile, sending: expect.any(Object) } });
    expect(fakes.engine.accountChanged).toHaveBeenCalledWith(profile);
  });

  it('detects settings for the wizard, cancels a search, and verifies candidates with the password', async () => {
    expect(await invoke('settings:detect', VALID['settings:detect'])).toMatchObject({
      ok: true,
      value: { domain: 'example.com', status: 'complete' },
    });
    expect(fakes.detection.detect).toHaveBeenCalledWith('ann@example.com', 5, undefined);
    expect(await invoke('settings:cancelDetect', ['ann@example.com'])).toEqual({ ok: true, value: null });
    expect(fakes.detection.cancel).toHaveBeenCalledWith('ann@example.com');
    expect(await invoke('settings:verify', VALID['settings:verify'])).toEqual({ ok: true, value: { attempts: [] } });
    expect(fakes.detection.verify).toHaveBeenCalledWith(VALID['settings:verify'][0], 'pw');
  });

  it('reports connectivity', async () => {
    expect(await invoke('app:connectivity', [])).toEqual({ ok: true, value: { online: false } });
  });

  it('returns an AppError from the engine as code, message and next step', async () => {
    fakes.engine.retry.mockRejectedValueOnce(new AppError('MESSAGE_STATE', { message: 'That message was already sent.' }));
    const result = await invoke('outbox:retry', ['m-1']);
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'MESSAGE_STATE',
        message: 'That message was already sent.',
        next: expect.any(String),
        retryable: false,
      }),
    });
  });

  it('answers an unknown message id with MESSAGE_NOT_FOUND', async () => {
    const result = await invoke('outbox:get', ['m-404']);
    expect(result.error).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
  });

  it('turns unexpected errors, thrown or synchronous, into INTERNAL envelopes and logs them', async () => {
    fakes.engine.flush.mockRejectedValueOnce(new TypeError('boom'));
    expect(await invoke('outbox:flush', [])).toEqual({ ok: false, error: expect.objectContaining({ code: 'INTERNAL', detail: 'boom' }) });
    fakes.engine.hold.mockImplementationOnce(() => {
      throw 'not even an Error';
    });
    expect((await invoke('outbox:hold', ['m-1'])).error.code).toBe('INTERNAL');
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('[ipc] outbox:flush failed'));
  });

  describe('rejects malformed arguments with a VALIDATION envelope', () => {
    const explicit: Array<[InvokeChannel, unknown[]]> = [
      ['outbox:list', [{ states: ['bogus'] }]],
      ['outbox:list', [{ unexpected: true }]],
      ['outbox:list', ['queued']],
      ['outbox:get', []],
      ['outbox:get', [42]],
      ['outbox:get', ['../../accounts.json']],
      ['outbox:get', ['.hidden']],
      ['outbox:remove', ['a/b']],
      ['outbox:enqueue', [{ to: [], subject: 'nobody' }]],
      ['outbox:enqueue', [{ to: ['bob@example.com'], subject: 'Hi\r\nBcc: victim@example.com' }]],
      ['outbox:enqueue', [{ to: ['bob@example.com'], headers: { 'X-Any': 'x' } }]],
      ['outbox:enqueue', [{ to: ['bob@example.com'], attachments: [{ path: '/home/ann/.ssh/id_rsa' }] }]],
      ['outbox:enqueue', [{ to: ['bob@example.com'], attachments: ['../../accounts.json'] }]],
      ['outbox:enqueue', [{ to: ['bob@example.com'], from: 'ceo@example.com' }]],
      ['draft:save', [{ id: '../x', to: [] }]],
      ['draft:save', [{ subject: 'a\nb' }]],
      ['attachment:stage', [{ name: '../../.bashrc', contentType: 'text/plain', bytes: new Uint8Array(1) }]],
      ['attachment:stage', [{ name: 'a.txt', contentType: 'text/plain', bytes: 'not bytes' }]],
      ['attachment:discard', ['/etc/passwd']],
      ['app:connectivityHint', ['yes']],
      ['outbox:enqueue', [{ to: ['bob@example.com'], scheduledAt: 'tomorrow' }]],
      ['outbox:flush', [true]],
      ['account:add', [{ ...newAccount, smtp: { ...newAccount.smtp, security: 'none' } }, 'pw']],
      ['account:add', [newAccount, 12345]],
      ['account:add', [newAccount, '']],
      ['account:update', ['ann-example-com', { smtp: { port: 0 } }]],
      ['account:update', ['ann-example-com', { id: 'other' }]],
      ['account:remove', ['Not An Id']],
      ['account:test', []],
      ['account:test', ['Not An Id']],
      ['account:trust', ['ann-example-com', 'AB:CD', 'smtp']],
      ['account:trust', ['ann-example-com', FINGERPRINT, 'pop3']],
      ['account:trust', ['ann-example-com', FINGERPRINT]],
      ['app:connectivity', [{}]],
    ];
    it.each(explicit)('%s %j', async (channel, args) => {
      const result = await invoke(channel, args);
      expect(result).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'VALIDATION', message: expect.any(String), next: expect.any(String) }),
      });
      expect(fakes.calls()).toBe(0);
    });

    it('never echoes a refused password', async () => {
      const password = `secret-${'x'.repeat(5000)}`;
      const result = await invoke('account:add', [newAccount, password]);
      expect(result.error.code).toBe('VALIDATION');
      expect(JSON.stringify(result)).not.toContain('secret-');
    });

    const RUNS_PER_CHANNEL = 1000;
    const prototypeKeys = () => [Object.prototype, Array.prototype].map((proto) => Object.getOwnPropertyNames(proto).sort());
    const PRISTINE_PROTOTYPES = prototypeKeys();
    it.each([...INVOKE_CHANNELS])(
      '%s: a thousand malformed calls never throw, and those the contract refuses never reach the services',
      async (channel) => {
        const schema = invokeContract[channel].args;
        let refused = 0;
        await fc.assert(
          fc.asyncProperty(malformedCall(VALID[channel]), async (args) => {
            // What the handler receives: Electron structured-clones the arguments across the bridge.
            const received = structuredClone(args);
            const before = fakes.calls();
            // A rejection would be Electron's generic "Error invoking remote method": it must never happen.
            const result = await invoke(channel, args).catch((error: unknown) => ({ threw: String(error) }));
            if (!schema.safeParse(received).success) {
              refused += 1;
              expect(result).toEqual({
                ok: false,
                error: expect.objectContaining({ code: 'VALIDATION', message: expect.any(String), next: expect.any(String) }),
              });
              expect(fakes.calls()).toBe(before);
            } else if (result.ok === true) {
              // Mutated but still well-formed (an optional field dropped, say): it reaches the services.
              expect(result).toHaveProperty('value');
            } else {
              expect(result).toEqual({
                ok: false,
                error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
              });
              expect(result.error.code).not.toBe('VALIDATION');
            }
          }),
          { numRuns: RUNS_PER_CHANNEL, seed: seedFor(channel) },
        );
        // The generator must mostly produce bad input, or this test proves little (optional arguments let some through).
        expect(refused).toBeGreaterThan(RUNS_PER_CHANNEL * 0.7);
        // "__proto__" and "constructor" keys went through parsing and the services without reaching a prototype.
        expect(prototypeKeys()).toEqual(PRISTINE_PROTOTYPES);
      },
    );
  });
});
