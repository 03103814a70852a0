// Working on a user task, as a person's inbox app would: `colt claim|release|save|comment
// userTaskRun <wfRunId> <userTaskGuid>`.
import { Argument, type Command } from 'commander';
import type { CliContext } from '../cli-context.ts';
import { userTaskRunPath } from '../routes.ts';
import { keyValuePairs, plainOf } from '../values.ts';

const userTaskRun = () => new Argument('<object>', 'userTaskRun').choices(['userTaskRun']);

export function userTaskWorkCommands(program: Command, cli: CliContext): void {
  program
    .command('claim')
    .description('take a UserTaskRun for yourself (refused if another user holds it)')
    .addArgument(userTaskRun())
    .argument('<wfRunId>')
    .argument('<userTaskGuid>')
    .requiredOption('--userId <id>', 'who claims it')
    .action(async (_object: string, wfRunId: string, guid: string, flags: { userId: string }) => {
      cli.print(await cli.client().post(userTaskRunPath(wfRunId, guid, 'claim'), { userId: flags.userId }));
    });

  program
    .command('release')
    .description('give a claimed UserTaskRun back to its group')
    .addArgument(userTaskRun())
    .argument('<wfRunId>')
    .argument('<userTaskGuid>')
    .option('--userId <id>', 'who releases it (refused if someone else holds it)')
    .action(async (_object: string, wfRunId: string, guid: string, flags: { userId?: string }) => {
      cli.print(await cli.client().post(userTaskRunPath(wfRunId, guid, 'release'), flags.userId === undefined ? {} : { userId: flags.userId }));
    });

  program
    .command('save')
    .description('save draft results of a UserTaskRun without completing it: colt save userTaskRun <wfRunId> <guid> --userId ann note=later')
    .addArgument(userTaskRun())
    .argument('<wfRunId>')
    .argument('<userTaskGuid>')
    .argument('[results...]', 'field values as name=value (they replace the saved ones)')
    .requiredOption('--userId <id>', 'who saves them')
    .option('--ignoreClaim', 'save even if another user holds the task')
    .action(async (_object: string, wfRunId: string, guid: string, results: string[], flags: { userId: string; ignoreClaim?: boolean }) => {
      const fields = Object.fromEntries(keyValuePairs(results).map(([name, text]) => [name, plainOf(name, text, undefined)]));
      const policy = flags.ignoreClaim ? 'IGNORE_CLAIM' : 'FAIL_IF_CLAIMED_BY_OTHER';
      cli.print(await cli.client().post(userTaskRunPath(wfRunId, guid, 'save'), { userId: flags.userId, results: fields, policy }));
    });

  program
    .command('comment')
    .description('add a comment to a UserTaskRun')
    .addArgument(userTaskRun())
    .argument('<wfRunId>')
    .argument('<userTaskGuid>')
    .argument('<comment>')
    .requiredOption('--userId <id>', 'who comments')
    .action(async (_object: string, wfRunId: string, guid: string, comment: string, flags: { userId: string }) => {
      cli.print(await cli.client().post(userTaskRunPath(wfRunId, guid, 'comment'), { userId: flags.userId, comment }));
    });
}
