// The class every error of this package is an instance of. Registered with the wasm module by
// the entry points; `isAuthError` works even where `instanceof` cannot (several copies, realms).
export class AuthError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AuthError';
  }
}
