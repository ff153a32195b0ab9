// The account's sending limits in its Edit form: the provider's own figures (its sending profile) beside a field
// for each, empty meaning "the provider's". Saved through account:update's `limits` (null: all back to the profile).
import type { AccountSending, SendingFigures, SendingLimitsOverride } from '../../../../electron/shared/account';

type LimitKey = keyof SendingFigures;

/** The fields in the order shown, with the largest value main accepts (sendingLimitsOverrideSchema). */
export const LIMIT_FIELDS: readonly { key: LimitKey; label: string; max: number }[] = [
  { key: 'maxConnections', label: 'Connections at once', max: 20 },
  { key: 'messagesPerMinute', label: 'Messages per minute', max: 10_000 },
  { key: 'messagesPerDay', label: 'Messages per day', max: 10_000_000 },
  { key: 'recipientsPerDay', label: 'Recipients per day', max: 10_000_000 },
  { key: 'recipientsPerMessage', label: 'Recipients per message', max: 100_000 },
];

export type LimitsForm = Record<LimitKey, string>;

export function initialLimitsForm(own: SendingLimitsOverride | undefined): LimitsForm {
  const form = {} as LimitsForm;
  for (const { key } of LIMIT_FIELDS) form[key] = own?.[key] !== undefined ? String(own[key]) : '';
  return form;
}

/** Why a field's text is not a limit, or null: empty (the provider's) or a whole number from 1 to its max. */
export function limitProblem(text: string, max: number): string | null {
  const t = text.trim();
  if (t === '') return null;
  if (!/^\d+$/.test(t) || Number(t) < 1) return 'Enter a whole number of 1 or more, or leave it empty';
  if (Number(t) > max) return `At most ${max.toLocaleString('en-US')}`;
  return null;
}

export function limitsValid(form: LimitsForm): boolean {
  return LIMIT_FIELDS.every(({ key, max }) => limitProblem(form[key], max) === null);
}

/** The `limits` to send: undefined when nothing changed, null when every field is back to the provider's. */
export function limitsPatch(own: SendingLimitsOverride | undefined, form: LimitsForm): SendingLimitsOverride | null | undefined {
  const next: SendingLimitsOverride = {};
  for (const { key } of LIMIT_FIELDS) if (form[key].trim() !== '') next[key] = Number(form[key].trim());
  const before = JSON.stringify(LIMIT_FIELDS.map(({ key }) => own?.[key] ?? null));
  const after = JSON.stringify(LIMIT_FIELDS.map(({ key }) => next[key] ?? null));
  if (before === after) return undefined;
  return Object.keys(next).length === 0 ? null : next;
}

function figure(value: number | null): string {
  return value === null ? 'no limit' : value.toLocaleString('en-US');
}

interface Props {
  idPrefix: string;
  sending: AccountSending | undefined;
  form: LimitsForm;
  onChange(form: LimitsForm): void;
}

export function SendingLimitsFields({ idPrefix, sending, form, onChange }: Props) {
  const provider = sending?.provider ?? 'The provider';
  return (
    <fieldset className="settings-fieldset">
      <legend>Sending limits</legend>
      <span className="field__hint">
        Outbox paces this account by {sending ? `${provider}'s` : 'its provider’s'} limits. Set your own for a paid plan, a Workspace tier
        or a company relay; leave a field empty to use {sending ? `${provider}'s` : 'the provider’s'}.
      </span>
      {LIMIT_FIELDS.map(({ key, label, max }) => {
        const id = `${idPrefix}-limit-${key}`;
        const problem = limitProblem(form[key], max);
        const own = sending ? `${provider}: ${figure(sending.profile[key])}` : 'Provider’s figure';
        return (
          <div className="field" key={key}>
            <label htmlFor={id}>{label}</label>
            <input
              id={id}
              className="input"
              inputMode="numeric"
              placeholder={sending ? figure(sending.profile[key]) : ''}
              value={form[key]}
              aria-invalid={problem ? true : undefined}
              aria-describedby={`${id}-hint`}
              onChange={(e) => onChange({ ...form, [key]: e.target.value })}
            />
            <span className="field__hint" id={`${id}-hint`}>
              {problem ?? own}
            </span>
          </div>
        );
      })}
      {Object.values(form).some((v) => v.trim() !== '') ? (
        <button type="button" className="btn btn--small" onClick={() => onChange(initialLimitsForm(undefined))}>
          Use {sending ? `${provider}'s` : 'the provider’s'} limits
        </button>
      ) : null}
    </fieldset>
  );
}
