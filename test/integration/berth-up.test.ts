// `berth up` refusing a bad config, and stopping cleanly on SIGTERM (as a service manager would stop it).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { connectLocal, createClient } from '../../src/sdk/client.js';
import { killBerthUp, processesInside, startBerthUp, waitForDaemon, writeTestConfig } from '../helpers/berth-process.js';
import { fixture, makeTempDir, removeDir } from '../helpers/temp.js';
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

function describeProcesses(pids: number[]): string {
  return pids.map((pid) => {
    try {
      return `${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`;
    } catch {
      return `${pid} (gone)`;
    }
  }).join('; ') || 'none';
}
