//! One module per GoTrue resource, each with its own `router()`; section numbers refer to
//! `gotrue-protocol.md`.

use axum::Router;

use crate::state::AppState;

mod admin;
mod health;
mod logout;
mod otp;
mod recover;
mod signup;
mod token;
mod user;
mod verify;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(signup::router())
        .merge(token::router())
        .merge(recover::router())
        .merge(verify::router())
        .merge(otp::router())
        .merge(user::router())
        .merge(logout::router())
        .merge(admin::router())
}
