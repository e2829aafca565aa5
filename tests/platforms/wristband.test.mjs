// The platform contract against the devserver's Wristband stand-in (a hosted service cannot run
// here), through a fault proxy, in Node and in headless Chromium, with Wristband's own scenarios.
import { contractSuites, devserverBehindProxy } from './suites.mjs';
import { scenarios as own } from './wristband-platform.mjs';

contractSuites({
  entry: 'wristband',
  descriptor: 'wristband-platform.mjs',
  own,
  lacks: {
    attributedCredentials: "Wristband's reset credential names no account: a reset while signed in ends signed out instead (its own scenario)",
    resetRequests: "Wristband's hosted login page sends the reset email: requestPasswordReset is unsupported (its own scenario)",
  },
  start: () => devserverBehindProxy(),
});
