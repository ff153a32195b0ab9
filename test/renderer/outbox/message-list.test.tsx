// @vitest-environment happy-dom
// The virtualised list: with 10,000 messages only a window of rows is in the DOM, and the keyboard walks the list.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MessageList, ROW_HEIGHT } from '../../../renderer/src/outbox/message-list';
import { summary } from './fake-api';

// happy-dom lays nothing out: give every element the height of a 600-pixel list so the virtualiser has a window.
// Scrolling is clamped to the content's height, which happy-dom reports as 0, so give it the 10,000 rows' height.
const saved = (['clientHeight', 'scrollHeight'] as const).map(
  (name) => [name, Object.getOwnPropertyDescriptor(HTMLElement.prototype, name)] as const,
);
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
  Object.defineProperty(HTMLElement.prototype, 'scrollHeight', { configurable: true, get: () => 10_000 * ROW_HEIGHT });
});
afterAll(() => {
  for (const [name, descriptor] of saved) if (descriptor) Object.defineProperty(HTMLElement.prototype, name, descriptor);
});
afterEach(cleanup);

const many = Array.from({ length: 10_000 }, (_, i) => summary(`m-${i}`, { subject: `Message ${i}` }));

describe('the message list', () => {
  it('keeps only a window of rows in the DOM at 10,000 messages', () => {
    render(<MessageList messages={many} selectedId={null} onSelect={() => undefined} />);
    const rows = screen.getAllByRole('option');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(100);
    expect(rows[0]?.getAttribute('aria-setsize')).toBe('10000');
    expect(rows[0]?.textContent).toContain('Message 0');
  });

  it('moves with the arrow keys and opens the active message with Enter', () => {
    const onSelect = vi.fn();
    render(<MessageList messages={many.slice(0, 50)} selectedId={null} onSelect={onSelect} />);
    const list = screen.getByRole('listbox', { name: 'Messages in the outbox' });
    fireEvent.focus(list);
    expect(list.getAttribute('aria-activedescendant')).toBe('outbox-row-m-0');
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    fireEvent.keyDown(list, { key: 'ArrowUp' });
    expect(list.getAttribute('aria-activedescendant')).toBe('outbox-row-m-1');
    fireEvent.keyDown(list, { key: 'Enter' });
    expect(onSelect).toHaveBeenCalledWith('m-1');
  });

  it('scrolls a requested message into the middle of the view', async () => {
    // happy-dom cannot scroll (it lays nothing out): check where the list asked to scroll to.
    const scrollTo = vi.spyOn(Element.prototype, 'scrollTo');
    const { rerender } = render(<MessageList messages={many} selectedId={null} onSelect={() => undefined} reveal={null} />);
    scrollTo.mockClear();
    rerender(<MessageList messages={many} selectedId="m-9000" onSelect={() => undefined} reveal={{ id: 'm-9000', key: 1 }} />);
    await waitFor(() => expect(scrollTo).toHaveBeenCalled());
    const top = (scrollTo.mock.calls.at(-1)?.[0] as ScrollToOptions | undefined)?.top;
    // Centred: the row's top (9000 × 76) less half the 600-pixel view, plus half a row.
    expect(top).toBe(9000 * ROW_HEIGHT - 300 + ROW_HEIGHT / 2);
    scrollTo.mockRestore();
  });
});
