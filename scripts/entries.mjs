// The package's entries: each a wasm of its own (scripts/build-pkg.sh builds them with
// wasm-pack), driven by the one JavaScript host (pkg-template/host.js) and loaded the way each
// runtime can. `name` names its files and is the subpath (`wasm-auth-client/<name>`; '' for the
// main one) unless `subpath` says otherwise; `features` the cargo features its wasm is built
// with; `make` the class it exports; `options` its platform's options, in TypeScript.
export const entries = [
  {
    name: '', glue: 'wasm_auth_client', features: 'client,gotrue', about: 'Supabase Auth (GoTrue): the default entry',
    options: `/** Supabase Auth (GoTrue). */
export interface PlatformOptions {
  /** The auth root: \`https://<ref>.supabase.co/auth/v1\`, or the devserver's URL. */
  url: string;
  /** The project's anon key, sent as \`apikey\` (required by hosted Supabase). */
  apiKey?: string;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
}`,
  },
  {
    name: 'firebase', glue: 'wasm_auth_firebase', features: 'client,firebase', about: 'Firebase Authentication',
    options: `/** Firebase Authentication. */
export interface PlatformOptions {
  /** \`https://identitytoolkit.googleapis.com\`, or the Auth emulator's address (\`http://127.0.0.1:9099\`). */
  url: string;
  /** The project's Web API key. */
  apiKey: string;
}`,
  },
  {
    name: 'pocketbase', glue: 'wasm_auth_pocketbase', features: 'client,pocketbase', about: 'PocketBase, an auth collection',
    options: `/** PocketBase. */
export interface PlatformOptions {
  /** The server's address, e.g. \`http://127.0.0.1:8090\`. */
  url: string;
  /** The auth collection. Default \`users\`. */
  collection?: string;
}`,
  },
  ...[
    ['genauth', undefined, 'wasm_auth_genauth', 'client,genauth', 'GenAuth (Authing V3), passwords as typed (the genauth/rsa and genauth/sm2 entries encrypt them)', "'none'"],
    ['genauth-rsa', 'genauth/rsa', 'wasm_auth_genauth_rsa', 'client,genauth,genauth-rsa', 'GenAuth (Authing V3), with RSA password encryption', "'none' | 'rsa'"],
    ['genauth-sm2', 'genauth/sm2', 'wasm_auth_genauth_sm2', 'client,genauth,genauth-sm2', 'GenAuth (Authing V3), with SM2 password encryption', "'none' | 'sm2'"],
  ].map(([name, subpath, glue, features, about, encryptions]) => ({
    name, subpath, glue, features, about,
    options: `/** ${about}. */
export interface PlatformOptions {
  /** The application's host, e.g. \`https://<app>.genauth.ai\`. */
  url: string;
  /** The application's id (sent as \`x-genauth-app-id\`). */
  appId: string;
  /** Encrypt every password sent with the service's public key (what this entry can: ${encryptions}). Default \`'none'\`. */
  passwordEncrypt?: ${encryptions};
}`,
  })),
  {
    name: 'wristband', glue: 'wasm_auth_wristband', features: 'client,wristband', about: 'Wristband: the reset and change APIs, sessions from its hosted login',
    options: `/** Wristband. */
export interface PlatformOptions {
  /** The application's vanity domain, e.g. \`https://<app>.us.wristband.dev\`. */
  url: string;
  /** The OAuth2 client the app's tokens were issued to (refresh and revocation name it). */
  clientId: string;
  /** Extra headers for every request (e.g. a BFF's \`authorization\` for the workflow APIs). */
  headers?: Record<string, string>;
}`,
  },
  {
    name: 'wacht', glue: 'wasm_auth_wacht', features: 'client,wacht', about: "Wacht: a deployment's frontend API, development sessions",
    options: `/** Wacht (a deployment's frontend API, development sessions). */
export interface PlatformOptions {
  /** The deployment's frontend API, e.g. \`https://frontend.<your app>\`. */
  url: string;
}`,
  },
  {
    name: 'admin', glue: 'wasm_auth_admin', features: 'admin', about: "GoTrue's AdminClient, for servers: never in a browser entry",
    admin: { key: 'the service_role key', gotrue: true },
  },
  {
    name: 'wacht-admin', subpath: 'wacht/admin', glue: 'wasm_auth_wacht_admin', features: 'wacht-admin',
    about: "Wacht's AdminClient (its API key), for servers: never in a browser entry",
    admin: { key: 'the API key', gotrue: false },
  },
];

/** The files of an entry: browsers, bundlers and Deno; Node and Bun; Cloudflare workerd; types. */
export function entryFiles(entry) {
  const base = entry.name || 'index';
  const dash = entry.name ? `${entry.name}-` : '';
  return { browser: `${base}.js`, node: `${dash}node.js`, workerd: `${dash}workerd.js`, types: `${base}.d.ts` };
}

/** What the entry exports, made from its glue: the factory, its module, and the export. */
function classes(entry) {
  if (!entry.admin) return { factory: 'authClientClass', module: './auth-client.js', make: 'export const AuthClient = authClientClass(glue);' };
  const { key, gotrue } = entry.admin;
  return { factory: 'adminClientClass', module: './admin-client.js', make: `export const AdminClient = adminClientClass(glue, ${JSON.stringify(key)}, ${gotrue});` };
}

export function entrySources(entry) {
  const { glue } = entry;
  const { factory, module, make } = classes(entry);
  const imports = `import { ${factory} } from '${module}';`;
  const errors = "export { AuthError, isAuthError } from './auth-error.js';";
  return {
    // The .wasm download starts at once, beside the JS modules, and compiles while it streams
    // (WebAssembly.instantiateStreaming in the glue): nothing is imported before the fetch.
    browser: `// ${entry.about}.
const wasm = fetch(new URL('./${glue}_bg.wasm', import.meta.url));
// Handled when init awaits it; this only keeps an early failure from counting as unhandled.
wasm.catch(() => {});
const [glue, { ${factory} }, errors] = await Promise.all([import('./${glue}.js'), import('${module}'), import('./auth-error.js')]);
await glue.default({ module_or_path: wasm });
${make}
export const { AuthError, isAuthError } = errors;
`,
    // Node's fetch cannot read file: URLs: the .wasm is read from disk.
    node: `// ${entry.about}, for Node.js and Bun.
import { readFileSync } from 'node:fs';
import * as glue from './${glue}.js';
${imports}
glue.initSync({ module: readFileSync(new URL('./${glue}_bg.wasm', import.meta.url)) });
${make}
${errors}
`,
    // workerd cannot compile wasm from bytes at run time: the .wasm is imported as a module.
    workerd: `// ${entry.about}, for Cloudflare workerd.
import wasmModule from './${glue}_bg.wasm';
import * as glue from './${glue}.js';
${imports}
glue.initSync({ module: wasmModule });
${make}
${errors}
`,
  };
}

/** The entry's type declarations. */
export function entryTypes(entry) {
  const common = "export * from './types.js';\nexport { AuthError, isAuthError } from './auth-error.js';\n";
  if (entry.admin?.gotrue) {
    return `// ${entry.about}.\n${common}import type { AdminClient as Admin, AdminClientOptions } from './types.js';\nexport type AdminClient = Admin;\nexport declare const AdminClient: { new (options: AdminClientOptions): AdminClient };\n`;
  }
  if (entry.admin) {
    return `// ${entry.about}.\n${common}import type { WachtAdminClient, WachtAdminClientOptions } from './types.js';\nexport type AdminClient = WachtAdminClient;\nexport declare const AdminClient: { new (options: WachtAdminClientOptions): AdminClient };\n`;
  }
  return `// ${entry.about}.
${common}import type { AuthClient as Client, ClientOptions } from './types.js';
${entry.options}
export type AuthClientOptions = ClientOptions & PlatformOptions;
export type AuthClient = Client;
export declare const AuthClient: { new (options: AuthClientOptions): AuthClient };
`;
}
