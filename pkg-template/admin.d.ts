export { AdminClient, isAuthError } from './wasm_auth_admin.js';
export type { AdminClientOptions, CreateUserRequest, GeneratedRecoveryLink, User, AuthErrorCode } from './wasm_auth_admin.js';
export { AuthError } from './index.js';
