// `AuthClient`, the same class for every platform's entry: it reads the caller's objects, picks
// the store, runs the background refresh timer and tab sync, and hands each operation to the
// entry's wasm machine (host.js `connect`). What the operations do is the wasm's.
import { connect, invalid, requestJson, inDocument, timeoutOption, unref, toError } from './host.js';

// The wasm's operation numbers (src/npm/client.rs, `start`) and synchronous calls (`query`).
const RESET = 0, VERIFY = 1, REDIRECT = 2, UPDATE = 3, SET_SESSION = 4, SIGN_IN = 5, SIGN_OUT = 6, SESSION = 7, USER = 8, REAUTH = 9, REFRESH = 10;
const CACHED_USER = 0, DUE_IN = 1, PARSE_LINK = 2, CLEAN_LINK = 3, RESET_EXPIRY = 4, ADOPT = 5, RELOAD = 6;

/** After a due refresh that did not happen (offline, server trouble), try again this much later. */
const RETRY_AFTER_FAILURE_MS = 30_000;

const memory = () => {
  const map = new Map();
  return { get: (k) => map.get(k) ?? null, set: (k, v) => void map.set(k, v), remove: (k) => void map.delete(k) };
};

/** `sessionStorage` or `localStorage` when it exists and accepts a write (some private modes throw). */
function webStorage(name) {
  try {
    const storage = globalThis[name];
    const probe = 'wasm-auth-client:probe';
    storage.setItem(probe, '1');
    storage.removeItem(probe);
    return { get: (k) => storage.getItem(k), set: (k, v) => storage.setItem(k, v), remove: (k) => storage.removeItem(k) };
  } catch {
    return null;
  }
}

/**
 * The `storage` option: a kind, an object with the three methods (synchronous, or returning
 * Promises: then the client works from a copy filled once at start and written through in
 * order), or nothing (`sessionStorage` in browser documents, memory elsewhere).
 */
function chooseStore(option, probeKey) {
  if (option === undefined || option === null) return { store: (inDocument() && webStorage('sessionStorage')) || memory() };
  if (typeof option === 'string') {
    if (option === 'session') return { store: webStorage('sessionStorage') || memory() };
    if (option === 'local') {
      const store = webStorage('localStorage');
      return store ? { store, shared: inDocument() } : { store: memory() };
    }
    if (option === 'memory') return { store: memory() };
    throw invalid('storage', "must be 'session', 'local', 'memory' or a storage object");
  }
  const methods = ['getItem', 'setItem', 'removeItem'];
  if (!methods.every((m) => typeof option?.[m] === 'function')) throw toError({ code: 'invalid_input', status: 0, message: 'storage: needs getItem, setItem and removeItem' });
  let probe;
  try {
    probe = option.getItem(probeKey);
  } catch {
    probe = undefined;
  }
  if (typeof probe?.then !== 'function') {
    return { store: { get: (k) => option.getItem(k), set: (k, v) => option.setItem(k, v), remove: (k) => option.removeItem(k) } };
  }
  probe.then(undefined, () => {});
  const copy = memory();
  let writes = Promise.resolve();
  // A failed write is dropped: the copy stays right for this client.
  const write = (method, ...args) => {
    writes = writes.then(() => option[method](...args)).then(undefined, () => {});
  };
  return {
    store: { get: copy.get, set: (k, v) => (copy.set(k, v), write('setItem', k, v)), remove: (k) => (copy.remove(k), write('removeItem', k)) },
    async fill(keys) {
      for (const key of keys) {
        try {
          const value = await option.getItem(key);
          if (typeof value === 'string') copy.set(key, value);
        } catch {
          // Unreadable counts as empty.
        }
      }
    },
  };
}

/** The class for one entry's wasm module (`glue`, wasm-bindgen's). */
export function authClientClass(glue) {
  return class AuthClient {
    #machine;
    #ready;
    #listeners = [];
    #user;
    #timer;
    #autoRefresh;
    #cleanup = [];

    /** Throws `invalid_input` for bad options; a damaged stored record is removed, never thrown. */
    constructor(options) {
      if (options === null || typeof options !== 'object' || Array.isArray(options)) throw invalid('options', 'must be an object');
      const { storage, timeoutMs, autoRefresh, ...rest } = options;
      const timeout = timeoutOption(options);
      if (autoRefresh !== undefined && autoRefresh !== null && typeof autoRefresh !== 'boolean') throw invalid('autoRefresh', 'must be a boolean');
      this.#autoRefresh = autoRefresh ?? true;
      const storageKey = typeof rest.storageKey === 'string' && rest.storageKey ? rest.storageKey : 'wasm-auth-client';
      const chosen = chooseStore(storage, storageKey);
      this.#machine = connect(glue, requestJson(rest, 'options'), chosen.store, timeout, (event, session) => this.#emit(event, session));
      if (chosen.fill) {
        this.#ready = chosen.fill(this.#machine.keys).then(() => {
          this.#machine.query(RELOAD);
          this.#user = undefined;
          this.#arm();
        });
      }
      if (chosen.shared) {
        // Another tab's write of the shared record (`local` storage).
        const onStorage = (event) => {
          if (event.key === this.#machine.keys[0]) this.#machine.query(ADOPT, event.newValue === null ? '1' : '0' + event.newValue);
        };
        globalThis.addEventListener('storage', onStorage);
        this.#cleanup.push(() => globalThis.removeEventListener('storage', onStorage));
      }
      if (this.#autoRefresh && inDocument()) {
        const onVisibility = () => this.#arm();
        document.addEventListener('visibilitychange', onVisibility);
        this.#cleanup.push(() => document.removeEventListener('visibilitychange', onVisibility));
      }
      this.#arm();
    }

    #emit(event, session) {
      this.#user = undefined;
      const value = session ? JSON.parse(session) : null;
      // A throwing listener must not stop the others or the client.
      for (const listener of [...this.#listeners]) {
        try {
          listener(event, value);
        } catch {
          // Ignored, by design.
        }
      }
      this.#arm();
    }

    /** Runs operation `op` once the store is ready; `args` is read now. */
    #run(op, read, nothing) {
      let args;
      try {
        args = read();
      } catch (error) {
        return Promise.reject(error);
      }
      const go = () => this.#machine.run(op, args).then((result) => (nothing ? undefined : result));
      return this.#ready ? this.#ready.then(go) : go();
    }

    /** (Re)sets the refresh timer for when the token falls due, at least `floorMs` from now. */
    #arm(floorMs = 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      if (!this.#autoRefresh || !this.#machine || (inDocument() && document.visibilityState === 'hidden')) return;
      const due = JSON.parse(this.#machine.query(DUE_IN));
      if (due === null) return;
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#machine.run(REFRESH, '{}').then(undefined, () => {}).then(() => {
          if (!this.#autoRefresh) return;
          // A refresh re-arms through its event; one that failed waits before retrying.
          const left = JSON.parse(this.#machine.query(DUE_IN));
          if (left !== null && left <= 0) this.#arm(RETRY_AFTER_FAILURE_MS);
        });
      }, Math.min(Math.max(due * 1000, floorMs), 2 ** 31 - 1));
      unref(this.#timer);
    }

    requestPasswordReset(request) {
      return this.#run(RESET, () => requestJson(request, 'request'), true);
    }

    verifyOtp(request) {
      return this.#run(VERIFY, () => requestJson(request, 'request'));
    }

    parseRecoveryLink(url) {
      if (typeof url !== 'string') throw invalid('url', 'must be a string');
      return JSON.parse(this.#machine.query(PARSE_LINK, url));
    }

    /**
     * Consumes the redirect a recovery link led to. Without `url`, reads the address bar and
     * removes the link's credential from it at once, before a single request.
     */
    handleRedirect(url, options) {
      return this.#run(REDIRECT, () => {
        let href = url;
        if (url === undefined || url === null) {
          if (!inDocument()) throw invalid('url', 'is required outside a browser page');
          href = location.href;
          const cleaned = this.#machine.query(CLEAN_LINK, href);
          if (cleaned !== href) history.replaceState(history.state, '', cleaned);
        } else if (typeof url !== 'string') {
          throw invalid('url', 'must be a string');
        }
        const given = options === undefined || options === null ? 'null' : requestJson(options, 'options');
        return `{"url":${JSON.stringify(href)},"options":${given}}`;
      });
    }

    updatePassword(request) {
      return this.#run(UPDATE, () => requestJson(request, 'request'), true);
    }

    setSession(request) {
      return this.#run(SET_SESSION, () => requestJson(request, 'request'));
    }

    recoveryExpiresAt() {
      const [ok, value] = JSON.parse(this.#machine.query(RESET_EXPIRY));
      if (!ok) throw toError(value);
      return value;
    }

    signInWithEmail(request) {
      return this.#run(SIGN_IN, () => requestJson(request, 'request'));
    }

    signOut(options) {
      return this.#run(SIGN_OUT, () => (options === undefined || options === null ? '{}' : requestJson(options, 'options')), true);
    }

    /** The cached user, synchronously and without a request; `null` when signed out. */
    getCachedUser() {
      if (this.#user === undefined) {
        const user = JSON.parse(this.#machine.query(CACHED_USER));
        // Shared between calls, so nobody's edit can change what the next caller reads.
        this.#user = user && Object.freeze(user);
      }
      return this.#user;
    }

    getSession() {
      return this.#run(SESSION, () => '{}');
    }

    getUser() {
      return this.#run(USER, () => '{}');
    }

    reauthenticate() {
      return this.#run(REAUTH, () => '{}', true);
    }

    /** Calls `callback(event, session)` after each change; returns a function that unsubscribes. */
    onAuthChange(callback) {
      if (typeof callback !== 'function') throw invalid('callback', 'must be a function');
      const entry = (event, session) => callback(event, session);
      this.#listeners.push(entry);
      return () => {
        this.#listeners = this.#listeners.filter((l) => l !== entry);
      };
    }

    /** Stops the timer and the listeners and forgets the client. */
    free() {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      for (const undo of this.#cleanup.splice(0)) undo();
      this.#machine.close();
      this.#autoRefresh = false;
    }
  };
}
