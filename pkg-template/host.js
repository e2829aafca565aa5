// The JavaScript host every entry shares. The wasm is a protocol machine (src/npm/): it decides,
// this performs — fetch with the timeout's abort, waits, storage, events, Promises and the
// AuthError objects. What the wasm imports is exported here by name (wasm-bindgen's glue imports
// this module as `./host.js`); `connect` drives one client's machine.
import { AuthError } from './auth-error.js';

/** handle → the client's store and the events its machine emitted during the current call. */
const clients = new Map();
let lastHandle = 0;

// ---- what the wasm imports (src/npm/host.rs) ----------------------------------------------------

export const hostNow = () => Date.now() / 1000;

export function hostRandom(buf) {
  const crypto = globalThis.crypto;
  if (typeof crypto?.getRandomValues !== 'function') return false;
  // getRandomValues fills at most 65536 bytes at a time.
  for (let at = 0; at < buf.length; at += 65536) crypto.getRandomValues(buf.subarray(at, at + 65536));
  return true;
}

// Stores answer "0" + value, "1" (absent) or "2" (it threw): a store never throws into the wasm.
export function storeGet(handle, key) {
  try {
    const value = clients.get(handle).store.get(key);
    return typeof value === 'string' ? '0' + value : '1';
  } catch {
    return '2';
  }
}

export function storeSet(handle, key, value) {
  try {
    clients.get(handle).store.set(key, value);
    return 0;
  } catch {
    return 1;
  }
}

export function storeRemove(handle, key) {
  try {
    clients.get(handle).store.remove(key);
    return 0;
  } catch {
    return 1;
  }
}

// Events wait until the wasm call that emitted them returns: listeners then run outside it and
// may call the client again.
export function hostEmit(handle, event, session) {
  clients.get(handle)?.events.push([event, session]);
}

// ---- shared by the classes ----------------------------------------------------------------------

/** The package's error from the wasm's `{code, status, message, …}`. */
export function toError(fields) {
  const error = new AuthError(fields.message);
  for (const key of ['code', 'status', 'reasons', 'retryAfter', 'serverCode', 'requestId']) {
    if (fields[key] !== undefined) error[key] = fields[key];
  }
  return error;
}

/** `invalid_input` naming the field, before anything is sent. */
export const invalid = (field, problem) => toError({ code: 'invalid_input', status: 0, message: `${field}: ${problem}` });

/**
 * A request object as JSON text, read once when the call is made (later changes by the caller
 * do not count): functions and `undefined` members are absent; cycles, BigInts and throwing
 * getters are not plain data.
 */
export function requestJson(value, what) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(what, 'must be an object');
  let text;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (typeof text !== 'string') throw invalid(what, 'must be plain data');
  return text;
}

/** True in a browser document (Deno has `window` but no `document`; workers neither). */
export const inDocument = () => typeof globalThis.document === 'object' && globalThis.document !== null;

/** The `timeoutMs` option: a positive number of milliseconds, 10 s by default. */
export function timeoutOption(options) {
  const ms = options.timeoutMs;
  if (ms === undefined || ms === null) return 10_000;
  if (typeof ms !== 'number') throw invalid('timeoutMs', 'must be a number');
  if (!(ms >= 1)) throw invalid('timeoutMs', 'must be a positive number');
  return Math.min(ms, 2 ** 31 - 1);
}

/** Node and Deno: a timer that must not keep the process alive. */
export function unref(timer) {
  if (typeof timer?.unref === 'function') timer.unref();
  else if (typeof globalThis.Deno?.unrefTimer === 'function') globalThis.Deno.unrefTimer(timer);
}

/**
 * Opens a machine of `glue` (an entry's wasm-bindgen module) for `options` (an object the wasm
 * reads: what the host keeps for itself is left out by the caller), storing through `store`
 * (`get`/`set`/`remove`) and telling `onEvent(event, sessionJson)`. Throws the options' error.
 */
export function connect(glue, options, store, timeoutMs, onEvent) {
  const handle = (lastHandle += 1);
  const entry = { store, events: [] };
  clients.set(handle, entry);
  const tasks = new Map();
  let lastTask = 0;
  let closed = false;
  const flush = () => {
    for (const [event, session] of entry.events.splice(0)) onEvent(event, session);
  };
  const call = (run) => {
    try {
      return run();
    } finally {
      flush();
    }
  };
  const opened = JSON.parse(call(() => glue.open(handle, options)));
  if (opened[0] === 0) {
    clients.delete(handle);
    throw toError(opened[1]);
  }

  const perform = (text) => {
    for (const effect of JSON.parse(text)) {
      const [kind, task] = effect;
      if (kind === 0) send(task, effect[2], effect[3], effect[4], effect[5]);
      else if (kind === 1) setTimeout(() => feed(task, 0, ''), effect[2]);
      else {
        const settle = tasks.get(task);
        tasks.delete(task);
        if (kind === 2) settle?.[0](effect[2]);
        else settle?.[1](toError(effect[2]));
      }
    }
  };
  const feed = (task, outcome, text) => {
    if (!closed) perform(call(() => glue.feed(handle, task, outcome, text)));
  };
  // One HTTP exchange, aborted after timeoutMs. The wasm reads the status, the headers its
  // platform named at open (opened[2]) and the body; "1" is a network failure, "2" a timeout
  // (src/npm/mod.rs).
  const reads = opened[2];
  const send = async (task, method, url, headers, body) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let outcome;
    let text = '';
    try {
      const response = await fetch(url, { method, headers, body: body ?? undefined, signal: controller.signal });
      const h = response.headers;
      text = [...reads.map((name) => h.get(name)), await response.text()].map((v) => v ?? '').join('\0');
      outcome = Math.max(response.status, 3);
    } catch {
      outcome = controller.signal.aborted ? 2 : 1;
    } finally {
      clearTimeout(timer);
    }
    feed(task, outcome, text);
  };

  return {
    /** Storage keys the machine uses (an asynchronous store fills these first). */
    keys: opened[1],
    /** Runs operation `op` with `args` (JSON text); resolves with its result. */
    run(op, args) {
      if (closed) return Promise.reject(invalid('client', 'was freed'));
      return new Promise((resolve, reject) => {
        const task = (lastTask += 1);
        tasks.set(task, [resolve, reject]);
        perform(call(() => glue.start(handle, task, op, args)));
      });
    },
    /** A synchronous call (src/npm/client.rs, `query`). */
    query(what, arg = '') {
      if (closed) throw invalid('client', 'was freed');
      return call(() => glue.query(handle, what, arg));
    },
    close() {
      if (closed) return;
      closed = true;
      glue.close(handle);
      clients.delete(handle);
    },
  };
}
