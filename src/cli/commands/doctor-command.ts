// `berth doctor`: checks this machine and berth's setup, and says what to do about each problem; --json for tools.
// Exits 1 when something fails (warnings alone exit 0).
import fs from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { resolvePaths } from '../../config/paths.js';
import { runningBerth } from '../../daemon/pid-file.js';
import { runDoctor, type DoctorInput } from '../../doctor/checks.js';
import { paint } from '../output.js';
import type { LocalRun } from './slot-commands.js';

const MARK = { ok: '✓', warn: '!', fail: '✗' } as const;
const COLOUR = { ok: 'green', warn: 'yellow', fail: 'red' } as const;

export function registerDoctorCommand(program: Command, run: LocalRun): void {
  program
    .command('doctor')
    .description('check ports, the home folder, disk, tools, Postgres, Coder, webhooks and Node versions, with a remedy for each problem')
    .action(() =>
      run(async (output) => {
        const home = program.opts<{ home?: string }>().home;
        const env = home ? { ...process.env, BERTH_HOME: home } : process.env;
        const config = loadConfig({ env });
        const paths = resolvePaths(config.home);
        const input: DoctorInput = { config, paths, env, running: { watchdog: runningBerth(paths.pidFile), daemon: null }, slugs: null, database: null };
        await addWhatTheDaemonKnows(input);
        const findings = await runDoctor(input);
        if (findings.some((finding) => finding.verdict === 'fail')) process.exitCode = 1;
        if (output.json) return output.line(JSON.stringify({ running: input.running, findings }, null, 2));
        output.line(input.running.daemon ? `berth runs (daemon pid ${input.running.daemon}), home ${paths.home}` : `berth is not running; home ${paths.home}`);
        for (const finding of findings) {
          output.line(`${paint(output, COLOUR[finding.verdict], MARK[finding.verdict])} ${finding.check.padEnd(9)} ${finding.message}`);
          if (finding.remedy) output.line(`  ${paint(output, 'bold', '→')} ${finding.remedy}`);
        }
      }),
    );
}

/** When berth answers: the slots' slugs and the database server, which only the daemon knows. */
async function addWhatTheDaemonKnows(input: DoctorInput): Promise<void> {
  try {
    const info = JSON.parse(fs.readFileSync(input.paths.daemonInfo, 'utf8')) as { pid: number };
    process.kill(info.pid, 0);
    input.running.daemon = info.pid;
  } catch {
    return;
  }
  try {
    const { connectLocal, createClient } = await import('../../sdk/client.js');
    const client = createClient(connectLocal(input.paths.home));
    const slugs = new Map<string, string>();
    for (const slot of input.config.slots) slugs.set(slot.name, (await client.settings(slot.name)).settings.slug ?? slot.name);
    input.slugs = slugs;
    const server = await client.databaseServer();
    input.database = { running: server.running, mode: server.mode, version: server.version ?? null };
  } catch {
    // The daemon does not answer: the local checks still run.
  }
}
