// CLI commands for deployments: deploy (streams stages and build log, ends with URL, commit and timings), cancel, log, history.
import path from 'node:path';
import type { Command } from 'commander';
import { throwIfFailed, type BerthClient } from '../../sdk/client.js';
import type { Deployment } from '../../sdk/schemas.js';
import { CliError, formatTime, paint, table, type Output } from '../output.js';
import type { Run } from './slot-commands.js';

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A log line as the owner sees it: stage marks stand out, build output is dimmed. */
function printLogLine(output: Output, text: string): void {
  if (text.startsWith('▸ ')) output.line(paint(output, 'bold', text));
  else if (text.startsWith('✓ ')) output.line(paint(output, 'green', text));
  else if (text.startsWith('✗ ')) output.line(paint(output, 'red', text));
  else if (text.startsWith('warning: ')) output.line(paint(output, 'yellow', text));
  else output.line(paint(output, 'dim', `  ${text}`));
}

export function printDeploymentSummary(output: Output, deployment: Deployment, url: string): void {
  const stages = deployment.stages.map((stage) => `${stage.name} ${stage.finishedAt ? formatMs(stage.finishedAt - stage.startedAt) : '…'}${stage.note ? ` (${stage.note})` : ''}`).join(', ');
  const total = deployment.finishedAt && deployment.startedAt ? ` in ${formatMs(deployment.finishedAt - deployment.startedAt)}` : '';
  output.line(`${paint(output, 'green', '✓')} release ${deployment.releaseSeq} of slot ${deployment.slot} is live at ${url}${total}`);
  if (deployment.commit) output.line(`  commit ${deployment.commit.sha.slice(0, 7)} ${deployment.commit.subject}`);
  output.line(paint(output, 'dim', `  deployment ${deployment.id}: ${stages}`));
  for (const warning of deployment.warnings) output.line(paint(output, 'yellow', `  warning: ${warning}`));
}

async function deployAndWatch(client: BerthClient, output: Output, slot: string, source: { path: string } | { commit?: string }, detach: boolean): Promise<void> {
  const started = await client.startDeploy(slot, source);
  if (detach) {
    if (output.json) output.line(JSON.stringify(started, null, 2));
    else output.line(`deployment ${started.id} of slot ${slot} is ${started.status}; follow it with \`berth deploy log ${slot}\``);
    return;
  }
  if (!output.json) output.line(`Deploying slot ${slot} (deployment ${started.id})… Ctrl-C stops watching; the deployment goes on.`);
  const final = await client.followDeployment(started.id, 0, (lines) => {
    if (!output.json) for (const line of lines) printLogLine(output, line.text);
  });
  if (output.json) output.line(JSON.stringify(final, null, 2));
  throwIfFailed(final);
  if (!output.json) printDeploymentSummary(output, final, (await client.slot(slot)).url);
}

export function registerDeployCommands(program: Command, run: Run): void {
  program
    .command('deploy <slot> [target]')
    .description("deploy the slot's repository (branch tip, or --commit), or a local folder with --path; also `deploy cancel <slot>` and `deploy log <slot>`")
    .option('--path <folder>', 'deploy this folder instead of the repository')
    .option('--commit <sha>', 'deploy this commit (full SHA) of the tracked repository instead of the branch tip')
    .option('--detach', 'queue the deployment and return without watching it')
    .option('--after <n>', 'with `deploy log`: only lines after this line number', '0')
    .action((first: string, target: string | undefined, options: { path?: string; commit?: string; detach?: boolean; after: string }) =>
      run(async (client, output) => {
        if (first === 'cancel' && target) return cancel(client, output, target);
        if (first === 'log' && target) return showLog(client, output, target, Number(options.after) || 0);
        if (target) throw new CliError('ERR_BAD_REQUEST', `Unexpected argument "${target}".`, 'Use `berth deploy <slot>`, `berth deploy cancel <slot>` or `berth deploy log <slot|deployment>`.');
        if (options.path && options.commit) throw new CliError('ERR_BAD_REQUEST', '--path and --commit cannot be used together.', 'Deploy a folder with --path, or a commit of the repository with --commit.');
        const source = options.path ? { path: path.resolve(options.path) } : options.commit ? { commit: options.commit } : {};
        await deployAndWatch(client, output, first, source, Boolean(options.detach));
      }),
    );

  program
    .command('deploys <slot>')
    .alias('deployments')
    .description('list the deployment history of a slot: trigger, commit, status, stages and errors')
    .action((slot: string) =>
      run(async (client, output) => {
        const deployments = await client.deployments(slot);
        if (output.json) return output.line(JSON.stringify(deployments, null, 2));
        const rows = deployments.map((deployment) => [
          deployment.id,
          formatTime(deployment.createdAt),
          deployment.trigger,
          deployment.commit ? `${deployment.commit.sha.slice(0, 7)} ${deployment.commit.subject.slice(0, 40)}` : deployment.source?.type === 'path' ? deployment.source.path : '-',
          deployment.status,
          deployment.releaseSeq === null ? '-' : String(deployment.releaseSeq),
          deployment.finishedAt && deployment.startedAt ? formatMs(deployment.finishedAt - deployment.startedAt) : '-',
          deployment.error?.message.split('\n')[0] ?? '',
        ]);
        output.line(table(rows, ['ID', 'STARTED', 'TRIGGER', 'SOURCE', 'STATUS', 'RELEASE', 'TOOK', 'ERROR']));
      }),
    );
}

async function cancel(client: BerthClient, output: Output, slot: string): Promise<void> {
  const cancelled = await client.cancelDeploy(slot);
  if (output.json) return output.line(JSON.stringify({ slot, cancelled }));
  output.line(cancelled.length === 0 ? `slot ${slot} has no deployment running or waiting` : `cancelled ${cancelled.join(', ')}; slot ${slot} keeps its live release`);
}

/** The log of a deployment (by id), or of the slot's latest one; follows it while it runs. */
async function showLog(client: BerthClient, output: Output, slotOrId: string, after: number): Promise<void> {
  const id = /^[0-9a-z]{9}-[0-9a-f]{6}$/.test(slotOrId) ? slotOrId : (await client.deployments(slotOrId))[0]?.id;
  if (!id) throw new CliError('ERR_DEPLOYMENT_UNKNOWN', `Slot ${slotOrId} has no deployments yet.`, 'Deploy first: `berth deploy <slot>`.');
  const final = await client.followDeployment(id, after, (lines) => {
    for (const line of lines) output.json ? output.line(JSON.stringify(line)) : printLogLine(output, line.text);
  });
  if (!output.json) output.line(paint(output, 'dim', `deployment ${id}: ${final.status}`));
}
