/**
 * Collects bind parameters while a query's text is assembled: `add(value)` returns the
 * placeholder (`$3`). Values only ever travel as parameters; the SQL text is made of
 * constants and identifiers taken from the lookup tables in sql-identifiers.ts.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
