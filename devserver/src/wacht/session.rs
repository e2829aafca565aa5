//! `GET /session` (the browser's session; an expired token is renewed in the answer, as on any
//! request) and `POST /session/sign-out` (ends it).

use axum::{extract::State, response::Response, routing::{get, post}, Router};

use super::devsession::{reply, Visitor};
use super::error::WachtResult;
use super::{ok, session_dto};
use crate::db;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/session", get(current)).route("/session/sign-out", post(sign_out))
}

async fn current(visitor: Visitor) -> WachtResult<Response> {
    let (user, session, renewed) = visitor.require()?;
    Ok(reply(ok(session_dto(Some((&user, &session)), &session.id)), renewed))
}

async fn sign_out(State(state): State<AppState>, visitor: Visitor) -> WachtResult<Response> {
    let (_, session, renewed) = visitor.require()?;
    state.db.tx(|conn| db::delete_session(conn, &session.id))?;
    Ok(reply(ok(session_dto(None, &session.id)), renewed))
}
