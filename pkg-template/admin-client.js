// `AdminClient`, for the admin entries' wasm (GoTrue's service-key calls, Wacht's backend API):
// trusted server code only. It refuses to exist in a browser page or worker, where every visitor
// would get the key, unless the caller insists (`allowInBrowser`).
import { connect, invalid, requestJson, inDocument, timeoutOption, toError } from './host.js';

/** True in a browser's dedicated, shared or service worker (server runtimes have no importScripts). */
const inWorker = () => typeof globalThis.WorkerGlobalScope !== 'undefined' && typeof globalThis.importScripts === 'function';

const text = (value) => (typeof value === 'string' ? JSON.stringify(value) : 'null');

const machines = new WeakMap();

/** Runs the admin operation `op` (src/npm/admin.rs); `read` builds its arguments now. */
function run(client, op, read, nothing) {
  let args;
  try {
    args = read();
  } catch (error) {
    return Promise.reject(error);
  }
  return machines.get(client).run(op, args).then((result) => (nothing ? undefined : result));
}

/**
 * The class for one admin entry's wasm module: `key` names the secret it holds, `gotrue` adds
 * GoTrue's further calls (Wacht's backend entry has the password set only).
 */
export function adminClientClass(glue, key, gotrue) {
  const Base = class AdminClient {
    constructor(options) {
      if (options === null || typeof options !== 'object' || Array.isArray(options)) throw invalid('options', 'must be an object');
      const { timeoutMs, allowInBrowser, ...rest } = options;
      const timeout = timeoutOption(options);
      const args = requestJson(rest, 'options');
      if ((inDocument() || inWorker()) && allowInBrowser !== true) {
        throw toError({ code: 'unsafe_environment', status: 0, message: `AdminClient refuses to run in a browser page or worker: ${key} would be exposed to every visitor` });
      }
      machines.set(this, connect(glue, args, null, timeout, () => {}));
    }

    /** Sets a user's password; every session of that user ends. */
    updateUserPassword(userId, request) {
      return run(this, 0, () => `{"userId":${text(userId)},"request":${requestJson(request, 'request')}}`, !gotrue);
    }

    /** Forgets the client. */
    free() {
      machines.get(this).close();
    }
  };
  if (!gotrue) return Base;
  return class AdminClient extends Base {
    /** A recovery link and code for `email` (no mail is sent). */
    generateRecoveryLink(email, options) {
      return run(this, 1, () => `{"email":${text(email)},"options":${options !== null && typeof options === 'object' ? requestJson(options, 'options') : 'null'}}`);
    }

    /** The user as the server has it. */
    getUser(userId) {
      return run(this, 2, () => `{"userId":${text(userId)}}`);
    }

    /** Creates a user (confirmed unless `emailConfirm` is false). */
    createUser(request) {
      return run(this, 3, () => `{"request":${requestJson(request, 'request')}}`);
    }

    /** Deletes a user. */
    deleteUser(userId) {
      return run(this, 4, () => `{"userId":${text(userId)}}`, true);
    }
  };
}
