// The admin UI in a real Chromium against a real daemon: sign in with the one-time code, set up slot a from a git
// repository, deploy and watch the stages, see the app answer, change env and see the new release roll out, roll
// back, follow logs live, sign out. Screenshots of the grid, the slot page and the logs view are taken on the way
// (into docs/images/ with BERTH_UPDATE_SCREENSHOTS=1).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildUi, launchBrowser } from '../helpers/browser.js';
import { createTestRepo, type TestRepo } from '../helpers/git-repos.js';
import { request } from '../helpers/http.js';
import { githubPush, sendGithub } from '../helpers/hook-sender.js';
import { convexApp, standIn } from '../helpers/convex-apps.js';
import { getFreePortRun } from '../helpers/ports.js';
import { makeTempDir, removeDir } from '../helpers/temp.js';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.js';
import { eventually } from '../helpers/wait.js';

const shotsDir = process.env.BERTH_UPDATE_SCREENSHOTS ? path.resolve(import.meta.dirname, '..', '..', 'docs', 'images') : makeTempDir('berth-shots-');

/** An app that says hello with its GREETING and logs every request it serves. */
const appSource = `const http = require('node:http');
http.createServer((req, res) => {
  console.log('served ' + req.url);
  if (req.url === '/oops') console.error('error: something broke at ' + req.url);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ greeting: process.env.GREETING ?? null, release: process.env.BERTH_RELEASE }));
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening on ' + process.env.PORT));
`;

let berth: TestDaemon;
let browser: Browser;
let page: Page;
let repo: TestRepo;
let uiDir: string;
let convexPort: number;

before(async () => {
  uiDir = await buildUi();
  repo = createTestRepo(
    { 'package.json': JSON.stringify({ name: 'hello', private: true, scripts: { start: 'node server.js' } }), 'server.js': appSource, '.env.example': 'GREETING=hello\nSTRIPE_KEY=sk_test_x\n' },
    { message: 'hello from the fixture' },
  );
  convexPort = await getFreePortRun(6);
  berth = await startTestDaemon({ uiDir, slots: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], config: { convex: { binary: standIn, basePort: convexPort } } });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
});
after(async () => {
  await browser?.close();
  const data = berth ? path.join(berth.home, 'postgres', 'data') : null;
  const real = data && fs.existsSync(data) ? fs.realpathSync(data) : null;
  await berth?.close();
  // A root berth keeps database files under /var/lib/berth; the test removes them with its home.
  if (real) fs.rmSync(real, { recursive: true, force: true });
  removeDir(uiDir);
});

const answer = async (slot: string) => JSON.parse((await request(`${berth.slotUrl(slot)}/`)).body);

test('sign in with the one-time code from the terminal', async () => {
  await page.goto(berth.info.apiUrl);
  await page.getByLabel('Password or one-time login code').fill('WRONG-CODE-0000');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').getByText(/not right/).waitFor();
  await page.getByLabel('Password or one-time login code').fill(berth.info.login!.code);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.grid[data-ready]').waitFor();
  assert.equal(await page.locator('.slot-card').count(), 3);
  assert.match(await page.locator('[data-slot="a"] .badge').innerText(), /empty/);
  const cookies = await page.context().cookies();
  assert.equal(cookies.find((cookie) => cookie.name === 'berth_session')?.httpOnly, true);
});

test('set up slot a from a repository and deploy it, watching the stages complete', async () => {
  await page.locator('[data-slot="a"]').getByRole('link', { name: 'Deploy your first app' }).click();
  await page.getByLabel('Repository', { exact: true }).fill('not a repo url');
  await page.keyboard.press('Control+s');
  await page.locator('#setting-repo-error').waitFor();
  assert.match(await page.locator('#setting-repo-error').innerText(), /repo/i, 'the daemon’s check shows on the field');
  await page.getByLabel('Repository', { exact: true }).fill(repo.url);
  await page.getByLabel('Branch', { exact: true }).fill('main');
  await page.keyboard.press('Control+s');
  await page.getByText('settings saved').waitFor();

  await page.keyboard.press('Control+d');
  await page.locator('.deploy-view [data-status="succeeded"]').waitFor({ timeout: 60_000 });
  const stages = await page.locator('.stages li').evaluateAll((items) => items.map((item) => item.getAttribute('data-stage')));
  for (const stage of ['fetch', 'detect', 'start', 'health', 'switch']) assert.ok(stages.includes(stage), `stage ${stage} shown (${stages.join(', ')})`);
  assert.match(await page.locator('.deploy-view .log').innerText(), /hello from the fixture/);
  await page.getByRole('list', { name: 'Warnings' }).getByText('this app expects STRIPE_KEY (from .env.example), not set').waitFor();
  assert.equal((await answer('a')).release, '1', 'the app answers at its URL');
  await page.screenshot({ path: path.join(shotsDir, 'slot-page.png') });

  await page.getByRole('link', { name: 'Slots' }).click();
  const card = page.locator('[data-slot="a"]');
  await card.locator('.badge', { hasText: 'live' }).waitFor();
  assert.match(await card.innerText(), /hello from the fixture/);
  assert.match(await card.innerText(), /by ui/);
});

test('edit env and see the new release roll out; roll back from the history', async () => {
  // A visitor's browser on the slot: Chromium keeps its connection alive, so the reload crosses the switch on the fast path.
  const visitor = await browser.newPage();
  const failed: string[] = [];
  visitor.on('requestfailed', (request) => failed.push(`${request.url()} ${request.failure()?.errorText}`));
  const seenBefore = JSON.parse((await (await visitor.goto(berth.slotUrl('a')))!.text()) || '{}');

  await page.goto(`${berth.info.apiUrl}/slots/a/env`);
  await page.getByLabel('Name', { exact: true }).fill('GREETING');
  await page.getByLabel('Value', { exact: true }).fill('hello from the UI');
  await page.getByRole('button', { name: 'Add' }).click();
  await page.getByText(/rolls out with it/).waitFor();
  await eventually(async () => assert.equal((await answer('a')).greeting, 'hello from the UI'));
  const seenAfter = JSON.parse(await (await visitor.reload())!.text());
  assert.equal(seenAfter.greeting, 'hello from the UI', 'the visitor, reloading, sees the new release');
  assert.notEqual(seenAfter.release, seenBefore.release);
  assert.deepEqual(failed, [], 'no request of the visitor failed across the switch');
  await visitor.close();

  await page.getByLabel('Name', { exact: true }).fill('SESSION_SECRET');
  await page.getByLabel('Value', { exact: true }).fill('s3cr3t-never-shown');
  await page.getByRole('button', { name: 'Add' }).click();
  await page.locator('tr[data-key="SESSION_SECRET"]').waitFor();
  assert.doesNotMatch(await page.content(), /s3cr3t-never-shown/, 'a secret value is masked on the page');
  await page.locator('tr[data-key="SESSION_SECRET"]').getByRole('button', { name: 'Reveal' }).click();
  await page.locator('tr[data-key="SESSION_SECRET"]').getByText('s3cr3t-never-shown').waitFor();

  await page.getByRole('link', { name: 'History' }).click();
  await page.locator('[data-release="1"]').getByRole('button', { name: 'Roll back to #1' }).click();
  await page.getByText('rolled back to release 1').waitFor();
  assert.equal((await answer('a')).greeting, null, 'release 1 runs again, without the env change');
  await page.locator('[data-release="1"] .badge', { hasText: 'live' }).waitFor();

  await page.getByRole('link', { name: 'Overview' }).click();
  const activity = page.getByRole('region', { name: 'Activity' });
  await activity.getByText('env of slot a: set GREETING').waitFor();
  assert.match(await activity.innerText(), /ui\s+the value of SESSION_SECRET was revealed/, 'the audit trail names who revealed it');
});

test('the Database tab: create, snapshot, look at tables, run a read-only statement, download CSV, reset', async () => {
  await page.goto(`${berth.info.apiUrl}/slots/b/database`);
  await page.getByRole('button', { name: 'Create the database' }).click();
  await page.getByText('slot_b', { exact: true }).first().waitFor();
  assert.doesNotMatch(await page.locator('.database .facts').innerText(), /postgres:\/\/slot_b:[^•]/, 'the password is masked');

  await page.getByLabel('Statement').fill("SELECT 1 AS one, 'two' AS two");
  await page.getByRole('button', { name: 'Run' }).click();
  const result = page.getByRole('table', { name: 'Query result' });
  await result.getByText('two', { exact: true }).first().waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  assert.equal(csv, 'one,two\r\n1,two');

  await page.getByLabel('Statement').fill('CREATE TABLE nope (id int)');
  await page.getByRole('button', { name: 'Run' }).click();
  await page.getByRole('alert').getByText(/read-only transaction/).waitFor();

  await page.getByLabel('Name (optional)').fill('empty-start');
  await page.getByRole('button', { name: 'Take a snapshot' }).click();
  await page.locator('[data-snapshot="empty-start"]').waitFor();
  await page.getByLabel('Type “b” to empty its database').fill('b');
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.getByText(/the previous data is kept as snapshot before-reset-/).waitFor();
  await page.locator('[data-snapshot^="before-reset-"]').waitFor();
  await page.screenshot({ path: path.join(shotsDir, 'database-tab.png'), fullPage: true });
});

test('the Webhooks tab: what to paste into GitHub, the secret on request, deliveries with redeliver', async () => {
  await page.goto(`${berth.info.apiUrl}/slots/a/webhooks`);
  await page.getByText(`http://localhost:${berth.config.hooks.port}/hooks/github`, { exact: true }).waitFor();
  await page.getByText('application/json', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Reveal' }).click();
  const secret = (await berth.client.revealHookSecret('a')).secret;
  await page.getByText(secret, { exact: true }).waitFor();
  const sha = repo.commit({ 'README.md': 'pushed\n' }, 'pushed through a webhook');
  const answer = await sendGithub(berth.hooksUrl, secret, 'push', githubPush(repo.url, { after: sha }));
  assert.equal(answer.body.outcome, 'queued', answer.body.reason);
  await page.reload();
  const row = page.locator(`[data-delivery="${answer.body.delivery}"]`);
  await row.getByText(sha.slice(0, 7), { exact: true }).waitFor();
  await row.getByRole('button', { name: 'Redeliver' }).click();
  await page.getByText(/redelivery of \d+ by \S+: queued for slots a/).first().waitFor();
  await page.screenshot({ path: path.join(shotsDir, 'webhooks-tab.png'), fullPage: true });
});

test('the Convex tab: why it is a Convex app, the URLs and the admin key on request, the checks, the functions env', async () => {
  await berth.client.updateSettings('c', { installCommand: '' });
  const done = await berth.client.deploy('c', convexApp('1.48.0'));
  assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
  await page.goto(`${berth.info.apiUrl}/slots/c/convex`);
  await page.getByText('Convex app: package.json depends on convex ^1.27.0').waitFor();
  const api = `http://localhost:${convexPort + 4}`;
  await page.getByText(api, { exact: true }).first().waitFor();
  await page.getByText(/SQLite in the slot folder, files in the slot folder/).waitFor();
  await page.locator('[data-check="backend"][data-verdict="ok"]').getByText(/instance berth-c answers/).waitFor();
  await page.locator('[data-check="admin key"][data-verdict="ok"]').waitFor();
  await page.locator('[data-check="codegen"][data-verdict="warn"]').getByText(/Commit convex\/_generated/).waitFor();

  await page.getByRole('button', { name: 'Reveal' }).click();
  const key = (await berth.client.convex('c', true)).env.CONVEX_SELF_HOSTED_ADMIN_KEY;
  await page.getByText(key, { exact: true }).waitFor();

  await page.getByLabel('Set', { exact: true }).fill('SITE_URL=https://shop.example');
  await page.getByRole('button', { name: 'Set in the backend' }).click();
  await page.locator('[data-variable="SITE_URL"]').getByText('https://shop.example').waitFor();
  assert.equal((await berth.client.convexBackendEnv('c')).SITE_URL, 'https://shop.example');
  await page.screenshot({ path: path.join(shotsDir, 'convex-tab.png'), fullPage: true });
  await page.getByRole('button', { name: 'Unset SITE_URL' }).click();
  await page.getByText('The backend has no env variables.').waitFor();
});

test('follow the log live, filter it, and sign out', async () => {
  await page.goto(`${berth.info.apiUrl}/slots/a/logs`);
  await page.getByRole('log').getByText(/listening on/).first().waitFor();
  await request(`${berth.slotUrl('a')}/seen-live`);
  await page.getByRole('log').getByText('served /seen-live').waitFor();
  await request(`${berth.slotUrl('a')}/oops`);
  const errorLine = page.locator('.log-line.line-error', { hasText: 'something broke' });
  await errorLine.waitFor();

  await page.getByRole('button', { name: 'Pause' }).click();
  await request(`${berth.slotUrl('a')}/while-paused`);
  await page.getByRole('button', { name: /Resume \(\d+ new\)/ }).waitFor();
  assert.equal(await page.getByRole('log').getByText('served /while-paused').count(), 0, 'paused: nothing new is shown');
  await page.getByRole('button', { name: /Resume/ }).click();
  await page.getByRole('log').getByText('served /while-paused').waitFor();

  await page.getByLabel('Filter lines').fill('seen-live');
  assert.equal(await page.locator('.log-line').count(), 1);
  await page.getByLabel('Filter lines').fill('');
  await page.screenshot({ path: path.join(shotsDir, 'logs-view.png') });

  await page.goto(berth.info.apiUrl);
  await page.locator('[data-slot="a"] .badge', { hasText: 'live' }).waitFor();
  await page.screenshot({ path: path.join(shotsDir, 'slot-grid.png') });

  await page.keyboard.press('?');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Password or one-time login code').waitFor();
  const status = await page.evaluate(async () => (await fetch('/api/v1/slots')).status);
  assert.equal(status, 401, 'the session is gone');
});

test('on a phone-sized screen the grid fits without sideways scrolling', async () => {
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
  try {
    await phone.goto(berth.info.apiUrl);
    await phone.getByLabel('Password or one-time login code').fill((await berth.client.loginCode()).code);
    await phone.getByRole('button', { name: 'Sign in' }).click();
    await phone.locator('.grid[data-ready]').waitFor();
    const overflow = Number(await phone.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    await phone.screenshot({ path: path.join(shotsDir, 'phone-grid.png') });
  } finally {
    await phone.close();
  }
});
