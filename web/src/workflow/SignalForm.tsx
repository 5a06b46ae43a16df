// Send a signal to a workflow: kind (steer, interrupt, collect, a name a wait_signal task
// waits for, or a custom name), an optional target task, and a JSON payload checked as you type.
import { useEffect, useMemo, useState } from 'react';
import { call } from '../api/client';
import type { SpecTask, TaskStatus } from '../api/types';
import { ErrorState } from '../components/ErrorState';
import { useToast } from '../components/Toast';
import type { SpecAndInput } from './runAgain';

const TEMPLATES: Record<string, string> = {
  steer: '{\n  "parameters": {}\n}',
  interrupt: '{\n  "graceful": false,\n  "reason": ""\n}',
  collect: '{\n  "request_id": "",\n  "result": {}\n}',
};
const CUSTOM = '__custom';
const NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;

/** Names the spec's wait_signal tasks wait for. */
export function awaitedSignalNames(spec?: SpecAndInput): string[] {
  const tasks = (spec?.spec.tasks as SpecTask[] | undefined) ?? [];
  const names = new Set<string>();
  for (const t of tasks) {
    const c = t.config as Record<string, unknown> | undefined;
    if (c && c.op === 'wait_signal' && typeof c.name === 'string') names.add(c.name);
  }
  return [...names];
}

export function SignalForm({ workflowId, tasks, spec, onSent }: { workflowId: string; tasks: TaskStatus[]; spec?: SpecAndInput; onSent?: () => void }) {
  const notify = useToast();
  const awaited = useMemo(() => awaitedSignalNames(spec), [spec]);
  const [kind, setKind] = useState<string>(awaited[0] ?? 'steer');
  const [custom, setCustom] = useState('');
  const [task, setTask] = useState('');
  const [payload, setPayload] = useState(TEMPLATES[awaited[0] ?? 'steer'] ?? '{}');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);
  // The spec may arrive after the first render: offer its awaited name until the user chooses.
  useEffect(() => {
    if (touched || awaited.length === 0) return;
    setKind(awaited[0]);
    setPayload('{}');
  }, [awaited, touched]);

  const unfinished = useMemo(() => tasks.filter((t) => !['completed', 'failed', 'skipped', 'cancelled'].includes(t.status)), [tasks]);
  const effectiveKind = kind === CUSTOM ? custom.trim() : kind;
  const payloadError = useMemo(() => {
    if (!payload.trim()) return undefined;
    try {
      const v = JSON.parse(payload);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'The payload must be a JSON object.';
      return undefined;
    } catch (e) {
      return `Not valid JSON: ${(e as Error).message}`;
    }
  }, [payload]);
  const kindError = kind === CUSTOM && custom && !NAME_RE.test(custom.trim()) ? 'Letters, digits, _ - . only; at most 64.' : undefined;
  const canSend = !!effectiveKind && !payloadError && !kindError && !busy;

  const send = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const body: Record<string, unknown> = { kind: effectiveKind };
      if (task) body.task = task;
      if (payload.trim()) body.payload = JSON.parse(payload);
      const r = await call<{ seq: number; state: string }>('sendSignal', { params: { id: workflowId }, body });
      notify(`Signal ${effectiveKind} sent (#${r.seq}, ${r.state})`, 'success');
      onSent?.();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="signal-form" aria-label="Send signal" onSubmit={(e) => { e.preventDefault(); if (canSend) void send(); }}>
      <div className="row">
        <label>
          Signal kind
          <select value={kind} onChange={(e) => {
            const k = e.target.value;
            setTouched(true);
            setKind(k);
            setPayload(TEMPLATES[k] ?? '{}');
          }}>
            {awaited.map((n) => <option key={`a-${n}`} value={n}>{n} (awaited)</option>)}
            <option value="steer">steer</option>
            <option value="interrupt">interrupt</option>
            <option value="collect">collect</option>
            {!awaited.includes('approve') ? <option value="approve">approve</option> : null}
            <option value={CUSTOM}>custom name…</option>
          </select>
        </label>
        {kind === CUSTOM ? (
          <label>
            Custom kind
            <input value={custom} onChange={(e) => setCustom(e.target.value)} placeholder="e.g. approval" aria-invalid={!!kindError} />
            {kindError ? <span className="field-error">{kindError}</span> : null}
          </label>
        ) : null}
        <label>
          Target task (optional)
          {unfinished.length <= 200 ? (
            <select value={task} onChange={(e) => setTask(e.target.value)}>
              <option value="">any waiting or running task</option>
              {unfinished.map((t) => <option key={t.id} value={t.id}>{t.id} ({t.status})</option>)}
            </select>
          ) : (
            <input value={task} onChange={(e) => setTask(e.target.value.trim())} placeholder="task id" />
          )}
        </label>
      </div>
      <label className="block">
        Payload (JSON)
        <textarea className="code" rows={4} value={payload} onChange={(e) => { setTouched(true); setPayload(e.target.value); }} spellCheck={false}
          aria-invalid={!!payloadError} aria-describedby={payloadError ? 'payload-error' : undefined} />
      </label>
      {payloadError ? <div id="payload-error" className="field-error" role="alert">{payloadError}</div> : null}
      <div className="row" style={{ marginTop: 6 }}>
        <button type="submit" className="primary" disabled={!canSend}>{busy ? 'Sending…' : 'Send signal'}</button>
      </div>
      {error ? <ErrorState error={error} title="The signal was refused" compact /> : null}
    </form>
  );
}
