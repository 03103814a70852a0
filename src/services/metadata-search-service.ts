// SearchTaskDef, SearchExternalEventDef (by name prefix) and SearchWfSpec (by name, prefix, or the
// TaskDef its versions use): ids in name order (then version), paged with bookmark and limit.
import { invalidArgument } from '../errors.ts';
import type { WfSpec, WfSpecId } from '../engine/types.ts';
import { taskDefNames } from '../apply/definitions.ts';
import { checkName } from '../ids.ts';
import type { Bookmarks } from '../store/bookmarks.ts';
import type { RedisExternalEventStore } from '../store/redis/external-event-store.ts';
import type { RedisMetadataStore } from '../store/redis/metadata-store.ts';
import { pageInMemory, pageRequest, resultPage, type PageQuery, type ResultPage } from './paging.ts';

export interface SearchByPrefixRequest extends PageQuery { prefix?: string }
export interface SearchWfSpecRequest extends SearchByPrefixRequest { name?: string; taskDefName?: string }

export class MetadataSearchService {
  constructor(
    private readonly metadata: RedisMetadataStore,
    private readonly externalEvents: RedisExternalEventStore,
    private readonly bookmarks: Bookmarks,
  ) {}

  async searchTaskDef(tenant: string, req: SearchByPrefixRequest): Promise<ResultPage<{ name: string }>> {
    const names = (await this.metadata.listTaskDefs(tenant)).map((d) => d.id.name);
    return this.namesPage(names, req);
  }

  async searchExternalEventDef(tenant: string, req: SearchByPrefixRequest): Promise<ResultPage<{ name: string }>> {
    const names = (await this.externalEvents.listDefs(tenant)).map((d) => d.id.name);
    return this.namesPage(names, req);
  }

  /** At most one of `name`, `prefix` and `taskDefName`; none: every WfSpec version. */
  async searchWfSpec(tenant: string, req: SearchWfSpecRequest): Promise<ResultPage<WfSpecId>> {
    const given = (['name', 'prefix', 'taskDefName'] as const).filter((f) => req[f] !== undefined);
    if (given.length > 1) throw invalidArgument(`${given[1]}: give only one of name, prefix and taskDefName`, { field: given[1] });
    if (req.name !== undefined) checkName('name', req.name);
    if (req.taskDefName !== undefined) checkName('taskDefName', req.taskDefName);
    const names = (await this.metadata.wfSpecNames(tenant)).filter(
      (n) => (req.name === undefined || n === req.name) && (req.prefix === undefined || n.startsWith(req.prefix)),
    );
    let specs = (await Promise.all(names.map((n) => this.metadata.wfSpecVersions(tenant, n)))).flat();
    if (req.taskDefName !== undefined) specs = specs.filter((s) => usesTaskDef(s, req.taskDefName!));
    const { page, items } = pageInMemory(specs, (s) => [s.id.name, s.id.majorVersion, s.id.revision], pageRequest(this.bookmarks, req));
    return resultPage(this.bookmarks, page, items.map((s) => s.id));
  }

  private namesPage(names: string[], req: SearchByPrefixRequest): ResultPage<{ name: string }> {
    const matching = names.filter((n) => req.prefix === undefined || n.startsWith(req.prefix));
    const { page, items } = pageInMemory(matching, (n) => [n], pageRequest(this.bookmarks, req));
    return resultPage(this.bookmarks, page, items.map((name) => ({ name })));
  }
}

export function usesTaskDef(spec: WfSpec, taskDefName: string): boolean {
  return taskDefNames(spec).includes(taskDefName);
}
