//! `GET /session` (the browser's session; an expired token is renewed in the answer, as on any
//! request) and `POST /session/sign-out` (ends it).

use axum::{extract::State, response::Response, routing::{get, post}, Router};

use super::devsession::{anonymous, reply, Visitor};
use super::error::WachtResult;
use super::{ok, session_dto};
use crate::db;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/session", get(current)).route("/session/sign-out", post(sign_out))
}

async fn current(State(state): State<AppState>, visitor: Visitor) -> WachtResult<Response> {
    let (user, session) = visitor.require()?;
    let dto = state.db.tx(|conn| session_dto(conn, Some((&user, &session)), &visitor.bsid))?;
    Ok(reply(ok(dto), None))
}

/// The sign-in ends; the browser session goes on, with a token that names no sign-in.
async fn sign_out(State(state): State<AppState>, visitor: Visitor) -> WachtResult<Response> {
    let (_, session) = visitor.require()?;
    state.db.tx(|conn| db::delete_session(conn, &session.id))?;
    let dto = state.db.tx(|conn| session_dto(conn, None, &visitor.bsid))?;
    Ok(reply(ok(dto), Some(anonymous(&state, &visitor.bsid))))
}
