// Benchmark app: a keep-alive hello world; GET /crash makes it exit with code 1 (for crash-recovery timing).
const http = require('node:http');
const server = http.createServer((req, res) => {
  if (req.url === '/crash') {
    res.end('bye\n');
    setImmediate(() => process.exit(1));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '12' });
  res.end('hello world\n');
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
