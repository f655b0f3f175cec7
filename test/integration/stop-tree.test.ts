// Stopping what an exited process left behind, without ever touching a stranger that got its recycled pid.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { isAlive, listProcesses } from '../../src/supervisor/proc.js';
import { stopProcessTree } from '../../src/supervisor/stop-tree.js';
import { eventually } from '../helpers/wait.js';

test('after the root exited, what it left in its group is stopped', async () => {
  // A group leader that starts a long-lived member of its group, then exits.
  const leader = spawn(process.execPath, ['-e', "require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }).unref()"], { detached: true, stdio: 'ignore' });
  await new Promise((resolve) => leader.once('exit', resolve));
  const leftover = await eventually(() => {
    const member = listProcesses().find((stat) => stat.pgrp === leader.pid && stat.pid !== leader.pid);
    assert.ok(member, 'the leftover member runs');
    return member;
  });
  await stopProcessTree({ pid: leader.pid!, graceMs: 1000, rootExited: true });
  assert.equal(isAlive(leftover.pid), false);
});

test('a process that now holds an exited root’s pid (alone in its own group) is left alone', async () => {
  // Stand-in for a recycled pid: a live, unrelated group leader whose pid we pass as an exited root's.
  const stranger = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
  try {
    await eventually(() => assert.ok(isAlive(stranger.pid!), 'the stranger process runs'));
    const result = await stopProcessTree({ pid: stranger.pid!, graceMs: 200, rootExited: true });
    assert.deepEqual(result, { killed: false, survivors: [] });
    assert.equal(isAlive(stranger.pid!), true, 'the stranger still runs');
  } finally {
    stranger.kill('SIGKILL');
  }
});
