// `berth doctor` on real situations: a port another process holds, a home folder others can write, a Coder workspace
// without a wildcard hostname, an app whose engines this Node does not satisfy; and a healthy running berth (whose Node
// lets the slot fronts read into their own memory).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, writeTestConfig } from '../helpers/berth-process.js';
import { getFreePort } from '../helpers/ports.js';
import { makeTempDir } from '../helpers/temp.js';
import { startTestDaemon } from '../helpers/test-daemon.js';

interface Finding {
  check: string;
  verdict: 'ok' | 'warn' | 'fail';
  message: string;
  remedy: string | null;
}
const doctor = async (home: string, env: Record<string, string> = {}) => {
  const result = await runCli(home, ['doctor', '--json'], undefined, env);
  return { code: result.code, findings: (JSON.parse(result.stdout) as { findings: Finding[] }).findings, stderr: result.stderr };
};
const find = (findings: Finding[], check: string, verdict: Finding['verdict']) => findings.filter((finding) => finding.check === check && finding.verdict === verdict);

test('problems are found and explained, each with a remedy; a failure makes the exit code 1', async () => {
  const home = makeTempDir('berth-doctor-');
  const ports = await writeTestConfig(home, ['a', 'b']);
  const squatter = http.createServer();
  await new Promise<void>((resolve) => squatter.listen(ports.b, '127.0.0.1', resolve));
  fs.chmodSync(home, 0o777);
  const release = path.join(home, 'slots', 'a', 'releases', 'r1');
  fs.mkdirSync(release, { recursive: true });
  fs.writeFileSync(path.join(release, 'package.json'), JSON.stringify({ name: 'x', engines: { node: '>=99' } }));
  try {
    const { code, findings } = await doctor(home, { CODER: 'true', CODER_WORKSPACE_NAME: 'ws', CODER_WORKSPACE_AGENT_NAME: 'main', VSCODE_PROXY_URI: '' });
    assert.equal(code, 1);
    const [port] = find(findings, 'ports', 'fail');
    assert.match(port.message, new RegExp(`port ${ports.b} \\(slot b\\) is taken by pid ${process.pid} \\(`));
    assert.match(port.remedy!, /slots\[\]\.port/);
    assert.match(find(findings, 'home', 'warn')[0].message, /writable by others \(mode 777\)/);
    assert.match(find(findings, 'coder', 'fail')[0].message, /no wildcard app hostname/);
    assert.match(find(findings, 'coder', 'warn')[0].message, /CODER_WORKSPACE_OWNER_NAME is not set/);
    assert.match(find(findings, 'node', 'warn')[0].message, /slot a's app wants Node >=99; berth runs it with v\d+/);
    assert.ok(findings.every((finding) => finding.verdict === 'ok' || (finding.remedy ?? '').length > 10), 'every problem has a remedy');
    const human = await runCli(home, ['doctor']);
    assert.match(human.stdout, /✗ ports +port \d+ \(slot b\) is taken/);
    assert.match(human.stdout, /→ Stop that process/);
  } finally {
    squatter.close();
    fs.chmodSync(home, 0o700);
  }
});

test('an external Postgres that does not answer is named, with what to check', async () => {
  const home = makeTempDir('berth-doctor-pg-');
  const port = await getFreePort();
  await writeTestConfig(home, ['a'], { database: { adminUrl: `postgres://berth:secret@127.0.0.1:${port}/postgres` } });
  const { code, findings } = await doctor(home);
  assert.equal(code, 1);
  assert.match(find(findings, 'postgres', 'fail')[0].message, new RegExp(`Cannot connect to the database server at 127\\.0\\.0\\.1:${port}`));
});

test('a healthy running berth: its ports are its own, the secret is set, the slugs come from the daemon', async () => {
  const berth = await startTestDaemon({ slots: [{ name: 'a' }] });
  try {
    await berth.client.updateSettings('a', { slug: 'shop' });
    const { code, findings } = await doctor(berth.home, { CODER: 'true', CODER_WORKSPACE_NAME: 'ws', CODER_WORKSPACE_AGENT_NAME: 'main', CODER_WORKSPACE_OWNER_NAME: 'ada', VSCODE_PROXY_URI: 'https://{{port}}--main--ws--ada.apps.example.com' });
    assert.equal(code, 0, JSON.stringify(findings.filter((finding) => finding.verdict === 'fail')));
    assert.match(find(findings, 'ports', 'ok')[0].message, /held by berth/);
    assert.match(find(findings, 'webhooks', 'ok')[0].message, /secret set/);
    assert.match(find(findings, 'coder', 'ok')[0].message, /workspace ws \(agent main, owner ada\)/);
    assert.match(find(findings, 'front', 'ok')[0].message, /fast path reads into its own memory on Node v\d+/);
  } finally {
    await berth.close();
  }
});
