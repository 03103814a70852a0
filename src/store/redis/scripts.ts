// Colt's Lua scripts, registered on an ioredis connection as commands.
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

const lua = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');

const SCRIPTS = {
  coltCommitRun: lua('commit-run'),
  coltClearOutbox: lua('clear-outbox'),
  coltDeleteRun: lua('delete-run'),
} as const;

type ScriptName = keyof typeof SCRIPTS;
export type ScriptedRedis = Redis & Record<ScriptName, (...args: Array<string | number>) => Promise<number>>;

/** Defines Colt's scripts on `redis` (idempotent) and returns it typed with them. */
export function withScripts(redis: Redis): ScriptedRedis {
  for (const [name, source] of Object.entries(SCRIPTS)) {
    if (!(name in redis)) redis.defineCommand(name, { lua: source });
  }
  return redis as ScriptedRedis;
}

/** Calls a script whose keys vary in number: numKeys, keys..., args... */
export function callScript(redis: ScriptedRedis, name: ScriptName, keys: string[], args: Array<string | number>): Promise<number> {
  return redis[name](keys.length, ...keys, ...args);
}
