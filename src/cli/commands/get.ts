// `colt get <object> <id...>` and `colt delete <object> <id...>`, addressed as lhctl does
// (e.g. `get nodeRun <wfRunId> <threadRunNumber> <position>`, `delete wfSpec <name> <major> <rev>`).
import { Argument, type Command } from 'commander';
import { checkIds, type CliContext } from '../cli-context.ts';
import { DELETE_ROUTES, GET_ROUTES, type ObjectRoute } from '../routes.ts';

export function getAndDeleteCommands(program: Command, cli: CliContext): void {
  program
    .command('get')
    .description('show one object (colt get --help lists each object\'s ids)')
    .addHelpText('after', `\nObjects and their ids:\n${usageOf(GET_ROUTES)}`)
    .addArgument(new Argument('<object>').choices(Object.keys(GET_ROUTES)))
    .argument('<ids...>', 'the object\'s ids')
    .action(async (object: string, ids: string[]) => {
      const route = GET_ROUTES[object]!;
      checkIds('get', object, route, ids);
      cli.print(await cli.client().get(route.path(ids), route.query?.(ids)));
    });

  program
    .command('delete')
    .description('delete one object (colt delete --help lists each object\'s ids)')
    .addHelpText('after', `\nObjects and their ids:\n${usageOf(DELETE_ROUTES)}`)
    .addArgument(new Argument('<object>').choices(Object.keys(DELETE_ROUTES)))
    .argument('<ids...>', 'the object\'s ids')
    .action(async (object: string, ids: string[]) => {
      const route = DELETE_ROUTES[object]!;
      checkIds('delete', object, route, ids);
      cli.print(await cli.client().delete(route.path(ids), route.query?.(ids)));
    });
}

function usageOf(routes: Record<string, ObjectRoute>): string {
  return Object.entries(routes).map(([object, r]) => `${object} ${r.ids.map((id) => (id.endsWith('?') ? `[${id.slice(0, -1)}]` : `<${id}>`)).join(' ')}`).map((line) => `  ${line}`).join('\n');
}
