import type { AuthErrorCode } from './types.js';

/** Every error this package throws (rejects with). */
export declare class AuthError extends Error {
  readonly name: 'AuthError';
  /** Stable code; see the README's error table. */
  readonly code: AuthErrorCode;
  /** HTTP status; 0 when no response was involved. */
  readonly status: number;
  /** For `weak_password`. */
  readonly reasons?: Array<'length' | 'characters' | 'pwned'>;
  /** For `rate_limited`: seconds to wait. */
  readonly retryAfter?: number;
  /** The platform's own error code, when the server sent one. */
  readonly serverCode?: string;
  /** The platform's id for the failed request (GenAuth's requestId, Wristband's ticket), for its support desk. */
  readonly requestId?: string;
}

/** True for errors thrown by this package (checks `name` and `code`, not `instanceof`). */
export declare function isAuthError(error: unknown): error is AuthError;
