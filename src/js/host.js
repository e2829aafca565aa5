// What the wasm module asks of the JavaScript runtime, written in JavaScript so that each call
// crosses the wasm boundary once: a fetch assembled from Rust piece by piece (Headers, Request,
// AbortController, a timer closure) costs a dozen crossings and a Request copy per call.

/**
 * One HTTP exchange, aborted after `timeoutMs`. `headers` is a list of [name, value] pairs.
 * Resolves with [status, body text, x-sb-error-code, retry-after, x-development-session] or, when no whole answer
 * came, with 'timeout' or 'network'. Nothing thrown here may unwind through the wasm caller.
 */
export async function send(method, url, headers, body, timeoutMs) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, { method, headers, body, signal: controller.signal });
    const h = response.headers;
    return [response.status, await response.text(), h.get('x-sb-error-code'), h.get('retry-after'), h.get('x-development-session')];
  } catch {
    return controller.signal.aborted ? 'timeout' : 'network';
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
