// WebSocket clients run as their own process: each sends a message every 20 ms and expects its echo; a close with
// 1001 ("going away", what berth sends when a release is drained) is clean and the client reconnects; any other
// close, error or unanswered message is a failure. Prints its counts as JSON on SIGTERM.
import WebSocket from 'ws';

const [url, clientsText] = process.argv.slice(2);
const counts = { echoes: 0, cleanCloses: 0, failures: 0, kinds: {} };
const fail = (kind) => {
  counts.failures++;
  counts.kinds[kind] = (counts.kinds[kind] ?? 0) + 1;
};
let running = true;
const sockets = new Set();

function client() {
  const socket = new WebSocket(url);
  sockets.add(socket);
  let waiting = 0;
  let timer = null;
  socket.on('open', () => {
    timer = setInterval(() => {
      if (waiting > 5) fail('unanswered');
      waiting++;
      socket.send('ping');
    }, 20);
  });
  socket.on('message', () => {
    waiting = 0;
    counts.echoes++;
  });
  socket.on('error', (error) => fail(error.code ?? error.message));
  socket.on('close', (code) => {
    clearInterval(timer);
    sockets.delete(socket);
    if (!running) return;
    if (code === 1001) counts.cleanCloses++;
    else fail(`close ${code}`);
    setTimeout(client, 10);
  });
}

for (let index = 0; index < Number(clientsText ?? 4); index++) client();
console.log('ready');
process.on('SIGTERM', () => {
  running = false;
  for (const socket of sockets) socket.terminate();
  console.log(JSON.stringify(counts));
  process.exit(0);
});
