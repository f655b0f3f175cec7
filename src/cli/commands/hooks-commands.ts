// CLI commands for push to deploy: what to paste into a repository's webhook settings, the secrets, the delivery
// log, and routing a logged push again.
import type { Command } from 'commander';
import { formatTime, table } from '../output.js';
import type { Run } from './slot-commands.js';

export function registerHooksCommands(program: Command, run: Run): void {
  const hooks = program.command('hooks').description('webhooks: push to deploy from GitHub, Gitea/Forgejo and GitLab');
  hooks
    .command('info <slot>')
    .description("what to paste into the repository's webhook settings for this slot")
    .option('--reveal', 'show the secret too')
    .action((slot: string, options: { reveal?: boolean }) =>
      run(async (client, output) => {
        const info = await client.slotHooks(slot);
        const secret = options.reveal ? await client.revealHookSecret(slot) : null;
        if (output.json) return output.line(JSON.stringify({ ...info, secret: secret?.secret ?? null }, null, 2));
        if (!info.urls) return output.line('the webhook listener is off (config hooks.enabled)');
        const rows = [
          ['payload URL (GitHub)', info.urls.github],
          ['payload URL (Gitea/Forgejo)', info.urls.gitea],
          ['payload URL (GitLab)', info.urls.gitlab],
          ['content type', info.contentType],
          ['secret', secret ? secret.secret : `the ${info.secretScope === 'slot' ? "slot's own" : 'workspace'} secret (--reveal shows it)`],
          ['events', 'just the push event'],
          ['deploys', info.tracking.repo ? `${info.tracking.repo} branch ${info.tracking.branch}${info.tracking.deployTags ? ' and tags' : ''}${info.tracking.autoDeploy ? '' : ' (auto-deploy is OFF)'}` : 'nothing yet: set a repository with `berth slot set`'],
        ];
        output.line(table(rows, ['WHAT', 'PASTE']));
      }),
    );
  hooks
    .command('log [slot]')
    .description('the newest webhook deliveries and what berth did with each')
    .option('-n, --limit <count>', 'how many', '20')
    .action((slot: string | undefined, options: { limit: string }) =>
      run(async (client, output) => {
        const deliveries = await client.hookDeliveries({ slot, limit: Number(options.limit) || 20 });
        if (output.json) return output.line(JSON.stringify(deliveries, null, 2));
        if (deliveries.length === 0) return output.line(slot ? `no deliveries about slot ${slot} yet` : 'no deliveries yet');
        const rows = deliveries.map((entry) => [
          String(entry.id),
          formatTime(entry.receivedAt),
          entry.source,
          entry.event ?? '',
          entry.commit?.slice(0, 7) ?? '',
          entry.signature,
          entry.outcome,
          entry.reason.length > 90 ? `${entry.reason.slice(0, 89)}…` : entry.reason,
        ]);
        output.line(table(rows, ['ID', 'RECEIVED', 'FROM', 'EVENT', 'COMMIT', 'SIGNATURE', 'OUTCOME', 'WHY']));
      }),
    );
  hooks
    .command('redeliver <id>')
    .description('route a logged push again, as if it had just arrived')
    .action((id: string) =>
      run(async (client, output) => {
        const delivery = await client.redeliverHook(Number(id));
        if (output.json) return output.line(JSON.stringify(delivery, null, 2));
        output.line(`delivery ${delivery.id}: ${delivery.outcome}: ${delivery.reason}`);
      }),
    );
  hooks
    .command('secret <slot>')
    .description("give the slot a webhook secret of its own (printed once), or with --remove go back to the workspace's")
    .option('--remove', "remove the slot's own secret")
    .action((slot: string, options: { remove?: boolean }) =>
      run(async (client, output) => {
        if (options.remove) {
          await client.removeSlotHookSecret(slot);
          return output.line(`slot ${slot} uses the workspace webhook secret again`);
        }
        const { secret } = await client.newSlotHookSecret(slot);
        output.line(output.json ? JSON.stringify({ secret }) : `slot ${slot}'s webhook secret (paste it into the repository's webhook settings): ${secret}`);
      }),
    );
}
