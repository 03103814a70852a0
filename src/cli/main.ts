// `colt`: Colt's command-line client (lhctl-style verbs over the REST API). Answers print as JSON
// (or `--output table`); a refusal prints one line `error: CODE (status): message` and exits 1.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { CliContext } from './cli-context.ts';
import { CliError } from './client.ts';
import { deployCommand } from './commands/deploy.ts';
import { postEventCommand } from './commands/events.ts';
import { getAndDeleteCommands } from './commands/get.ts';
import { runCommands } from './commands/run.ts';
import { searchAndListCommands } from './commands/search.ts';
import { serverInfoCommands } from './commands/server-info.ts';
import { securityCommands } from './commands/security.ts';
import { userTaskCommands } from './commands/user-tasks.ts';
import { userTaskWorkCommands } from './commands/user-task-work.ts';
import { wfRunControlCommands } from './commands/wf-run-control.ts';
import { DEFAULT_API_URL } from './settings.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command('colt')
    .description('Drive a Colt server: deploy specs, run workflows, inspect and control runs.')
    .option('--api <url>', `Colt's REST API (env COLT_API_URL; default ${DEFAULT_API_URL})`)
    .option('--tenant <id>', 'tenant (env COLT_TENANT; default "default")')
    .option('--api-key <key>', 'API key, sent as a bearer token (env COLT_API_KEY)')
    .option('-o, --output <format>', 'json (default) or table (env COLT_OUTPUT)')
    .option('--config <file>', 'JSON config file with apiUrl, tenant, apiKey, output (env COLT_CONFIG; default ~/.config/colt/config.json)')
    .exitOverride();
  const cli = new CliContext(program);
  deployCommand(program, cli);
  runCommands(program, cli);
  getAndDeleteCommands(program, cli);
  searchAndListCommands(program, cli);
  postEventCommand(program, cli);
  wfRunControlCommands(program, cli);
  userTaskCommands(program, cli);
  userTaskWorkCommands(program, cli);
  serverInfoCommands(program, cli, version);
  securityCommands(program, cli);
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode; // commander has printed its own one-line message
    process.stderr.write(`error: ${err instanceof CliError ? err.message : (err as Error).message ?? String(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
