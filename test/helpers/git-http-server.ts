// A private git host for tests: git's own smart-HTTP server (git http-backend, run as CGI) behind HTTP basic auth.
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface GitHttpServer {
  /** The repository's https-style URL (plain http on loopback). */
  urlOf(bareDir: string): string;
  /** Authorization headers the server saw, for checking what was sent. */
  seenAuthorizations: string[];
  close(): Promise<void>;
}

export async function startGitHttpServer(projectRoot: string, credentials: { username: string; token: string }): Promise<GitHttpServer> {
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.token}`).toString('base64')}`;
  const seenAuthorizations: string[] = [];
  const server = http.createServer((request, response) => {
    const authorization = request.headers.authorization;
    if (authorization) seenAuthorizations.push(authorization);
    if (authorization !== expected) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="berth test host"' });
      return response.end('authentication required');
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: request.method,
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: request.headers['content-type'] ?? '',
        GIT_PROTOCOL: String(request.headers['git-protocol'] ?? ''),
        REMOTE_USER: credentials.username,
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    request.pipe(cgi.stdin);
    // CGI output: headers, a blank line, then the body.
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) return void response.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString().split('\r\n')) {
        const [name, ...rest] = line.split(':');
        const value = rest.join(':').trim();
        if (name!.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else response.setHeader(name!, value);
      }
      response.writeHead(status);
      response.write(head.subarray(end + 4));
    });
    cgi.on('close', () => response.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    urlOf: (bareDir) => `http://127.0.0.1:${port}/${path.relative(projectRoot, bareDir)}`,
    seenAuthorizations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
