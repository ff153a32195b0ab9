// The hand-edited SMTP settings (host, port, security, user name), checked as the user types. Choosing
// "No encryption" asks for an explicit checkbox; TLS stays the default and nothing downgrades it silently.
import type { Security } from '../../../electron/shared/account';
import { SECURITY_LABELS, validateServerForm, type ServerForm } from './server-form';

// The labels' keys, in their order (TLS first): importing the schema's list would bundle zod into the window.
const SECURITY_MODES = Object.keys(SECURITY_LABELS) as Security[];

interface Props {
  /** Prefix for element ids, so two forms on one screen never share one. */
  idPrefix: string;
  form: ServerForm;
  onChange(form: ServerForm): void;
}

export function ServerFields({ idPrefix, form, onChange }: Props) {
  const errors = validateServerForm(form);
  const set = (patch: Partial<ServerForm>): void => onChange({ ...form, ...patch });
  const id = (name: string): string => `${idPrefix}-${name}`;
  return (
    <fieldset className="settings-fields">
      <legend>Outgoing mail server (SMTP)</legend>
      <div className="settings-fields__row">
        <div className="field settings-fields__host">
          <label htmlFor={id('host')}>Server</label>
          <input
            id={id('host')}
            className="input"
            value={form.host}
            spellCheck={false}
            autoCapitalize="off"
            aria-invalid={errors.host ? true : undefined}
            aria-describedby={errors.host ? id('host-error') : undefined}
            onChange={(e) => set({ host: e.target.value })}
          />
          {errors.host ? (
            <span className="field__error" id={id('host-error')}>
              {errors.host}
            </span>
          ) : null}
        </div>
        <div className="field settings-fields__port">
          <label htmlFor={id('port')}>Port</label>
          <input
            id={id('port')}
            className="input"
            inputMode="numeric"
            value={form.port}
            aria-invalid={errors.port ? true : undefined}
            aria-describedby={errors.port ? id('port-error') : undefined}
            onChange={(e) => set({ port: e.target.value })}
          />
          {errors.port ? (
            <span className="field__error" id={id('port-error')}>
              {errors.port}
            </span>
          ) : null}
        </div>
      </div>
      <div className="field">
        <label htmlFor={id('security')}>Security</label>
        <select
          id={id('security')}
          className="input"
          value={form.security}
          onChange={(e) => set({ security: e.target.value as ServerForm['security'], insecureConsent: false })}
        >
          {SECURITY_MODES.map((mode) => (
            <option key={mode} value={mode}>
              {SECURITY_LABELS[mode]}
            </option>
          ))}
        </select>
        <span className="field__hint">SSL/TLS usually uses port 465; STARTTLS port 587.</span>
      </div>
      {form.security === 'none' ? (
        <div className="field settings-insecure">
          <label className="settings-check">
            <input
              type="checkbox"
              checked={form.insecureConsent}
              onChange={(e) => set({ insecureConsent: e.target.checked })}
              aria-describedby={errors.insecure ? id('insecure-error') : undefined}
            />
            I understand that my password and mail cross the network unencrypted
          </label>
          {errors.insecure ? (
            <span className="field__error" id={id('insecure-error')}>
              {errors.insecure}
            </span>
          ) : null}
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={id('user')}>User name</label>
        <input
          id={id('user')}
          className="input"
          value={form.user}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="username"
          onChange={(e) => set({ user: e.target.value })}
        />
        <span className="field__hint">Usually your whole email address.</span>
      </div>
    </fieldset>
  );
}
