// `colt search <object> [name=value ...]` (filters become query parameters: `colt search wfRun
// wfSpecName=order status=RUNNING`) and `colt list <object> <wfRunId>`.
import { Argument, type Command } from 'commander';
import { seg } from '../client.ts';
import { integerOf, type CliContext } from '../cli-context.ts';
import { searchPath, WF_RUN_CHILDREN } from '../routes.ts';
import { keyValuePairs } from '../values.ts';

export function searchAndListCommands(program: Command, cli: CliContext): void {
  program
    .command('search')
    .description('search objects (wfRun, wfSpec, taskDef, nodeRun, taskRun, variable, userTaskRun, externalEvent, workflowEvent, tenant, principal, ...); e.g. colt search wfRun wfSpecName=order status=RUNNING')
    .argument('<object>', 'what to search')
    .argument('[filters...]', 'filters as name=value')
    .option('--limit <n>', 'results per page (server default 100)')
    .option('--bookmark <bookmark>', 'the bookmark of the previous page')
    .action(async (object: string, filters: string[], flags: { limit?: string; bookmark?: string }) => {
      const query: Record<string, string | number | undefined> = Object.fromEntries(keyValuePairs(filters));
      query.limit = integerOf('--limit', flags.limit);
      query.bookmark = flags.bookmark;
      cli.print(await cli.client().get(searchPath(object), query));
    });

  program
    .command('list')
    .description('list the objects of one WfRun')
    .addArgument(new Argument('<object>').choices(WF_RUN_CHILDREN))
    .argument('<wfRunId>')
    .action(async (object: string, wfRunId: string) => {
      cli.print(await cli.client().get(`/wfRun/${seg(wfRunId)}/${object}`));
    });
}
