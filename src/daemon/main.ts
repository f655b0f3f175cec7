// The daemon process: reads the environment, loads config, starts the daemon, and stops it on SIGINT/SIGTERM.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { resolvePaths } from '../config/paths.js';
import { isBerthError } from '../errors/berth-error.js';
import { createLogger } from '../log/logger.js';
import { createDaemon } from './create-daemon.js';
import { EXIT_CONFIG } from './exit-codes.js';

const version = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig({ env: process.env });
  } catch (error) {
    process.stderr.write(`berth: ${(error as Error).message}\n${isBerthError(error) ? `  → ${error.remedy}\n` : ''}`);
    process.exit(EXIT_CONFIG);
  }
  const paths = resolvePaths(config.home);
  fs.mkdirSync(path.dirname(paths.daemonLog), { recursive: true });
  let token = '';
  const logger = createLogger({ destination: paths.daemonLog, level: process.env.BERTH_LOG_LEVEL ?? 'info', secrets: () => (token ? [token] : []) });
  const daemon = createDaemon({ config, logger, env: process.env, version });
  token = fs.existsSync(paths.cliToken) ? fs.readFileSync(paths.cliToken, 'utf8').trim() : '';

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await daemon.close();
    logger.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    const info = await daemon.start();
    token = fs.readFileSync(paths.cliToken, 'utf8').trim();
    const slots = Object.entries(info.slots).map(([name, url]) => `  slot ${name}  ${url}`).join('\n');
    process.stdout.write(`berth ${version} is up (pid ${process.pid}, home ${config.home})\n  admin   ${info.adminUrl}\n${info.hooksUrl ? `  hooks   ${info.hooksUrl}/hooks/github (push to deploy: \`berth hooks info <slot>\`)\n` : ''}${slots}\n${info.coder?.problem ? `  coder   ${info.coder.problem}\n` : ''}  logs    ${paths.daemonLog}\n${loginHelp(info.login ?? null)}`);
  } catch (error) {
    await daemon.close();
    const message = isBerthError(error) ? `${error.message}\n  → ${error.remedy}` : (error as Error).stack ?? String(error);
    process.stderr.write(`berth: could not start: ${message}\n`);
    logger.error({ err: error }, 'start failed');
    logger.flush();
    process.exit(isBerthError(error) && ['ERR_PORT_IN_USE', 'ERR_CONFIG_INVALID', 'ERR_CONFIG_UNREADABLE'].includes(error.code) ? EXIT_CONFIG : 1);
  }
}

/** How to sign in to the admin UI: a one-time code on first start, or a reminder of the password. */
function loginHelp(login: { code: string; expiresAt: number } | null): string {
  if (!login) return '  sign in with your admin password (lost it? `berth admin login-code` makes a one-time code)\n';
  const minutes = Math.round((login.expiresAt - Date.now()) / 60_000);
  return `  sign in with the one-time login code  ${login.code}  (valid ${minutes} minutes, once; \`berth admin login-code\` makes another)\n`;
}

void main();
