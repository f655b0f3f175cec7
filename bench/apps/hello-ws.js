// Benchmark app: the keep-alive hello world, plus a WebSocket echo (ws, linked from berth's node_modules) that names
// its process, so a client can see which release answered.
const http = require('node:http');
const { WebSocketServer } = require('ws');

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '12' });
  res.end('hello world\n');
});
new WebSocketServer({ server }).on('connection', (socket) => socket.on('message', (data) => socket.send(`${process.pid} ${data}`)));
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
