// Ids that reach Redis keys are checked here first: LittleHorse's "valid hostname" rule for
// names and client-chosen WfRun ids, and 32-hex guids for ids Colt makes itself.
import { randomUUID } from 'node:crypto';
import { invalidArgument } from './errors.ts';

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/;
const MAX_NAME_LENGTH = 128;
/** Path segments that are routes of their own, so they can never be ids. */
const RESERVED = new Set(['search', 'latest']);

export function isValidName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= MAX_NAME_LENGTH && NAME.test(name) && !RESERVED.has(name);
}

/** Throws INVALID_ARGUMENT naming `field` unless `value` is a valid name or id. */
export function checkName(field: string, value: unknown): string {
  if (!isValidName(value)) {
    throw invalidArgument(
      `${field} must be 1-${MAX_NAME_LENGTH} characters of [A-Za-z0-9-], not starting or ending with '-'` +
        ` (and not a reserved word such as 'search')`,
      { field },
    );
  }
  return value;
}

/** A WfRun id: a name, or a child's `parent_child` chain of names. */
export function checkWfRunId(field: string, value: unknown): string {
  if (typeof value !== 'string' || !value.split('_').every(isValidName)) {
    throw invalidArgument(`${field} must be an id of [A-Za-z0-9-] (child runs: parent_child)`, { field });
  }
  return value;
}

export function newGuid(): string {
  return randomUUID().replaceAll('-', '');
}
