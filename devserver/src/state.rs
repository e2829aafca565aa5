//! `AppState`: what every handler can reach — configuration, database, clock and test aids.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use crate::config::Config;
use crate::db::{Db, Millis};
use crate::dev::DevAids;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Arc<Db>,
    pub clock: Clock,
    pub dev: Arc<DevAids>,
}

impl AppState {
    pub fn new(config: Config, db: Db) -> Self {
        AppState { config: Arc::new(config), db: Arc::new(db), clock: Clock::default(), dev: Arc::new(DevAids::default()) }
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

    pub fn advance(&self, ms: Millis) -> Millis {
        self.offset_ms.fetch_add(ms, Ordering::Relaxed) + ms
    }

    pub fn offset(&self) -> Millis {
        self.offset_ms.load(Ordering::Relaxed)
    }
}
