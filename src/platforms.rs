//! How the one list of platforms (in `lib.rs`, `platforms! { … }`) is used. Each line: the cargo
//! feature that builds an npm entry for it, its module (a folder: wire, capabilities, options,
//! errors, links) and its backend type. The list declares the modules and picks the npm
//! build's platform; `tests/package/platform-list.test.mjs` checks Cargo.toml's features and
//! `scripts/entries.mjs` against it. Features add up: an npm build takes the first platform on
//! the list whose feature is on (one entry, one wasm, one protocol); the Rust API has them all.

macro_rules! platforms {
    ($($feature:literal $module:ident :: $backend:ident),* $(,)?) => {
        $(pub mod $module;)*
        /// This build's npm platform.
        #[cfg(all(target_arch = "wasm32", feature = "client"))]
        pub(crate) mod selected_platform {
            first_enabled!($($feature $module :: $backend),*);
        }
    };
}

/// `type Npm` for the first entry whose feature is on.
#[allow(unused_macros)]
macro_rules! first_enabled {
    ($feature:literal $module:ident :: $backend:ident $(, $rf:literal $rm:ident :: $rb:ident)*) => {
        #[cfg(feature = $feature)]
        pub(crate) type Npm = crate::$module::$backend;
        #[cfg(not(feature = $feature))]
        first_enabled!($($rf $rm :: $rb),*);
    };
    () => {
        compile_error!("the `client` feature needs a platform: one of the features in src/platforms.rs");
    };
}
