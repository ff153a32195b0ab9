// The message body: a contentEditable editor with a small formatting toolbar (execCommand, as Chromium provides it).
// Every change is sanitised and turned into the HTML part and its plain-text alternative before the screen sees it.
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { bodyParts, sanitizeBody, textToHtml } from './sanitize';
import './body-editor.css';

export interface BodyContent {
  /** Already sanitised HTML to put in the editor. */
  html: string;
  /** A new key replaces the editor's content; typing never does. */
  key: number;
}

export interface BodyEditorProps {
  content: BodyContent;
  onChange(body: { html: string; text: string }): void;
}

type Command = 'bold' | 'italic' | 'underline' | 'insertUnorderedList' | 'insertOrderedList';
const TOGGLES: { command: Command; label: string; glyph: string; shortcut?: string }[] = [
  { command: 'bold', label: 'Bold', glyph: 'B', shortcut: 'Control+B' },
  { command: 'italic', label: 'Italic', glyph: 'I', shortcut: 'Control+I' },
  { command: 'underline', label: 'Underline', glyph: 'U', shortcut: 'Control+U' },
  { command: 'insertUnorderedList', label: 'Bulleted list', glyph: '•' },
  { command: 'insertOrderedList', label: 'Numbered list', glyph: '1.' },
];

function exec(command: string, value?: string): void {
  // happy-dom and very old engines have no execCommand; the editor still takes plain typing there.
  if (typeof document.execCommand === 'function') document.execCommand(command, false, value);
}

function queryState(command: Command): boolean {
  try {
    return typeof document.queryCommandState === 'function' && document.queryCommandState(command);
  } catch {
    return false;
  }
}

/** What the user typed as a link target, made absolute; null when it is not a web or mail address. */
export function normaliseLink(input: string): string | null {
  const value = input.trim();
  if (!value || /\s/.test(value)) return null;
  if (/^(https?:\/\/|mailto:)/i.test(value)) return value;
  if (/^[^@/]+@[^@/]+\.[^@/]+$/.test(value)) return `mailto:${value}`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return null;
  return /^[^/]+\.[^/]+/.test(value) ? `https://${value}` : null;
}

export function BodyEditor({ content, onChange }: BodyEditorProps) {
  const editor = useRef<HTMLDivElement>(null);
  const saved = useRef<Range | null>(null);
  const [pressed, setPressed] = useState<Record<string, boolean>>({});
  const [linkOpen, setLinkOpen] = useState(false);
  const [linkText, setLinkText] = useState('');
  const [linkError, setLinkError] = useState('');

  useLayoutEffect(() => {
    if (editor.current) editor.current.innerHTML = content.html;
  }, [content.key, content.html]);

  useEffect(() => {
    const update = (): void => {
      const selection = document.getSelection();
      if (!editor.current || !selection?.anchorNode || !editor.current.contains(selection.anchorNode)) return;
      setPressed(Object.fromEntries(TOGGLES.map((t) => [t.command, queryState(t.command)])));
    };
    document.addEventListener('selectionchange', update);
    return () => document.removeEventListener('selectionchange', update);
  }, []);

  const changed = (): void => {
    if (editor.current) onChange(bodyParts(editor.current.innerHTML));
  };
  const run = (command: string, value?: string): void => {
    editor.current?.focus();
    exec(command, value);
    setPressed(Object.fromEntries(TOGGLES.map((t) => [t.command, queryState(t.command)])));
    changed();
  };

  const openLink = (): void => {
    const selection = document.getSelection();
    saved.current =
      selection && selection.rangeCount > 0 && editor.current?.contains(selection.anchorNode) ? selection.getRangeAt(0).cloneRange() : null;
    setLinkText('');
    setLinkError('');
    setLinkOpen(true);
  };
  const applyLink = (): void => {
    const href = normaliseLink(linkText);
    if (!href) {
      setLinkError('Enter a web address (https://…) or an email address.');
      return;
    }
    editor.current?.focus();
    const selection = document.getSelection();
    if (saved.current && selection) {
      selection.removeAllRanges();
      selection.addRange(saved.current);
    }
    // With nothing selected the address itself becomes the link's text.
    if (!selection || selection.isCollapsed)
      exec(
        'insertHTML',
        `<a href="${href.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)}">${linkText.trim().replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)}</a>`,
      );
    else exec('createLink', href);
    setLinkOpen(false);
    changed();
  };

  const onToolbarKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    // One tab stop for the toolbar; arrows move between its buttons (ARIA toolbar pattern).
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button')];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[(at + (event.key === 'ArrowRight' ? 1 : -1) + buttons.length) % buttons.length];
    event.preventDefault();
    next?.focus();
  };
  const [focusIndex, setFocusIndex] = useState(0);

  const buttons = [
    ...TOGGLES.map((t) => ({
      key: t.command,
      label: t.label,
      glyph: t.glyph,
      shortcut: t.shortcut,
      pressed: pressed[t.command] ?? false,
      action: () => run(t.command),
    })),
    { key: 'link', label: 'Link', glyph: 'Link', shortcut: undefined, pressed: undefined, action: openLink },
    { key: 'clear', label: 'Clear formatting', glyph: 'T̸', shortcut: undefined, pressed: undefined, action: () => run('removeFormat') },
  ];

  return (
    <div className="compose-body">
      <div role="toolbar" aria-label="Formatting" aria-controls="compose-editor" className="compose-toolbar" onKeyDown={onToolbarKeyDown}>
        {buttons.map((b, index) => (
          <button
            key={b.key}
            type="button"
            className={`compose-toolbar__button compose-toolbar__button--${b.key}`}
            aria-label={b.label}
            title={b.shortcut ? `${b.label} (${b.shortcut.replace('Control', 'Ctrl')})` : b.label}
            aria-pressed={b.pressed}
            aria-keyshortcuts={b.shortcut}
            tabIndex={index === focusIndex ? 0 : -1}
            onFocus={() => setFocusIndex(index)}
            // Keeps the editor's selection: the command applies to what was selected.
            onMouseDown={(event) => event.preventDefault()}
            onClick={b.action}
            // Drawn by CSS from this attribute: a glyph like "1." is no text to read out, the label names the button.
            data-glyph={b.glyph}
          />
        ))}
      </div>
      {linkOpen && (
        <div
          className="compose-link"
          role="group"
          aria-label="Add a link"
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              setLinkOpen(false);
              editor.current?.focus();
            }
          }}
        >
          <label htmlFor="compose-link-input">Link address</label>
          <input
            id="compose-link-input"
            className="input compose-link__input"
            type="text"
            // oxlint-disable-next-line jsx-a11y/no-autofocus -- the panel opens for this one input
            autoFocus
            value={linkText}
            aria-invalid={linkError ? true : undefined}
            aria-describedby={linkError ? 'compose-link-error' : undefined}
            placeholder="https://example.com"
            onChange={(event) => setLinkText(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                applyLink();
              }
            }}
          />
          <button type="button" className="btn btn--small" onClick={applyLink}>
            Add link
          </button>
          <button type="button" className="btn btn--small" onClick={() => setLinkOpen(false)}>
            Cancel
          </button>
          {linkError && (
            <p id="compose-link-error" className="field__error" role="alert">
              {linkError}
            </p>
          )}
        </div>
      )}
      <div
        id="compose-editor"
        ref={editor}
        className="compose-editor"
        role="textbox"
        aria-multiline="true"
        aria-label="Message"
        contentEditable
        suppressContentEditableWarning
        spellCheck
        tabIndex={0}
        onInput={changed}
        onPaste={(event) => {
          // Only sanitised formatting goes in: a web page's styles, images and scripts stay out.
          const html = event.clipboardData.getData('text/html');
          const text = event.clipboardData.getData('text/plain');
          event.preventDefault();
          exec('insertHTML', html ? sanitizeBody(html) : textToHtml(text));
          changed();
        }}
      />
    </div>
  );
}
