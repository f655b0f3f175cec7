// `berth up` as a user runs it: kill -9 of the daemon is survived with no lost state, duplicate or orphan; Ctrl-C stops all.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { connectLocal, createClient } from '../../src/sdk/client.js';
import { daemonPid, killBerthUp, processesInside, startBerthUp, waitForDaemon, writeTestConfig } from '../helpers/berth-process.js';
import { request } from '../helpers/http.js';
import { fixture, makeTempDir, removeDir } from '../helpers/temp.js';
import { eventually } from '../helpers/wait.js';

const home = makeTempDir('berth-recovery-');
let berth: ReturnType<typeof startBerthUp> | null = null;
after(() => {
  killBerthUp(berth);
  removeDir(home);
});

test('kill -9 of the daemon: the watchdog restarts it and every live slot serves again, with one app tree each', async () => {
  const ports = await writeTestConfig(home, ['a', 'b']);
  berth = startBerthUp(home);
  const firstDaemon = await waitForDaemon(home);
  const client = createClient(connectLocal(home));
  await client.deploy('a', fixture('spawns-grandchild'));
  await client.deploy('b', fixture('static-site'));
  await client.changeEnv('a', { set: { GREETING: 'kept' } });
  const slotsDir = path.join(home, 'slots');
  const before = processesInside(slotsDir);
  assert.ok(before.length >= 3, `npm, node and the grandchild run (${before})`);

  process.kill(firstDaemon, 'SIGKILL');
  const secondDaemon = await waitForDaemon(home, firstDaemon);
  assert.notEqual(secondDaemon, firstDaemon);
  const status = await eventually(async () => {
    const current = await createClient(connectLocal(home)).slot('a');
    assert.equal(current.state, 'running');
    return current;
  }, { timeoutMs: 30_000, what: 'slot a to run again' });

  for (const pid of before) assert.equal(fs.existsSync(`/proc/${pid}/stat`) && !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z'), false, `old app process ${pid} is gone`);
  const afterPids = processesInside(slotsDir);
  assert.equal(afterPids.length, before.length, 'exactly one app tree again');
  assert.ok(afterPids.includes(status.pid!));
  assert.match((await request(`http://127.0.0.1:${ports.a}/`)).body, /^parent \d+ child \d+/);
  assert.match((await request(`http://127.0.0.1:${ports.b}/`)).body, /static fixture home/);
  const reconnected = createClient(connectLocal(home));
  assert.deepEqual((await reconnected.env('a')).env, { GREETING: 'kept' }, 'state survived');
  assert.equal((await reconnected.releases('a')).releases.length, 2);
  assert.match(berth.output(), /the daemon stopped \(killed by SIGKILL\); restarting it/);
});

test('Ctrl-C on `berth up` stops everything in reverse order and leaves no process behind', async () => {
  assert.ok(berth, 'berth runs from the previous test');
  const daemon = daemonPid(home);
  // A terminal's Ctrl-C sends SIGINT to the whole foreground process group: the watchdog and the daemon.
  process.kill(-berth.process.pid!, 'SIGINT');
  assert.equal(await berth.exited, 0);
  await eventually(() => assert.equal(fs.existsSync(`/proc/${daemon}`), false), { what: 'the daemon to exit' });
  assert.deepEqual(processesInside(path.join(home, 'slots')), []);
  assert.equal(fs.existsSync(path.join(home, 'run', 'daemon.json')), false);
});
