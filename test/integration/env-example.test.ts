// A repository's .env.example names the env its app expects: berth lists those the slot does not set, in the deploy
// log, on the deployment (the slot page) and after `berth deploy`, and never copies example values into the app.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/berth-process.js';
import { createTestRepo } from '../helpers/git-repos.js';
import { request } from '../helpers/http.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';

let berth: TestDaemon;
before(async () => {
  berth = await startTestDaemon({ slots: [{ name: 'a' }] });
});
after(() => berth.close());

const server = `require('node:http').createServer((req, res) => res.end(JSON.stringify(process.env))).listen(Number(process.env.PORT), '127.0.0.1');\n`;

test('.env.example keys the slot does not set become warnings; example values never reach the app', async () => {
  const repo = createTestRepo({
    'package.json': JSON.stringify({ name: 'expects-env', main: 'server.js' }),
    'server.js': server,
    '.env.example': '# Payments\nSTRIPE_KEY=sk_test_example_value\nGREETING=hello\nPORT=3000\nexport API_URL="https://api.example.com"\nnot a line\n',
    '.env.sample': 'STRIPE_KEY=again\nSENTRY_DSN=\n',
  });
  await berth.client.updateSettings('a', { repo: repo.url, branch: 'main' });
  await berth.client.changeEnv('a', { set: { GREETING: 'hi' } });
  const deploy = await runCli(berth.home, ['deploy', 'a']);
  assert.equal(deploy.code, 0, deploy.stderr);
  assert.match(deploy.stdout, /warning: this app expects STRIPE_KEY \(from \.env\.example\), not set/);
  const [latest] = await berth.client.deployments('a');
  assert.deepEqual(latest.warnings, [
    'this app expects STRIPE_KEY (from .env.example), not set',
    'this app expects API_URL (from .env.example), not set',
    'this app expects SENTRY_DSN (from .env.sample), not set',
  ]);
  const log = (await berth.client.deployLog(latest.id)).lines.map((line) => line.text).join('\n');
  assert.match(log, /warning: this app expects SENTRY_DSN \(from \.env\.sample\), not set/);
  const env = JSON.parse((await request(berth.slotUrl('a'))).body) as Record<string, string>;
  assert.equal(env.STRIPE_KEY, undefined);
  assert.equal(env.GREETING, 'hi');
  assert.ok(!Object.values(env).includes('sk_test_example_value'), 'no example value was copied');

  await berth.client.changeEnv('a', { set: { STRIPE_KEY: 'sk_live_x', API_URL: 'https://api', SENTRY_DSN: 'https://dsn' } });
  const redeploy = await runCli(berth.home, ['deploy', 'a']);
  assert.doesNotMatch(redeploy.stdout, /warning: this app expects/);
});
