// `berth up` refusing a bad config, stopping cleanly on SIGTERM (as a service manager would stop it), and running in the
// background with `--detach` until `berth down`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { connectLocal, createClient } from '../../src/sdk/client.js';
import { killBerthUp, processesInside, runCli, startBerthUp, waitForDaemon, writeTestConfig } from '../helpers/berth-process.js';
import { fixture, makeTempDir, removeDir } from '../helpers/temp.js';
import { request } from '../helpers/http.js';
import { eventually } from '../helpers/wait.js';

const homes: string[] = [];
after(() => homes.forEach(removeDir));

test('an invalid config: every problem is listed with its path and fix, and berth up exits non-zero without retrying', async () => {
  const home = makeTempDir('berth-badconfig-');
  homes.push(home);
  fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ adminPort: 'nine thousand', slots: [{ name: 'A!', port: 3001 }], releases: { keep: 0 } }));
  const berth = startBerthUp(home);
  const code = await berth.exited;
  assert.equal(code, 78);
  const output = berth.output();
  assert.match(output, /The berth config has 3 problem\(s\)/);
  assert.match(output, /adminPort: .*\(fix: Port of the admin API/);
  assert.match(output, /slots\.0\.name: /);
  assert.match(output, /releases\.keep: /);
  assert.match(output, /not restarting it/);
  assert.doesNotMatch(output, /restarting it in/);
});

test('SIGTERM on berth up stops the apps and the daemon and leaves nothing behind', async () => {
  const home = makeTempDir('berth-sigterm-');
  homes.push(home);
  await writeTestConfig(home, ['a']);
  const berth = startBerthUp(home);
  try {
    const daemon = await waitForDaemon(home);
    await createClient(connectLocal(home)).deploy('a', fixture('spawns-grandchild'));
    // npm, the shell it runs the script with, node server.js and its grandchild.
    await eventually(() => assert.ok(processesInside(path.join(home, 'slots')).length >= 3, `app tree: ${describeProcesses(processesInside(path.join(home, 'slots')))}`));
    berth.process.kill('SIGTERM');
    assert.equal(await berth.exited, 0, berth.output());
    // The daemon exited before the watchdog did; its entry goes once init has reaped it.
    await eventually(() => assert.equal(fs.existsSync(`/proc/${daemon}`), false, 'the daemon has exited'));
    assert.deepEqual(processesInside(path.join(home, 'slots')), []);
  } finally {
    // A failed assertion must not leave berth running (the test file would never end).
    killBerthUp(berth);
  }
});

test('berth up --detach returns once berth answers; a second up says it runs; down stops it; a stale pid file is seen through', async () => {
  const home = makeTempDir('berth-detach-');
  homes.push(home);
  const ports = await writeTestConfig(home, ['a']);
  const pidFile = path.join(home, 'run', 'berth.pid');
  let watchdog = 0;
  try {
    const first = await runCli(home, ['up', '--detach']);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.match(first.stdout, /berth 0\.1\.0 is up/);
    assert.match(first.stdout, /runs in the background \(pid \d+\)/);
    watchdog = Number(fs.readFileSync(pidFile, 'utf8'));
    assert.equal((await request(`http://127.0.0.1:${ports.a}/`)).status, 200, 'berth answered before up returned');

    const second = await runCli(home, ['up', '--detach']);
    assert.equal(second.code, 0);
    assert.match(second.stdout, new RegExp(`berth is already running \\(pid ${watchdog}, admin http://localhost:\\d+\\)`));
    const foreground = await runCli(home, ['up']);
    assert.equal(foreground.code, 0, 'a foreground up finds it too');
    assert.match(foreground.stdout, /already running/);

    const down = await runCli(home, ['down']);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, new RegExp(`berth stopped \\(pid ${watchdog}\\)`));
    assert.equal(fs.existsSync(pidFile), false);
    await assert.rejects(request(`http://127.0.0.1:${ports.a}/`), 'the slot front is closed');
    assert.match((await runCli(home, ['down'])).stdout, /berth is not running/);

    // After a workspace restart the pid file may name a process that is gone, or a pid reused by another program.
    fs.writeFileSync(pidFile, `${process.pid === 1 ? 2 : 1}\n`);
    const again = await runCli(home, ['up', '--detach']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /is up/);
    watchdog = Number(fs.readFileSync(pidFile, 'utf8'));
    assert.equal((await runCli(home, ['down'])).code, 0);
  } finally {
    if (watchdog) {
      try {
        process.kill(watchdog, 'SIGKILL');
      } catch {
        // Stopped already.
      }
    }
  }
});

function describeProcesses(pids: number[]): string {
  return pids.map((pid) => {
    try {
      return `${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`;
    } catch {
      return `${pid} (gone)`;
    }
  }).join('; ') || 'none';
}
