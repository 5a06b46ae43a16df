// A table with sortable column headers (buttons, aria-sort) and keyboard-navigable rows:
// one row is in the tab order; ArrowUp/ArrowDown/Home/End move, Enter (or a click) activates.
// Renders the `empty` node (an EmptyState) instead of an empty body.
import { useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: ReactNode;
  render?: (row: T) => ReactNode;
  /** Makes the column sortable. */
  sortValue?: (row: T) => string | number | null | undefined;
  align?: 'left' | 'right';
  className?: string;
}

export interface DataTableProps<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  label: string;
  onRowActivate?: (row: T) => void;
  empty?: ReactNode;
  initialSort?: { key: string; dir: 'asc' | 'desc' };
  rowClassName?: (row: T) => string | undefined;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

const INTERACTIVE = 'a,button,input,select,textarea,[role="button"]';

export function DataTable<T>({ columns, rows, rowKey, label, onRowActivate, empty, initialSort, rowClassName }: DataTableProps<T>) {
  const [sort, setSort] = useState(initialSort);
  const [active, setActive] = useState(0);
  const bodyRef = useRef<HTMLTableSectionElement>(null);

  const sorted = useMemo(() => {
    if (!sort) return rows;
    const col = columns.find((c) => c.key === sort.key);
    if (!col?.sortValue) return rows;
    const sv = col.sortValue;
    const out = [...rows].sort((a, b) => compare(sv(a), sv(b)));
    return sort.dir === 'desc' ? out.reverse() : out;
  }, [rows, sort, columns]);

  if (rows.length === 0 && empty) return <>{empty}</>;
  const activeIndex = Math.min(active, Math.max(0, sorted.length - 1));

  const focusRow = (i: number) => {
    const n = sorted.length;
    if (n === 0) return;
    const idx = Math.max(0, Math.min(n - 1, i));
    setActive(idx);
    const tr = bodyRef.current?.querySelectorAll<HTMLTableRowElement>('tr')[idx];
    tr?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTableRowElement>, i: number, row: T) => {
    if ((e.target as HTMLElement) !== e.currentTarget) return; // keys inside a cell's control
    switch (e.key) {
      case 'ArrowDown': e.preventDefault(); focusRow(i + 1); break;
      case 'ArrowUp': e.preventDefault(); focusRow(i - 1); break;
      case 'Home': e.preventDefault(); focusRow(0); break;
      case 'End': e.preventDefault(); focusRow(sorted.length - 1); break;
      case 'Enter':
      case ' ':
        if (onRowActivate) { e.preventDefault(); onRowActivate(row); }
        break;
    }
  };

  return (
    <div className="table-wrap">
      <table className="data-table" aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => {
              const dir = sort?.key === c.key ? sort.dir : undefined;
              return (
                <th key={c.key} scope="col" className={c.align === 'right' ? 'num' : undefined}
                  aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : c.sortValue ? 'none' : undefined}>
                  {c.sortValue ? (
                    <button type="button" className="th-sort" onClick={() =>
                      setSort((s) => (s?.key === c.key ? { key: c.key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key: c.key, dir: 'asc' }))}>
                      {c.header}
                      <span aria-hidden="true" className="sort-mark">{dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : '↕'}</span>
                    </button>
                  ) : c.header}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody ref={bodyRef}>
          {sorted.map((row, i) => (
            <tr key={rowKey(row)} tabIndex={i === activeIndex ? 0 : -1}
              className={[onRowActivate ? 'clickable' : '', rowClassName?.(row) ?? ''].join(' ').trim() || undefined}
              onFocus={() => setActive(i)}
              onKeyDown={(e) => onKeyDown(e, i, row)}
              onClick={(e) => {
                if (!onRowActivate) return;
                if ((e.target as HTMLElement).closest(INTERACTIVE)) return;
                onRowActivate(row);
              }}>
              {columns.map((c) => (
                <td key={c.key} className={[c.align === 'right' ? 'num' : '', c.className ?? ''].join(' ').trim() || undefined}>
                  {c.render ? c.render(row) : String((row as Record<string, unknown>)[c.key] ?? '')}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
