import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** GitLab-looking secrets: `glpat-` + 20 URL-safe characters (120 random bits). */
export function generateToken(prefix: string): string {
  return `${prefix}${randomBytes(15).toString('base64url')}`;
}

/** Tokens are long random strings, so one SHA-256 is enough to store them safely and look them up by digest. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
