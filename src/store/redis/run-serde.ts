// A RunState <-> the fields of its Redis hash. One field per object, so a commit writes only what changed.
import type { RunState, WfRun } from '../../engine/types.ts';

export const WF_RUN = 'wfRun';
export const NODE = 'node:';
export const VARIABLE = 'var:';
export const TASK = 'task:';
/** An ExternalEvent's field: `event:<defName>/<guid>`. */
export const EVENT = 'event:';
/** A UserTaskRun's field: `utask:<userTaskGuid>`. */
export const USER_TASK = 'utask:';
/** A WorkflowEvent's field: `wfevent:<defName>/<number>`. */
export const WF_EVENT = 'wfevent:';

/** The maps of a RunState, each with the prefix of its objects' fields (field = prefix + map key). */
const MAPS = [
  [NODE, 'nodeRuns'], [VARIABLE, 'variables'], [TASK, 'taskRuns'],
  [EVENT, 'externalEvents'], [USER_TASK, 'userTaskRuns'], [WF_EVENT, 'workflowEvents'],
] as const;

type ObjectMap = Record<string, unknown>;

/** Every object of a run with its field; with `skipUnread`, not those never read since loaded. */
function objectsOf(state: RunState, { skipUnread = false } = {}): Array<[string, unknown]> {
  const objects: Array<[string, unknown]> = [[WF_RUN, state.wfRun]];
  for (const [prefix, name] of MAPS) {
    const map = (state[name] ?? {}) as ObjectMap;
    // Only what was read (or added) since loading: its own parsed objects, not every key of the run.
    const source = (skipUnread && lazyMaps.get(map)?.parsed) || map;
    for (const key of Object.keys(source)) objects.push([prefix + key, source[key]]);
  }
  return objects;
}

export function toFields(state: RunState): Map<string, string> {
  return new Map(objectsOf(state).map(([field, object]) => [field, JSON.stringify(object)]));
}

/** Parses a run hash's fields (each object when it is first read); null when the hash holds no run. */
export function fromFields(raw: ReadonlyMap<string, string>): { state: RunState; version: number } | null {
  const wfRun = raw.get(WF_RUN);
  if (wfRun === undefined) return null;
  const stored = new Map(MAPS.map(([prefix]) => [prefix, new Map<string, string>()]));
  for (const [field, json] of raw) {
    const prefix = MAPS.find(([p]) => field.startsWith(p))?.[0];
    if (prefix) stored.get(prefix)!.set(field.slice(prefix.length), json);
  }
  const state: RunState = { wfRun: JSON.parse(wfRun) as WfRun, nodeRuns: {}, variables: {}, taskRuns: {} };
  for (const [prefix, name] of MAPS) {
    const objects = stored.get(prefix)!;
    // The optional maps stay absent when the run has none of their objects.
    if (objects.size > 0 || name in state) state[name] = (objects.size > LAZY_FROM ? parsedWhenRead(objects) : parsedNow(objects)) as never;
  }
  return { state, version: Number(raw.get('v') ?? 0) };
}

/** Maps of up to this many objects are parsed at once: for them a lazy view costs more than it saves. */
const LAZY_FROM = 32;

function parsedNow(json: Map<string, string>): ObjectMap {
  const map: ObjectMap = {};
  for (const [key, text] of json) map[key] = JSON.parse(text);
  return map;
}

/** Per map made by parsedWhenRead: the objects parsed or set so far, and the JSON of those not read yet. */
const lazyMaps = new WeakMap<object, { parsed: ObjectMap; json: Map<string, string> }>();

/**
 * A long run holds thousands of objects and a transition reads a few: this map parses each object
 * when it is first read, and one never read cannot have changed, so a commit does not serialize it
 * again (see changesOf). To every reader it is a plain object of the parsed values.
 */
function parsedWhenRead(json: Map<string, string>): ObjectMap {
  const parse = (target: ObjectMap, key: string | symbol) => {
    const text = typeof key === 'string' ? json.get(key) : undefined;
    if (text === undefined) return;
    json.delete(key as string);
    target[key as string] = JSON.parse(text);
  };
  const forget = (key: string | symbol) => typeof key === 'string' && json.delete(key);
  const parsed: ObjectMap = {};
  const map = new Proxy<ObjectMap>(parsed, {
    get: (target, key) => (parse(target, key), Reflect.get(target, key)),
    has: (target, key) => (typeof key === 'string' && json.has(key)) || Reflect.has(target, key),
    ownKeys: (target) => [...Reflect.ownKeys(target), ...json.keys()],
    // Listing keys must not parse: an unread object is described without its value (reading it parses).
    getOwnPropertyDescriptor: (target, key) =>
      typeof key === 'string' && json.has(key) ? { value: undefined, writable: true, enumerable: true, configurable: true } : Reflect.getOwnPropertyDescriptor(target, key),
    set: (target, key, value) => (forget(key), Reflect.set(target, key, value)),
    defineProperty: (target, key, descriptor) => (forget(key), Reflect.defineProperty(target, key, descriptor)),
    deleteProperty: (target, key) => (forget(key), Reflect.deleteProperty(target, key)),
  });
  lazyMaps.set(map, { parsed, json });
  return map;
}

/**
 * After a commit (`fields`: the run's fields as now stored): each large map forgets the objects read
 * since loading, keeping their JSON, so that the next transition of this same state re-checks only
 * what it reads in turn; a plain map that grew large becomes a lazy one.
 */
export function settle(state: RunState, fields: ReadonlyMap<string, string>): void {
  for (const [prefix, name] of MAPS) {
    const map = state[name] as ObjectMap | undefined;
    if (!map) continue;
    const lazy = lazyMaps.get(map);
    if (lazy) {
      for (const key of Object.keys(lazy.parsed)) {
        lazy.json.set(key, fields.get(prefix + key)!);
        delete lazy.parsed[key];
      }
    } else if (Object.keys(map).length > LAZY_FROM) {
      state[name] = parsedWhenRead(new Map(Object.keys(map).map((key) => [key, fields.get(prefix + key)!]))) as never;
    }
  }
}

/** One changed field of a commit, its stored and its new object parsed once, for indexes and metrics. */
export interface ChangedObject { field: string; before: unknown; after: unknown }

/** Changed fields given as `[field, json, ...]`, with their stored objects parsed. */
export function parseChanges(stored: Map<string, string> | null, changed: string[]): ChangedObject[] {
  const changes: ChangedObject[] = [];
  for (let i = 0; i < changed.length; i += 2) {
    const field = changed[i]!;
    changes.push({ field, before: parseIfAny(stored?.get(field)), after: JSON.parse(changed[i + 1]!) });
  }
  return changes;
}

/**
 * The fields of `after` that differ from what is stored (`[field, json, ...]`; objects are never
 * deleted within a run), and those changes with the stored object parsed and the new one as it is.
 * Objects not read since they were loaded are not looked at.
 */
export function changesOf(stored: Map<string, string> | null, after: RunState): { fields: string[]; changes: ChangedObject[] } {
  const fields: string[] = [];
  const changes: ChangedObject[] = [];
  for (const [field, object] of objectsOf(after, { skipUnread: true })) {
    const json = JSON.stringify(object);
    const old = stored?.get(field);
    if (old === json) continue;
    fields.push(field, json);
    changes.push({ field, before: parseIfAny(old), after: object });
  }
  return { fields, changes };
}

const parseIfAny = (json: string | undefined): unknown => (json === undefined ? undefined : JSON.parse(json));
