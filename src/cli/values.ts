// Turning command-line text into Colt values: `var=value` pairs for `run`, typed by the WfSpec's
// declared variables, and typed event payloads for `postEvent`.
import type { PrimitiveType, VariableValue } from '../engine/types.ts';
import { fromPlain, ValueError } from '../engine/values.ts';
import { CliError } from './client.ts';

export const PRIMITIVE_TYPES: PrimitiveType[] = ['STR', 'INT', 'DOUBLE', 'BOOL', 'JSON_OBJ', 'JSON_ARR', 'BYTES', 'WF_RUN_ID', 'TIMESTAMP'];

/** Splits `name=value` arguments (the value may itself contain `=`). */
export function keyValuePairs(args: string[]): Array<[string, string]> {
  return args.map((arg) => {
    const at = arg.indexOf('=');
    if (at <= 0) throw new CliError(`'${arg}' is not of the form name=value`);
    return [arg.slice(0, at), arg.slice(at + 1)];
  });
}

/** The plain JSON value of `text` for a variable of `type`; untyped text is JSON if it parses, else a string. */
export function plainOf(name: string, text: string, type: PrimitiveType | undefined): unknown {
  switch (type) {
    case 'STR': case 'BYTES': case 'WF_RUN_ID': case 'TIMESTAMP':
      return text;
    case 'INT': case 'DOUBLE': {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) throw new CliError(`${name}: expected a number, got '${text}'`);
      return n;
    }
    case 'BOOL':
      if (text !== 'true' && text !== 'false') throw new CliError(`${name}: expected true or false, got '${text}'`);
      return text === 'true';
    case 'JSON_OBJ': case 'JSON_ARR':
      return parseJson(name, text);
    case undefined:
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
  }
}

/** A typed VariableValue (`{str: ...}`, `{int: ...}`...) from text, e.g. an event payload. */
export function variableValueOf(name: string, type: string, text: string): VariableValue {
  const upper = type.toUpperCase() as PrimitiveType;
  if (!PRIMITIVE_TYPES.includes(upper)) throw new CliError(`${name}: unknown type '${type}' (one of ${PRIMITIVE_TYPES.join(', ')})`);
  try {
    return fromPlain(upper, plainOf(name, text, upper));
  } catch (err) {
    if (err instanceof ValueError) throw new CliError(`${name}: ${err.message}`);
    throw err;
  }
}

export function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${name}: not valid JSON (${(err as Error).message})`);
  }
}
