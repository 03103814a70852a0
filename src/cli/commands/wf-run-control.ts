// `colt stop|resume <wfRunId>` and `colt rescue <wfRunId> [threadRunNumber] [--skip]`.
import type { Command } from 'commander';
import { seg } from '../client.ts';
import { integerOf, type CliContext } from '../cli-context.ts';

export function wfRunControlCommands(program: Command, cli: CliContext): void {
  for (const [verb, what] of [['stop', 'halt a WfRun (or one of its threads)'], ['resume', 'resume a halted WfRun (or one of its threads)']] as const) {
    program
      .command(verb)
      .description(what)
      .argument('<wfRunId>')
      .option('--threadRunNumber <n>', 'only this thread (0, the default, is the whole WfRun)')
      .action(async (wfRunId: string, flags: { threadRunNumber?: string }) => {
        const threadRunNumber = integerOf('--threadRunNumber', flags.threadRunNumber);
        cli.print(await cli.client().post(`/wfRun/${seg(wfRunId)}/${verb}`, threadRunNumber === undefined ? {} : { threadRunNumber }));
      });
  }

  program
    .command('rescue')
    .description('restart a thread that ended in ERROR: re-run its failed node, or skip it with --skip')
    .argument('<wfRunId>')
    .argument('[threadRunNumber]', 'the failed thread', '0')
    .option('--skip, --skipCurrentNode', 'leave the failed node by its outgoing edges instead of re-running it')
    .action(async (wfRunId: string, thread: string, flags: { skip?: boolean }) => {
      const body = { threadRunNumber: integerOf('threadRunNumber', thread), skipCurrentNode: flags.skip === true };
      cli.print(await cli.client().post(`/wfRun/${seg(wfRunId)}/rescue`, body));
    });
}
