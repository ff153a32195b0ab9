// A failure as the settings screens show it: the cause, the next step and the server's own reply, announced.
// Never a raw exception: every error reaching here is an ErrorInfo (or a verdict) from the catalogue.
import type { ReactNode } from 'react';

export interface Problem {
  message: string;
  next: string;
  reply?: string;
}

export function ErrorNotice({ problem, children }: { problem: Problem; children?: ReactNode }) {
  return (
    <div className="settings-error" role="alert">
      <p className="settings-error__cause">{problem.message}</p>
      <p className="settings-error__next">{problem.next}</p>
      {problem.reply ? (
        <p className="settings-error__reply">
          The server replied: <code>{problem.reply}</code>
        </p>
      ) : null}
      {children}
    </div>
  );
}
