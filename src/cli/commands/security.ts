// `colt tenant put|get|search`, `colt principal put|get|search|delete`, `colt apikey create|list|revoke`:
// administration of tenants, principals and their API keys (needs an admin's --api-key).
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CliError } from '../client.ts';
import type { CliContext } from '../cli-context.ts';

interface PrincipalFlags { file?: string; admin?: boolean; grant?: string[]; overwrite?: boolean }

export function securityCommands(program: Command, cli: CliContext): void {
  const tenant = program.command('tenant').description('tenants: put <id>, get <id>, search');
  tenant.command('put').argument('<id>').action(async (id: string) => cli.print(await cli.client().post('/tenant', { id })));
  tenant.command('get').argument('<id>').action(async (id: string) => cli.print(await cli.client().get(`/tenant/${encodeURIComponent(id)}`)));
  tenant.command('search').option('--limit <n>').option('--bookmark <b>')
    .action(async (q: { limit?: string; bookmark?: string }) => cli.print(await cli.client().get('/tenant/search', q)));

  const principal = program.command('principal').description('principals: put, get, search, delete');
  principal.command('put')
    .description('create a principal: --admin, or --grant <tenant>=<ACTION,...> (over all resources of that tenant), or --file with PutPrincipal JSON')
    .argument('<id>')
    .option('--admin', 'global ALL_ACTIONS over ACL_ALL_RESOURCES')
    .option('--grant <grant...>', 'e.g. --grant acme=READ,RUN')
    .option('--file <file>', 'a PutPrincipal request body (JSON)')
    .option('--overwrite', 'replace the ACLs of an existing principal')
    .action(async (id: string, flags: PrincipalFlags) => cli.print(await cli.client().post('/principal', await principalRequest(id, flags))));
  principal.command('get').argument('<id>').action(async (id: string) => cli.print(await cli.client().get(`/principal/${encodeURIComponent(id)}`)));
  principal.command('delete').argument('<id>').action(async (id: string) => cli.print(await cli.client().delete(`/principal/${encodeURIComponent(id)}`)));
  principal.command('search').option('--admin', 'admins only').option('--tenant-id <id>').option('--limit <n>').option('--bookmark <b>')
    .action(async (q: { admin?: boolean; tenantId?: string; limit?: string; bookmark?: string }) => {
      cli.print(await cli.client().get('/principal/search', { isAdmin: q.admin, tenantId: q.tenantId, limit: q.limit, bookmark: q.bookmark }));
    });

  const apiKey = program.command('apikey').description("a principal's API keys: create, list, revoke");
  apiKey.command('create').description('issue a key (printed once; Colt keeps only its hash)').argument('<principal>')
    .action(async (id: string) => cli.print(await cli.client().post(`/principal/${encodeURIComponent(id)}/apiKey`)));
  apiKey.command('list').argument('<principal>')
    .action(async (id: string) => cli.print(await cli.client().get(`/principal/${encodeURIComponent(id)}/apiKey`)));
  apiKey.command('revoke').argument('<principal>').argument('<keyId>')
    .action(async (id: string, keyId: string) => cli.print(await cli.client().delete(`/principal/${encodeURIComponent(id)}/apiKey/${encodeURIComponent(keyId)}`)));
  for (const group of [tenant, principal, apiKey]) for (const command of group.commands) command.exitOverride();
}

async function principalRequest(id: string, flags: PrincipalFlags): Promise<unknown> {
  if (flags.file) return { ...(JSON.parse(await readFile(flags.file, 'utf8')) as object), id, ...(flags.overwrite ? { overwrite: true } : {}) };
  const perTenantAcls: Record<string, { acls: unknown[] }> = {};
  for (const grant of flags.grant ?? []) {
    const [tenant, actions] = grant.split('=');
    if (!tenant || !actions) throw new CliError(`--grant takes <tenant>=<ACTION,...>, got '${grant}'`);
    perTenantAcls[tenant] = { acls: [{ resources: ['ACL_ALL_RESOURCES'], allowedActions: actions.split(',') }] };
  }
  const globalAcls = { acls: flags.admin ? [{ resources: ['ACL_ALL_RESOURCES'], allowedActions: ['ALL_ACTIONS'] }] : [] };
  return { id, perTenantAcls, globalAcls, ...(flags.overwrite ? { overwrite: true } : {}) };
}
