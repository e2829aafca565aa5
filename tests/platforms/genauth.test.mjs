// The platform contract against the devserver's GenAuth stand-in (a hosted service cannot run
// here), through a fault proxy, in Node and in headless Chromium — once per password encryption,
// each with its entry (genauth, genauth/rsa, genauth/sm2).
import { contractSuites, devserverBehindProxy } from './suites.mjs';

for (const [passwordEncrypt, entry] of [['none', 'genauth'], ['rsa', 'genauth-rsa'], ['sm2', 'genauth-sm2']]) {
  contractSuites({
    label: `genauth, passwordEncrypt: '${passwordEncrypt}'`,
    entry,
    descriptor: 'genauth-platform.mjs',
    lacks: { links: "GenAuth's reset email carries a pass code, no link" },
    start: () => devserverBehindProxy({ passwordEncrypt }),
  });
}
