// An injected clock for the client's background timer: while installed, the timers the wasm
// module sets itself (through its `setTimeout` import) are held for the test to fire and their
// delays read. Every other timer — the fetch timeout and retry waits in the package's host.js,
// the runtime's own — runs as usual. Plain ES module: Node and browsers.

/** Whether the current `setTimeout` call comes from the wasm module's import: the caller is the
 *  glue (`wasm_auth_*.js`; its import names are shortened in the build, so the file tells). */
const fromWasm = () => {
  const frames = (new Error().stack ?? '').split('\n').filter((line) => /:\d+:\d+\)?$/.test(line.trim()));
  // frames[0] is this function, frames[1] the setTimeout stand-in, frames[2] its caller.
  return /\/wasm_auth_[a-z]+\.js:/.test(frames[2] ?? '');
};

/** Installs the held timers on `scope` (globalThis by default); `restore()` puts the real ones back. */
export function holdTimers({ scope = globalThis } = {}) {
  const real = { set: scope.setTimeout, clear: scope.clearTimeout };
  const held = [];
  scope.setTimeout = (callback, ms = 0, ...args) => {
    if (!fromWasm()) return real.set.call(scope, callback, ms, ...args);
    const timer = {
      ms,
      callback: () => callback(...args),
      cleared: false,
      fired: false,
      unrefd: false,
      unref() {
        this.unrefd = true;
        return this;
      },
    };
    held.push(timer);
    return timer;
  };
  scope.clearTimeout = (timer) => {
    if (held.includes(timer)) timer.cleared = true;
    else real.clear.call(scope, timer);
  };
  return {
    held,
    /** Timers set and neither cleared nor fired. */
    pending: () => held.filter((t) => !t.cleared && !t.fired),
    fire(timer) {
      timer.fired = true;
      timer.callback();
    },
    restore() {
      scope.setTimeout = real.set;
      scope.clearTimeout = real.clear;
    },
  };
}
