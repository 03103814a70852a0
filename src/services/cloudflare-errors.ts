// Errors of the Cloudflare-compatible surface: a ColtError (so its HTTP status follows Colt's codes)
// that also carries the numeric code Cloudflare's envelope shows in `errors[].code`.
import { ColtError, type ErrorCode } from '../errors.ts';

/**
 * `errors[].code` values. 10001, 10200 and 10400 are Cloudflare's; the others are Colt's choice where
 * Cloudflare's are not known (see openapi/cloudflare.yaml).
 */
export const CF_CODE = {
  INTERNAL: 10001,
  INVALID_INPUT: 10002,
  ROUTE_NOT_FOUND: 10003,
  BODY_TOO_LARGE: 10004,
  NOT_IMPLEMENTED: 10005,
  FAILED_PRECONDITION: 10006,
  EVENT_TYPE_NOT_FOUND: 10007,
  WORKFLOW_NOT_FOUND: 10200,
  WORKFLOW_HAS_INSTANCES: 10201,
  VERSION_NOT_FOUND: 10202,
  NOT_A_CODE_WORKFLOW: 10203,
  INSTANCE_NOT_FOUND: 10400,
  INSTANCE_ALREADY_EXISTS: 10401,
  INSTANCE_INVALID_ID: 10402,
  INSTANCE_CANNOT_TERMINATE: 10403,
  INSTANCE_CANNOT_RESTART: 10404,
  STEP_NOT_FOUND: 10405,
} as const;

export type CfCode = (typeof CF_CODE)[keyof typeof CF_CODE];

/** The `errors[].code` of a ColtError that does not name one. */
export const CF_CODE_OF: Record<ErrorCode, CfCode> = {
  INVALID_ARGUMENT: CF_CODE.INVALID_INPUT,
  NOT_FOUND: CF_CODE.ROUTE_NOT_FOUND,
  ALREADY_EXISTS: CF_CODE.INSTANCE_ALREADY_EXISTS,
  FAILED_PRECONDITION: CF_CODE.FAILED_PRECONDITION,
  UNAUTHENTICATED: CF_CODE.INVALID_INPUT,
  PERMISSION_DENIED: CF_CODE.INVALID_INPUT,
  RESOURCE_EXHAUSTED: CF_CODE.BODY_TOO_LARGE,
  UNIMPLEMENTED: CF_CODE.NOT_IMPLEMENTED,
  UNAVAILABLE: CF_CODE.INTERNAL,
  DEADLINE_EXCEEDED: CF_CODE.INTERNAL,
  INTERNAL: CF_CODE.INTERNAL,
};

export class CloudflareApiError extends ColtError {
  constructor(code: ErrorCode, readonly cfCode: CfCode, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
    this.name = 'CloudflareApiError';
  }
}

export const workflowNotFound = (name: string) =>
  new CloudflareApiError('NOT_FOUND', CF_CODE.WORKFLOW_NOT_FOUND, `Workflow not found: ${name}`);
export const versionNotFound = (id: string) =>
  new CloudflareApiError('NOT_FOUND', CF_CODE.VERSION_NOT_FOUND, `Version not found: ${id}`);
export const instanceNotFound = (id: string, cause?: unknown) =>
  new CloudflareApiError('NOT_FOUND', CF_CODE.INSTANCE_NOT_FOUND, `(instance.not_found) Instance not found: ${id}`, { cause });
export const instanceAlreadyExists = (id: string, cause?: unknown) =>
  new CloudflareApiError('ALREADY_EXISTS', CF_CODE.INSTANCE_ALREADY_EXISTS, `(instance.already_exists) Instance already exists: ${id}`, { cause });
