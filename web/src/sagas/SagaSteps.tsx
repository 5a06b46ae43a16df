// A saga's steps side by side with their compensations: each step's forward state and
// attempts, its compensation's state, attempts and time ("none defined" for a step without a
// compensate block), and the errors of either. The step that failed the saga is marked.
import type { SagaDetail, SagaStep } from '../api/types';
import { DataTable, StateBadge, formatTime, type Column } from '../components';

function attempts(n: number): string {
  return `${n} attempt${n === 1 ? '' : 's'}`;
}

export function SagaSteps({ saga }: { saga: SagaDetail }) {
  const columns: Column<SagaStep>[] = [
    {
      key: 'id', header: 'Step', sortValue: (s) => s.id,
      render: (s) => (
        <span className="lane-name">
          <strong>{s.id}</strong>
          {s.id === saga.failed_step ? <span className="muted small nowrap">failed the saga</span> : null}
        </span>
      ),
    },
    {
      key: 'state', header: 'Forward', sortValue: (s) => s.state,
      render: (s) => (
        <span className="lane-name">
          <StateBadge state={s.state} />
          <span className="muted small nowrap">{attempts(s.attempts)}</span>
        </span>
      ),
    },
    {
      key: 'comp', header: 'Compensation', sortValue: (s) => s.compensation?.state ?? '',
      render: (s) => (s.compensation ? (
        <span className="lane-name">
          <StateBadge state={s.compensation.state} />
          <span className="muted small nowrap">{attempts(s.compensation.attempts)}</span>
          {s.compensation.compensated_at ? <span className="muted small nowrap">at {formatTime(s.compensation.compensated_at)}</span> : null}
        </span>
      ) : <span className="muted" title="this step has no compensate block">none defined</span>),
    },
    {
      key: 'errors', header: 'Errors',
      render: (s) => {
        const comp = s.compensation?.error;
        if (!s.error && !comp) return <span className="muted">—</span>;
        return (
          <div className="small">
            {s.error ? <div className="u2-content"><span className="muted">forward: </span>{s.error}</div> : null}
            {comp ? <div className="u2-content"><span className="muted">compensation: </span>{comp}</div> : null}
          </div>
        );
      },
    },
  ];
  return (
    <DataTable
      label={`Steps of saga ${saga.saga_id}`}
      columns={columns}
      rows={saga.steps}
      rowKey={(s) => s.id}
      rowClassName={(s) => (s.id === saga.failed_step ? 'u2-failed-row' : undefined)}
      empty={<p className="muted">This saga has no steps.</p>}
    />
  );
}
