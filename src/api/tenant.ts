// The LittleHorse-style surface takes the tenant from the `Tenant-Id` header.
import type { Request } from 'express';
import { checkName } from '../ids.ts';

export const DEFAULT_TENANT = 'default';

export function tenantOf(req: Request): string {
  const header = req.header('Tenant-Id');
  return header === undefined ? DEFAULT_TENANT : checkName('Tenant-Id', header);
}
