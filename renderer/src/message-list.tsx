// The outbox as a list: one row per message with its state badge, recipients and where it stands.
import type { OutboxSummary } from '../../electron/shared/ipc-contract';
import { recipientsLine, STATE_LABEL, stateDetail } from './outbox-view';

export function StateBadge({ state }: { state: OutboxSummary['state'] }) {
  return <span className={`badge badge--${state}`}>{STATE_LABEL[state]}</span>;
}

function MessageRow({ message }: { message: OutboxSummary }) {
  const error = message.state === 'failed' || message.state === 'held' ? message.lastError : undefined;
  return (
    <li className={`message message--${message.state}`}>
      <StateBadge state={message.state} />
      <div className="message__body">
        <div className="message__subject">{message.subject.trim() || '(no subject)'}</div>
        <div className="message__meta">To {recipientsLine(message)}</div>
        <div className="message__detail">{stateDetail(message)}</div>
        {error && (
          <div className="message__error">
            {error.next}
            {error.reply && <q className="message__reply">{error.reply}</q>}
          </div>
        )}
      </div>
    </li>
  );
}

export function MessageList({ messages }: { messages: readonly OutboxSummary[] }) {
  return (
    <ul className="messages" aria-label="Messages in the outbox">
      {messages.map((message) => (
        <MessageRow key={message.id} message={message} />
      ))}
    </ul>
  );
}
