//! Per-client limits of guesses, in the style of GoTrue's `RATE_LIMIT_VERIFY`: a token bucket per
//! client of `GOTRUE_RATE_LIMIT_VERIFY` (verifications) or `AUTH_DEVSERVER_RATE_LIMIT_SIGN_IN`
//! (sign-ins, per client and address) tokens, refilled at that many per five minutes, on the
//! server's clock (so `/_dev/clock` moves it too).
//!
//! GoTrue counts every request and runs its per-IP limiters only behind a configured header;
//! here the client is the peer address unless `GOTRUE_RATE_LIMIT_HEADER` names one, and only
//! *wrong guesses* keep their token — enough to stop a brute force, while a test suite that
//! verifies thousands of good codes from one address never meets the limit.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::request::Parts,
};

use crate::db::Millis;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

const WINDOW_MS: f64 = 5.0 * 60.0 * 1000.0;

/// Keeps the table bounded: buckets that have refilled completely carry no information.
const MAX_CLIENTS: usize = 10_000;

#[derive(Default)]
pub struct Limiter {
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Millis,
}

impl Limiter {
    /// Takes one token when `client` has one left (checked and taken under one lock, so that
    /// concurrent attempts cannot all pass a check before any takes); false, and nothing taken,
    /// when it has none.
    pub fn try_take(&self, client: &str, capacity: u32, now: Millis) -> bool {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MAX_CLIENTS {
            buckets.retain(|_, b| refilled(*b, capacity, now) < f64::from(capacity));
        }
        let bucket = buckets.entry(client.to_string()).or_insert(Bucket { tokens: f64::from(capacity), at: now });
        let tokens = refilled(*bucket, capacity, now);
        if tokens < 1.0 {
            return false;
        }
        *bucket = Bucket { tokens: tokens - 1.0, at: now };
        true
    }

    /// Gives back a token taken for an attempt that turned out not to be a wrong guess.
    pub fn give_back(&self, client: &str, capacity: u32, now: Millis) {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(bucket) = buckets.get_mut(client) {
            *bucket = Bucket { tokens: (refilled(*bucket, capacity, now) + 1.0).min(f64::from(capacity)), at: now };
        }
    }
}

/// The limits a guessable attempt runs under.
#[derive(Clone, Copy)]
pub enum Guess {
    /// A code, link or reset token (`GOTRUE_RATE_LIMIT_VERIFY`).
    Verify,
    /// A password at sign-in (`AUTH_DEVSERVER_RATE_LIMIT_SIGN_IN`).
    SignIn,
}

/// Runs `attempt` for `client` unless its bucket for `guess` is empty (then GoTrue's 429, in the
/// platform's error type). The token is taken before the attempt and given back unless its
/// error `failed` calls a wrong guess: a burst of concurrent guesses (bcrypt takes a while) is
/// held to the bucket like a sequence. Every platform's verification and sign-in routes go
/// through here, so none is a way around the others' limits. `key` narrows the bucket (sign-ins
/// count per client and address: a page on the same machine that spends one address's tries
/// does not lock every account out).
pub async fn guarded<T, E: From<ApiError>>(
    state: &AppState,
    guess: Guess,
    client: &Client,
    key: Option<&str>,
    failed: impl Fn(&E) -> bool,
    attempt: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let (limiter, capacity) = match guess {
        Guess::Verify => (&state.verify_limiter, state.config.rate_limit_verify),
        Guess::SignIn => (&state.sign_in_limiter, state.config.rate_limit_sign_in),
    };
    let bucket = match key {
        Some(key) => format!("{}\u{0}{}", client.0, key.to_lowercase()),
        None => client.0.clone(),
    };
    if !limiter.try_take(&bucket, capacity, state.now()) {
        return Err(ApiError::too_many("over_request_rate_limit", "Request rate limit reached").into());
    }
    let result = attempt.await;
    if !result.as_ref().err().is_some_and(failed) {
        limiter.give_back(&bucket, capacity, state.now());
    }
    result
}

fn refilled(bucket: Bucket, capacity: u32, now: Millis) -> f64 {
    let capacity = f64::from(capacity);
    let elapsed = now.saturating_sub(bucket.at).max(0) as f64;
    (bucket.tokens + elapsed * capacity / WINDOW_MS).min(capacity)
}

/// Who is asking: the first value of `GOTRUE_RATE_LIMIT_HEADER` when configured and present,
/// else the peer's IP address.
pub struct Client(pub String);

impl FromRequestParts<AppState> for Client {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let from_header = state.config.rate_limit_header.as_deref().and_then(|name| {
            let value = parts.headers.get(name)?.to_str().ok()?;
            value.split(',').next().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
        });
        let peer = || parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip().to_string());
        Ok(Client(from_header.or_else(peer).unwrap_or_else(|| "unknown".into())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_drain_the_bucket_and_time_refills_it() {
        let limiter = Limiter::default();
        for _ in 0..3 {
            assert!(limiter.try_take("a", 3, 0));
        }
        assert!(!limiter.try_take("a", 3, 0), "empty");
        assert!(limiter.try_take("b", 3, 0), "other clients are not affected");
        // 3 tokens per 5 minutes: one comes back after 100 s.
        assert!(!limiter.try_take("a", 3, 99_000));
        assert!(limiter.try_take("a", 3, 100_000));
    }

    #[test]
    fn an_attempt_that_was_no_wrong_guess_gives_its_token_back() {
        let limiter = Limiter::default();
        for _ in 0..10 {
            assert!(limiter.try_take("a", 2, 0));
            limiter.give_back("a", 2, 0);
        }
        assert!(limiter.try_take("a", 2, 0) && limiter.try_take("a", 2, 0) && !limiter.try_take("a", 2, 0));
    }

    #[test]
    fn zero_capacity_refuses_every_attempt() {
        assert!(!Limiter::default().try_take("a", 0, 0));
    }
}
