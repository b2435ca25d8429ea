// A client token's secret and the hash the proxy keeps instead. The secret is 32 random bytes:
// with 256 bits of entropy nothing can be guessed or brute-forced from a leaked hash, so one
// SHA-256 is enough (a slow hash such as scrypt only protects low-entropy secrets like
// passwords) and verifying costs microseconds per request. Hashes are compared with
// timingSafeEqual, so the time taken says nothing about how much of a guess was right.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CLIENT_TOKEN_PREFIX } from '../../contracts/tokens';

const SECRET_BYTES = 32;

/** `cft_` + 43 base64url characters. */
export function newSecret(): string {
  return CLIENT_TOKEN_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
}

/** SHA-256 of the secret, hex: what the store keeps. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex SHA-256 digests (a stored one of another length never matches). */
export function hashesMatch(given: string, stored: string): boolean {
  const a = Buffer.from(given, 'hex');
  const b = Buffer.from(stored, 'hex');
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}
