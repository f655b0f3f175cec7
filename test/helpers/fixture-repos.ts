// Source trees of the apps the deploy tests push to real git repositories.
import { serverSource, type FileTree, type TestRepo } from './git-repos.js';

/** A Node server with one dependency (a local package) and a postinstall that counts installs in $INSTALL_MARKER. */
export function appWithDependency(version: string): FileTree {
  return {
    'package.json': JSON.stringify({ name: 'fx-app', version: '1.0.0', private: true, scripts: { postinstall: 'node count-install.js', start: 'node server.js' }, dependencies: { 'fx-dep': 'file:vendor/fx-dep' } }, null, 2),
    'vendor/fx-dep/package.json': JSON.stringify({ name: 'fx-dep', version: '1.0.0', main: 'index.js' }),
    'vendor/fx-dep/index.js': "module.exports = 'dep-ok';\n",
    'count-install.js': "if (process.env.INSTALL_MARKER) require('node:fs').appendFileSync(process.env.INSTALL_MARKER, 'installed\\n');\n",
    'server.js': serverSource(version).replace("url: req.url", "url: req.url, dep: require('fx-dep')"),
  };
}

/** Writes package-lock.json for the tree in the working copy (offline: the only dependency is local). */
export function lockWithNpm(repo: TestRepo): void {
  repo.exec('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--offline']);
}

/** An app whose build step writes the server it runs (dist/server.js). */
export function appWithBuild(version: string): FileTree {
  return {
    'package.json': JSON.stringify({ name: 'fx-built', private: true, scripts: { build: 'node build.js', start: 'node dist/server.js' } }),
    'build.js': `const fs = require('node:fs');
fs.mkdirSync('dist', { recursive: true });
fs.writeFileSync('dist/server.js', fs.readFileSync('src/server.js', 'utf8'));
console.log('built dist/server.js');
`,
    'src/server.js': serverSource(version),
  };
}

/** A static site produced by a build into dist/, with no server to run. */
export function staticSiteWithBuild(title: string): FileTree {
  return {
    'package.json': JSON.stringify({ name: 'fx-static', private: true, scripts: { build: 'node build.js' } }),
    'build.js': `const fs = require('node:fs');
fs.mkdirSync('dist', { recursive: true });
fs.writeFileSync('dist/index.html', '<!doctype html><title>${title}</title><h1>${title}</h1>');
`,
  };
}
