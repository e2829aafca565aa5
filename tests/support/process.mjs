// Starting and stopping a real server process for a test file: a free loopback port, waiting
// until it answers, and a stop that waits for the exit (and kills a process that hangs).
import { spawn } from 'node:child_process';
import net from 'node:net';

/** A loopback port free right now. */
export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Spawns `command` and resolves once `readyUrl` answers 2xx.
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, stop: (signal?: string) => Promise<void> }>}
 */
export async function startProcess(label, command, args, { readyUrl, timeoutMs, ...options }) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Whatever happens to the test (a failed hook, a crash), the server does not outlive it: it
  // keeps nothing alive, and goes when this process does.
  child.unref();
  child.stdout.unref();
  child.stderr.unref();
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  exited.then(() => process.off('exit', killOnExit));
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${label} exited: ${output}`);
    if (Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`${label} did not start within ${timeoutMs / 1000} s: ${output}`);
    }
    if (await fetch(readyUrl).then((r) => r.ok, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
