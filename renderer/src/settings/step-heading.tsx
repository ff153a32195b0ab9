// A wizard step's heading that takes focus when the step appears, so keyboard and screen-reader users
// land on the new step instead of on a button that no longer exists.
import { useEffect, useRef, type ReactNode } from 'react';

export function StepHeading({ children, id }: { children: ReactNode; id?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h2 className="settings-step__heading" tabIndex={-1} ref={ref} id={id}>
      {children}
    </h2>
  );
}
