// `colt metrics [wfSpec|taskDef <name>]`, `colt whoami`, `colt version`.
import { Argument, type Command } from 'commander';
import { CliError } from '../client.ts';
import type { CliContext } from '../cli-context.ts';
import { metricsPath, WHOAMI_PATH } from '../routes.ts';

export function serverInfoCommands(program: Command, cli: CliContext, version: string): void {
  program
    .command('metrics')
    .description('without arguments, the server\'s Prometheus metrics; with wfSpec|taskDef <name>, its metrics windows')
    .addArgument(new Argument('[object]').choices(['wfSpec', 'taskDef']))
    .argument('[name]')
    .option('--window <window>', 'window length, e.g. MINUTES_5, HOURS_2, DAYS_1')
    .action(async (object: 'wfSpec' | 'taskDef' | undefined, name: string | undefined, flags: { window?: string }) => {
      if (object === undefined) return cli.print(await cli.client().get('/metrics'));
      if (name === undefined) throw new CliError(`metrics ${object} needs the ${object}'s name`);
      cli.print(await cli.client().get(metricsPath(object, name), { windowLength: flags.window }));
    });

  program
    .command('whoami')
    .description('the principal and tenant the server sees for these credentials')
    .action(async () => cli.print(await cli.client().get(WHOAMI_PATH)));

  program
    .command('version')
    .description('this CLI\'s version and the server it talks to')
    .action(() => cli.print({ cli: version, apiUrl: cli.settings().apiUrl, tenant: cli.settings().tenant }));
}
