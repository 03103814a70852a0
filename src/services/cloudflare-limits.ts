// Cloudflare's limits on what a request carries (reference §6): an instance's params and an event's
// payload are at most 1 MiB each, measured as the JSON text Colt keeps (a string of JSON as it is).
// The batch size (1-100) and the id and event type patterns are in openapi/cloudflare.yaml.
import { CF_CODE, CloudflareApiError } from './cloudflare-errors.ts';

export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/** Refuses (400, 10004) a payload larger than 1 MiB, naming `field`. */
export function checkPayloadSize(field: string, payload: unknown): void {
  if (payload === undefined) return;
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const size = Buffer.byteLength(text ?? '', 'utf8');
  if (size > MAX_PAYLOAD_BYTES) {
    throw new CloudflareApiError('INVALID_ARGUMENT', CF_CODE.BODY_TOO_LARGE,
      `${field}: ${size} bytes, more than the ${MAX_PAYLOAD_BYTES} bytes (1 MiB) a payload may have`);
  }
}

/** Checks each item's `params`, naming the item's index. */
export function checkBatchPayloads(bodies: Array<{ params?: unknown }>): void {
  bodies.forEach((b, i) => checkPayloadSize(`[${i}].params`, b.params));
}
