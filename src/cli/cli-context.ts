// What every verb needs: the client for the resolved settings, and printing in the chosen format.
import type { Command } from 'commander';
import { CliError, ColtClient } from './client.ts';
import { render } from './output.ts';
import { resolveSettings, type CliSettings, type GlobalFlags } from './settings.ts';
import type { ObjectRoute } from './routes.ts';

export class CliContext {
  constructor(private readonly program: Command) {}

  settings(): CliSettings {
    return resolveSettings(this.program.opts<GlobalFlags>());
  }

  client(): ColtClient {
    return new ColtClient(this.settings());
  }

  /** Prints an answer; an empty answer prints `{}` so scripts always get JSON. */
  print(value: unknown): void {
    const text = render(value ?? {}, this.settings().output);
    if (text !== '') process.stdout.write(`${text}\n`);
  }
}

/** Checks the ids given for an object against its route: required ones present, no extra ones. */
export function checkIds(verb: string, object: string, route: ObjectRoute, ids: string[]): void {
  const required = route.ids.filter((id) => !id.endsWith('?')).length;
  if (ids.length < required || ids.length > route.ids.length) {
    const usage = route.ids.map((id) => (id.endsWith('?') ? `[${id.slice(0, -1)}]` : `<${id}>`)).join(' ');
    throw new CliError(`${verb} ${object} takes ${usage}`);
  }
}

/** An integer option or argument, refused with its name when it is not one. */
export function integerOf(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new CliError(`${name} must be a non-negative integer, got '${text}'`);
  return n;
}
