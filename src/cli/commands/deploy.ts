// `colt deploy <kind> <file>`: puts a metadata object from a JSON file. Puts are idempotent: an
// identical object is answered as stored, a changed WfSpec becomes a new version.
import { readFileSync } from 'node:fs';
import { Argument, type Command } from 'commander';
import { CliError } from '../client.ts';
import type { CliContext } from '../cli-context.ts';
import { DEPLOYABLE_KINDS } from '../routes.ts';
import { parseJson } from '../values.ts';

export function deployCommand(program: Command, cli: CliContext): void {
  program
    .command('deploy')
    .description('put a WfSpec, TaskDef, ExternalEventDef, UserTaskDef, WorkflowEventDef, Tenant or Principal from a JSON file ("-" reads stdin)')
    .addArgument(new Argument('<kind>', 'what the file holds').choices(DEPLOYABLE_KINDS))
    .argument('<file>', 'JSON file with the Put request')
    .action(async (kind: string, file: string) => {
      cli.print(await cli.client().post(`/${kind}`, readJsonFile(file)));
    });
}

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseJson(file, text);
}
