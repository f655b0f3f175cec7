// The berth command line: a thin client over the API; human output by default, --json for machines.
import { Command } from 'commander';
import { berthHomeFrom } from '../sdk/local-files.js';
import { registerAdminCommands } from './commands/admin-commands.js';
import { registerCoderCommands } from './commands/coder-commands.js';
import { registerConvexCommands } from './commands/convex-commands.js';
import { registerDbCommands } from './commands/db-commands.js';
import { registerDoctorCommand } from './commands/doctor-command.js';
import { registerHooksCommands } from './commands/hooks-commands.js';
import { registerDeployCommands } from './commands/deploy-commands.js';
import { registerEnvCommands } from './commands/env-commands.js';
import { registerLifecycleCommands } from './commands/lifecycle-commands.js';
import { registerLogsCommand } from './commands/logs-command.js';
import { registerSlotCommands, type LocalRun, type Run } from './commands/slot-commands.js';
import { registerSourceCommands } from './commands/source-commands.js';
import { createOutput, paint } from './output.js';

/** An error from the API or the CLI itself, with a stable code and usually a remedy. */
function isReportedError(error: unknown): error is { code: string; message: string; remedy?: string; details?: unknown } {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_');
}

const program = new Command('berth')
  .description('Slot-based app hosting for a developer workspace.')
  .option('--json', 'print JSON for machines')
  .option('--home <folder>', 'BERTH_HOME of the daemon to talk to (default: $BERTH_HOME or ~/.berth)')
  .showHelpAfterError();

/** Runs a command that works without a daemon; failures are printed with their remedy. */
const runLocal: LocalRun = async (work) => {
  const options = program.opts<{ json?: boolean }>();
  const output = createOutput(Boolean(options.json));
  try {
    await work(output);
  } catch (error) {
    process.exitCode = 1;
    if (isReportedError(error)) {
      if (output.json) output.error(JSON.stringify({ code: error.code, message: error.message, remedy: error.remedy, details: error.details }));
      else output.error(`${paint(output, 'red', 'error:')} ${error.message}${error.remedy ? `\n  ${paint(output, 'bold', '→')} ${error.remedy}` : ''}`);
    } else {
      output.error(`${paint(output, 'red', 'error:')} ${(error as Error).message}`);
    }
  }
};

const run: Run = (work) =>
  runLocal(async (output) => {
    // Loaded here, not at the top: `berth up` never needs the client (nor zod), and stays small in memory.
    const { connectLocal, createClient } = await import('../sdk/client.js');
    const home = program.opts<{ home?: string }>().home ?? berthHomeFrom(process.env);
    await work(createClient(connectLocal(home)), output);
  });

registerLifecycleCommands(program);
registerSlotCommands(program, run);
registerDeployCommands(program, run);
registerSourceCommands(program, run);
registerEnvCommands(program, run);
registerLogsCommand(program, run);
registerAdminCommands(program, run);
registerDbCommands(program, run);
registerHooksCommands(program, run);
registerConvexCommands(program, run);
registerCoderCommands(program, runLocal);
registerDoctorCommand(program, runLocal);

await program.parseAsync(process.argv);
