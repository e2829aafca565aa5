//! Wacht's user ids are 64-bit integers (snowflakes, an `i64` in its server; its backend SDK
//! takes them as strings: `userId: string`); the devserver's users have UUIDs. The stand-in gives
//! each user it shows an id of Wacht's kind, kept in its own table, and writes it as a string of
//! digits (a JSON number past 2^53 loses digits in JavaScript; that Wacht's JSON does the same is
//! inferred).

use rusqlite::{params, Connection, OptionalExtension};

use crate::db::db_err;
use crate::error::ApiResult;

/// The Wacht id of the devserver user `user_id`, given on first sight: a random 63-bit number at
/// least 2^60, so that it has a snowflake's 19 digits and never collides with a small integer.
pub fn wacht_id(conn: &Connection, user_id: &str) -> ApiResult<String> {
    let known = |conn: &Connection| -> ApiResult<Option<i64>> {
        conn.query_row("SELECT id FROM wacht_users WHERE user_id = ?1", [user_id], |r| r.get(0)).optional().map_err(db_err)
    };
    if let Some(id) = known(conn)? {
        return Ok(id.to_string());
    }
    loop {
        let id = (rand::random::<u64>() >> 4 | 1 << 60) as i64;
        let inserted = conn.execute("INSERT OR IGNORE INTO wacht_users (id, user_id) VALUES (?1, ?2)", params![id, user_id]).map_err(db_err)?;
        if inserted == 1 {
            return Ok(id.to_string());
        }
        // Taken by another user (or this one, meanwhile): look again.
        if let Some(id) = known(conn)? {
            return Ok(id.to_string());
        }
    }
}

/// The devserver user a Wacht id names; `None` for ids never given or not of Wacht's form.
pub fn user_id(conn: &Connection, wacht_id: &str) -> ApiResult<Option<String>> {
    let Ok(id) = wacht_id.parse::<i64>() else { return Ok(None) };
    conn.query_row("SELECT user_id FROM wacht_users WHERE id = ?1", [id], |r| r.get(0)).optional().map_err(db_err)
}
