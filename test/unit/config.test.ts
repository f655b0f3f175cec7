import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig, resolveConfig } from '../../src/config/load.js';
import { BerthError } from '../../src/errors/berth-error.js';
import { makeTempDir, removeDir } from '../helpers/temp.js';

test('defaults: slots a–e on 3001–3005, admin on 9000, loopback only, 5 kept releases', () => {
  const config = resolveConfig({}, '/tmp/berth-home');
  assert.deepEqual(
    config.slots.map((slot) => `${slot.name}:${slot.port}`),
    ['a:3001', 'b:3002', 'c:3003', 'd:3004', 'e:3005'],
  );
  assert.equal(config.adminPort, 9000);
  assert.equal(config.bind, '127.0.0.1');
  assert.equal(config.releases.keep, 5);
  assert.equal(config.home, '/tmp/berth-home');
  assert.ok(Object.isFrozen(config));
});

test('an invalid config lists every problem with its path and a fix', () => {
  let caught: unknown;
  try {
    resolveConfig({ adminPort: 70000, slots: [{ name: 'A', port: 3001 }, { name: 'b', port: 3001 }], releases: { keep: 0 } }, '/tmp/x');
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof BerthError);
  assert.equal(caught.code, 'ERR_CONFIG_INVALID');
  const problems = caught.details!.problems as Array<{ path: string; message: string; fix: string }>;
  const paths = problems.map((problem) => problem.path).sort();
  assert.deepEqual(paths, ['adminPort', 'releases.keep', 'slots.0.name', 'slots.1.port']);
  for (const problem of problems) assert.ok(problem.fix.length > 10, `fix for ${problem.path}`);
  assert.match(caught.message, /slots\.1\.port: port 3001 is already used by slot A/);
  assert.match(caught.message, /adminPort: .*fix: Port of the admin API/);
});

test('a config file and BERTH_* variables are read; a non-numeric port is reported with its value', () => {
  const home = makeTempDir();
  try {
    fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ slots: [{ name: 'web', port: 4444 }] }));
    const config = loadConfig({ env: { BERTH_HOME: home, BERTH_ADMIN_PORT: '9100' } });
    assert.deepEqual(config.slots.map((slot) => slot.name), ['web']);
    assert.equal(config.adminPort, 9100);
    assert.throws(() => loadConfig({ env: { BERTH_HOME: home, BERTH_ADMIN_PORT: 'ninety' } }), /adminPort: .*expected number, received string/);
    fs.writeFileSync(path.join(home, 'config.json'), '{ not json');
    assert.throws(() => loadConfig({ env: { BERTH_HOME: home } }), (error: BerthError) => error.code === 'ERR_CONFIG_UNREADABLE' && error.message.includes('config.json'));
  } finally {
    removeDir(home);
  }
});
