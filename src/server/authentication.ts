/**
 * The login check (PROTOCOL.md 2), as the 11.4 server makes it:
 * - version 1 reads a scheme byte (0 SHA-1, 1 SHA-256; 2 SPNEGO needs Kerberos, not offered
 *   here → 5; anything else → 3); version 0 is SHA-1;
 * - the service must be "database" (anything else → 5);
 * - exactly the scheme's digest length must follow the username (else −1);
 * - with users configured, the digest must be SHA-x of that user's password (else −1); with
 *   none configured (security off) any user and password is accepted.
 */
import { timingSafeEqual } from 'node:crypto';
import { VoltError } from '../errors.js';
import { HASH_DIGEST_LENGTH, HASH_SCHEME, LOGIN_RESULT } from '../protocol/constants.js';
import { decodeLoginRequest, hashPassword } from '../protocol/login.js';

/** A user the embedded server accepts. */
export interface ServerUser {
  username: string;
  password: string;
}

interface StoredUser {
  sha1: Buffer;
  sha256: Buffer;
}

export class Authenticator {
  private readonly users: Map<string, StoredUser> | null;

  constructor(users: readonly ServerUser[] | undefined) {
    this.users =
      users === undefined || users.length === 0
        ? null
        : new Map(users.map((u) => [u.username, { sha1: hashPassword(u.password, 'sha1'), sha256: hashPassword(u.password, 'sha256') }]));
  }

  get securityEnabled(): boolean {
    return this.users !== null;
  }

  /** The login result code for a login frame, and the username it named. */
  check(frame: Uint8Array): { code: number; username: string } {
    let request: ReturnType<typeof decodeLoginRequest>;
    try {
      request = decodeLoginRequest(frame);
    } catch (error) {
      if (VoltError.is(error)) return { code: LOGIN_RESULT.PROTOCOL_VIOLATION, username: '' };
      throw error;
    }
    const { scheme, service, username, digest } = request;
    if (scheme !== HASH_SCHEME.SHA1 && scheme !== HASH_SCHEME.SHA256) {
      return { code: scheme === HASH_SCHEME.SPNEGO ? LOGIN_RESULT.SERVICE_NOT_ENABLED : LOGIN_RESULT.PROTOCOL_VIOLATION, username };
    }
    if (service !== 'database') return { code: LOGIN_RESULT.SERVICE_NOT_ENABLED, username };
    if (digest.length !== HASH_DIGEST_LENGTH[scheme]) return { code: LOGIN_RESULT.AUTHENTICATION_FAILED, username };
    if (this.users === null) return { code: LOGIN_RESULT.SUCCESS, username };
    const user = this.users.get(username);
    if (user === undefined) return { code: LOGIN_RESULT.AUTHENTICATION_FAILED, username };
    const expected = scheme === HASH_SCHEME.SHA1 ? user.sha1 : user.sha256;
    return { code: timingSafeEqual(expected, digest) ? LOGIN_RESULT.SUCCESS : LOGIN_RESULT.AUTHENTICATION_FAILED, username };
  }
}
