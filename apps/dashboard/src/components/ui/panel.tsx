import type { ReactNode } from 'react';

interface PanelProps {
  title: string;
  /** Controls shown at the right of the title (selects, toggles). */
  actions?: ReactNode;
  testId?: string;
  className?: string;
  children: ReactNode;
}

/** A titled card section of the dashboard grid. */
export function Panel({ title, actions, testId, className, children }: PanelProps) {
  return (
    <section className={`panel ${className ?? ''}`} data-testid={testId} aria-label={title}>
      <header className="panel-header">
        <h2>{title}</h2>
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}
