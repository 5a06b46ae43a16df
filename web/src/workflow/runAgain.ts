// "Run again": reads a workflow's spec and input (GET …/spec) and submits them as a new
// workflow (async), returning the new id.
import { parse as parseYaml } from 'yaml';
import { call } from '../api/client';
import type { SubmitAccepted } from '../api/types';

export interface SpecAndInput {
  spec: Record<string, unknown>;
  input?: unknown;
}

/** Accepts {spec: {...}|"yaml text", input?} or a bare spec. */
export function specFromDoc(doc: unknown): SpecAndInput {
  if (!doc || typeof doc !== 'object') throw new Error('the spec route answered something that is not a spec');
  const o = doc as Record<string, unknown>;
  let spec: unknown = o.spec ?? (Array.isArray(o.tasks) ? o : undefined);
  if (typeof spec === 'string') spec = parseYaml(spec);
  if (!spec || typeof spec !== 'object') throw new Error('the spec route answered without a spec');
  const s = spec as Record<string, unknown>;
  const input = 'input' in o && o !== s ? o.input : s.input;
  return { spec: s, input };
}

export async function fetchSpec(id: string, signal?: AbortSignal): Promise<SpecAndInput> {
  return specFromDoc(await call<unknown>('getWorkflowSpec', { params: { id }, signal }));
}

export async function runAgain(id: string): Promise<SubmitAccepted> {
  const { spec, input } = await fetchSpec(id);
  const body: Record<string, unknown> = { ...spec };
  if (input !== undefined && input !== null) body.input = input;
  return call<SubmitAccepted>('submitWorkflow', { body, query: { async: true } });
}
