import { describe, expect, it } from 'vitest';
import { errorsByLine, lineForPath, lineFromMessage, parsePath, placeErrors, specContentType } from './specLines';

const yamlSpec = `# comment
name: demo
tasks:
  - id: a
    type: builtin
    config: {op: echo}
  - id: b
    type: nope
    depends_on: [a, zz]
    config:
      op: echo
      args:
        text: "{{tasks.x.output}}"
`;

const jsonSpec = `{
  "name": "demo",
  "tasks": [
    {"id": "a", "type": "builtin", "config": {"op": "echo"}},
    {
      "id": "b",
      "type": "nope",
      "depends_on": ["a", "zz"],
      "config": {"op": "echo", "args": {"text": "x"}}
    }
  ]
}`;

describe('parsePath', () => {
  it('reads brackets, dots and numeric dot segments', () => {
    expect(parsePath('tasks[2].depends_on[0]')).toEqual(['tasks', 2, 'depends_on', 0]);
    expect(parsePath('tasks.2.config')).toEqual(['tasks', 2, 'config']);
    expect(parsePath('$.tasks[0].id')).toEqual(['tasks', 0, 'id']);
    expect(parsePath('')).toEqual([]);
  });
});

describe('lineForPath (YAML)', () => {
  it('maps top-level and nested paths', () => {
    expect(lineForPath(yamlSpec, 'name')).toBe(2);
    expect(lineForPath(yamlSpec, 'tasks[1].type')).toBe(8);
    expect(lineForPath(yamlSpec, 'tasks[1].depends_on[1]')).toBe(9);
    expect(lineForPath(yamlSpec, 'tasks.1.config')).toBe(10);
    expect(lineForPath(yamlSpec, 'tasks[1].config.args.text')).toBe(13);
    expect(lineForPath(yamlSpec, 'tasks[0]')).toBe(4);
  });
  it('finds a task by id', () => {
    expect(lineForPath(yamlSpec, 'tasks.b.type')).toBe(8);
  });
  it('falls back to the deepest found part, and undefined for an unknown root', () => {
    expect(lineForPath(yamlSpec, 'tasks[1].retries.max')).toBe(7); // tasks[1] found, retries not
    expect(lineForPath(yamlSpec, 'bogus.path')).toBeUndefined();
    expect(lineForPath(yamlSpec, '')).toBeUndefined();
    expect(lineForPath('', 'tasks[0]')).toBeUndefined();
  });
});

describe('lineForPath (JSON)', () => {
  it('maps paths through JSON text', () => {
    expect(lineForPath(jsonSpec, 'name')).toBe(2);
    expect(lineForPath(jsonSpec, 'tasks[0].config.op')).toBe(4);
    expect(lineForPath(jsonSpec, 'tasks[1].type')).toBe(7);
    expect(lineForPath(jsonSpec, 'tasks[1].depends_on[1]')).toBe(8);
    expect(lineForPath(jsonSpec, 'tasks.1.config.args.text')).toBe(9);
  });
});

describe('placeErrors', () => {
  it('places each detail, exact or not, and keeps unplaceable ones', () => {
    const errs = placeErrors(yamlSpec, 'workflow spec is invalid: 3 problems', [
      { path: 'tasks[1].type', message: 'unknown task type "nope"' },
      { path: 'tasks[1].depends_on[1]', message: 'unknown task "zz"' },
      { path: 'unknown.thing', message: 'odd' },
    ]);
    expect(errs.map((e) => e.line)).toEqual([8, 9, undefined]);
    const m = errorsByLine(errs);
    expect(m.get(8)?.[0].message).toContain('unknown task type');
    expect(m.size).toBe(2);
  });
  it('uses the server line when the path is not in the text', () => {
    const errs = placeErrors(yamlSpec, 'x', [{ path: 'spec.z', message: 'm', line: 5 }]);
    expect(errs[0].line).toBe(5);
  });
  it('reads the line of a syntax error from the message', () => {
    const msg = 'YAML syntax error at line 4, column 4: end of sequence not found';
    expect(lineFromMessage(msg)).toEqual({ line: 4, column: 4 });
    expect(placeErrors('a: [\n', msg, [])[0].line).toBe(4);
    expect(placeErrors('a: [\n', 'JSON syntax error at line 2, column 21: syntax error', [{ path: '', message: 'syntax error' }])[0].line).toBe(2);
    expect(lineFromMessage('no position here')).toBeUndefined();
  });
});

describe('specContentType', () => {
  it('tells JSON from YAML', () => {
    expect(specContentType('  {"a":1}')).toBe('application/json');
    expect(specContentType('name: x')).toBe('application/yaml');
  });
});
