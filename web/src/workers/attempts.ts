// Attempt ids of pull workers ("<workflow id>/<task id>/<attempt>", GET /api/v1/workers) taken
// apart for links to the workflow. Ids never contain '/', so the split is exact.
export interface AttemptRef {
  workflowId: string;
  taskId: string;
  attempt: number | undefined;
  raw: string;
}

export function parseAttempt(raw: string): AttemptRef {
  const parts = raw.split('/');
  if (parts.length >= 3) {
    const n = Number(parts[parts.length - 1]);
    return {
      workflowId: parts[0],
      taskId: parts.slice(1, -1).join('/'),
      attempt: Number.isInteger(n) ? n : undefined,
      raw,
    };
  }
  return { workflowId: parts[0] ?? raw, taskId: parts[1] ?? '', attempt: undefined, raw };
}
