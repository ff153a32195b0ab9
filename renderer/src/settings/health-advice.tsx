// Domain-health advice (MX, SPF, DMARC) beside an account: each finding's level in words, the advice,
// and the record word for word, so the user can hand it to whoever runs the domain.
import type { HealthAdvice as Advice } from '../../../electron/shared/autodetect';

const LEVEL_WORDS: Record<Advice['level'], string> = { ok: 'OK', warning: 'Warning', info: 'Note' };
const CHECK_NAMES: Record<Advice['check'], string> = { mx: 'MX', spf: 'SPF', dmarc: 'DMARC' };

export function HealthAdvice({ advice, domain }: { advice: readonly Advice[]; domain: string }) {
  if (advice.length === 0)
    return <p className="settings-health__empty">No advice for {domain}: the checks could not run or found nothing to say.</p>;
  return (
    <ul className="settings-health" aria-label={`Domain health for ${domain}`}>
      {advice.map((item) => (
        <li key={item.check} className={`settings-health__item settings-health__item--${item.level}`}>
          <span className="settings-health__level">
            {CHECK_NAMES[item.check]}: {LEVEL_WORDS[item.level]}
          </span>{' '}
          <span>{item.message}</span>
          {item.record ? <code className="settings-health__record">{item.record}</code> : null}
        </li>
      ))}
    </ul>
  );
}
