interface TabsProps<T extends string> {
  /** What the tabs choose, for screen readers ("Break down by"). */
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
  /** Each tab gets `${testIdPrefix}-${value}`. */
  testIdPrefix: string;
}

/** A row of tabs choosing one of a few views of a panel (a breakdown's dimension, routes or pages). */
export function Tabs<T extends string>({
  label,
  value,
  options,
  onChange,
  testIdPrefix,
}: TabsProps<T>) {
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          role="tab"
          aria-selected={o.value === value}
          className={o.value === value ? 'tab active' : 'tab'}
          data-testid={`${testIdPrefix}-${o.value}`}
          onClick={() => onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
