// The "Submit workflow" panel: paste YAML/JSON or pick an example, Validate, Submit.
// Validation errors (from validate or submit) are placed at their lines in the editor.
import { useDeferredValue, useMemo, useState } from 'react';
import { ApiError, call } from '../api/client';
import type { SubmitAccepted, ValidateResult } from '../api/types';
import { examples } from './examples';
import { SpecEditor } from './SpecEditor';
import { placeErrors, specContentType, type LineError } from './specLines';

export interface SubmitPanelProps {
  onSubmitted: (w: SubmitAccepted) => void;
  onClose?: () => void;
}

const STARTER = `name: my-workflow
tasks:
  - id: hello
    type: builtin
    config: {op: echo, message: "你好, goclaw"}
`;

export function SubmitPanel({ onSubmitted, onClose }: SubmitPanelProps) {
  const [text, setText] = useState(STARTER);
  const [example, setExample] = useState('');
  // The last refusal; its errors are re-placed as the text changes (lines move while you fix).
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const deferredText = useDeferredValue(text);
  const errors: LineError[] = useMemo(
    () => (refusal ? placeErrors(deferredText, refusal.message, refusal.details) : []),
    [refusal, deferredText],
  );
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; message: string } | null>(null);
  const [busy, setBusy] = useState<'validate' | 'submit' | null>(null);

  const showError = (e: unknown) => {
    if (e instanceof ApiError) {
      setRefusal(e);
      setResult({ kind: 'error', message: `${e.code}: ${e.message}` });
    } else {
      setRefusal(null);
      setResult({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  };

  const run = async (what: 'validate' | 'submit') => {
    setBusy(what);
    setResult(null);
    try {
      const opts = { text, contentType: specContentType(text) };
      if (what === 'validate') {
        const v = await call<ValidateResult>('validateWorkflow', opts);
        setRefusal(null);
        setResult({ kind: 'ok', message: `Valid: "${v.name}", ${v.tasks} task${v.tasks === 1 ? '' : 's'}.` });
      } else {
        const w = await call<SubmitAccepted>('submitWorkflow', { ...opts, query: { async: true } });
        setRefusal(null);
        setResult({ kind: 'ok', message: `Submitted ${w.id}.` });
        onSubmitted(w);
      }
    } catch (e) {
      showError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card submit-panel" aria-labelledby="submit-title">
      <div className="row">
        <h2 id="submit-title">Submit workflow</h2>
        <span className="spacer" />
        <label className="inline">
          Example
          <select value={example} onChange={(e) => {
            const name = e.target.value;
            setExample(name);
            const ex = examples.find((x) => x.name === name);
            if (ex) { setText(ex.text); setRefusal(null); setResult(null); }
          }}>
            <option value="">— pick an example —</option>
            {examples.map((x) => <option key={x.name} value={x.name}>{x.name}</option>)}
          </select>
        </label>
        {onClose ? <button type="button" onClick={onClose}>Close</button> : null}
      </div>
      <SpecEditor value={text} onChange={(v) => { setText(v); }} errors={errors} />
      <div className="row" style={{ marginTop: 8 }}>
        <button type="button" onClick={() => run('validate')} disabled={busy !== null || !text.trim()}>
          {busy === 'validate' ? 'Validating…' : 'Validate'}
        </button>
        <button type="button" className="primary" onClick={() => run('submit')} disabled={busy !== null || !text.trim()}>
          {busy === 'submit' ? 'Submitting…' : 'Submit'}
        </button>
        {result ? (
          <span role={result.kind === 'error' ? 'alert' : 'status'} className={result.kind === 'error' ? 'field-error' : 'ok-text'}>
            {result.message}
          </span>
        ) : null}
      </div>
    </section>
  );
}
