// The outbox as a virtualised listbox: only the rows in view are in the DOM, so 10,000 messages scroll smoothly.
// One focusable listbox with aria-activedescendant: arrows move, Enter opens the details, the active row is outlined.
import { useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import type { OutboxSummary } from '../../../electron/shared/ipc-contract';
import { progressPercent, recipientsLine, sentCopyDetail, stateDetail, stateLabel, subjectLine } from './outbox-view';
import { anyUndoable, useNow } from './undo-send';

/** Rows have a fixed height (three lines): no measuring pass, and the scrollbar never jumps. */
export const ROW_HEIGHT = 76;

export function StateBadge({ message }: { message: Pick<OutboxSummary, 'state' | 'undoUntil'> }) {
  // A message in its undo window looks queued: it is on its way, not scheduled by the user.
  const look = message.state === 'scheduled' && message.undoUntil ? 'queued' : message.state;
  return <span className={`badge badge--${look}`}>{stateLabel(message)}</span>;
}

export function rowId(id: string): string {
  return `outbox-row-${id}`;
}

function MessageRow({ message, now }: { message: OutboxSummary; now: number }) {
  const percent = progressPercent(message);
  const copy = sentCopyDetail(message);
  return (
    <>
      <div className="outbox-row__line">
        <StateBadge message={message} />
        <span className="outbox-row__subject message__subject">{subjectLine(message)}</span>
      </div>
      <div className="outbox-row__meta">To {recipientsLine(message)}</div>
      <div className="outbox-row__detail">
        <span className="message__detail">{stateDetail(message, now)}</span>
        {percent !== null && (
          <progress className="outbox-row__progress" max={100} value={percent} aria-label={`Sending ${subjectLine(message)}`}>
            {percent}%
          </progress>
        )}
        {copy && <span className="outbox-row__copy"> · {copy}</span>}
      </div>
    </>
  );
}

/** Until the list has a size (before layout, or where nothing lays out), assume a typical window of rows. */
const ASSUMED_RECT = { width: 600, height: 600 };
function observeRect(
  instance: Virtualizer<HTMLDivElement, Element>,
  cb: (rect: { width: number; height: number }) => void,
): void | (() => void) {
  return observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : ASSUMED_RECT));
}

export interface MessageListProps {
  messages: readonly OutboxSummary[];
  selectedId: string | null;
  onSelect(id: string): void;
  /** A message to bring into view and make active (open-message command, a message just sent); a new key repeats it. */
  reveal?: { id: string; key: number } | null;
}

export function MessageList({ messages, selectedId, onSelect, reveal }: MessageListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [activeId, setActiveId] = useState<string | null>(selectedId);
  // Undo send's countdown: the rows tick only while some message is in its undo window.
  const now = useNow(anyUndoable(messages));
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => messages[index]?.id ?? index,
    overscan: 6,
    initialRect: ASSUMED_RECT,
    observeElementRect: observeRect,
  });

  const activeIndex = activeId === null ? -1 : messages.findIndex((m) => m.id === activeId);
  const active = activeIndex >= 0 ? activeIndex : -1;

  useLayoutEffect(() => {
    if (!reveal) return;
    const index = messages.findIndex((m) => m.id === reveal.id);
    if (index < 0) return;
    setActiveId(reveal.id);
    virtualizer.scrollToIndex(index, { align: 'center' });
    // Only a new reveal request scrolls; list updates afterwards must not pull the view back.
  }, [reveal?.key, reveal?.id, messages.length > 0]);

  // The renderer bench's end mark: rows in the DOM, then the frame that paints them.
  const rendered = messages.length > 0;
  useLayoutEffect(() => {
    if (!rendered || performance.getEntriesByName('outbox:rows').length > 0) return;
    performance.mark('outbox:rows');
    requestAnimationFrame(() => performance.mark('outbox:painted'));
  }, [rendered]);

  const moveTo = (index: number): void => {
    const clamped = Math.max(0, Math.min(messages.length - 1, index));
    const target = messages[clamped];
    if (!target) return;
    setActiveId(target.id);
    virtualizer.scrollToIndex(clamped, { align: 'auto' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 600) / ROW_HEIGHT) - 1);
    const from = active < 0 ? -1 : active;
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(from + 1),
      ArrowUp: () => moveTo(from < 0 ? 0 : from - 1),
      Home: () => moveTo(0),
      End: () => moveTo(messages.length - 1),
      PageDown: () => moveTo(from + page),
      PageUp: () => moveTo(from - page),
      Enter: () => active >= 0 && onSelect(messages[active]!.id),
      ' ': () => active >= 0 && onSelect(messages[active]!.id),
    };
    const handler = keys[event.key];
    if (!handler || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    handler();
  };

  const items = virtualizer.getVirtualItems();
  const activeMessage = active >= 0 ? messages[active] : undefined;
  return (
    <div
      ref={scrollRef}
      className="outbox-list"
      role="listbox"
      aria-label="Messages in the outbox"
      tabIndex={0}
      aria-activedescendant={activeMessage && items.some((i) => i.index === active) ? rowId(activeMessage.id) : undefined}
      onKeyDown={onKeyDown}
      onFocus={() => {
        // Tabbing in lands on the selected row, or the first.
        if (active < 0 && messages.length > 0) setActiveId(selectedId ?? messages[0]!.id);
      }}
    >
      <div className="outbox-list__space" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const message = messages[item.index]!;
          const selected = message.id === selectedId;
          const isActive = item.index === active;
          return (
            <div
              key={item.key}
              id={rowId(message.id)}
              role="option"
              aria-selected={selected}
              aria-posinset={item.index + 1}
              aria-setsize={messages.length}
              data-id={message.id}
              className={`outbox-row message message--${message.state}${selected ? ' outbox-row--selected' : ''}${isActive ? ' outbox-row--active' : ''}`}
              style={{ height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
              onClick={() => {
                setActiveId(message.id);
                onSelect(message.id);
              }}
            >
              <MessageRow message={message} now={now} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
