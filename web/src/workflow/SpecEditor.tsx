// A plain-textarea spec editor with line numbers and validation errors shown at their lines:
// the gutter marks each error line, an overlay tints it and prints the message beside it, and
// a list below names every error ("Line 8 — tasks[1].type: …"); clicking one moves the caret
// there. No editor library: the textarea never wraps, and the gutter and overlay scroll with it.
import { useMemo, useRef, useState, type UIEvent } from 'react';
import { errorsByLine, type LineError } from './specLines';

const LINE_HEIGHT = 18; // px; must match .spec-editor CSS
const PAD = 8;

export interface SpecEditorProps {
  value: string;
  onChange: (v: string) => void;
  errors: LineError[];
  label?: string;
  rows?: number;
}

export function SpecEditor({ value, onChange, errors, label = 'Workflow spec (YAML or JSON)', rows = 18 }: SpecEditorProps) {
  const taRef = useRef<HTMLTextAreaElement>(null);
  const [scroll, setScroll] = useState({ top: 0, left: 0 });
  const lineCount = useMemo(() => {
    let n = 1;
    for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) === 10) n++;
    return n;
  }, [value]);
  const gutterText = useMemo(() => Array.from({ length: lineCount }, (_, i) => String(i + 1)).join('\n'), [lineCount]);
  const byLine = useMemo(() => errorsByLine(errors), [errors]);
  const height = rows * LINE_HEIGHT + 2 * PAD;

  const onScroll = (e: UIEvent<HTMLTextAreaElement>) => {
    const t = e.currentTarget;
    setScroll({ top: t.scrollTop, left: t.scrollLeft });
  };

  const goToLine = (line: number) => {
    const ta = taRef.current;
    if (!ta) return;
    let pos = 0;
    for (let l = 1; l < line; l++) {
      const nl = value.indexOf('\n', pos);
      if (nl === -1) break;
      pos = nl + 1;
    }
    const end = value.indexOf('\n', pos);
    ta.focus();
    ta.setSelectionRange(pos, end === -1 ? value.length : end);
    ta.scrollTop = Math.max(0, (line - 3) * LINE_HEIGHT);
  };

  const placed = errors.filter((e) => e.line !== undefined).sort((a, b) => a.line! - b.line!);
  const unplaced = errors.filter((e) => e.line === undefined);

  return (
    <div className="spec-editor-wrap">
      <div className="spec-editor" style={{ height }}>
        <div className="spec-gutter" aria-hidden="true">
          <pre style={{ transform: `translateY(${-scroll.top}px)` }}>{gutterText}</pre>
          {[...byLine.keys()].map((line) => (
            <span key={line} className="gutter-mark" style={{ top: PAD + (line - 1) * LINE_HEIGHT - scroll.top }} title={byLine.get(line)!.map((e) => e.message).join('\n')}>
              ●
            </span>
          ))}
        </div>
        <div className="spec-main">
          <div className="spec-overlay" aria-hidden="true">
            {[...byLine.entries()].map(([line, errs]) => (
              <div key={line} className="spec-line-error" style={{ top: PAD + (line - 1) * LINE_HEIGHT - scroll.top }}>
                <span className="spec-line-msg">⚠ {errs.map((e) => e.message).join('; ')}</span>
              </div>
            ))}
          </div>
          <textarea ref={taRef} className="code" aria-label={label} value={value} spellCheck={false} wrap="off"
            autoCapitalize="off" autoCorrect="off" onChange={(e) => onChange(e.target.value)} onScroll={onScroll}
            aria-invalid={errors.length > 0} aria-describedby={errors.length ? 'spec-errors' : undefined} />
        </div>
      </div>
      {errors.length > 0 ? (
        <ul id="spec-errors" className="spec-errors" aria-label="Validation errors">
          {placed.map((e, i) => (
            <li key={`p${i}`}>
              <button type="button" className="link" onClick={() => goToLine(e.line!)}>
                Line {e.line}
              </button>
              {' — '}
              {e.path ? <code>{e.path}</code> : null}
              {e.path ? ': ' : null}
              {e.message}
              {!e.exact ? <span className="muted small"> (nearest line)</span> : null}
            </li>
          ))}
          {unplaced.map((e, i) => (
            <li key={`u${i}`}>
              {e.path ? <code>{e.path}</code> : null}
              {e.path ? ': ' : null}
              {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
