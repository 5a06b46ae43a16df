// Layout rules of theme.css that jsdom cannot lay out, checked as text, and the DOM they select
// checked by rendering: what is scrolled into view clears the sticky header (scroll-padding-top
// of the header's height), and the Gantt's axis and rows reserve the same scrollbar gutter so
// the ticks stand over the bars. The e2e flows check both in a real browser (flows 3b and 7).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Attempt } from './workflow/attempts';
import { Gantt, GANTT_VISIBLE_ROWS } from './workflow/Gantt';

const CSS = readFileSync(join(__dirname, 'theme.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');

/** The declarations of every rule whose selector list contains `selector`, merged in order. */
export function declarations(css: string, selector: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([^{}]+)\{([^{}]*)\}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(css)) !== null) {
    if (!m[1].split(',').map((s) => s.trim()).includes(selector)) continue;
    for (const decl of m[2].split(';')) {
      const i = decl.indexOf(':');
      if (i > 0) out[decl.slice(0, i).trim()] = decl.slice(i + 1).trim();
    }
  }
  return out;
}

describe('declarations', () => {
  it('merges the rules that name a selector and ignores the others', () => {
    const css = 'a, .b { color: red; margin: 0 } .bb { color: blue } .b { margin: 1px; }';
    expect(declarations(css, '.b')).toEqual({ color: 'red', margin: '1px' });
    expect(declarations(css, '.c')).toEqual({});
  });
});

describe('theme.css', () => {
  it('stops what is scrolled into view below the sticky header, whatever its height', () => {
    const height = declarations(CSS, ':root')['--header-height'];
    expect(height).toMatch(/^\d+px$/);
    const header = declarations(CSS, '.app-header');
    expect(header.position).toBe('sticky');
    expect(header.height).toBe('var(--header-height)');
    // Padding of the root scroller: anchors, scrollIntoView and find all honour it.
    expect(declarations(CSS, 'html')['scroll-padding-top']).toMatch(/^(var\(--header-height\)|calc\(var\(--header-height\) \+ \d+px\))$/);
  });

  it('gives the Gantt axis the same scrollbar gutter as its rows', () => {
    const rows = declarations(CSS, '.gantt .virtual-list');
    const axis = declarations(CSS, '.gantt-axis');
    expect(rows['scrollbar-gutter']).toBe('stable');
    expect(axis['scrollbar-gutter']).toBe('stable');
    expect(axis.overflow).toBe('hidden'); // a gutter exists only on an element that clips
    // The axis's plot keeps a row plot's right border (transparent), so both widths match.
    expect(declarations(CSS, '.gantt-plot')['border-right']).toMatch(/^1px solid/);
    expect(declarations(CSS, '.gantt-axis .gantt-plot')['border-right-color']).toBe('transparent');
  });

  it('selects the Gantt parts those rules style', () => {
    const t0 = Date.parse('2026-12-03T00:00:00Z');
    const attempts = new Map<string, Attempt[]>();
    for (let i = 0; i < GANTT_VISIBLE_ROWS * 3; i++) {
      const task = `t${i}`;
      attempts.set(task, [{ task, attempt: 1, start: t0 + i, end: t0 + i + 100, outcome: 'completed' }]);
    }
    const { container } = render(<Gantt attempts={attempts} critical={new Set()} onSelect={() => {}} />);
    const list = container.querySelector('.gantt .virtual-list');
    expect(list?.getAttribute('role')).toBe('listbox');
    const axis = container.querySelector('.gantt > .gantt-axis');
    expect(axis?.nextElementSibling).toBe(list); // the axis sits right above the rows
    expect(axis?.querySelectorAll('.gantt-plot .gantt-tick')).toHaveLength(5);
    expect(list?.querySelector('.gantt-row .gantt-plot .gantt-bar')).toBeTruthy();
  });
});
