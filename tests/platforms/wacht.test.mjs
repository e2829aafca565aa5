// The platform contract against the devserver's Wacht stand-in (Wacht's server needs PostgreSQL
// and NATS and is on no registry here), through a fault proxy, in Node and in headless Chromium,
// with Wacht's own scenarios (development-session renewal, the AdminClient).
import { contractSuites, devserverBehindProxy } from './suites.mjs';
import { scenarios as own } from './wacht-platform.mjs';

contractSuites({
  entry: 'wacht',
  descriptor: 'wacht-platform.mjs',
  own,
  lacks: { links: "Wacht's reset email carries a one-time code, no link" },
  // The proxy's log keeps which browser session each request came from.
  start: () => devserverBehindProxy({}, { logHeaders: ['x-development-session'] }),
});
