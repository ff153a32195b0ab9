// `outbox delete ID`: a message and its stored copy leave the outbox for good (not while it is being sent).
import { oneMessageCommand } from './lookup';

export const HELP = `Usage: outbox delete ID

Removes a message from the outbox for good, with its stored copy: a sent one (its copy in the Sent folder
stays), a failed one, or a quarantined (damaged) one. A message being sent right now cannot be deleted.
`;

export const deleteCommand = oneMessageCommand(
  'delete',
  HELP,
  (engine, id) => engine.remove(id),
  (id) => `Deleted ${id}.`,
);
