// Assertions for scenario files that run unchanged in Node and in a page (no Node built-ins).

export function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
}

/** Strict equality, or equal JSON for objects and arrays. */
export function equal(actual, expected, what) {
  const same = Object.is(actual, expected) || (typeof actual === 'object' && actual !== null && JSON.stringify(actual) === JSON.stringify(expected));
  if (!same) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

export async function rejection(promise, what) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error(`${what}: expected a rejection`);
}

/** The promise rejects with an AuthError of `code`; returns the error. */
export async function expectCode(promise, code, what) {
  const error = await rejection(promise, what);
  check(error?.name === 'AuthError', `${what}: not an AuthError: ${error}`);
  equal(error.code, code, `${what} code`);
  return error;
}
