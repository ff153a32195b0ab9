// One owner of message states: the shared tables are complete and consistent, the engine accepts exactly
// the actions the tables allow in every state (driven for real, one fresh message per state and action),
// and no code but transitions.ts writes a message's state.
import { readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentStaging } from '../../../electron/core/compose/attachment-staging';
import { ComposeService } from '../../../electron/core/compose/compose-service';
import { DraftStore } from '../../../electron/core/compose/draft-store';
import type { SendResult } from '../../../electron/core/ports';
import { isAppError } from '../../../electron/shared/errors';
import type { OutboxMessage } from '../../../electron/shared/message';
import {
  actionsFor,
  allows,
  FINISHED_STATES,
  MESSAGE_ACTIONS,
  MESSAGE_STATES,
  OPEN_RECIPIENT_STATES,
  RECIPIENT_STATES,
  SETTLED_STATES,
  STATE_ACTIONS,
  STATE_GROUP,
  STATE_GROUPS,
  UNFINISHED_STATES,
  UNSENT_STATES,
  WAITING_STATES,
  type MessageAction,
} from '../../../electron/shared/message-states';
import { actionsFor as screenActions, type MessageActions } from '../../../renderer/src/outbox/outbox-view';
import { account, FakeNetwork, makeEngine, MemoryAccounts, ScriptedSender, tempDir } from './harness';

/** The screen's buttons by the engine's action names. */
const SCREEN_KEY: Record<MessageAction, keyof MessageActions> = {
  sendNow: 'sendNow',
  retry: 'retry',
  edit: 'edit',
  hold: 'pause',
  cancel: 'cancel',
  delete: 'remove',
  undo: 'undo',
};

describe('the shared state tables', () => {
  it('give every state a group and a list of actions, and every group a state', () => {
    for (const state of MESSAGE_STATES) {
      expect(STATE_GROUPS).toContain(STATE_GROUP[state]);
      for (const action of STATE_ACTIONS[state]) expect(MESSAGE_ACTIONS).toContain(action);
    }
    expect(Object.keys(STATE_GROUP).sort()).toEqual([...MESSAGE_STATES].sort());
    expect(Object.keys(STATE_ACTIONS).sort()).toEqual([...MESSAGE_STATES].sort());
    for (const group of STATE_GROUPS) expect(MESSAGE_STATES.some((s) => STATE_GROUP[s] === group)).toBe(true);
  });

  it('derive the lists every reader uses from the groups, without overlaps or gaps', () => {
    expect(WAITING_STATES).toEqual(['queued', 'scheduled']);
    expect([...FINISHED_STATES, ...UNFINISHED_STATES].sort()).toEqual([...MESSAGE_STATES].sort());
    expect(UNFINISHED_STATES).toEqual(['queued', 'scheduled', 'sending', 'held']);
    // --wait stops where nothing happens without the user; `queue` lists all but sent mail.
    expect(SETTLED_STATES).toEqual(['sent', 'failed', 'held', 'quarantined']);
    expect(UNSENT_STATES).not.toContain('sent');
    expect(UNSENT_STATES).toContain('quarantined');
    // A quarantined message may only be deleted; a message being sent allows nothing.
    expect(actionsFor({ state: 'quarantined' })).toEqual(['delete']);
    expect(actionsFor({ state: 'sending' })).toEqual([]);
    for (const state of MESSAGE_STATES) expect(allows({ state }, 'delete')).toBe(state !== 'sending');
    expect(OPEN_RECIPIENT_STATES.every((s) => RECIPIENT_STATES.includes(s))).toBe(true);
  });

  it('have only transitions.ts write a message state (journal replay aside)', () => {
    const root = fileURLToPath(new URL('../../../electron', import.meta.url));
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : [],
      );
    const writers = new Set<string>();
    for (const file of files(root)) {
      const source = readFileSync(file, 'utf8');
      // `x.state = …` where x is a message record (recipients are `r`, Sent copies `copy`).
      for (const match of source.matchAll(/\b(\w+)\.state\s*=(?!=)/g)) {
        if (match[1] === 'r' || match[1] === 'copy') continue;
        writers.add(`${path.relative(root, file)}:${match[1]}`);
      }
    }
    // record.ts's `going` is journal replay: the log says the message was going out.
    expect([...writers].sort()).toEqual(['core/outbox/record.ts:going', 'core/outbox/transitions.ts:record']);
  });
});

describe('the engine accepts exactly the actions the screen offers (and the shared table allows)', () => {
  const kinds = [
    'queued',
    'scheduled',
    'in its undo window',
    'held by you',
    'held for its account',
    'failed',
    'sent',
    'partly delivered',
    'quarantined',
    'sending',
  ] as const;
  type Kind = (typeof kinds)[number];
  let dir: string;
  let parts: ReturnType<typeof makeEngine>;
  let compose: ComposeService;
  const releases: (() => void)[] = [];
  const quarantinable: string[] = [];

  const partial: SendResult = {
    outcome: 'partial',
    reply: '250 2.0.0 Ok',
    recipients: [
      { address: 'a@example.org', accepted: true, reply: '250 2.0.0 Ok', responseCode: 250 },
      { address: 'b@example.org', accepted: false, reply: '450 4.2.0 Greylisted', responseCode: 450 },
    ],
    error: { code: 'SMTP_RECIPIENT', message: 'deferred', next: 'wait', retryable: true, reply: '450 4.2.0 Greylisted', responseCode: 450 },
    transcript: [],
  };

  beforeAll(async () => {
    dir = await tempDir('outbox-states-');
    const accounts = () => new MemoryAccounts(account(), account('locked', { status: 'needs-attention', statusReason: '535 5.7.8 no' }));
    // Messages to damage are taken in by a first engine, so the second has no copy of their bytes in memory.
    const first = makeEngine(dir, { accounts: accounts(), network: new FakeNetwork(false) });
    await first.engine.start();
    for (let i = 0; i <= MESSAGE_ACTIONS.length; i++)
      quarantinable.push((await first.engine.enqueue({ to: ['a@example.org'], subject: `Damaged ${i}`, text: 'x'.repeat(200) })).id);
    await first.engine.stop();
    for (const id of quarantinable) {
      const file = path.join(dir, 'spool', 'queue', `${id}.msg`);
      const bytes = await fs.readFile(file);
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0x20, bytes.length - 10);
      await fs.writeFile(file, bytes);
    }
    const sender = new ScriptedSender((request, bytes) => {
      const text = bytes.toString();
      if (text.includes('Subject: Blocked'))
        return new Promise((resolve) => releases.push(() => resolve({ outcome: 'sent', transcript: [] })));
      if (text.includes('Subject: Partly') && request.envelope.to.length === 2) return partial;
      return { outcome: 'sent', reply: '250 2.0.0 Ok', transcript: [] };
    });
    parts = makeEngine(dir, { accounts: accounts(), sender, autoSend: false });
    await parts.engine.start();
    const staging = new AttachmentStaging(path.join(dir, 'attachments'));
    compose = new ComposeService({ engine: parts.engine, drafts: new DraftStore(path.join(dir, 'drafts'), staging), staging });
  });
  afterAll(async () => {
    for (const release of releases) release();
    await parts.engine.stop({ graceMs: 500 });
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function messageIn(kind: Kind): Promise<OutboxMessage> {
    const { engine } = parts;
    const plain = { to: ['a@example.org'], subject: `A ${kind} message`, text: 'Hello' };
    switch (kind) {
      case 'queued':
        return engine.enqueue(plain);
      case 'scheduled':
        return engine.enqueue({ ...plain, scheduledAt: new Date(Date.now() + 86_400_000).toISOString() });
      case 'in its undo window':
        return engine.enqueue({ ...plain, delaySeconds: 3600 });
      case 'held by you':
        return engine.hold((await engine.enqueue(plain)).id);
      case 'held for its account':
        return engine.sendNow((await engine.enqueue({ ...plain, accountId: 'locked' })).id);
      case 'failed':
        return engine.cancel((await engine.enqueue(plain)).id);
      case 'sent':
        return engine.sendNow((await engine.enqueue(plain)).id);
      case 'partly delivered':
        return engine.sendNow((await engine.enqueue({ ...plain, subject: 'Partly', to: ['a@example.org', 'b@example.org'] })).id);
      case 'quarantined':
        return engine.sendNow(quarantinable.pop()!);
      case 'sending': {
        const m = await engine.enqueue({ ...plain, subject: 'Blocked' });
        void engine.sendNow(m.id).catch(() => {});
        return engine.waitFor(m.id, ['sending']);
      }
    }
  }

  /** True when the engine (or Compose, for Edit) did it; false when it refused for the message's state. */
  async function accepted(action: MessageAction, id: string): Promise<boolean> {
    const { engine } = parts;
    const run: Record<MessageAction, () => Promise<unknown>> = {
      sendNow: () => engine.sendNow(id),
      retry: () => engine.retry(id),
      edit: () => compose.edit(id),
      hold: () => engine.hold(id),
      cancel: () => engine.cancel(id),
      delete: () => engine.remove(id),
      undo: () => compose.undo(id),
    };
    try {
      await run[action]();
      return true;
    } catch (error) {
      if (isAppError(error) && error.code === 'MESSAGE_STATE') return false;
      throw error;
    }
  }

  it.each(kinds)('a message %s', async (kind) => {
    const seen: Record<string, [boolean, boolean]> = {};
    for (const action of MESSAGE_ACTIONS) {
      // Send now on a message being sent waits for that attempt: it is not offered, and not a refusal.
      if (kind === 'sending' && action === 'sendNow') continue;
      const message = await messageIn(kind);
      const offered = screenActions(message)[SCREEN_KEY[action]];
      expect(offered).toBe(allows(message, action));
      seen[action] = [await accepted(action, message.id), offered];
    }
    for (const [action, [did, offered]] of Object.entries(seen)) expect({ action, accepted: did }).toEqual({ action, accepted: offered });
  });

  it('reached each state it claims to', async () => {
    const states = await Promise.all(kinds.map(async (kind) => [kind, (await messageIn(kind)).state] as const));
    expect(Object.fromEntries(states)).toEqual({
      queued: 'queued',
      scheduled: 'scheduled',
      'in its undo window': 'scheduled',
      'held by you': 'held',
      'held for its account': 'held',
      failed: 'failed',
      sent: 'sent',
      'partly delivered': 'queued',
      quarantined: 'quarantined',
      sending: 'sending',
    });
  });
});
