// Memorizes one item from the UI (POST /api/v1/memory/{session} {content, metadata?}): the
// session (any name; a new one is created), the content, and optional metadata as key=value
// lines. Lines that are not key=value are refused here; everything else is the server's to
// check, and its refusals show at their field (content, metadata, session).
import { useId, useState, type FormEvent } from 'react';
import { call } from '../api/client';
import { useToast } from '../components';
import { FieldError, FormAlert, formFailure, type FormFailure } from './formErrors';
import { clip } from './ForgetButton';

type Field = 'session' | 'content' | 'metadata';

/** Which field a server detail path belongs to. */
export function memorizeFieldOf(path: string): Field | '' {
  if (path === 'session' || path === 'content') return path;
  if (path === 'metadata' || path.startsWith('metadata.') || path.startsWith('metadata[')) return 'metadata';
  return '';
}

/** key=value lines → a metadata object; blank lines are skipped, the first '=' splits. */
export function parseMetadata(text: string): { metadata: Record<string, string>; errors: string[] } {
  const metadata: Record<string, string> = {};
  const errors: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const eq = line.indexOf('=');
    if (eq < 0) {
      errors.push(`line ${i + 1}: expected key=value, got “${clip(line, 30)}”`);
      return;
    }
    metadata[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  });
  return { metadata, errors };
}

export function MemorizeForm({ session: initialSession, onMemorized }: {
  session?: string;
  onMemorized: (session: string, id: string) => void;
}) {
  const id = useId();
  const notify = useToast();
  const [session, setSession] = useState(initialSession ?? '');
  const [content, setContent] = useState('');
  const [metadataText, setMetadataText] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<FormFailure<Field>>();
  const [note, setNote] = useState<string>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setNote(undefined);
    const s = session.trim();
    const local: Partial<Record<Field, string[]>> = {};
    if (s === '') local.session = ['enter a session name'];
    if (content.trim() === '') local.content = ['enter what to memorize'];
    const { metadata, errors } = parseMetadata(metadataText);
    if (errors.length) local.metadata = errors;
    if (Object.keys(local).length) {
      setFailure({ fields: local, message: '', other: [] });
      return;
    }
    setFailure(undefined);
    setBusy(true);
    try {
      const body: Record<string, unknown> = { content };
      if (Object.keys(metadata).length) body.metadata = metadata;
      const r = await call<{ id: string }>('memorize', { params: { session: s }, body });
      setNote(`Memorized as ${r.id} in ${s}.`);
      notify(`Memorized “${clip(content)}”.`, 'success');
      setContent('');
      setMetadataText('');
      onMemorized(s, r.id);
    } catch (err) {
      setFailure(formFailure(err, memorizeFieldOf));
    } finally {
      setBusy(false);
    }
  };

  const errs = failure?.fields ?? {};
  const described = (f: Field, hint?: string) => [hint, errs[f]?.length ? `${id}-${f}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Memorize">
      <div className="u2-field">
        <label htmlFor={`${id}-session`}>Session</label>
        <input id={`${id}-session`} value={session} onChange={(e) => setSession(e.target.value)} placeholder="agent:ada"
          aria-invalid={errs.session ? true : undefined} aria-describedby={described('session')} />
        <FieldError id={`${id}-session-err`} messages={errs.session} />
      </div>
      <div className="u2-field">
        <label htmlFor={`${id}-content`}>Content</label>
        <textarea id={`${id}-content`} rows={3} value={content} onChange={(e) => setContent(e.target.value)}
          placeholder="The staging database deploys every Tuesday at 10:00 UTC"
          aria-invalid={errs.content ? true : undefined} aria-describedby={described('content')} />
        <FieldError id={`${id}-content-err`} messages={errs.content} />
      </div>
      <div className="u2-field">
        <label htmlFor={`${id}-metadata`}>Metadata (optional, one key=value a line)</label>
        <textarea id={`${id}-metadata`} rows={2} value={metadataText} onChange={(e) => setMetadataText(e.target.value)}
          placeholder={'topic=deploy\nteam=infra'}
          aria-invalid={errs.metadata ? true : undefined} aria-describedby={described('metadata')} />
        <FieldError id={`${id}-metadata-err`} messages={errs.metadata} />
      </div>
      {failure && failure.message ? <FormAlert title="Not memorized" failure={failure} /> : null}
      {note ? <p className="muted small" role="status">{note}</p> : null}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Memorizing…' : 'Memorize'}</button>
      </div>
    </form>
  );
}
