// Checks requests (and, in tests, responses) against an OpenAPI contract of Colt. Authentication is not
// its job: the security gate (auth-middleware.ts) runs first, before any body is read.
import * as OpenApiValidator from 'express-openapi-validator';

export function contractValidator(contract: Record<string, unknown>, validateResponses = false) {
  return OpenApiValidator.middleware({
    apiSpec: structuredClone(contract) as never,
    validateRequests: { allowUnknownQueryParameters: false },
    validateResponses,
    validateSecurity: false,
  });
}
