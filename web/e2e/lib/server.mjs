// The server fixture: starts the real `goclaw server` binary on free loopback ports with a
// config written for the UI tests (sessions, sagas, memory, exec tasks, gRPC on port 0), reads
// the addresses it prints, and stops it with SIGTERM (SIGKILL when it does not exit in time, or
// when this process exits first). Its stdout and stderr go to a log file in the artifacts.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Lanes the tests read and change; `web` is the one the lanes flow edits.
// The `chat:*` session kind runs a workflow that waits a moment, so the Sessions page can show
// an active run and an input waiting behind it.
export const SERVER_CONFIG = `# Written by web/e2e/lib/server.mjs for the UI end-to-end tests.
server:
  host: 127.0.0.1
  drain_timeout: 2s
shutdown:
  drain_timeout: 2s
grpc:
  enabled: true
  port: 0
  drain_timeout: 2s
log:
  format: json
  level: info
executors:
  exec:
    enabled: true
    allow: [sh]
lanes:
  - {name: default, max_concurrency: 16}
  - {name: web, max_concurrency: 4}
sessions:
  - match: "chat:*"
    queue_mode: followup
    cap: 20
    workflow:
      name: chat-turn
      description: Thinks for a moment, then echoes the message.
      tasks:
        - id: think
          config: {op: sleep, duration: 5s}
        - id: reply
          depends_on: [think]
          config: {op: echo, reply: "{{input.message}}"}
memory:
  enabled: true
`;

const LISTEN_RE = /goclaw server listening on (http:\/\/[^\s]+)/;
const GRPC_RE = /goclaw gRPC listening on ([^\s]+)/;
const UI_RE = /goclaw UI on ([^\s]+)/;

/**
 * Starts `bin server --port 0 --data-dir <tmp> --config <tmp>/goclaw.yaml`.
 * Resolves once the HTTP listening line is out; rejects (with the server's output) when the
 * process exits first or nothing is printed within `startTimeoutMs`.
 */
export async function startServer({ bin, logFile, uiDir, startTimeoutMs = 30000 }) {
  const dir = await mkdtemp(path.join(tmpdir(), 'goclaw-ui-e2e-'));
  const configPath = path.join(dir, 'goclaw.yaml');
  // The UI the runner checked (web/dist), not whatever the server would find by itself.
  const ui = uiDir ? `ui:\n  enabled: true\n  dir: ${JSON.stringify(uiDir)}\n` : '';
  await writeFile(configPath, SERVER_CONFIG + ui);
  const args = ['--config', configPath, 'server', '--port', '0', '--data-dir', path.join(dir, 'data')];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  const log = logFile ? createWriteStream(logFile) : null;
  let output = '';
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  // Never leave a server behind, whatever happens to this process.
  const killOnExit = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const found = await new Promise((resolve, reject) => {
    let grpcTarget = null;
    const timer = setTimeout(() => {
      reject(new Error(`goclaw server printed no listening line within ${startTimeoutMs} ms:\n${output}`));
    }, startTimeoutMs);
    const onData = (chunk) => {
      const text = chunk.toString();
      log?.write(text);
      if (output.length < 200000) output += text;
      const g = GRPC_RE.exec(output);
      if (g) grpcTarget = g[1];
      const m = LISTEN_RE.exec(output);
      if (m) {
        clearTimeout(timer);
        const u = UI_RE.exec(output);
        resolve({ origin: m[1].replace(/\/$/, ''), grpcTarget, uiUrl: u ? u[1] : null });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exitPromise.then((e) => {
      clearTimeout(timer);
      reject(new Error(`goclaw server exited (${JSON.stringify(e)}) before listening:\n${output}`));
    });
  });
  // Later output still goes to the log (the listener above stays attached).

  return {
    origin: found.origin,
    grpcTarget: found.grpcTarget,
    uiUrl: found.uiUrl, // null when the server said it serves no UI
    dir,
    pid: child.pid,
    get exited() {
      return exited;
    },
    output: () => output,
    /** SIGTERM, then SIGKILL after `graceMs`; removes the temp dir. Resolves with the exit. */
    async stop({ graceMs = 15000, force = false } = {}) {
      if (!exited) child.kill(force ? 'SIGKILL' : 'SIGTERM');
      const timer = setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, force ? 0 : graceMs);
      const e = await exitPromise;
      clearTimeout(timer);
      process.off('exit', killOnExit);
      await new Promise((r) => (log ? log.end(r) : r()));
      await rm(dir, { recursive: true, force: true });
      return e;
    },
  };
}
