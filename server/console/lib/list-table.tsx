import type { ReactNode } from 'react';

export interface ListColumn<T> {
  readonly header: string;
  readonly cell: (row: T) => ReactNode;
  readonly className?: string;
  readonly testId?: string;
}

/**
 * The console's one list: a table with a row per item whose first column heads its row (`th scope="row"`, what a
 * screen reader announces when moving along a row). `rows` null is still loading; with `empty`, no rows say so in
 * its place instead of an empty table.
 */
export function ListTable<T>({ rows, columns, rowKey, rowProps, empty, testId }: {
  rows: readonly T[] | null;
  columns: readonly ListColumn<T>[];
  rowKey: (row: T) => string;
  /** Attributes of a row's `tr` (data-* for the specs). */
  rowProps?: (row: T) => Record<string, string>;
  empty?: string;
  testId?: string;
}) {
  if (rows === null) return <p>Loading…</p>;
  if (rows.length === 0 && empty !== undefined) return <p>{empty}</p>;
  return (
    <table data-testid={testId}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.header} scope="col">
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)} {...rowProps?.(row)}>
            {columns.map((c, i) =>
              i === 0 ? (
                <th key={c.header} scope="row" className={c.className} data-testid={c.testId}>
                  {c.cell(row)}
                </th>
              ) : (
                <td key={c.header} className={c.className} data-testid={c.testId}>
                  {c.cell(row)}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
