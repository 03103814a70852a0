// API keys: `colt_<keyId>_<secret>`. Colt stores only the SHA-256 of a key (under its keyId) and
// compares digests in constant time; the key itself is shown once, when it is created.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { newGuid } from '../ids.ts';

const KEY = /^colt_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export interface IssuedKey { keyId: string; key: string; sha256: string }

export function issueApiKey(): IssuedKey {
  const keyId = newGuid();
  const key = `colt_${keyId}_${randomBytes(32).toString('base64url')}`;
  return { keyId, key, sha256: sha256Hex(key) };
}

/** The keyId of a well-formed Colt key, else undefined (then no stored key can match). */
export function keyIdOf(key: string): string | undefined {
  return KEY.exec(key)?.[1];
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Whether `presented` hashes to `storedSha256Hex`, compared in constant time. */
export function keyMatches(presented: string, storedSha256Hex: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = Buffer.from(storedSha256Hex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
