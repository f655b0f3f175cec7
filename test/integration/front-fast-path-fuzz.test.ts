// The front's fast path fuzzed over real sockets: random requests on one kept connection, with switches between
// requests and at random moments inside one (part of its head or body sent, or its answer awaited). Every request is
// answered whole by the release that was live when its first byte arrived, the visitor's connection stays open, and
// every drain completes with nothing cut.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { ProxyRoute } from '../../src/front/proxy-route.js';
import { count, rawConnection, routeTo, startFastPathBench, type FastPathBench } from '../helpers/fast-path-front.js';
import { eventually } from '../helpers/wait.js';

let bench: FastPathBench;
before(async () => {
  bench = await startFastPathBench();
});
after(() => bench.close());

/** The slot's live release, switched between A and B the way the daemon does: show the new route, drain the old. */
function liveRelease() {
  let route: ProxyRoute = routeTo(bench.a);
  let name = 'A';
  bench.front.show({ kind: 'proxy', route });
  const drains: Array<Promise<{ completed: boolean; cut: number }>> = [];
  return {
    get route() {
      return route;
    },
    get name() {
      return name;
    },
    drains,
    switch() {
      const previous = route;
      name = name === 'A' ? 'B' : 'A';
      route = routeTo(name === 'A' ? bench.a : bench.b);
      bench.front.show({ kind: 'proxy', route });
      drains.push(previous.drain(5000));
    },
  };
}

/**
 * One fuzz run on a kept connection to the live release; afterwards every drain completed with nothing cut and the
 * visitor's connection is still open.
 */
async function onKeptConnection(run: (live: ReturnType<typeof liveRelease>, connection: ReturnType<typeof rawConnection>) => Promise<void>): Promise<void> {
  const live = liveRelease();
  const connection = rawConnection(bench.port);
  try {
    await run(live, connection);
    for (const drained of await Promise.all(live.drains)) assert.deepEqual(drained, { completed: true, cut: 0 });
    assert.equal(connection.ended, false);
  } finally {
    connection.socket.destroy();
  }
}

const postBytes = (size: number, chunked: boolean) => {
  const body = Buffer.alloc(size, 'p');
  if (chunked) {
    const framed = size === 0 ? Buffer.from('0\r\n\r\n') : Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
    return Buffer.concat([Buffer.from('POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n'), framed]);
  }
  return Buffer.concat([Buffer.from(`POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: ${size}\r\n\r\n`), body]);
};

test('fuzz: random requests on one kept connection, with switches between them: each is answered whole, by the release live when it was sent, and no drain cuts anything', async () => {
  const requestArb = fc.oneof(
    fc.record({ kind: fc.constant('get' as const), path: fc.stringMatching(/^[a-z]{1,8}$/) }),
    fc.record({ kind: fc.constant('head' as const) }),
    fc.record({ kind: fc.constant('post' as const), size: fc.integer({ min: 0, max: 200_000 }), chunked: fc.boolean() }),
    fc.record({ kind: fc.constant('status' as const), code: fc.constantFrom(204, 304) }),
    fc.record({ kind: fc.constant('switch' as const) }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(requestArb, { minLength: 1, maxLength: 10 }), (steps) =>
      onKeptConnection(async (live, connection) => {
        let expected = 0;
        for (const step of steps) {
          if (step.kind === 'switch') {
            live.switch();
            continue;
          }
          expected += 1;
          if (step.kind === 'get') connection.socket.write(`GET /${step.path} HTTP/1.1\r\nHost: x\r\n\r\n`);
          else if (step.kind === 'head') connection.socket.write('HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n');
          else if (step.kind === 'status') connection.socket.write(`GET /status?code=${step.code} HTTP/1.1\r\nHost: x\r\n\r\n`);
          else connection.socket.write(postBytes(step.size, step.chunked));
          const text = await connection.until((seen) => count(seen, 'HTTP/1.1 ') === expected, `answer ${expected}`);
          const answer = text.slice(text.lastIndexOf('HTTP/1.1 '));
          if (step.kind === 'get') assert.match(answer, new RegExp(`\\r\\n\\r\\n${live.name} GET /${step.path} 0 `), 'answered by the live release');
          if (step.kind === 'post') {
            await connection.until((seen) => seen.endsWith(`${live.name} POST /p ${step.size} undefined`), 'the whole POST answer');
          }
        }
      }),
    ),
    { numRuns: 40 },
  );
});

test('fuzz: switches at random moments inside a request (part of its head or body sent, or its answer awaited): it finishes whole on the release it began on; the next goes to the new one', async () => {
  const stepArb = fc.record({
    request: fc.oneof(
      fc.record({ kind: fc.constant('get' as const), path: fc.stringMatching(/^[a-z]{1,8}$/) }),
      fc.record({ kind: fc.constant('post' as const), size: fc.integer({ min: 0, max: 100_000 }), chunked: fc.boolean() }),
      fc.record({ kind: fc.constant('slow' as const) }),
    ),
    switchInside: fc.boolean(),
    cutSeed: fc.nat(),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 6 }), (steps) =>
      onKeptConnection(async (live, connection) => {
        let expected = 0;
        for (const { request, switchInside, cutSeed } of steps) {
          const raw =
            request.kind === 'get'
              ? Buffer.from(`GET /${request.path} HTTP/1.1\r\nHost: x\r\n\r\n`)
              : request.kind === 'slow'
                ? Buffer.from('GET /slow?ms=150 HTTP/1.1\r\nHost: x\r\n\r\n')
                : postBytes(request.size, request.chunked);
          const answeredBy = live.name;
          expected += 1;
          if (switchInside) {
            // A GET or POST is cut before its last byte (the app cannot answer it yet); a slow GET may be sent whole.
            const room = request.kind === 'slow' ? raw.length : raw.length - 1;
            const cutAt = 1 + (cutSeed % room);
            const route = live.route;
            connection.socket.write(raw.subarray(0, cutAt));
            // The switch comes once the front has begun the request on the live release.
            await eventually(() => assert.equal(route.inFlight, 1, 'in flight on the live release'), { timeoutMs: 5000, intervalMs: 5, what: 'the request to begin' });
            live.switch();
            connection.socket.write(raw.subarray(cutAt));
          } else {
            connection.socket.write(raw);
          }
          const ending =
            request.kind === 'get' ? `${answeredBy} GET /${request.path} 0 undefined` : request.kind === 'slow' ? `${answeredBy} slow` : `${answeredBy} POST /p ${request.size} undefined`;
          const text = await connection.until((seen) => count(seen, 'HTTP/1.1 ') === expected && seen.endsWith(ending), `answer ${expected} from ${answeredBy}`);
          assert.equal(count(text, 'HTTP/1.1 200 OK'), expected, 'every answer whole and successful');
        }
      }),
    ),
    { numRuns: 30 },
  );
});
