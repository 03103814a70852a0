// `colt run <wfSpec> [var=value ...]` and `colt schedule <cron> <wfSpec> [var=value ...]`.
// Values are typed by the WfSpec's declared variables (fetched first), as lhctl does, so
// `amount=10` reaches a DOUBLE as 10 and a STR as "10".
import type { Command } from 'commander';
import type { PrimitiveType, WfSpec } from '../../engine/types.ts';
import { CliError, seg, type ColtClient } from '../client.ts';
import { integerOf, type CliContext } from '../cli-context.ts';
import { SCHEDULE_PATH } from '../routes.ts';
import { keyValuePairs, plainOf } from '../values.ts';

interface RunFlags { id?: string; majorVersion?: string; revision?: string; parentWfRunId?: string; wait?: boolean; waitSeconds?: string }

const WAIT_POLL_MS = 250;
const DEFAULT_WAIT_SECONDS = 60;

export function runCommands(program: Command, cli: CliContext): void {
  program
    .command('run')
    .description('start a WfRun: colt run order orderId=o-1 amount=25.5')
    .argument('<wfSpec>', 'WfSpec name')
    .argument('[variables...]', 'input variables as name=value (JSON for JSON_OBJ/JSON_ARR)')
    .option('--id <wfRunId>', 'the WfRun id (generated if left out)')
    .option('--majorVersion <n>', 'WfSpec major version (latest if left out)')
    .option('--revision <n>', 'WfSpec revision (needs --majorVersion)')
    .option('--parentWfRunId <id>', 'the parent WfRun of a child run')
    .option('--wait', 'wait until the WfRun is no longer RUNNING, then print it')
    .option('--wait-seconds <n>', `how long --wait waits (default ${DEFAULT_WAIT_SECONDS})`)
    .action(async (wfSpecName: string, vars: string[], flags: RunFlags) => {
      const client = cli.client();
      const version = versionOf(flags);
      const variables = await typedVariables(client, wfSpecName, version, vars);
      const wfRun = (await client.post('/wfRun', {
        wfSpecName, ...version, variables,
        ...(flags.id === undefined ? {} : { id: flags.id }),
        ...(flags.parentWfRunId === undefined ? {} : { parentWfRunId: flags.parentWfRunId }),
      })) as { id: string; status: string };
      const waitSeconds = integerOf('--wait-seconds', flags.waitSeconds) ?? DEFAULT_WAIT_SECONDS;
      cli.print(flags.wait ? await waitUntilNotRunning(client, wfRun, waitSeconds) : wfRun);
    });

  program
    .command('schedule')
    .description('run a WfSpec on a 5-field cron schedule: colt schedule "0 * * * *" report day=mon')
    .argument('<cron>', 'cron expression')
    .argument('<wfSpec>', 'WfSpec name')
    .argument('[variables...]', 'input variables as name=value')
    .option('--id <id>', 'the ScheduledWfRun id')
    .option('--majorVersion <n>', 'WfSpec major version')
    .option('--revision <n>', 'WfSpec revision')
    .option('--parentWfRunId <id>', 'each tick starts a child WfRun of this run')
    .action(async (cronExpression: string, wfSpecName: string, vars: string[], flags: RunFlags) => {
      const client = cli.client();
      const version = versionOf(flags);
      const variables = await typedVariables(client, wfSpecName, version, vars);
      const optional = { ...(flags.id === undefined ? {} : { id: flags.id }), ...(flags.parentWfRunId === undefined ? {} : { parentWfRunId: flags.parentWfRunId }) };
      cli.print(await client.post(SCHEDULE_PATH, { cronExpression, wfSpecName, ...version, variables, ...optional }));
    });
}

async function waitUntilNotRunning(client: ColtClient, wfRun: { id: string; status: string }, seconds: number): Promise<unknown> {
  const deadline = Date.now() + seconds * 1000;
  let current = wfRun;
  while (current.status === 'RUNNING') {
    if (Date.now() > deadline) throw new CliError(`WfRun ${wfRun.id} is still RUNNING after ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    current = (await client.get(`/wfRun/${seg(wfRun.id)}`)) as typeof wfRun;
  }
  return current;
}

function versionOf(flags: RunFlags): { majorVersion?: number; revision?: number } {
  const majorVersion = integerOf('--majorVersion', flags.majorVersion);
  const revision = integerOf('--revision', flags.revision);
  return { ...(majorVersion === undefined ? {} : { majorVersion }), ...(revision === undefined ? {} : { revision }) };
}

async function typedVariables(client: ColtClient, wfSpecName: string, version: { majorVersion?: number; revision?: number }, vars: string[]): Promise<Record<string, unknown>> {
  const pairs = keyValuePairs(vars);
  if (pairs.length === 0) return {};
  const spec = (await client.get(`/wfSpec/${seg(wfSpecName)}`, version)) as WfSpec;
  const types = new Map<string, PrimitiveType>(
    (spec.threadSpecs?.[spec.entrypointThreadName]?.variableDefs ?? []).map((v) => [v.varDef.name, v.varDef.typeDef.primitiveType]),
  );
  return Object.fromEntries(pairs.map(([name, text]) => [name, plainOf(name, text, types.get(name))]));
}
