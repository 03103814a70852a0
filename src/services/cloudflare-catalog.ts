// Reads shared by the Cloudflare-compatible services: the WfSpec behind a workflow name, ids derived
// for workflows and versions, the terminated markers, and instance counts per Cloudflare status.
import { createHash } from 'node:crypto';
import type { LHStatus, WfSpec, WfSpecId } from '../engine/types.ts';
import { isValidName } from '../ids.ts';
import type { IndexMember, RedisCloudflareStore } from '../store/redis/cloudflare-store.ts';
import type { RedisMetadataStore } from '../store/redis/metadata-store.ts';
import { workflowNotFound } from './cloudflare-errors.ts';
import { INSTANCE_STATUSES, instanceStatusOf, type InstanceStatus } from './cloudflare-status.ts';

/** What a WfSpec-backed workflow reports as its class and script. */
export const WFSPEC_CLASS_NAME = 'WfSpec';
export const WFSPEC_SCRIPT_NAME = 'wfspec';
/** Cloudflare's limit on workflow names; longer WfSpec names are not served as workflows. */
export const MAX_WORKFLOW_NAME = 64;

export class CloudflareCatalog {
  constructor(
    private readonly metadata: RedisMetadataStore,
    private readonly store: RedisCloudflareStore,
  ) {}

  /** Names of the tenant's WfSpecs that are served as workflows, oldest first (some may have no version left). */
  async workflowNames(tenant: string): Promise<string[]> {
    return (await this.metadata.wfSpecNames(tenant)).filter((n) => n.length <= MAX_WORKFLOW_NAME);
  }

  /** The versions of the WfSpec named `name`, oldest first; workflow not found (10200) when there are none. */
  async versions(tenant: string, name: string): Promise<WfSpec[]> {
    const versions = await this.findVersions(tenant, name);
    if (versions.length === 0) throw workflowNotFound(name);
    return versions;
  }

  /** The versions of the WfSpec named `name`, oldest first; none if it is not a WfSpec served as a workflow. */
  async findVersions(tenant: string, name: string): Promise<WfSpec[]> {
    return isValidName(name) && name.length <= MAX_WORKFLOW_NAME ? this.metadata.wfSpecVersions(tenant, name) : [];
  }

  /** The ids among `members` (runs in HALTED or HALTING) that were terminated through the Cloudflare API. */
  async terminated(tenant: string, members: IndexMember[]): Promise<Set<string>> {
    const records = await this.store.records(tenant, members.map((m) => m.id));
    return new Set(
      members.filter((m, i) => {
        const r = records[i];
        return r?.terminatedAt !== undefined && Date.parse(r.startTime) === m.score;
      }).map((m) => m.id),
    );
  }

  /** Instance counts of the workflow by Cloudflare status (every status present, zeros included). */
  async instanceCounts(tenant: string, name: string): Promise<Record<InstanceStatus, number>> {
    const byLh = await this.store.countsByStatus(tenant, name);
    const counts = Object.fromEntries(INSTANCE_STATUSES.map((s) => [s, 0])) as Record<InstanceStatus, number>;
    for (const [status, n] of Object.entries(byLh) as Array<[LHStatus, number]>) {
      if (status !== 'HALTED' && status !== 'HALTING') counts[instanceStatusOf(status, false)] += n;
    }
    for (const status of ['HALTED', 'HALTING'] as const) {
      if (byLh[status] === 0) continue;
      const members = await this.store.members(tenant, name, status, { desc: false });
      const terminated = await this.terminated(tenant, members);
      counts.terminated += terminated.size;
      counts[instanceStatusOf(status, false)] += members.length - terminated.size;
    }
    return counts;
  }
}

/** A workflow's id: a UUID derived from the tenant and the WfSpec name. */
export function workflowIdOf(tenant: string, name: string): string {
  return derivedUuid(`wfspec/${tenant}/${name}`);
}

/** A version's id: a UUID derived from the tenant and the WfSpec version. */
export function versionIdOf(tenant: string, id: WfSpecId): string {
  return derivedUuid(`wfspec/${tenant}/${id.name}/${id.majorVersion}.${id.revision}`);
}

/** A name-based UUID (RFC 9562 version 5 layout over SHA-256), stable for the same input. */
function derivedUuid(input: string): string {
  const bytes = createHash('sha256').update(input).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
