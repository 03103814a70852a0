// Where the CLI sends its requests and as whom: flags first, then environment variables
// (COLT_API_URL, COLT_TENANT, COLT_API_KEY), then a JSON config file (COLT_CONFIG, or
// ~/.config/colt/config.json: `{"apiUrl": ..., "tenant": ..., "apiKey": ...}`), then defaults.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './client.ts';

export type OutputFormat = 'json' | 'table';

export interface CliSettings {
  apiUrl: string;
  tenant: string;
  apiKey?: string;
  output: OutputFormat;
}

export interface GlobalFlags {
  api?: string;
  tenant?: string;
  apiKey?: string;
  output?: string;
  config?: string;
}

export const DEFAULT_API_URL = 'http://localhost:2023';

export function resolveSettings(flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env): CliSettings {
  const file = readConfigFile(flags.config ?? env.COLT_CONFIG ?? join(homedir(), '.config', 'colt', 'config.json'), flags.config ?? env.COLT_CONFIG);
  const output = flags.output ?? env.COLT_OUTPUT ?? file.output ?? 'json';
  if (output !== 'json' && output !== 'table') throw new CliError(`--output must be json or table, got '${output}'`);
  const apiKey = flags.apiKey ?? env.COLT_API_KEY ?? file.apiKey;
  return {
    apiUrl: flags.api ?? env.COLT_API_URL ?? file.apiUrl ?? DEFAULT_API_URL,
    tenant: flags.tenant ?? env.COLT_TENANT ?? file.tenant ?? 'default',
    ...(apiKey ? { apiKey } : {}),
    output,
  };
}

/** The config file's settings; a file named explicitly must exist, the default one may not. */
function readConfigFile(path: string, explicit: string | undefined): Partial<Record<'apiUrl' | 'tenant' | 'apiKey' | 'output', string>> {
  if (!existsSync(path)) {
    if (explicit !== undefined) throw new CliError(`config file ${path} does not exist`);
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Record<string, string>;
  } catch (err) {
    throw new CliError(`config file ${path}: ${(err as Error).message}`);
  }
}
