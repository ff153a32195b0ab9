// One recipient field (To, Cc or Bcc): typed or pasted addresses become chips, checked as they are made, with
// recent-address suggestions in an ARIA combobox. Controlled: the screen holds the chips and the half-typed text.
import { useId, useMemo, useRef, useState, type ClipboardEvent, type KeyboardEvent } from 'react';
import { needsSmtpUtf8 } from './intl-address';
import { isValidMailbox, parseMailbox, splitAddresses, formatMailbox, type Recipient } from './addresses';
import { suggest } from './suggestions';
import './address-field.css';

export interface AddressFieldProps {
  label: string;
  chips: readonly string[];
  text: string;
  onChange(chips: string[], text: string): void;
  /** Recent recipients to suggest from. */
  pool: readonly Recipient[];
  autoFocus?: boolean;
  /** The account's server, when it is known not to offer SMTPUTF8: non-ASCII addresses get a warning as they are typed. */
  noSmtpUtf8Host?: string | undefined;
}

/** The addresses (chips, and the piece being typed once it has an @) that only a server with SMTPUTF8 can take. */
export function nonAsciiAddresses(chips: readonly string[], text: string): string[] {
  const trimmed = text.trim();
  const typed = trimmed.slice(trimmed.lastIndexOf('<') + 1).replace(/>.*$/, '');
  const candidates = [...chips.map((c) => parseMailbox(c)?.address ?? c.trim()), ...(typed.includes('@') ? [typed] : [])];
  return candidates.filter((a) => a.includes('@') && needsSmtpUtf8(a));
}

/** The text with every complete piece made a chip; `all` also makes the unfinished last piece one. */
export function commitText(chips: readonly string[], text: string, all: boolean): { chips: string[]; text: string } {
  const endsWithSeparator = /[,;\n]\s*$/.test(text);
  const pieces = splitAddresses(text);
  const keep = all || endsWithSeparator ? '' : (pieces.pop() ?? '');
  // The unfinished piece keeps what was typed, spaces and all, unless there was nothing before it.
  const rest = pieces.length === 0 && !all && !endsWithSeparator ? text : keep;
  return { chips: [...chips, ...pieces], text: rest };
}

export function AddressField({ label, chips, text, onChange, pool, autoFocus, noSmtpUtf8Host }: AddressFieldProps) {
  const id = useId();
  const inputId = `${id}-input`;
  const listId = `${id}-list`;
  const errorId = `${id}-error`;
  const input = useRef<HTMLInputElement>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const options = useMemo(() => (open ? suggest(pool, text, chips) : []), [open, pool, text, chips]);
  const expanded = options.length > 0;
  const invalid = chips.filter((c) => !isValidMailbox(c));
  const nonAscii = noSmtpUtf8Host ? nonAsciiAddresses(chips, text) : [];
  const warningId = `${id}-smtputf8`;

  const commit = (all: boolean): void => {
    if (!text.trim()) return;
    const next = commitText(chips, text, all);
    onChange(next.chips, next.text);
  };
  const choose = (recipient: Recipient): void => {
    onChange([...chips, formatMailbox(recipient)], '');
    setOpen(false);
    setActive(-1);
  };
  const remove = (index: number): void =>
    onChange(
      chips.filter((_, i) => i !== index),
      text,
    );

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    const key = event.key;
    if (key === 'ArrowDown' || key === 'ArrowUp') {
      if (!expanded) {
        setOpen(true);
        return;
      }
      event.preventDefault();
      const n = options.length;
      setActive((i) => (key === 'ArrowDown' ? (i + 1 >= n ? 0 : i + 1) : i <= 0 ? n - 1 : i - 1));
      return;
    }
    if (key === 'Escape' && expanded) {
      // Closes the list only; the screen's own Escape handling stays out of it.
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
      setActive(-1);
      return;
    }
    if (key === 'Enter' && !event.ctrlKey && !event.metaKey && expanded && options[active]) {
      event.preventDefault();
      choose(options[active]);
      return;
    }
    if (key === 'Enter' || key === ',' || key === ';') {
      // Ctrl/Cmd+Enter commits too, then bubbles on to the screen, which sends.
      if (!event.ctrlKey && !event.metaKey) event.preventDefault();
      commit(true);
      setOpen(false);
      return;
    }
    if (key === 'Tab' && text.trim()) {
      commit(true);
      setOpen(false);
      return;
    }
    if (key === 'Backspace' && text === '' && chips.length > 0) {
      event.preventDefault();
      remove(chips.length - 1);
    }
  };

  const onPaste = (event: ClipboardEvent<HTMLInputElement>): void => {
    const pasted = event.clipboardData.getData('text');
    if (!/[,;\n]/.test(pasted)) return;
    event.preventDefault();
    const input = event.currentTarget;
    const start = input.selectionStart ?? text.length;
    const end = input.selectionEnd ?? text.length;
    const next = commitText(chips, text.slice(0, start) + pasted + text.slice(end), true);
    onChange(next.chips, next.text);
  };

  const activeId = expanded && active >= 0 && active < options.length ? `${id}-opt-${active}` : undefined;
  return (
    <div className="compose-recipients">
      <label className="compose-recipients__label" htmlFor={inputId}>
        {label}
      </label>
      <div className="compose-recipients__box">
        {chips.length > 0 && (
          <ul className="compose-chips" aria-label={`${label} recipients`}>
            {chips.map((chip, index) => {
              const bad = !isValidMailbox(chip);
              return (
                <li
                  key={`${index}-${chip}`}
                  className={bad ? 'compose-chip compose-chip--invalid' : 'compose-chip'}
                  aria-invalid={bad || undefined}
                >
                  <span className="compose-chip__text">{chip}</span>
                  {bad && <span className="visually-hidden"> (not a valid address)</span>}
                  <button
                    type="button"
                    className="compose-chip__remove"
                    aria-label={`Remove ${chip}`}
                    onClick={() => {
                      remove(index);
                      // The button goes away with its chip; focus stays in the field.
                      input.current?.focus();
                    }}
                  >
                    ×
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        <input
          ref={input}
          id={inputId}
          className="compose-recipients__input"
          type="text"
          role="combobox"
          autoComplete="off"
          spellCheck={false}
          // oxlint-disable-next-line jsx-a11y/no-autofocus -- the first field of a new message is where typing starts
          autoFocus={autoFocus}
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={activeId}
          aria-invalid={invalid.length > 0 || undefined}
          aria-describedby={
            [invalid.length > 0 ? errorId : '', nonAscii.length > 0 ? warningId : ''].filter(Boolean).join(' ') || undefined
          }
          value={text}
          onChange={(event) => {
            const value = event.target.value;
            setOpen(true);
            setActive(-1);
            if (/[,;]/.test(value)) {
              const next = commitText(chips, value, false);
              onChange(next.chips, next.text);
            } else onChange([...chips], value);
          }}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onBlur={() => {
            commit(true);
            setOpen(false);
            setActive(-1);
          }}
        />
      </div>
      <ul id={listId} role="listbox" aria-label={`Suggestions for ${label}`} className="compose-suggestions" hidden={!expanded}>
        {options.map((option, index) => (
          <li
            key={option.address}
            id={`${id}-opt-${index}`}
            role="option"
            aria-selected={index === active}
            className={index === active ? 'compose-suggestion compose-suggestion--active' : 'compose-suggestion'}
            // Keeps focus in the input, so its blur does not commit the half-typed text first.
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => choose(option)}
          >
            {option.name ? (
              <>
                <span className="compose-suggestion__name">{option.name}</span>{' '}
                <span className="compose-suggestion__address">{option.address}</span>
              </>
            ) : (
              <span className="compose-suggestion__address">{option.address}</span>
            )}
          </li>
        ))}
      </ul>
      {invalid.length > 0 && (
        <p id={errorId} className="field__error">
          {invalid.length === 1
            ? `“${invalid[0]}” is not a valid address.`
            : `${invalid.length} addresses are not valid: ${invalid.map((c) => `“${c}”`).join(', ')}.`}{' '}
          Write it as name@example.com, or Name &lt;name@example.com&gt;.
        </p>
      )}
      {nonAscii.length > 0 && (
        <p id={warningId} className="field__error" role="status">
          {nonAscii.map((a) => `“${a}”`).join(', ')} {nonAscii.length === 1 ? 'has' : 'have'} non-ASCII characters before the @, and{' '}
          {noSmtpUtf8Host} cannot deliver to such addresses (it does not offer SMTPUTF8). Use an ASCII address for{' '}
          {nonAscii.length === 1 ? 'this recipient' : 'these recipients'}, or send from another account.
        </p>
      )}
    </div>
  );
}
