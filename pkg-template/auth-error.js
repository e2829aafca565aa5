// The class every error of this package is an instance of, and a check that works even where
// `instanceof` cannot (several copies of the package, other realms).
export class AuthError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AuthError';
  }
}

/** True for errors thrown by this package: checks `name` and `code`, not the class. */
export function isAuthError(error) {
  return typeof error === 'object' && error !== null && error.name === 'AuthError' && typeof error.code === 'string';
}
