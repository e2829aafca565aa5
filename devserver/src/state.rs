//! `AppState`: what every handler can reach — configuration, database, clock and test aids.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use crate::config::Config;
use crate::db::{Db, Millis};
use crate::dev::DevAids;
use crate::ratelimit::Limiter;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Arc<Db>,
    pub clock: Clock,
    pub dev: Arc<DevAids>,
    /// Failed verifications per client (`GOTRUE_RATE_LIMIT_VERIFY`), on every platform's
    /// verification route.
    pub verify_limiter: Arc<Limiter>,
    /// Failed sign-ins per client (`AUTH_DEVSERVER_RATE_LIMIT_SIGN_IN`), on every sign-in route.
    pub sign_in_limiter: Arc<Limiter>,
    /// The GenAuth stand-in's password-encryption keys (made on first use).
    pub genauth_keys: Arc<crate::genauth::keys::Keys>,
}

impl AppState {
    pub fn new(config: Config, db: Db) -> Self {
        if let Err(e) = db.cap_outbox(config.outbox_max) {
            tracing::warn!("the outbox is not capped: {e}");
        }
        AppState {
            config: Arc::new(config),
            db: Arc::new(db),
            clock: Clock::default(),
            dev: Arc::new(DevAids::default()),
            verify_limiter: Arc::default(),
            sign_in_limiter: Arc::default(),
            genauth_keys: Arc::default(),
        }
    }

    pub fn now(&self) -> Millis {
        self.clock.now()
    }
}

/// Wall-clock time plus an offset that tests move forward (`POST /_dev/clock`), so expiry can be
/// tested without waiting.
#[derive(Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> Millis {
        chrono::Utc::now().timestamp_millis() + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Moves the clock `ms` forward, unless the total offset would pass `max_offset`; the new
    /// offset, or `None` (and no change) when it would.
    pub fn advance(&self, ms: Millis, max_offset: Millis) -> Option<Millis> {
        let moved = |offset: Millis| offset.checked_add(ms).filter(|o| (0..=max_offset).contains(o));
        self.offset_ms.fetch_update(Ordering::Relaxed, Ordering::Relaxed, moved).ok().and_then(moved)
    }

    pub fn offset(&self) -> Millis {
        self.offset_ms.load(Ordering::Relaxed)
    }
}
