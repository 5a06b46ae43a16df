// Helper processes the flows start: the saga-booking example's travel agent
// (examples/saga-booking/agent.py) and the Python pull worker (examples/workers/python). Each
// is killed at the end of its flow, whatever happens.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { waitFor } from './api.mjs';

/** A loopback port that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function track(child, what) {
  let out = '';
  const keep = (d) => { if (out.length < 100000) out += d.toString(); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = null;
  const done = new Promise((r) => child.on('exit', (code, signal) => r((exited = { code, signal }))));
  const killOnExit = () => { if (!exited) child.kill('SIGKILL'); };
  process.on('exit', killOnExit);
  return {
    child,
    output: () => out,
    get exited() { return exited; },
    async stop() {
      if (!exited) child.kill('SIGTERM');
      const t = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5000);
      await done;
      clearTimeout(t);
      process.off('exit', killOnExit);
    },
    describe: () => `${what} (pid ${child.pid}): ${JSON.stringify(exited)}\n${out.slice(-2000)}`,
  };
}

/** Starts the travel agent with `args` (e.g. ['--fail', 'car']); resolves once /health answers. */
export async function startTravelAgent(repoDir, args = []) {
  const port = await freePort();
  const p = track(spawn('python3', [path.join(repoDir, 'examples/saga-booking/agent.py'), '--port', String(port), ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] }), 'travel agent');
  const origin = `http://127.0.0.1:${port}`;
  await waitFor('the travel agent to answer /health', async () => {
    if (p.exited) throw new Error(p.describe());
    return (await fetch(`${origin}/health`)).ok;
  }, { timeoutMs: 15000 });
  return { ...p, port, origin, calls: async () => (await (await fetch(`${origin}/calls`)).json()).calls };
}

/** Starts examples/workers/python/research_worker.py against the server's gRPC target. */
export function startPythonWorker(repoDir, target, { name, queue, capacity = 2 }) {
  const env = { ...process.env, PYTHONPATH: path.join(repoDir, 'build/release/python') };
  return track(spawn('/usr/bin/python3', [path.join(repoDir, 'examples/workers/python/research_worker.py'),
    '--target', target, '--name', name, '--queue', queue, '--capacity', String(capacity)], { stdio: ['ignore', 'pipe', 'pipe'], env }),
  'python worker');
}
