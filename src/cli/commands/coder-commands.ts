// `berth coder template`: writes berth's Coder Terraform module (for the slots and ports of this berth's config) and
// a complete example template for a Kubernetes workspace; without --out, prints the module.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { convexPorts } from '../../config/schema.js';
import { resolvePaths } from '../../config/paths.js';
import { renderExampleTemplate } from '../../coder/template-example.js';
import { renderModule } from '../../coder/template-module.js';
import type { LocalRun } from './slot-commands.js';

const version = (): string => {
  for (const relative of ['../../../package.json', '../../package.json']) {
    try {
      return JSON.parse(fs.readFileSync(new URL(relative, import.meta.url), 'utf8')).version as string;
    } catch {
      // The bundle sits at another depth than the source.
    }
  }
  return '0.0.0';
};

export function registerCoderCommands(program: Command, run: LocalRun): void {
  const coder = program.command('coder').description('berth in a Coder workspace');
  coder
    .command('template')
    .description("write berth's Coder Terraform module (DIR/berth/main.tf) and an example Kubernetes template (DIR/main.tf); without --out, print the module")
    .option('--out <dir>', 'folder to write into (created if missing; existing files are replaced)')
    .action((options: { out?: string }) =>
      run(async (output) => {
        const home = program.opts<{ home?: string }>().home;
        const config = loadConfig({ env: home ? { ...process.env, BERTH_HOME: home } : process.env });
        // Slots that have a Convex backend (a Convex app was deployed into them) get its public apps too.
        const convex = config.slots
          .map(({ name }) => ({ name, apiPort: convexPorts(config, name).api, sitePort: convexPorts(config, name).site }))
          .filter((slot) => fs.existsSync(path.join(resolvePaths(config.home).slotDir(slot.name), 'convex', 'instance.json')));
        const module = renderModule({ slots: config.slots.map(({ name, port }) => ({ name, port })), adminPort: config.adminPort, hooksPort: config.hooks.port, convex, version: version() });
        if (!options.out) return output.line(module);
        const moduleDir = path.join(options.out, 'berth');
        fs.mkdirSync(moduleDir, { recursive: true });
        fs.writeFileSync(path.join(moduleDir, 'main.tf'), module);
        fs.writeFileSync(path.join(options.out, 'main.tf'), renderExampleTemplate(version()));
        output.line(`wrote ${path.join(moduleDir, 'main.tf')} (the module: ${config.slots.length} slots, admin, hooks) and ${path.join(options.out, 'main.tf')} (an example Kubernetes template using it)`);
        output.line('add the module to an existing template with: module "berth" { source = "./berth"  agent_id = coder_agent.main.id  owner_name = data.coder_workspace_owner.me.name }');
      }),
    );
}
