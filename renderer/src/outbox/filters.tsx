// The outbox's filters: words to search for, one account (a select) and one state (toggle buttons with counts).
// Counts follow the chosen account and search, so the buttons always say how many rows they would show.
import type { AccountProfile } from '../../../electron/shared/account';
import { STATE_FILTER_LABEL, STATE_FILTERS, type ListFilter, type StateFilter } from './outbox-view';

export interface FiltersProps {
  accounts: readonly AccountProfile[];
  filter: ListFilter;
  counts: Readonly<Record<StateFilter, number>>;
  onChange(filter: ListFilter): void;
}

export function Filters({ accounts, filter, counts, onChange }: FiltersProps) {
  return (
    <div className="outbox-filters">
      <label className="outbox-filters__search">
        <span className="visually-hidden">Search messages</span>
        <input
          type="search"
          className="input"
          placeholder="Search subject or address"
          value={filter.text ?? ''}
          onChange={(event) => onChange({ ...filter, text: event.target.value })}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && (filter.text ?? '') !== '') {
              event.stopPropagation();
              onChange({ ...filter, text: '' });
            }
          }}
        />
      </label>
      {accounts.length > 1 && (
        <label className="outbox-filters__account">
          <span>Account</span>
          <select
            className="input"
            value={filter.accountId ?? ''}
            onChange={(event) => onChange({ ...filter, accountId: event.target.value === '' ? null : event.target.value })}
          >
            <option value="">All accounts</option>
            {accounts.map((account) => (
              <option key={account.id} value={account.id}>
                {account.name} ({account.email})
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="outbox-filters__states" role="group" aria-label="Show">
        {STATE_FILTERS.map((state) => (
          <button
            key={state}
            type="button"
            className={`btn btn--small outbox-filter${filter.state === state ? ' outbox-filter--on' : ''}`}
            aria-pressed={filter.state === state}
            onClick={() => onChange({ ...filter, state })}
          >
            {STATE_FILTER_LABEL[state]} <span className="outbox-filter__count">{counts[state].toLocaleString()}</span>
          </button>
        ))}
      </div>
    </div>
  );
}
