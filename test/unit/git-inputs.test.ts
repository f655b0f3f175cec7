// Repository and branch values are checked before git sees them: no option injection, no command-running transports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkBranch, checkRepoUrl, checkRootFolder } from '../../src/deploy/git-inputs.js';

test('accepted repository forms and their kinds', () => {
  assert.equal(checkRepoUrl('https://github.com/org/app.git'), 'https');
  assert.equal(checkRepoUrl('git@github.com:org/app.git'), 'ssh');
  assert.equal(checkRepoUrl('ssh://git@host:2222/org/app.git'), 'ssh');
  assert.equal(checkRepoUrl('file:///srv/git/app.git'), 'file');
  assert.equal(checkRepoUrl('/srv/git/app.git'), 'local');
});

test('refused repositories: options, transports that run commands, credentials in the URL, spaces', () => {
  for (const repo of ['--upload-pack=x', '-oProxyCommand=x', 'ext::sh -c x', 'fd::3', 'https://u:p@host/x.git', 'https://token@host/x.git', 'https://host/a b', 'relative/dir', '', 'javascript:alert(1)']) {
    assert.throws(() => checkRepoUrl(repo), { code: 'ERR_REPO_INVALID' }, repo);
  }
});

test('branch names follow git’s rules and never start with "-"', () => {
  for (const branch of ['main', 'feature/login', 'release-1.2', 'user/x_y']) assert.doesNotThrow(() => checkBranch(branch), branch);
  for (const branch of ['--upload-pack=x', '-b', 'a..b', 'a b', 'a~1', 'x^', 'a:b', 'x.lock', 'a/', '/a', '.hidden', 'a/.b', '@', 'a@{1}', 'a//b', '']) {
    assert.throws(() => checkBranch(branch), { code: 'ERR_BRANCH_INVALID' }, branch);
  }
});

test('app folders stay inside the repository', () => {
  assert.equal(checkRootFolder('apps/web/'), 'apps/web');
  assert.equal(checkRootFolder('./apps/web'), 'apps/web');
  assert.equal(checkRootFolder('.'), '');
  for (const root of ['../x', '/etc', 'apps/../../x']) assert.throws(() => checkRootFolder(root), { code: 'ERR_SETTINGS_INVALID' }, root);
});
