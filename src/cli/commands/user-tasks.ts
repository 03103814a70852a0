// User task verbs, as lhctl has them: `colt assign|complete|cancel userTaskRun <wfRunId> <userTaskGuid>`.
import { Argument, type Command } from 'commander';
import { CliError } from '../client.ts';
import type { CliContext } from '../cli-context.ts';
import { userTaskRunPath } from '../routes.ts';
import { keyValuePairs, plainOf } from '../values.ts';

const userTaskRun = () => new Argument('<object>', 'userTaskRun').choices(['userTaskRun']);

export function userTaskCommands(program: Command, cli: CliContext): void {
  program
    .command('assign')
    .description('assign a UserTaskRun to a user and/or a group')
    .addArgument(userTaskRun())
    .argument('<wfRunId>')
    .argument('<userTaskGuid>')
    .option('--userId <id>')
    .option('--userGroup <group>')
    .option('--overrideClaim', 'take it even if someone else has claimed it')
    .action(async (_object: string, wfRunId: string, guid: string, flags: { userId?: string; userGroup?: string; overrideClaim?: boolean }) => {
      if (flags.userId === undefined && flags.userGroup === undefined) throw new CliError('assign needs --userId or --userGroup (or both)');
      cli.print(await cli.client().post(userTaskRunPath(wfRunId, guid, 'assign'), { ...flags, overrideClaim: flags.overrideClaim === true }));
    });

  program
    .command('complete')
    .description('complete a UserTaskRun with its results: colt complete userTaskRun <wfRunId> <guid> --userId ann approved=true')
    .addArgument(userTaskRun())
    .argument('<wfRunId>')
    .argument('<userTaskGuid>')
    .argument('[results...]', 'field values as name=value')
    .requiredOption('--userId <id>', 'who completes it')
    .action(async (_object: string, wfRunId: string, guid: string, results: string[], flags: { userId: string }) => {
      const fields = Object.fromEntries(keyValuePairs(results).map(([name, text]) => [name, plainOf(name, text, undefined)]));
      cli.print(await cli.client().post(userTaskRunPath(wfRunId, guid, 'complete'), { userId: flags.userId, results: fields }));
    });

  program
    .command('cancel')
    .description('cancel a UserTaskRun (its node fails)')
    .addArgument(userTaskRun())
    .argument('<wfRunId>')
    .argument('<userTaskGuid>')
    .action(async (_object: string, wfRunId: string, guid: string) => {
      cli.print(await cli.client().post(userTaskRunPath(wfRunId, guid, 'cancel')));
    });
}
