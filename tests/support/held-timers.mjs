// An injected clock for the client's background timer: while installed, the timers the
// client's background refresh sets (in the package's auth-client.js) are held for the test to
// fire and their delays read. Every other timer — the fetch timeout and retry waits in the
// package's host.js, the runtime's own — runs as usual. Plain ES module: Node and browsers.

/** Whether the current `setTimeout` call is the background refresh's: the caller is the
 *  package's `auth-client.js` (minified, so the file tells, not the function). */
const fromClient = () => {
  const frames = (new Error().stack ?? '').split('\n').filter((line) => /:\d+:\d+\)?$/.test(line.trim()));
  // frames[0] is this function, frames[1] the setTimeout stand-in, frames[2] its caller.
  return /\/auth-client\.js:/.test(frames[2] ?? '');
};

/** Installs the held timers on `scope` (globalThis by default); `restore()` puts the real ones back. */
export function holdTimers({ scope = globalThis } = {}) {
  const real = { set: scope.setTimeout, clear: scope.clearTimeout };
  const held = [];
  scope.setTimeout = (callback, ms = 0, ...args) => {
    if (!fromClient()) return real.set.call(scope, callback, ms, ...args);
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
