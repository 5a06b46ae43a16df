// A development aid, not used by ctest: with GOCLAW_UI_DEV_PROXY=1 the runner serves web/dist
// at /ui/ itself (SPA fallback included) and forwards everything else -- HTTP and the
// /ws/events upgrade -- to the goclaw server, for a server binary built before it served the UI.
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png', '.woff2': 'font/woff2' };

export async function startDevProxy({ distDir, target }) {
  const up = new URL(target);
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    if (u.pathname === '/' || u.pathname === '/ui') {
      res.writeHead(302, { location: `/ui/${u.search}` });
      res.end();
      return;
    }
    if (u.pathname.startsWith('/ui/')) {
      let file = path.join(distDir, decodeURIComponent(u.pathname.slice(3)));
      if (!file.startsWith(distDir) || !existsSync(file) || statSync(file).isDirectory()) file = path.join(distDir, 'index.html');
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable' });
      createReadStream(file).pipe(res);
      return;
    }
    const p = http.request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: { ...req.headers, host: up.host } }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    p.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
    req.pipe(p);
  });
  server.on('upgrade', (req, socket, head) => {
    const conn = net.connect(Number(up.port), up.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const k = req.rawHeaders[i];
        lines.push(`${k}: ${k.toLowerCase() === 'host' ? up.host : req.rawHeaders[i + 1]}`);
      }
      conn.write(lines.join('\r\n') + '\r\n\r\n');
      if (head?.length) conn.write(head);
      conn.pipe(socket);
      socket.pipe(conn);
    });
    conn.on('error', () => socket.destroy());
    socket.on('error', () => conn.destroy());
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}
