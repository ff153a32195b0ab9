// Editing an account in place: the name to send as, the SMTP settings (checked as typed) and, optionally,
// a new password; only what changed is sent, so untouched settings keep their stored values.
import { useState, type FormEvent } from 'react';
import type { AccountProfile } from '../../../../electron/shared/account';
import type { ArgsOf } from '../../../../electron/shared/ipc-contract';
import { isValid, validateServerForm, type ServerForm } from '../server-form';
import { ServerFields } from '../server-fields';

export type AccountPatch = ArgsOf<'account:update'>[1];

interface Props {
  account: AccountProfile;
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
  const ok = (account.signIn.kind === 'oauth2' || isValid(validateServerForm(form))) && name.trim() !== '';
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!ok) return;
    // OAuth accounts keep the provider's servers: only the name is theirs to change.
    const smtp = { host: form.host.trim(), port: Number(form.port), security: form.security, insecure: form.security === 'none' && form.insecureConsent, user: form.user.trim() };
    onSave({ name: name.trim(), ...(account.signIn.kind === 'oauth2' ? {} : { smtp }) }, password === '' ? undefined : password);
  };
  const prefix = `edit-${account.id}`;
  return (
    <form className="settings-editor" onSubmit={submit} noValidate aria-label={`Edit ${account.email}`}>
      <div className="field">
        <label htmlFor={`${prefix}-name`}>Name to send as</label>
        <input id={`${prefix}-name`} className="input" value={name} aria-invalid={name.trim() === '' ? true : undefined} onChange={(e) => setName(e.target.value)} />
      </div>
      {account.signIn.kind === 'oauth2' ? null : <ServerFields idPrefix={prefix} form={form} onChange={setForm} />}
      {account.signIn.kind === 'oauth2' ? null : (
        <div className="field">
          <label htmlFor={`${prefix}-password`}>New password</label>
          <input id={`${prefix}-password`} className="input" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          <span className="field__hint">Leave empty to keep the stored password.</span>
        </div>
      )}
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
