// An anchor: a minimal reverse proxy on node:http for the visitor side and undici (a keep-alive Pool) for the
// upstream side — the other common way to build a Node proxy.
import http from 'node:http';
import { Pool } from 'undici';

const [listenPort, targetPort] = process.argv.slice(2).map(Number);
const pool = new Pool(`http://127.0.0.1:${targetPort}`, { connections: 64, pipelining: 1 });
http
  .createServer((req, res) => {
    const headers = { ...req.headers };
    delete headers.connection;
    delete headers['keep-alive'];
    pool.stream(
      { path: req.url, method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? null : req },
      ({ statusCode, headers: upstreamHeaders }) => {
        delete upstreamHeaders.connection;
        delete upstreamHeaders['keep-alive'];
        delete upstreamHeaders['transfer-encoding'];
        res.writeHead(statusCode, upstreamHeaders);
        return res;
      },
      (error) => {
        if (error && !res.headersSent) {
          res.writeHead(502);
          res.end();
        }
      },
    );
  })
  .listen(listenPort, '127.0.0.1');
