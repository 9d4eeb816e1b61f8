import { createHash } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { nowIso } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { notFound, validationFailed } from '../../http/errors.js';
import type { KeyRow } from './entity.js';
import { addError, type Errors } from './validation.js';

/** Gitlab::SSHPublicKey's supported algorithms. */
const SUPPORTED_TYPES = new Set([
  'ssh-rsa',
  'ssh-dss',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-ed25519',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'sk-ssh-ed25519@openssh.com',
]);

export interface ParsedKey {
  type: string;
  /** The key as stored: type, base64 blob and comment, one space apart, no line breaks. */
  normalized: string;
  /** MD5 of the blob, colon-separated hex (`ssh-keygen -E md5 -l`). */
  fingerprint: string;
  /** SHA-256 of the blob, unpadded base64, without the `SHA256:` prefix (as GitLab stores it). */
  fingerprintSha256: string;
}

/** Reads an OpenSSH public key line; null when it is not one (bad base64, or a blob for another type). */
export function parseSSHPublicKey(text: string): ParsedKey | null {
  const [type, data, ...comment] = text
    .replace(/[\r\n]+/g, ' ')
    .trim()
    .split(/\s+/);
  if (!type || !data || !SUPPORTED_TYPES.has(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return null;
  const blob = Buffer.from(data, 'base64');
  if (blob.length < 4) return null;
  const nameLength = blob.readUInt32BE(0);
  if (nameLength > blob.length - 4 || blob.subarray(4, 4 + nameLength).toString('latin1') !== type)
    return null;
  const md5 = createHash('md5').update(blob).digest('hex');
  return {
    type,
    normalized: [type, data, ...comment].join(' '),
    fingerprint: md5.match(/../g)!.join(':'),
    fingerprintSha256: createHash('sha256').update(blob).digest('base64').replace(/=+$/, ''),
  };
}

export interface NewKey {
  title: string;
  key: string;
  expires_at?: string;
  usage_type: string;
}

/** Keys::CreateService: the Key model's validations, then one insert. */
export async function createKey(deps: Deps, userId: number, input: NewKey): Promise<KeyRow> {
  const errors: Errors = {};
  if (input.title.trim() === '') addError(errors, 'title', "can't be blank");
  if (input.title.length > 255) addError(errors, 'title', 'is too long (maximum is 255 characters)');
  const parsed = input.key.trim() === '' ? null : parseSSHPublicKey(input.key);
  if (input.key.trim() === '') addError(errors, 'key', "can't be blank");
  else if (!parsed) addError(errors, 'key', 'is invalid');
  if (input.key.length > 5000) addError(errors, 'key', 'is too long (maximum is 5000 characters)');
  if (input.expires_at && input.expires_at <= nowIso(deps)) addError(errors, 'key', 'has expired');
  if (!parsed) addError(errors, 'fingerprint_sha256', 'cannot be generated');
  else {
    const taken = await deps.db
      .selectFrom('keys')
      .select('id')
      .where('fingerprint_sha256', '=', parsed.fingerprintSha256)
      .executeTakeFirst();
    if (taken) addError(errors, 'fingerprint_sha256', 'has already been taken');
  }
  if (Object.keys(errors).length > 0 || !parsed) throw validationFailed(errors);
  const now = nowIso(deps);
  try {
    return await deps.db
      .insertInto('keys')
      .values({
        user_id: userId,
        title: input.title,
        key: parsed.normalized,
        fingerprint: parsed.fingerprint,
        fingerprint_sha256: parsed.fingerprintSha256,
        usage_type: input.usage_type,
        expires_at: input.expires_at ?? null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    // Two requests adding the same key at once: the unique index decides, the loser gets the model error.
    const code = (err as { code?: unknown } | null)?.code;
    if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE')
      throw validationFailed({ fingerprint_sha256: ['has already been taken'] });
    throw err;
  }
}

/** Keys::DestroyService */
export async function deleteKey(deps: Deps, key: KeyRow): Promise<void> {
  await deps.db.deleteFrom('keys').where('id', '=', key.id).execute();
}

/** The user's keys, oldest first (as a query, for paginate). */
export const keysOf = (deps: Deps, owner: User) =>
  deps.db.selectFrom('keys').selectAll().where('user_id', '=', owner.id).orderBy('id', 'asc');

/** One of the user's keys; another user's key is as missing as a deleted one. */
export async function findKey(deps: Deps, owner: User, keyId: number): Promise<KeyRow> {
  const key = await keysOf(deps, owner).where('id', '=', keyId).executeTakeFirst();
  if (!key) throw notFound('Key');
  return key;
}
