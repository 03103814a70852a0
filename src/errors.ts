// Colt's one error hierarchy: every error a caller can see carries a stable code,
// and the API maps the code to an HTTP status. Nothing else leaves a request.

export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'UNAVAILABLE'
  /** A long-poll (AwaitWorkflowEvent) reached the caller's deadline. */
  | 'DEADLINE_EXCEEDED'
  | 'UNIMPLEMENTED'
  | 'INTERNAL';

export const HTTP_STATUS_OF: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 412,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

export class ColtError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ColtError';
  }
}

export const invalidArgument = (message: string, details?: unknown) =>
  new ColtError('INVALID_ARGUMENT', message, details);
export const notFound = (message: string) => new ColtError('NOT_FOUND', message);
export const alreadyExists = (message: string) => new ColtError('ALREADY_EXISTS', message);
export const failedPrecondition = (message: string) => new ColtError('FAILED_PRECONDITION', message);
