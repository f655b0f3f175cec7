// `berth db …`: a slot's Postgres database — enable, disable, its URL, facts, and psql with the env set.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { CliError, formatTime, table } from '../output.js';
import type { Run } from './slot-commands.js';

export function registerDbCommands(program: Command, run: Run): void {
  const db = program.command('db').description("a slot's Postgres database");
  db.command('status')
    .description('the database server berth uses (embedded or external)')
    .action(() =>
      run(async (client, output) => {
        const server = await client.databaseServer();
        output.line(output.json ? JSON.stringify(server) : `${server.mode} server ${server.running ? 'running' : 'not started (it starts when a slot needs it)'} on ${server.host}:${server.port}${server.version ? ` (PostgreSQL ${server.version})` : ''}`);
      }),
    );
  db.command('enable <slot>')
    .description('give the slot its own database and login role; a running app restarts with DATABASE_URL and PG* set')
    .action((slot: string) =>
      run(async (client, output) => {
        const view = await client.enableDatabase(slot);
        output.line(output.json ? JSON.stringify(view) : `slot ${slot} has database ${view.database} (role ${view.role}) on ${view.host}:${view.port}; its app gets DATABASE_URL, PG* and POSTGRES_* (\`berth db url ${slot}\` shows the URL)`);
      }),
    );
  db.command('disable <slot>')
    .description('stop giving the slot its database; the data is kept unless --drop')
    .option('--drop', 'also delete the database, its role and all its data')
    .action((slot: string, options: { drop?: boolean }) =>
      run(async (client, output) => {
        await client.disableDatabase(slot, Boolean(options.drop));
        output.line(options.drop ? `the database of slot ${slot} was dropped` : `slot ${slot} no longer gets its database; the data is kept (\`berth db enable ${slot}\` brings it back)`);
        output.line('a running app keeps its connection settings until its next restart or deploy');
      }),
    );
  db.command('url <slot>')
    .description("print the slot's database URL (recorded as a reveal)")
    .action((slot: string) => run(async (client, output) => output.line(await client.databaseUrl(slot))));
  db.command('info <slot>')
    .description('size, tables and connections of the slot’s database')
    .action((slot: string) =>
      run(async (client, output) => {
        const view = await client.database(slot);
        if (output.json) return output.line(JSON.stringify(view, null, 2));
        if (!view.enabled) return output.line(`slot ${slot} has no database (\`berth db enable ${slot}\`)`);
        output.line(`database     ${view.database}\nrole         ${view.role}\nserver       ${view.host}:${view.port}\nsize         ${((view.sizeBytes ?? 0) / 1024 / 1024).toFixed(1)} MiB\ntables       ${view.tables}\nconnections  ${view.connections}`);
      }),
    );
  const replaced = (what: string) => (result: { kept: string; endedConnections: number }) =>
    `${what}; the previous data is kept as snapshot ${result.kept}${result.endedConnections ? ` (${result.endedConnections} open connection(s) were ended for the copy)` : ''}`;
  db.command('snapshot <slot> [name]')
    .description('copy the database as it is now (a server-side copy; named by the time unless given a name)')
    .action((slot: string, name: string | undefined) =>
      run(async (client, output) => {
        const snapshot = await client.snapshot(slot, name);
        output.line(output.json ? JSON.stringify(snapshot) : `snapshot ${snapshot.name} of slot ${slot} taken`);
      }),
    );
  db.command('snapshots <slot>')
    .description('list the snapshots, newest first')
    .action((slot: string) =>
      run(async (client, output) => {
        const snapshots = await client.snapshots(slot);
        if (output.json) return output.line(JSON.stringify(snapshots, null, 2));
        const rows = snapshots.map((entry) => [entry.name, formatTime(entry.createdAt), `${((entry.sizeBytes ?? 0) / 1024 / 1024).toFixed(1)} MiB`, entry.auto ? 'automatic' : entry.ready ? 'instant restore' : '']);
        output.line(rows.length === 0 ? `slot ${slot} has no snapshots` : table(rows, ['NAME', 'TAKEN', 'SIZE', '']));
      }),
    );
  db.command('restore <slot> <snapshot>')
    .description('put a snapshot back (what is there now is kept as a snapshot first)')
    .action((slot: string, snapshot: string) => run(async (client, output) => output.line(replaced(`snapshot ${snapshot} restored into slot ${slot}`)(await client.restoreSnapshot(slot, snapshot)))));
  db.command('delete-snapshot <slot> <snapshot>')
    .description('delete a snapshot')
    .action((slot: string, snapshot: string) =>
      run(async (client, output) => {
        await client.deleteSnapshot(slot, snapshot);
        output.line(`snapshot ${snapshot} of slot ${slot} deleted`);
      }),
    );
  db.command('reset <slot>')
    .description('empty the database (what is there now is kept as a snapshot first)')
    .action((slot: string) => run(async (client, output) => output.line(replaced(`the database of slot ${slot} is empty`)(await client.resetDatabase(slot)))));
  db.command('clone <slot>')
    .description("give the slot a copy of another slot's data, owned by its own role")
    .requiredOption('--from <slot>', 'the slot to copy from')
    .action((slot: string, options: { from: string }) => run(async (client, output) => output.line(replaced(`slot ${slot} now has a copy of slot ${options.from}'s data`)(await client.cloneDatabase(slot, options.from)))));
  db.command('backup <slot>')
    .description('write a backup (pg_dump custom format) to stdout: berth db backup a > a.dump')
    .action((slot: string) =>
      run(async (client) => {
        if (process.stdout.isTTY) throw new CliError('ERR_BAD_REQUEST', 'The backup is binary; it would fill the terminal.', `Redirect it to a file: \`berth db backup ${slot} > ${slot}.dump\`.`);
        const body = await client.backupDatabase(slot);
        await pipeline(Readable.fromWeb(body as never), process.stdout);
      }),
    );
  db.command('restore-file <slot> <file>')
    .description('replace the database with a backup file (what is there now is kept as a snapshot first)')
    .action((slot: string, file: string) =>
      run(async (client, output) => {
        if (!fs.existsSync(file)) throw new CliError('ERR_BAD_REQUEST', `There is no file ${file}.`, 'Give the path of a file made by `berth db backup`.');
        output.line(replaced(`${file} restored into slot ${slot}`)(await client.restoreDatabaseFile(slot, file)));
      }),
    );
  db.command('psql <slot>')
    .description('open psql on the slot’s database, as the slot’s own role')
    .action((slot: string) =>
      run(async (client) => {
        if (spawnSync('psql', ['--version'], { stdio: 'ignore' }).error) {
          throw new CliError('ERR_TOOL_MISSING', 'psql is not installed.', 'Install a PostgreSQL client (Debian/Ubuntu: `apt-get install postgresql-client`), or use `berth db url <slot>` with any client.');
        }
        // Through PG* variables, not the URL as an argument, so the password never shows in the process list.
        const url = new URL(await client.databaseUrl(slot));
        const env = { ...process.env, PGHOST: url.hostname, PGPORT: url.port, PGDATABASE: decodeURIComponent(url.pathname.slice(1)), PGUSER: decodeURIComponent(url.username), PGPASSWORD: decodeURIComponent(url.password) };
        await new Promise<void>((resolve) => spawn('psql', [], { stdio: 'inherit', env }).on('exit', () => resolve()));
      }),
    );
}
