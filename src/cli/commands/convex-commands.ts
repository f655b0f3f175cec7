// CLI commands for a slot's Convex backend: its status and URLs, and the env its app and build get.
import type { Command } from 'commander';
import type { Run } from './slot-commands.js';

export function registerConvexCommands(program: Command, run: Run): void {
  const convex = program.command('convex').description("a slot's self-hosted Convex backend (docs/convex.md)");
  convex
    .command('status <slot>')
    .description("whether the slot has a Convex backend, where it listens, its public URLs")
    .action((slot: string) =>
      run(async (client, output) => {
        const status = await client.convex(slot);
        if (output.json) return output.line(JSON.stringify(status, null, 2));
        if (!status.enabled) return output.line(`slot ${slot} has no Convex backend (deploy a Convex app, or \`berth slot set ${slot} --convex\`)`);
        output.line(`slot ${slot}: Convex backend ${status.instanceName} ${status.running ? `running (pid ${status.pid})` : 'not running'} on 127.0.0.1:${status.port} (HTTP actions :${status.sitePort})`);
        output.line(`  public API   ${status.urls.api}`);
        output.line(`  public site  ${status.urls.site}`);
      }),
    );
  convex
    .command('env <slot>')
    .description('the env the Convex app and its build get (the admin key masked unless --reveal)')
    .option('--reveal', 'show the admin key (recorded)')
    .action((slot: string, options: { reveal?: boolean }) =>
      run(async (client, output) => {
        const status = await client.convex(slot, options.reveal === true);
        if (output.json) return output.line(JSON.stringify(status.env, null, 2));
        if (!status.enabled) return output.line(`slot ${slot} has no Convex backend`);
        for (const [name, value] of Object.entries(status.env)) output.line(`${name}=${value}`);
      }),
    );
}
