//! What the wasm asks of the JavaScript host (`pkg-template/host.js`), synchronously: the clock,
//! randomness, one client's storage and its event sink. The host keeps each client's store and
//! listeners by handle; an asynchronous store is a copy the host filled before the first call.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(raw_module = "./host.js")]
extern "C" {
    /// Unix time in seconds.
    #[wasm_bindgen(js_name = hostNow)]
    pub(super) fn host_now() -> f64;
    /// `crypto.getRandomValues` into `buf`; false where there is none.
    #[wasm_bindgen(js_name = hostRandom)]
    fn host_random(buf: &mut [u8]) -> bool;
    /// `"0" + value`, `"1"` (absent) or `"2"` (the store threw).
    #[wasm_bindgen(js_name = storeGet)]
    pub(super) fn store_get(handle: u32, key: &str) -> String;
    /// 0, or 1 when the store threw.
    #[wasm_bindgen(js_name = storeSet)]
    pub(super) fn store_set(handle: u32, key: &str, value: &str) -> u32;
    #[wasm_bindgen(js_name = storeRemove)]
    pub(super) fn store_remove(handle: u32, key: &str) -> u32;
    /// An event for the client's listeners; `session` is its JSON, empty when signed out.
    #[wasm_bindgen(js_name = hostEmit)]
    pub(super) fn emit(handle: u32, event: &str, session: &str);
}

/// The host's randomness (PKCE verifiers; GenAuth's encryption: `crate::random`).
pub fn random(buf: &mut [u8]) -> bool {
    host_random(buf)
}
