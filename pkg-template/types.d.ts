// The package's types, shared by every entry (each entry's .d.ts adds its platform's options and
// declares its classes). No `any` in the public types.
import type { AuthError } from './auth-error.js';

/** The options every platform's client takes, beside its own (the entry's `PlatformOptions`). */
export interface ClientOptions {
  storage?: StorageKind | StorageLike | AsyncStorageLike;
  /** Prefix of the storage keys. Default `wasm-auth-client`. */
  storageKey?: string;
  /** Per-request timeout. Default 10000. */
  timeoutMs?: number;
  /** Refresh in the background before the token expires (paused while the tab is hidden). Default true. */
  autoRefresh?: boolean;
}

/** A store whose methods return Promises (IndexedDB, `chrome.storage`, a KV binding). */
export interface AsyncStorageLike {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
  removeItem(key: string): Promise<void>;
}

/** Where the session record is kept. Default: 'session' in browser documents, else 'memory'. */
export type StorageKind = 'session' | 'local' | 'memory';

/** Any synchronous key/value store (a cookie or KV adapter, a test double). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface AdminClientOptions {
  /** The auth root, as for AuthClient. */
  url: string;
  /** The service_role key. Kept in memory only; never stored, logged or put in a URL. */
  serviceRoleKey: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Construct even in a browser page. Almost always a mistake: every visitor gets the key. */
  allowInBrowser?: boolean;
}

export interface CreateUserRequest {
  email: string;
  password?: string;
  /** Default true. */
  emailConfirm?: boolean;
}

export interface GeneratedRecoveryLink {
  link: string;
  code: string;
  tokenHash: string;
  user: User;
}

export interface PasswordResetRequest {
  email: string;
  /** Where the email link lands; must be allowed by the server. */
  redirectTo?: string;
  /**
   * 'otp' (default): the code, or the link's token hash, works in every tab and browser.
   * 'pkce': the link redirects with `?code=`, which only this client (its stored verifier) can
   * exchange, through `handleRedirect()`.
   */
  flow?: 'otp' | 'pkce';
}

export type VerifyOtpRequest =
  | { email?: string; token: string; type: 'recovery' }
  | { tokenHash: string; type: 'recovery' }
  /** Wristband: exactly one credential form, as the email or link carried it. */
  | { emailAuthCode: string; type: 'recovery' }
  | { passwordResetCode: string; type: 'recovery' }
  | { requestCode: string; verificationCode: string; type: 'recovery' };

export interface UpdatePasswordRequest {
  password: string;
  /** When given, always checked: a wrong one throws `invalid_current_password`. */
  currentPassword?: string;
  /** The code from `reauthenticate()`'s email, when the server requires it. */
  nonce?: string;
  /** Completing a reset: do not send the "password updated" email (Wristband; elsewhere `unsupported`). */
  skipPasswordUpdatedEmail?: boolean;
}

export interface SetSessionRequest {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token has left; read from the token where the platform can (Wristband). */
  expiresIn?: number;
}

export interface SignInRequest {
  email: string;
  password: string;
}

export interface HandleRedirectOptions {
  /**
   * Take session tokens from the link's fragment even though this client did not request the
   * email (an email opened on another device). Default false: such links throw
   * `unsolicited_session`. Never lets another user replace the signed-in one.
   */
  acceptTokens?: boolean;
}

export interface SignOutOptions {
  /** Default 'local'. */
  scope?: 'local' | 'global' | 'others';
}

/** GoTrue's user object, as the server sent it. */
export interface User {
  id: string;
  aud: string;
  role: string;
  email: string;
  phone: string;
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
  identities?: unknown[];
  created_at: string;
  updated_at: string;
  email_confirmed_at?: string;
  last_sign_in_at?: string;
  recovery_sent_at?: string;
  [field: string]: unknown;
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Unix seconds. */
  expiresAt: number;
  expiresIn: number;
  tokenType: string;
  user: User;
}

export type RecoveryLink =
  | { tokenHash: string }
  | { code: string }
  /** A platform's reset credential (Firebase's oobCode, PocketBase's token): `verifyOtp({ token })`. */
  | { token: string }
  /** Wristband's credential parts: pass them to `verifyOtp` as they are (a `requestCode` alone needs the typed `verificationCode`). */
  | { emailAuthCode: string }
  | { passwordResetCode: string }
  | { requestCode: string; verificationCode?: string }
  | { error: AuthErrorCode; serverCode: string; description: string };

export type AuthEvent = 'SIGNED_IN' | 'PASSWORD_RECOVERY' | 'USER_UPDATED' | 'TOKEN_REFRESHED' | 'SIGNED_OUT';

export type AuthChangeCallback = (event: AuthEvent, session: Session | null) => void;

export type AuthErrorCode =
  | 'not_authenticated' | 'invalid_input' | 'weak_password' | 'same_password' | 'invalid_otp'
  | 'invalid_credentials' | 'invalid_current_password' | 'current_password_required'
  | 'reauthentication_needed' | 'invalid_nonce' | 'rate_limited' | 'user_banned'
  | 'email_not_confirmed' | 'invalid_code' | 'network_error' | 'timeout' | 'server_error'
  | 'unexpected_response' | 'request_failed' | 'storage_error' | 'unsafe_environment'
  | 'session_conflict' | 'unsolicited_session' | 'unsupported';

/** The password-lifecycle client (each entry's `AuthClient` class makes these). */
export interface AuthClient {
  /** Emails a recovery code (and link); the same answer for unknown addresses. */
  requestPasswordReset(request: PasswordResetRequest): Promise<void>;
  /** Verifies the emailed code or link's token hash (PASSWORD_RECOVERY). */
  verifyOtp(request: VerifyOtpRequest): Promise<Session | null>;
  /** What a pasted or opened link carries; nothing is sent. */
  parseRecoveryLink(url: string): RecoveryLink | null;
  /** Consumes where a recovery link led: `url`, or the address bar (cleaned before any request). */
  handleRedirect(url?: string | null, options?: HandleRedirectOptions): Promise<Session | null>;
  /** Sets a new password: completes a held reset, or changes the signed-in user's (USER_UPDATED). */
  updatePassword(request: UpdatePasswordRequest): Promise<void>;
  /** Adopts a session obtained elsewhere (SIGNED_IN). */
  setSession(request: SetSessionRequest): Promise<Session>;
  /** Until when (Unix seconds) the held reset credential is good, where the platform says. */
  recoveryExpiresAt(): number | null;
  signInWithEmail(request: SignInRequest): Promise<Session>;
  signOut(options?: SignOutOptions): Promise<void>;
  /** The cached user, synchronously and without a request; `null` when signed out. */
  getCachedUser(): User | null;
  /** The session, refreshed first if it is about to expire; `null` when signed out. */
  getSession(): Promise<Session | null>;
  /** The user as the server has it now. */
  getUser(): Promise<User>;
  /** Emails a reauthentication code (GoTrue). */
  reauthenticate(): Promise<void>;
  /** Calls `callback(event, session)` after each change; returns a function that unsubscribes. */
  onAuthChange(callback: AuthChangeCallback): () => void;
  /** Stops the background timer and the tab listener, and forgets the client. */
  free(): void;
}

/** GoTrue's `AdminClient` (servers only). */
export interface AdminClient {
  /** Sets a user's password; every session of that user ends. */
  updateUserPassword(userId: string, request: { password: string }): Promise<User>;
  /** A recovery link and code for `email` (no mail is sent). */
  generateRecoveryLink(email: string, options?: { redirectTo?: string }): Promise<GeneratedRecoveryLink>;
  getUser(userId: string): Promise<User>;
  createUser(request: CreateUserRequest): Promise<User>;
  deleteUser(userId: string): Promise<void>;
  free(): void;
}

/** Wacht's backend API. */
export interface WachtAdminClientOptions {
  /** Default `https://api.wacht.dev`. */
  url?: string;
  /** The deployment's API key (sent as a bearer token). */
  apiKey: string;
  /** Per-request timeout. Default 10000. */
  timeoutMs?: number;
  /** Allow construction in a browser page or worker (the key would be exposed). Default false. */
  allowInBrowser?: boolean;
}

/** Wacht's `AdminClient` (servers only). */
export interface WachtAdminClient {
  /** Sets a user's password (the deployment's policy applies unless skipped; refused: `weak_password`). */
  updateUserPassword(userId: string, request: { password: string; skipPasswordCheck?: boolean }): Promise<void>;
  free(): void;
}

export type { AuthError };
