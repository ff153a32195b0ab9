// What each IPC channel does: thin calls into the engine, the account store, the connection test and connectivity.
// Results are plain data; account profiles are re-parsed so nothing but the profile's own fields can leave.
import {
  accountProfileSchema,
  type AccountProfile,
  type AccountSending,
  type AccountSummary,
  type SendingFigures,
} from '../shared/account';
import { limitsOf, profileOf } from '../core/providers/sending-profiles';
import { AppError } from '../shared/errors';
import type { Connectivity } from '../core/ports';
import type { OutboxEngine } from '../core/outbox/engine-api';
import type { AccountStore } from '../core/accounts/account-store';
import { createAccountDiagnostics, type AccountDiagnostics } from '../core/diagnostics/account-check';
import type { AccountTestReport, AppCommand, DetectStepEvent, OutboxSummary } from '../shared/ipc-contract';
import type { OutboxMessage } from '../shared/message';
import type { ComposeService } from '../core/compose/compose-service';
import type { DraftStore } from '../core/compose/draft-store';
import type { AttachmentStaging } from '../core/compose/attachment-staging';
import type { PreferencesStore } from '../core/preferences/preferences-store';
import type { ChannelHandlers } from './ipc-handlers';
import type { DetectionService } from '../core/autodetect/detection-service';

export interface ChannelServices {
  engine: OutboxEngine;
  accounts: Pick<AccountStore, 'list' | 'get' | 'add' | 'update' | 'remove' | 'credentials'>;
  connectivity: Connectivity;
  /** The connection test and certificate pin; by default built on `accounts` (an IMAP password of its own is then not checked). */
  diagnostics?: AccountDiagnostics;
  /** OAuth sign-in in the system browser; absent where no browser can be opened. */
  oauth?: OAuthSignIn;
  /** Settings detection for the wizard (one per app session, so its cache lasts the session). */
  detection: Pick<DetectionService, 'detect' | 'cancel' | 'verify'>;
  /** Compose: sending from the window, Edit, drafts and staged attachments. */
  compose: ComposeService;
  drafts: DraftStore;
  staging: AttachmentStaging;
  preferences: Pick<PreferencesStore, 'get' | 'update'>;
  /** The OS file picker (Electron's dialog); resolves with the chosen paths, none when cancelled. */
  pickFiles: () => Promise<string[]>;
  /** Pushes a detection step to the window while settings:detect runs. */
  onDetectStep?: (event: DetectStepEvent) => void;
  /** Commands that came before the window was listening (a mailto: link at launch); taking them empties the list. */
  takeCommands?: () => AppCommand[];
  /** Re-reads the OS's connectivity at once. */
  pollConnectivity?: () => void;
  /** "Restart to update" (updater.ts); absent where updates are not configured. */
  restartToUpdate?: () => 'restarting' | 'after-sends' | 'no-update';
}

/** The list's view of a message: transcripts stay in main until outbox:get asks for one. */
export function summarize(message: OutboxMessage): OutboxSummary {
  const { attempts, ...rest } = message;
  const last = attempts[attempts.length - 1];
  if (!last) return { ...rest, attemptCount: 0 };
  const { transcript: _transcript, ...lastAttempt } = last;
  return { ...rest, attemptCount: attempts.length, lastAttempt };
}

/** The app's OAuth flows (core/oauth/oauth-accounts.ts with Electron's shell.openExternal as the browser). */
export interface OAuthSignIn {
  add(request: { name: string; email: string; provider: string; clientId?: string; clientSecret?: string }): Promise<AccountProfile>;
  signInAgain(id: string): Promise<AccountProfile>;
}

/** The core report as the contract types it: a compile error here means the two drifted apart. */
function publicReport(report: AccountTestReport): AccountTestReport {
  const { account, ok, notes, smtp, imap } = report;
  return imap ? { account, ok, notes, smtp, imap } : { account, ok, notes, smtp };
}

/** Strips anything the store might carry beyond the profile schema: the renderer sees profiles, never secrets. */
function publicProfile(profile: AccountProfile): AccountSummary {
  const parsed = accountProfileSchema().parse(profile);
  return { ...parsed, sending: sendingOf(parsed) };
}

/** The provider's figures and what the engine paces by: Compose warns with them, the settings show them. */
function sendingOf(account: AccountProfile): AccountSending {
  const p = profileOf(account);
  const l = limitsOf(account);
  const figures = (f: SendingFigures): SendingFigures => ({
    maxConnections: f.maxConnections,
    messagesPerMinute: f.messagesPerMinute,
    messagesPerDay: f.messagesPerDay,
    recipientsPerDay: f.recipientsPerDay,
    recipientsPerMessage: f.recipientsPerMessage,
  });
  return { provider: p.name, profile: figures(p), effective: figures(l) };
}

export function createChannelHandlers(services: ChannelServices): ChannelHandlers {
  const { engine, accounts, connectivity, diagnostics, oauth, detection, compose, drafts, staging } = services;
  const signIns = (): OAuthSignIn => {
    if (!oauth)
      throw new AppError('VALIDATION', {
        message: 'Signing in with a provider is not available here.',
        next: 'Add the account with an app password.',
      });
    return oauth;
  };
  const checks = diagnostics ?? createAccountDiagnostics({ accounts });
  return {
    'outbox:list': async (filter) => (await engine.list(filter)).map(summarize),
    'outbox:get': async (id) => {
      const message = await engine.get(id);
      if (!message) throw new AppError('MESSAGE_NOT_FOUND');
      return message;
    },
    'outbox:enqueue': (request) => compose.send(request),
    'outbox:edit': (id) => compose.edit(id),
    'outbox:undo': (id) => compose.undo(id),
    'outbox:sendNow': (id) => engine.sendNow(id),
    'outbox:retry': (id) => engine.retry(id),
    'outbox:hold': (id) => engine.hold(id),
    'outbox:cancel': (id) => engine.cancel(id),
    'outbox:remove': async (id) => {
      await engine.remove(id);
      return null;
    },
    'outbox:flush': async () => {
      await engine.flush();
      return null;
    },
    'account:list': async () => (await accounts.list()).map(publicProfile),
    'account:add': async (account, password) => publicProfile(await accounts.add(account, password)),
    'account:update': async (id, patch, password) => {
      const profile = await accounts.update(id, patch, password);
      // Releases messages held for this account's sign-in and drops its pooled connections.
      engine.accountChanged(profile);
      return publicProfile(profile);
    },
    'account:remove': async (id) => {
      await accounts.remove(id);
      return null;
    },
    'account:test': async (id) => {
      const report = publicReport(await checks.test(id));
      await rememberSizeLimit(id, report);
      return report;
    },
    'account:trust': async (id, fingerprint, server) => {
      const profile = await checks.trust(id, fingerprint, server);
      // The pooled connection was made under the old trust; the next send connects afresh.
      engine.accountChanged(profile);
      return publicProfile(profile);
    },
    'account:addOAuth': async (request) => publicProfile(await signIns().add(request)),
    'account:signIn': async (id) => {
      const profile = await signIns().signInAgain(id);
      engine.accountChanged(profile);
      return publicProfile(profile);
    },
    'settings:detect': (email, options) =>
      detection.detect(
        email,
        options?.timeoutSeconds,
        services.onDetectStep ? (step) => services.onDetectStep?.({ email, step }) : undefined,
      ),
    'settings:cancelDetect': async (email) => {
      detection.cancel(email);
      return null;
    },
    'settings:verify': (candidates, password) => detection.verify(candidates, password),
    'draft:list': () => drafts.list(),
    'draft:save': (draft) => drafts.save(draft),
    'draft:remove': async (id) => {
      await drafts.remove(id);
      return null;
    },
    'attachment:pick': async () => {
      const paths = await services.pickFiles();
      const staged = [];
      for (const file of paths) staged.push(await staging.fromPath(file));
      return staged;
    },
    'attachment:stage': (file) => staging.fromBytes(file.name, file.contentType, file.bytes),
    'attachment:discard': async (id) => {
      // A draft may still hold it (Compose discards only what it attached itself); the sweep at start tidies later.
      if (!(await drafts.attachmentsInUse()).has(id)) await staging.discard(id);
      return null;
    },
    'app:connectivity': async () => ({ online: connectivity.isOnline() }),
    'app:connectivityHint': async () => {
      // The hint only makes main look again: the window's own online flag is not trusted as the answer.
      services.pollConnectivity?.();
      return { online: connectivity.isOnline() };
    },
    'app:preferences': async () => services.preferences.get(),
    'app:setPreferences': (patch) => services.preferences.update(patch),
    'app:takeCommands': async () => services.takeCommands?.() ?? [],
    'app:restartToUpdate': async () => services.restartToUpdate?.() ?? 'no-update',
  };

  /** Compose warns against the server's SIZE limit and missing SMTPUTF8: keep what the latest successful test saw. */
  async function rememberSizeLimit(id: string, report: AccountTestReport): Promise<void> {
    const caps = report.smtp.server.capabilities;
    if (!report.smtp.ok || !caps) return;
    const current = await accounts.get(id);
    if (!current) return;
    const patch = {
      ...(caps.size && current.smtp.maxSize !== caps.size ? { maxSize: caps.size } : {}),
      ...(current.smtp.smtpUtf8 !== caps.smtpUtf8 ? { smtpUtf8: caps.smtpUtf8 } : {}),
    };
    if (Object.keys(patch).length === 0) return;
    engine.accountChanged(await accounts.update(id, { smtp: patch }));
  }
}
