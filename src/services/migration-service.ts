// MigrateWfSpec: moves the RUNNING WfRuns of one WfSpec version that sit on waiting nodes onto a
// newer version, one version-checked commit per WfRun (see engine/migration.ts for the rules).
import { ColtError, invalidArgument } from '../errors.ts';
import { migrateRun, type WfSpecMigration } from '../engine/migration.ts';
import type { WfSpec, WfSpecId } from '../engine/types.ts';
import { checkName } from '../ids.ts';
import type { Definitions } from '../apply/definitions.ts';
import type { RedisRunStore } from '../store/redis/run-store.ts';
import type { RedisSearchStore } from '../store/redis/search-store.ts';

export interface MigrateWfSpecRequest { oldWfSpec: WfSpecId; migration: WfSpecMigration }

export interface MigrateWfSpecResponse {
  /** The new version the WfRuns were moved to. */
  wfSpec: WfSpec;
  migratedWfRunIds: string[];
  /** WfRuns of the old version left where they are, and why. */
  notMigrated: Array<{ wfRunId: string; reason: string }>;
}

const MAX_ATTEMPTS = 10;

export class MigrationService {
  constructor(
    private readonly runs: RedisRunStore,
    private readonly search: RedisSearchStore,
    private readonly definitions: Definitions,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async migrateWfSpec(tenant: string, req: MigrateWfSpecRequest): Promise<MigrateWfSpecResponse> {
    const name = checkName('oldWfSpec.name', req.oldWfSpec.name);
    const from = await this.definitions.resolveWfSpec(tenant, name, req.oldWfSpec);
    const { newMajorVersion, newRevision } = req.migration;
    if (newMajorVersion < from.id.majorVersion || (newMajorVersion === from.id.majorVersion && newRevision <= from.id.revision)) {
      throw invalidArgument('migration.newMajorVersion: the new version must be newer than oldWfSpec', { field: 'migration.newMajorVersion' });
    }
    const to = await this.definitions.resolveWfSpec(tenant, name, { majorVersion: newMajorVersion, revision: newRevision });
    checkThreadMappings(to, req.migration);
    const result: MigrateWfSpecResponse = { wfSpec: to, migratedWfRunIds: [], notMigrated: [] };
    for (const wfRunId of await this.search.activeRunsOfVersion(tenant, from.id)) {
      const outcome = await this.migrateOne(tenant, wfRunId, from.id, to, req.migration);
      if (outcome === 'migrated') result.migratedWfRunIds.push(wfRunId);
      else if (outcome !== 'gone') result.notMigrated.push({ wfRunId, reason: outcome.refused });
    }
    return result;
  }

  private async migrateOne(tenant: string, wfRunId: string, from: WfSpecId, to: WfSpec, migration: WfSpecMigration) {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const loaded = await this.runs.load(tenant, wfRunId);
      const id = loaded?.state.wfRun.wfSpecId;
      if (!loaded || id?.majorVersion !== from.majorVersion || id.revision !== from.revision) return 'gone' as const;
      const next = migrateRun(loaded.state, to, migration, this.clock().toISOString());
      if ('refused' in next) return next;
      if (await this.runs.commit(tenant, loaded, next, { spec: to })) return 'migrated' as const;
    }
    throw new ColtError('UNAVAILABLE', `WfRun ${wfRunId} is changing too fast to migrate; try again`);
  }
}

/** Every mapping names a ThreadSpec and nodes of the new version (400 naming the field otherwise). */
function checkThreadMappings(to: WfSpec, migration: WfSpecMigration): void {
  for (const [oldThread, mapping] of Object.entries(migration.threadSpecMigrations ?? {})) {
    const field = `migration.threadSpecMigrations.${oldThread}`;
    const thread = to.threadSpecs[mapping.newThreadSpecName];
    if (!thread) throw invalidArgument(`${field}.newThreadSpecName: no ThreadSpec '${mapping.newThreadSpecName}' in the new version`, { field: `${field}.newThreadSpecName` });
    for (const [oldNode, { newNodeName }] of Object.entries(mapping.nodeMigrations ?? {})) {
      if (!thread.nodes[newNodeName]) {
        const nodeField = `${field}.nodeMigrations.${oldNode}.newNodeName`;
        throw invalidArgument(`${nodeField}: no node '${newNodeName}' in ThreadSpec '${mapping.newThreadSpecName}'`, { field: nodeField });
      }
    }
  }
}
