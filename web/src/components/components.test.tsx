import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApiError } from '../api/client';
import { AutoRefresh, useAutoRefresh } from './AutoRefresh';
import { ConfirmButton } from './ConfirmButton';
import { DataTable, type Column } from './DataTable';
import { EmptyState } from './EmptyState';
import { ErrorState } from './ErrorState';
import { formatDuration } from './format';
import { JsonView } from './JsonView';
import { Sparkline, sparkPoints } from './Sparkline';
import { StateBadge, stateClass } from './StateBadge';
import { visibleRange, VirtualList } from './VirtualList';

describe('ErrorState', () => {
  it('shows code, status, message, details, request id and retries', async () => {
    const retry = vi.fn();
    const err = new ApiError(400, 'VALIDATION_FAILED', 'workflow spec is invalid: 1 problem',
      [{ path: 'tasks[1].type', message: 'unknown task type "nope"', line: 7 }], 'req-42');
    render(<ErrorState error={err} onRetry={retry} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('VALIDATION_FAILED · HTTP 400');
    expect(alert.textContent).toContain('workflow spec is invalid: 1 problem');
    const details = within(screen.getByRole('list', { name: 'Error details' })).getAllByRole('listitem');
    expect(details[0].textContent).toContain('tasks[1].type: unknown task type "nope" (line 7)');
    expect(alert.textContent).toContain('req-42');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(retry).toHaveBeenCalledOnce();
  });
  it('says when the server did not answer, and handles plain errors', () => {
    const { unmount } = render(<ErrorState error={new ApiError(0, 'NETWORK', 'cannot reach the server')} />);
    expect(screen.getByRole('alert').textContent).toContain('NETWORK · no answer');
    expect(screen.queryByRole('button')).toBeNull();
    unmount();
    render(<ErrorState error={new Error('boom')} title="Broken" />);
    expect(screen.getByRole('alert').textContent).toContain('Broken');
    expect(screen.getByRole('alert').textContent).toContain('boom');
  });
});

describe('StateBadge', () => {
  it('colours by state, unknown states neutral', () => {
    render(<><StateBadge state="failed" /><StateBadge state="Running" /><StateBadge state="weird" /></>);
    expect(screen.getByText('failed').className).toBe('badge state-failed');
    expect(screen.getByText('Running').className).toBe('badge state-running');
    expect(screen.getByText('weird').className).toBe('badge state-unknown');
    expect(stateClass('compensation-failed')).toBe('state-compensation-failed');
  });
  it('says what it is to assistive technology: "state: <name>", the prefix visually hidden', () => {
    render(
      <table><tbody><tr><td><button type="button">wf-1</button></td><td><StateBadge state="running" /></td></tr></tbody></table>,
    );
    // The row's accessible name and the badge's text say "state: running"…
    expect(screen.getByRole('row', { name: 'wf-1 state: running' })).toBeTruthy();
    const badge = screen.getByText('running');
    expect(badge.className).toBe('badge state-running');
    expect(badge.textContent).toBe('state: running');
    // …while only "running" is visible: the prefix is in a visually hidden span.
    const hidden = badge.querySelector('.sr-only');
    expect(hidden?.textContent).toBe('state:');
    expect(badge.lastChild?.textContent).toBe(' running'); // the leading space collapses at the start of the visible line
  });
});

interface Row { id: string; name: string; n: number }
const rows: Row[] = [{ id: 'a', name: 'beta', n: 2 }, { id: 'b', name: 'alpha', n: 10 }, { id: 'c', name: 'gamma', n: 1 }];
const cols: Column<Row>[] = [
  { key: 'name', header: 'Name', sortValue: (r) => r.name },
  { key: 'n', header: 'N', sortValue: (r) => r.n, align: 'right' },
  { key: 'act', header: 'Act', render: (r) => <button type="button">Act {r.id}</button> },
];

describe('DataTable', () => {
  it('navigates rows with the keyboard and activates with Enter', async () => {
    const onActivate = vi.fn();
    render(<DataTable label="Things" columns={cols} rows={rows} rowKey={(r) => r.id} onRowActivate={onActivate} />);
    const bodyRows = screen.getAllByRole('row').slice(1);
    expect(bodyRows[0].tabIndex).toBe(0);
    expect(bodyRows[1].tabIndex).toBe(-1);
    bodyRows[0].focus();
    await userEvent.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(bodyRows[1]);
    await userEvent.keyboard('{End}');
    expect(document.activeElement).toBe(bodyRows[2]);
    await userEvent.keyboard('{ArrowDown}'); // stays on the last row
    expect(document.activeElement).toBe(bodyRows[2]);
    await userEvent.keyboard('{Home}{Enter}');
    expect(onActivate).toHaveBeenCalledWith(rows[0]);
    // a click on a control inside a row does not activate the row
    await userEvent.click(screen.getByRole('button', { name: 'Act b' }));
    expect(onActivate).toHaveBeenCalledTimes(1);
    await userEvent.click(screen.getByText('alpha'));
    expect(onActivate).toHaveBeenLastCalledWith(rows[1]);
  });
  it('sorts by a header and says so with aria-sort', async () => {
    render(<DataTable label="Things" columns={cols} rows={rows} rowKey={(r) => r.id} />);
    await userEvent.click(screen.getByRole('button', { name: 'N' }));
    const names = () => screen.getAllByRole('row').slice(1).map((r) => (r as HTMLTableRowElement).cells[0].textContent);
    expect(names()).toEqual(['gamma', 'beta', 'alpha']);
    expect(screen.getByRole('columnheader', { name: 'N' }).getAttribute('aria-sort')).toBe('ascending');
    await userEvent.click(screen.getByRole('button', { name: 'N' }));
    expect(names()).toEqual(['alpha', 'beta', 'gamma']);
    expect(screen.getByRole('columnheader', { name: 'N' }).getAttribute('aria-sort')).toBe('descending');
  });
  it('shows the empty state for no rows', () => {
    render(<DataTable label="Things" columns={cols} rows={[]} rowKey={(r) => r.id} empty={<EmptyState title="Nothing here." />} />);
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.getByRole('status').textContent).toContain('Nothing here.');
  });
});

describe('ConfirmButton', () => {
  it('asks before running', async () => {
    const run = vi.fn();
    render(<ConfirmButton label="Cancel" ariaLabel="Cancel wf-1" onConfirm={run} />);
    await userEvent.click(screen.getByRole('button', { name: 'Cancel wf-1' }));
    expect(run).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole('button', { name: 'No' }));
    await userEvent.click(screen.getByRole('button', { name: 'Cancel wf-1' }));
    await userEvent.click(screen.getByRole('button', { name: 'Confirm cancel' }));
    expect(run).toHaveBeenCalledOnce();
  });
});

describe('AutoRefresh', () => {
  function Harness({ onRefresh, onInterval }: { onRefresh: () => void; onInterval: (ms: number | undefined) => void }) {
    const r = useAutoRefresh(3000);
    onInterval(r.refreshMs);
    return <AutoRefresh auto={r.auto} onAutoChange={r.setAuto} everyMs={3000} onRefresh={onRefresh} />;
  }
  it('toggles the polling interval and refreshes on demand', async () => {
    const onRefresh = vi.fn();
    const intervals: (number | undefined)[] = [];
    render(<Harness onRefresh={onRefresh} onInterval={(ms) => intervals.push(ms)} />);
    const box = screen.getByRole('checkbox', { name: 'Auto-refresh (3 s)' }) as HTMLInputElement;
    expect(box.checked).toBe(true);
    expect(intervals.at(-1)).toBe(3000);
    await userEvent.click(box);
    expect(box.checked).toBe(false);
    expect(intervals.at(-1)).toBeUndefined();
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(onRefresh).toHaveBeenCalledTimes(1);
    await userEvent.click(box);
    expect(intervals.at(-1)).toBe(3000);
  });
  it('can disable the Refresh button', () => {
    render(<AutoRefresh auto={false} onAutoChange={() => {}} everyMs={2000} onRefresh={() => {}} refreshDisabled />);
    expect((screen.getByRole('button', { name: 'Refresh' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('checkbox', { name: 'Auto-refresh (2 s)' }) as HTMLInputElement).checked).toBe(false);
  });
});

describe('VirtualList', () => {
  it('computes the window', () => {
    expect(visibleRange(0, 300, 30, 10_000, 5)).toEqual([0, 15]);
    expect(visibleRange(3000, 300, 30, 10_000, 5)).toEqual([95, 115]);
    expect(visibleRange(299_900, 300, 30, 10_000, 5)).toEqual([9991, 10_000]);
    expect(visibleRange(0, 300, 30, 0)).toEqual([0, 0]);
  });
  it('renders a few rows of 10,000 and moves with the keyboard', async () => {
    const items = Array.from({ length: 10_000 }, (_, i) => `t${i}`);
    const onActivate = vi.fn();
    render(<VirtualList items={items} rowHeight={30} height={300} label="Tasks" itemKey={(x) => x} renderItem={(x) => x} onActivate={onActivate} />);
    const list = screen.getByRole('listbox', { name: 'Tasks' });
    expect(within(list).getAllByRole('option').length).toBeLessThan(30);
    list.focus();
    await userEvent.keyboard('{End}');
    expect(list.getAttribute('aria-activedescendant')).toMatch(/-9999$/);
    fireEvent.scroll(list, { target: { scrollTop: 299_700 } });
    expect(screen.getByText('t9999')).toBeTruthy();
    await userEvent.keyboard('{Enter}');
    expect(onActivate).toHaveBeenCalledWith('t9999', 9999);
  });
});

describe('Sparkline and JsonView', () => {
  it('draws segments around gaps', () => {
    expect(sparkPoints([1, 2, null, 3, 4], 40, 10)).toHaveLength(2);
    expect(sparkPoints([], 40, 10)).toEqual([]);
    render(<Sparkline label="Latency" values={[0.1, null, 0.25]} format={formatDuration} />);
    expect(screen.getByRole('img', { name: 'Latency: 250ms' })).toBeTruthy();
  });
  it('cuts huge values', async () => {
    render(<JsonView value={{ big: 'x'.repeat(50) }} maxChars={20} label="Big" />);
    expect(screen.getByLabelText('Big').textContent!.length).toBeLessThan(30);
    await userEvent.click(screen.getByRole('button', { name: /Show all/ }));
    expect(screen.getByLabelText('Big').textContent).toContain('x'.repeat(50));
  });
});
