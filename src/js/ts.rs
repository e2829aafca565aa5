//! Hand-written TypeScript for what wasm-bindgen cannot describe: option objects, results,
//! callbacks, the error class. No `any` in the public types.

use wasm_bindgen::prelude::*;

/// The options every platform's client takes, beside its own (`PlatformOptions`).
#[wasm_bindgen(typescript_custom_section)]
const COMMON_OPTIONS: &'static str = r#"
export interface ClientOptions {
  storage?: StorageKind | StorageLike;
  /** Prefix of the storage keys. Default `wasm-auth-client`. */
  storageKey?: string;
  /** Per-request timeout. Default 10000. */
  timeoutMs?: number;
  /** Refresh in the background before the token expires (paused while the tab is hidden). Default true. */
  autoRefresh?: boolean;
}
export type AuthClientOptions = ClientOptions & PlatformOptions;
"#;

#[cfg(feature = "gotrue")]
#[wasm_bindgen(typescript_custom_section)]
const PLATFORM_OPTIONS: &'static str = r#"
/** Supabase Auth (GoTrue). */
export interface PlatformOptions {
  /** The auth root: `https://<ref>.supabase.co/auth/v1`, or the devserver's URL. */
  url: string;
  /** The project's anon key, sent as `apikey` (required by hosted Supabase). */
  apiKey?: string;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
}
"#;

#[cfg(feature = "firebase")]
#[wasm_bindgen(typescript_custom_section)]
const PLATFORM_OPTIONS: &'static str = r#"
/** Firebase Authentication. */
export interface PlatformOptions {
  /** `https://identitytoolkit.googleapis.com`, or the Auth emulator's address (`http://127.0.0.1:9099`). */
  url: string;
  /** The project's Web API key. */
  apiKey: string;
}
"#;

#[cfg(feature = "pocketbase")]
#[wasm_bindgen(typescript_custom_section)]
const PLATFORM_OPTIONS: &'static str = r#"
/** PocketBase. */
export interface PlatformOptions {
  /** The server's address, e.g. `http://127.0.0.1:8090`. */
  url: string;
  /** The auth collection. Default `users`. */
  collection?: string;
}
"#;

#[cfg(feature = "genauth")]
#[wasm_bindgen(typescript_custom_section)]
const PLATFORM_OPTIONS: &'static str = r#"
/** GenAuth (Authing V3). */
export interface PlatformOptions {
  /** The application's host, e.g. `https://<app>.genauth.ai`. */
  url: string;
  /** The application's id (sent as `x-genauth-app-id`). */
  appId: string;
  /** Encrypt every password sent with the service's public key. Default `'none'`. */
  passwordEncrypt?: 'none' | 'rsa' | 'sm2';
}
"#;

#[cfg(feature = "wristband")]
#[wasm_bindgen(typescript_custom_section)]
const PLATFORM_OPTIONS: &'static str = r#"
/** Wristband. */
export interface PlatformOptions {
  /** The application's vanity domain, e.g. `https://<app>.us.wristband.dev`. */
  url: string;
  /** The OAuth2 client the app's tokens were issued to (refresh and revocation name it). */
  clientId: string;
  /** Extra headers for every request (e.g. a BFF's `authorization` for the workflow APIs). */
  headers?: Record<string, string>;
}
"#;

#[cfg(feature = "wacht")]
#[wasm_bindgen(typescript_custom_section)]
const PLATFORM_OPTIONS: &'static str = r#"
/** Wacht (a deployment's frontend API, development sessions). */
export interface PlatformOptions {
  /** The deployment's frontend API, e.g. `https://frontend.<your app>`. */
  url: string;
}
"#;

#[cfg(feature = "wacht-admin")]
#[wasm_bindgen(typescript_custom_section)]
const WACHT_ADMIN_OPTIONS: &'static str = r#"
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
"#;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
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

// Calls without their optional argument (trailing optional parameters wasm-bindgen cannot express).
export interface AuthClient {
  signOut(): Promise<void>;
  handleRedirect(): Promise<Session | null>;
}
export interface AdminClient {
  generateRecoveryLink(email: string): Promise<GeneratedRecoveryLink>;
}

/** Every error this package throws. */
export interface AuthError extends Error {
  name: 'AuthError';
  code: AuthErrorCode;
  /** HTTP status; 0 when no response was involved. */
  status: number;
  /** For `weak_password`. */
  reasons?: Array<'length' | 'characters' | 'pwned'>;
  /** For `rate_limited`: seconds to wait. */
  retryAfter?: number;
  /** The platform's own error code, when the server sent one. */
  serverCode?: string;
  /** The platform's id for the failed request (GenAuth), for its support desk. */
  requestId?: string;
}
"#;
