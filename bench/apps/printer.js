// Benchmark app: serves HTTP and prints LINES_PER_SECOND numbered lines per second (default 10,000) for DURATION_S seconds.
// (setInterval at 10 ms may fire late under load, so a run can take a little longer than DURATION_S; the count is exact.)
const http = require('node:http');
const perSecond = Number(process.env.LINES_PER_SECOND ?? 10_000);
const seconds = Number(process.env.DURATION_S ?? 10);
const perTick = perSecond / 100;
let printed = 0;
let ticks = 0;
const tag = process.env.PRINTER_TAG ?? 'p';
// START_AT (epoch ms) lets several printers begin together, after they have all been started.
const startAt = Number(process.env.START_AT ?? Date.now());
let timer;
const tick = () => {
  let chunk = '';
  for (let i = 0; i < perTick; i++) chunk += `${tag} line ${++printed}\n`;
  process.stdout.write(chunk);
  if (++ticks >= seconds * 100) {
    clearInterval(timer);
    process.stdout.write(`${tag} printed ${printed}\n`);
  }
};
setTimeout(() => {
  timer = setInterval(tick, 10);
}, Math.max(0, startAt - Date.now()));
http.createServer((req, res) => res.end(`printed ${printed}\n`)).listen(Number(process.env.PORT), '127.0.0.1');
