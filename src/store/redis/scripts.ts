// Colt's Lua scripts, registered on an ioredis connection as commands.
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { ADD_STANDARD_JOB } from '../../dispatch/fused-add.ts';

const lua = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
const commitBody = lua('commit-run');

const SCRIPTS = {
  coltCommitRun: `local KO, AO = 0, 0\n${commitBody}\nreturn version\n`,
  coltCommitRunAndAdd: `local KO, AO = ${ADD_STANDARD_JOB.keys}, 3\n${commitBody}\n${ADD_STANDARD_JOB.content}`,
  coltClearOutbox: lua('clear-outbox'),
  coltDeleteRun: lua('delete-run'),
  coltReadRunUnlessAt: lua('read-run-unless-at'),
  coltClaimDueTimers: lua('claim-due-timers'),
  coltCompleteTimer: lua('complete-timer'),
  coltKeepPendingEvent: lua('keep-pending-event'),
  coltPutCorrelatedEvent: lua('put-correlated-event'),
  coltAwaitCorrelatedEvent: lua('await-correlated-event'),
  coltForgetRunFields: lua('forget-run-fields'),
} as const;

type ScriptName = keyof typeof SCRIPTS;
type Arg = string | number | Buffer;
export type ScriptedRedis = Redis & Record<ScriptName, (...args: Arg[]) => Promise<unknown>>;

/** Defines Colt's scripts on `redis` (idempotent) and returns it typed with them. */
export function withScripts(redis: Redis): ScriptedRedis {
  for (const [name, source] of Object.entries(SCRIPTS)) {
    if (!(name in redis)) redis.defineCommand(name, { lua: source });
  }
  return redis as ScriptedRedis;
}

/** Calls a script whose keys vary in number: numKeys, keys..., args... */
export function callScript(redis: ScriptedRedis, name: ScriptName, keys: string[], args: Arg[]): Promise<unknown> {
  return redis[name](keys.length, ...keys, ...args);
}
