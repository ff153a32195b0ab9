// Editing an account in place: the name to send as, the SMTP settings (checked as typed), the IMAP server for
// the Sent copy (added, changed or removed), optionally a new password, and the sending limits over the provider's.
import { useState, type FormEvent } from 'react';
import type { AccountProfile, AccountSummary } from '../../../../electron/shared/account';
import type { ArgsOf } from '../../../../electron/shared/ipc-contract';
import { isValid, validateServerForm, type ServerForm } from '../server-form';
import { ServerFields } from '../server-fields';
import { initialLimitsForm, limitsPatch, limitsValid, SendingLimitsFields, type LimitsForm } from './sending-limits';

export type AccountPatch = ArgsOf<'account:update'>[1];

interface Props {
  account: AccountSummary;
  busy: boolean;
  onSave(patch: AccountPatch, password: string | undefined): void;
  onCancel(): void;
}

export function AccountEditor({ account, busy, onSave, onCancel }: Props) {
  const [name, setName] = useState(account.name);
  const [form, setForm] = useState<ServerForm>({
    host: account.smtp.host,
    port: String(account.smtp.port),
    security: account.smtp.security,
    user: account.smtp.user,
    insecureConsent: account.smtp.insecure ?? false,
  });
  const [password, setPassword] = useState('');
  const [withImap, setWithImap] = useState(account.imap !== undefined);
  const [imapForm, setImapForm] = useState<ServerForm>(() => initialImapForm(account));
  const [limits, setLimits] = useState<LimitsForm>(() => initialLimitsForm(account.limits));
  const oauth = account.signIn.kind === 'oauth2';
  const ok =
    limitsValid(limits) &&
    (oauth || (isValid(validateServerForm(form)) && (!withImap || isValid(validateServerForm(imapForm))))) &&
    name.trim() !== '';
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!ok) return;
    // OAuth accounts keep the provider's servers: only the name is theirs to change.
    const changedLimits = limitsPatch(account.limits, limits);
    const limitsChange = changedLimits !== undefined ? { limits: changedLimits } : {};
    if (oauth) return onSave({ name: name.trim(), ...limitsChange }, undefined);
    const imap = withImap ? changedImap(account, imapForm) : account.imap ? null : undefined;
    // Adding an IMAP server is asking for the Sent copy; removing it ends the copy.
    const sentCopy = withImap && !account.imap ? { enabled: true } : imap === null ? { enabled: false } : undefined;
    onSave(
      {
        name: name.trim(),
        smtp: serverSettings(form),
        ...(imap !== undefined ? { imap } : {}),
        ...(sentCopy ? { sentCopy } : {}),
        ...limitsChange,
      },
      password === '' ? undefined : password,
    );
  };
  const prefix = `edit-${account.id}`;
  return (
    <form className="settings-editor" onSubmit={submit} noValidate aria-label={`Edit ${account.email}`}>
      <div className="field">
        <label htmlFor={`${prefix}-name`}>Name to send as</label>
        <input
          id={`${prefix}-name`}
          className="input"
          value={name}
          aria-invalid={name.trim() === '' ? true : undefined}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      {oauth ? null : (
        <fieldset className="settings-fieldset">
          <legend>Outgoing server (SMTP)</legend>
          <ServerFields idPrefix={prefix} form={form} onChange={setForm} />
        </fieldset>
      )}
      {oauth ? null : (
        <fieldset className="settings-fieldset">
          <legend>Sent folder (IMAP)</legend>
          <label className="settings-check">
            <input type="checkbox" checked={withImap} onChange={(e) => setWithImap(e.target.checked)} /> Save a copy of sent mail in the
            Sent folder
          </label>
          {withImap ? <ServerFields idPrefix={`${prefix}-imap`} form={imapForm} onChange={setImapForm} /> : null}
          {withImap ? <span className="field__hint">The IMAP server signs in with the same password as sending.</span> : null}
        </fieldset>
      )}
      {oauth ? null : (
        <div className="field">
          <label htmlFor={`${prefix}-password`}>New password</label>
          <input
            id={`${prefix}-password`}
            className="input"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <span className="field__hint">Leave empty to keep the stored password.</span>
        </div>
      )}
      <SendingLimitsFields idPrefix={prefix} sending={account.sending} form={limits} onChange={setLimits} />
      <div className="settings-actions">
        <button type="button" className="btn" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="submit" className="btn btn--primary" disabled={!ok || busy}>
          {busy ? 'Saving…' : 'Save changes'}
        </button>
      </div>
    </form>
  );
}

/** The IMAP settings to send: none when the stored ones were left as they were. */
function changedImap(account: AccountProfile, form: ServerForm): ReturnType<typeof serverSettings> | undefined {
  const settings = serverSettings(form);
  if (account.imap && JSON.stringify(settings) === JSON.stringify(serverSettings(initialImapForm(account)))) return undefined;
  return settings;
}

function serverSettings(form: ServerForm) {
  return {
    host: form.host.trim(),
    port: Number(form.port),
    security: form.security,
    insecure: form.security === 'none' && form.insecureConsent,
    user: form.user.trim(),
  };
}

/** The stored IMAP settings, or a guess from the SMTP host (smtp.example.com → imap.example.com, 993, SSL/TLS). */
function initialImapForm(account: AccountProfile): ServerForm {
  if (account.imap) {
    return {
      host: account.imap.host,
      port: String(account.imap.port),
      security: account.imap.security,
      user: account.imap.user ?? account.smtp.user,
      insecureConsent: account.imap.insecure ?? false,
    };
  }
  const host = /^(smtp|mail|submission)\./i.test(account.smtp.host) ? account.smtp.host.replace(/^[^.]+/, 'imap') : account.smtp.host;
  return { host, port: '993', security: 'tls', user: account.smtp.user, insecureConsent: false };
}
