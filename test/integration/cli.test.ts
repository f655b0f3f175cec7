// The berth CLI as a user runs it: human tables, --json, non-zero exits with the remedy, no colour off a terminal.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/berth-process.js';
import { request } from '../helpers/http.js';
import { fixture, makeTempDir, removeDir } from '../helpers/temp.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';

let berth: TestDaemon;
before(async () => {
  berth = await startTestDaemon();
});
after(() => berth.close());

const ANSI = /\u001b\[/;

test('deploy, status table and --json', async () => {
  const deploy = await runCli(berth.home, ['deploy', 'a', '--path', fixture('echo')]);
  assert.equal(deploy.code, 0, deploy.stderr);
  assert.match(deploy.stdout, /release 1 of slot a is live at http:\/\/localhost:\d+/);
  assert.match(deploy.stdout, /health \d+ ms/);

  const status = await runCli(berth.home, ['status']);
  assert.equal(status.code, 0);
  const [header, slotA, slotB] = status.stdout.trim().split('\n');
  assert.deepEqual(header.split(/\s+/), ['SLOT', 'STATE', 'RELEASE', 'PID', 'PORT', 'UPTIME', 'CPU', 'MEMORY', 'RESTARTS', 'URL']);
  assert.match(slotA, /^a\s+running\s+1\s+\d+\s+\d+\s/);
  assert.match(slotB, /^b\s+empty\s+-/);
  assert.doesNotMatch(status.stdout, ANSI, 'no colour when not a terminal');

  const json = await runCli(berth.home, ['status', '--json']);
  const slots = JSON.parse(json.stdout);
  assert.equal(slots[0].slot, 'a');
  assert.equal(slots[0].state, 'running');
  assert.ok(Number.isInteger(slots[0].pid));
});

test('env set/list/unset and rollback from the command line', async () => {
  assert.equal((await runCli(berth.home, ['env', 'set', 'a', 'GREETING=from the cli', 'TOKEN=abc=def'])).code, 0);
  const list = await runCli(berth.home, ['env', 'list', 'a']);
  assert.match(list.stdout, /GREETING\s+from the cli/, 'a plain value is shown');
  assert.match(list.stdout, /TOKEN\s+••••••••\s+secret/, 'a key that looks secret is masked');
  assert.doesNotMatch(list.stdout, /abc=def/);
  assert.match((await runCli(berth.home, ['env', 'list', 'a', '--reveal'])).stdout, /TOKEN\s+abc=def/);
  assert.equal((await runCli(berth.home, ['env', 'get', 'a', 'TOKEN'])).stdout.trim(), 'abc=def');
  assert.equal(JSON.parse((await request(berth.slotUrl('a'))).body).greeting, 'from the cli');
  assert.equal((await runCli(berth.home, ['env', 'unset', 'a', 'TOKEN'])).code, 0);
  assert.match((await runCli(berth.home, ['releases', 'a'])).stdout, /env: unset TOKEN/);
  const rollback = await runCli(berth.home, ['rollback', 'a', '1']);
  assert.equal(rollback.code, 0, rollback.stderr);
  assert.equal(JSON.parse((await request(berth.slotUrl('a'))).body).greeting, null);
});

test('an env change on a stopped slot is saved, and the CLI does not claim it is live', async () => {
  assert.equal((await runCli(berth.home, ['stop', 'a'])).code, 0);
  const saved = await runCli(berth.home, ['env', 'set', 'a', 'LATER=yes']);
  assert.equal(saved.code, 0, saved.stderr);
  assert.match(saved.stdout, /is saved; it runs when the slot starts/);
  assert.doesNotMatch(saved.stdout, /is live/);
  assert.equal((await runCli(berth.home, ['start', 'a'])).code, 0);
  assert.equal(JSON.parse((await request(berth.slotUrl('a'))).body).env.LATER, 'yes');
});

test('logs -n prints the last lines', async () => {
  const logs = await runCli(berth.home, ['logs', 'a', '-n', '3']);
  assert.equal(logs.code, 0);
  assert.equal(logs.stdout.trim().split('\n').length, 3);
  assert.match(logs.stdout, /r\d+ /);
});

test('failures exit non-zero and print the error with its remedy', async () => {
  const unknown = await runCli(berth.home, ['stop', 'nope']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /error: There is no slot "nope"; the slots are a, b\./);
  assert.match(unknown.stderr, /→ Use one of the slot names shown by `berth status`\./);
  const bad = await runCli(berth.home, ['env', 'set', 'a', 'NOEQUALS']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /"NOEQUALS" is not KEY=VALUE/);
  const json = await runCli(berth.home, ['--json', 'rollback', 'a', '77']);
  assert.equal(json.code, 1);
  assert.equal(JSON.parse(json.stderr).code, 'ERR_RELEASE_UNKNOWN');
});

test('without a daemon the CLI says how to start one', async () => {
  const emptyHome = makeTempDir();
  try {
    const result = await runCli(emptyHome, ['status']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /No berth daemon found for BERTH_HOME=/);
    assert.match(result.stderr, /npm start/);
  } finally {
    removeDir(emptyHome);
  }
});

test('slot set takes a memory limit and the SPA switch; slot show prints them; --reset removes them', async () => {
  const set = await runCli(berth.home, ['slot', 'set', 'b', '--memory-limit', '256', '--no-spa']);
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stdout, /memory limit\s+256 MiB/);
  assert.match(set.stdout, /spa fallback\s+off/);
  assert.equal((await berth.client.slot('b')).memoryLimitMb, 256, 'status shows the slot’s own limit');
  const bad = await runCli(berth.home, ['slot', 'set', 'b', '--memory-limit', 'lots']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /not a whole number/);
  const events = await runCli(berth.home, ['events', 'b']);
  assert.match(events.stdout, /slot\.settings\s+cli\s+settings of slot b changed: .*memoryLimitMb/, 'who changed what');
  const reset = await runCli(berth.home, ['slot', 'set', 'b', '--reset', 'memoryLimitMb', 'spaFallback']);
  assert.match(reset.stdout, /memory limit\s+\(config\)/);
  assert.match(reset.stdout, /spa fallback\s+\(automatic\)/);
});
