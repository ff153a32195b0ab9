// `outbox cancel ID`: a message that has not been sent stops; it stays in the list as failed ("cancelled").
import { oneMessageCommand } from './lookup';

export const HELP = `Usage: outbox cancel ID

Cancels a message that has not been sent; it stays in the list as failed ("cancelled").
`;

export const cancelCommand = oneMessageCommand(
  'cancel',
  HELP,
  (engine, id) => engine.cancel(id),
  (id) => `Cancelled ${id}.`,
);
