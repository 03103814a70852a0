// PutUserTaskDef (an identical put returns the latest version, a changed one adds a version),
// GetUserTaskDef, GetLatestUserTaskDef, DeleteUserTaskDef and SearchUserTaskDef.
import { isDeepStrictEqual } from 'node:util';
import { ColtError, invalidArgument, notFound } from '../errors.ts';
import { normalizeUserTaskDef, type PutUserTaskDefRequest, type UserTaskDefBody } from '../engine/user-task-specs.ts';
import type { UserTaskDef, UserTaskDefId } from '../engine/user-task-types.ts';
import { checkName } from '../ids.ts';
import type { Bookmarks } from '../store/bookmarks.ts';
import type { RedisUserTaskDefStore } from '../store/redis/user-task-def-store.ts';
import { pageInMemory, pageRequest, resultPage, type PageQuery, type ResultPage } from './paging.ts';

export interface SearchUserTaskDefRequest extends PageQuery { prefix?: string; name?: string }

export class UserTaskDefService {
  constructor(
    private readonly store: RedisUserTaskDefStore,
    private readonly bookmarks: Bookmarks,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async put(tenant: string, req: PutUserTaskDefRequest): Promise<UserTaskDef> {
    const body = normalizeUserTaskDef(req);
    for (let attempt = 0; attempt < 5; attempt++) {
      const latest = (await this.store.versions(tenant, body.name)).at(-1);
      if (latest && isDeepStrictEqual(bodyOf(latest), body)) return latest;
      const def: UserTaskDef = { ...body, version: latest ? latest.version + 1 : 0, createdAt: this.clock().toISOString() };
      if (await this.store.addVersion(tenant, def)) return def;
    }
    throw new ColtError('UNAVAILABLE', `UserTaskDef ${body.name} is being changed concurrently; try again`);
  }

  async get(tenant: string, name: string, version: number): Promise<UserTaskDef> {
    const def = await this.store.get(tenant, checkName('name', name), checkVersion(version));
    if (!def) throw notFound(`UserTaskDef ${name} version ${version} does not exist`);
    return def;
  }

  async latest(tenant: string, name: string): Promise<UserTaskDef> {
    const def = (await this.store.versions(tenant, checkName('name', name))).at(-1);
    if (!def) throw notFound(`UserTaskDef ${name} does not exist`);
    return def;
  }

  async delete(tenant: string, name: string, version: number): Promise<void> {
    if (!(await this.store.delete(tenant, checkName('name', name), checkVersion(version)))) {
      throw notFound(`UserTaskDef ${name} version ${version} does not exist`);
    }
  }

  /** Ids by name, then version; by exact `name` or name `prefix` (not both). */
  async search(tenant: string, req: SearchUserTaskDefRequest): Promise<ResultPage<UserTaskDefId>> {
    if (req.name !== undefined && req.prefix !== undefined) throw invalidArgument('prefix: give name or prefix, not both', { field: 'prefix' });
    if (req.name !== undefined) checkName('name', req.name);
    const names = (await this.store.names(tenant)).filter((n) => (req.name === undefined || n === req.name) && (req.prefix === undefined || n.startsWith(req.prefix)));
    const versions = await this.store.versionNumbers(tenant, names);
    const ids = names.flatMap((name) => (versions.get(name) ?? []).map((version) => ({ name, version })));
    const { page, items } = pageInMemory(ids, (id) => [id.name, id.version], pageRequest(this.bookmarks, req));
    return resultPage(this.bookmarks, page, items);
  }

  /** The version numbers of each name, for PutWfSpec to pin USER_TASK nodes. */
  versionNumbers(tenant: string, names: string[]): Promise<Map<string, number[]>> {
    return this.store.versionNumbers(tenant, names);
  }

  /** The exact version a UserTaskRun was created for. */
  async forRun(tenant: string, id: UserTaskDefId): Promise<UserTaskDef> {
    const def = await this.store.get(tenant, id.name, id.version);
    if (!def) throw new ColtError('FAILED_PRECONDITION', `UserTaskDef ${id.name} version ${id.version} no longer exists`);
    return def;
  }
}

function bodyOf(def: UserTaskDef): UserTaskDefBody {
  const { version: _v, createdAt: _c, ...body } = def;
  return body;
}

function checkVersion(version: number): number {
  if (!Number.isSafeInteger(version) || version < 0) throw invalidArgument('version must be a non-negative integer', { field: 'version' });
  return version;
}
