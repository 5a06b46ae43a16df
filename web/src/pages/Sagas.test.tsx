// The Sagas page against mocked answers copied from a real server: the list with its state
// filter and paging, a saga's steps and compensations, Compensate and Recover (requests,
// results, refusals), and the empty and error states.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import SagasPage from './Sagas';
import { errorBody, mockFetch, requestsTo } from '../lanes/mockFetch';
import { compensatedSaga, failedCompensationSaga, pendingSaga, sagaList } from '../sagas/fixtures';

function renderAt(url = '/sagas') {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <Routes>
        <Route path="/sagas" element={<SagasPage />} />
      </Routes>
    </MemoryRouter>,
  );
}

afterEach(() => vi.unstubAllGlobals());

const list = { route: 'listSagas' as const, answer: { body: sagaList } };

describe('Sagas page', () => {
  it('lists sagas with their state and filters by state', async () => {
    const { requests } = mockFetch([
      { route: 'listSagas', answer: (r) => ({ body: r.query.get('state') ? { items: [], total: 0, limit: 20, offset: 0 } : sagaList }) },
    ]);
    renderAt();
    const table = await screen.findByRole('table', { name: 'Sagas' });
    expect(within(table).getAllByRole('row')).toHaveLength(sagaList.items.length + 1);
    expect(within(table).getAllByText('compensated').length).toBeGreaterThan(0);
    expect(within(table).getByText('pending-compensation')).toBeTruthy();
    await userEvent.selectOptions(screen.getByLabelText('State'), 'compensation-failed');
    expect(await screen.findByText('No compensation-failed sagas.')).toBeTruthy();
    const last = requestsTo(requests, 'listSagas').at(-1)!;
    expect(last.query.get('state')).toBe('compensation-failed');
    expect(last.query.get('limit')).toBe('20');
  });

  it('shows an empty state', async () => {
    mockFetch([{ route: 'listSagas', answer: { body: { items: [], total: 0, limit: 20, offset: 0 } } }]);
    renderAt();
    expect(await screen.findByText('No sagas yet.')).toBeTruthy();
  });

  it('shows the error with a Retry button', async () => {
    mockFetch([{ route: 'listSagas', answer: { status: 500, body: errorBody('INTERNAL', 'handler threw') } }]);
    renderAt();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('INTERNAL');
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeTruthy();
  });

  it('shows each step’s forward and compensation state and links the workflows', async () => {
    mockFetch([list, { route: 'getSaga', params: { id: compensatedSaga.saga_id }, answer: { body: compensatedSaga } }]);
    renderAt(`/sagas?id=${compensatedSaga.saga_id}`);
    const steps = await screen.findByRole('table', { name: `Steps of saga ${compensatedSaga.saga_id}` });
    const flight = within(steps).getByText('flight').closest('tr')!;
    expect(within(flight).getByText('completed')).toBeTruthy();
    expect(within(flight).getByText('compensated')).toBeTruthy();
    const car = within(steps).getByText('car').closest('tr')!;
    expect(car.textContent).toContain('failed the saga');
    expect(car.textContent).toContain('answered 422');
    const confirm = within(steps).getByText('confirm').closest('tr')!;
    expect(confirm.textContent).toContain('none defined');
    expect(screen.getByRole('link', { name: `Forward workflow ${compensatedSaga.workflow_id}` }).getAttribute('href'))
      .toBe(`/workflows/${compensatedSaga.workflow_id}`);
    expect(screen.getByRole('link', { name: `Compensation workflow ${compensatedSaga.compensation_workflow_id}` })).toBeTruthy();
    // a compensated saga can be neither compensated nor recovered
    expect((screen.getByRole('button', { name: `Compensate saga ${compensatedSaga.saga_id}` }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: `Recover saga ${compensatedSaga.saga_id}` }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('compensates a pending saga with a reason after confirmation', async () => {
    const id = pendingSaga.saga_id;
    const { requests } = mockFetch([
      list,
      { route: 'getSaga', params: { id }, answer: { body: pendingSaga } },
      { route: 'compensateSaga', params: { id }, answer: { status: 202, body: { saga_id: id, state: 'compensating' } } },
    ]);
    renderAt(`/sagas?id=${id}`);
    await userEvent.type(await screen.findByLabelText('Reason for compensating (optional)'), 'no car in Lisbon');
    await userEvent.click(screen.getByRole('button', { name: `Compensate saga ${id}` }));
    expect(requestsTo(requests, 'compensateSaga', { id })).toHaveLength(0);
    await userEvent.click(screen.getByRole('button', { name: 'Confirm compensate' }));
    expect(await screen.findByText('Compensation accepted: the saga is compensating.')).toBeTruthy();
    expect(requestsTo(requests, 'compensateSaga', { id })[0].body).toEqual({ reason: 'no car in Lisbon' });
    await waitFor(() => expect(requestsTo(requests, 'getSaga', { id }).length).toBeGreaterThanOrEqual(2));
  });

  it('shows the server’s refusal of a compensation', async () => {
    const id = pendingSaga.saga_id;
    mockFetch([
      list,
      { route: 'getSaga', params: { id }, answer: { body: pendingSaga } },
      {
        route: 'compensateSaga', params: { id },
        answer: { status: 409, body: errorBody('CONFLICT', `saga ${id} is compensated; compensate needs it running or pending-compensation`) },
      },
    ]);
    renderAt(`/sagas?id=${id}`);
    await userEvent.click(await screen.findByRole('button', { name: `Compensate saga ${id}` }));
    await userEvent.click(screen.getByRole('button', { name: 'Confirm compensate' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Compensate was refused');
    expect(alert.textContent).toContain('CONFLICT');
    expect(alert.textContent).toContain('compensate needs it running or pending-compensation');
  });

  it('recovers a saga whose compensation failed', async () => {
    const id = failedCompensationSaga.saga_id;
    const { requests } = mockFetch([
      list,
      { route: 'getSaga', params: { id }, answer: { body: failedCompensationSaga } },
      { route: 'recoverSaga', params: { id }, answer: { status: 202, body: { saga_id: id, state: 'recovering' } } },
    ]);
    renderAt(`/sagas?id=${id}`);
    const steps = await screen.findByRole('table', { name: `Steps of saga ${id}` });
    const flight = within(steps).getByText('flight').closest('tr')!;
    expect(within(flight).getByText('failed')).toBeTruthy(); // its compensation
    expect(flight.textContent).toContain('6 attempts'); // compensation attempts
    expect((screen.getByRole('button', { name: `Compensate saga ${id}` }) as HTMLButtonElement).disabled).toBe(true);
    await userEvent.click(screen.getByRole('button', { name: `Recover saga ${id}` }));
    await userEvent.click(screen.getByRole('button', { name: 'Confirm recover' }));
    expect(await screen.findByText('Recovery accepted: the saga is recovering.')).toBeTruthy();
    expect(requestsTo(requests, 'recoverSaga', { id })).toHaveLength(1);
  });

  it('shows an unknown saga as an error', async () => {
    mockFetch([list, { route: 'getSaga', params: { id: 'saga-nope' }, answer: { status: 404, body: errorBody('NOT_FOUND', 'no saga saga-nope (GET /api/v1/sagas lists them)') } }]);
    renderAt('/sagas?id=saga-nope');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load the saga');
    expect(alert.textContent).toContain('NOT_FOUND');
  });
});
