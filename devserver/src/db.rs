//! Storage over SQLite: schema, rows and the queries the handlers need.
//!
//! One connection behind a mutex: the server is for development, and serialising every
//! statement makes each handler's read-modify-write atomic without further ceremony.

use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::{json, Value};

use crate::error::{ApiError, ApiResult};

const SCHEMA: &str = "
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    identity_id TEXT NOT NULL,
    aud TEXT NOT NULL,
    role TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    encrypted_password TEXT,
    email_confirmed_at INTEGER,
    confirmation_sent_at INTEGER,
    recovery_sent_at INTEGER,
    reauthentication_sent_at INTEGER,
    last_sign_in_at INTEGER,
    confirmation_token TEXT,
    recovery_token TEXT,
    reauthentication_token TEXT,
    app_metadata TEXT NOT NULL,
    user_metadata TEXT NOT NULL,
    banned_until INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    amr_method TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS refresh_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token TEXT NOT NULL UNIQUE,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    parent TEXT,
    revoked INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS flow_states (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    auth_code TEXT NOT NULL UNIQUE,
    code_challenge TEXT NOT NULL,
    code_challenge_method TEXT NOT NULL,
    authentication_method TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    auth_code_issued_at INTEGER
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    kind TEXT NOT NULL,
    token TEXT,
    token_hash TEXT,
    link TEXT,
    body TEXT NOT NULL,
    sent_at INTEGER NOT NULL
);
-- The Wacht stand-in's ids (src/wacht/ids.rs): Wacht's are 64-bit integers, ours UUIDs.
CREATE TABLE IF NOT EXISTS wacht_users (
    id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE
);
-- Without these every password change (which ends the user's other sessions, cascading to their
-- refresh tokens) and every outbox read scans whole tables, and a long run slows down as it grows.
CREATE INDEX IF NOT EXISTS sessions_user_id ON sessions(user_id);
CREATE INDEX IF NOT EXISTS refresh_tokens_session_id ON refresh_tokens(session_id);
CREATE INDEX IF NOT EXISTS flow_states_user_id ON flow_states(user_id);
CREATE INDEX IF NOT EXISTS outbox_recipient ON outbox(recipient);
";

/// Changes to a database made by an earlier version (`data/demo.sqlite` survives upgrades),
/// applied in order; `PRAGMA user_version` counts those already applied.
const MIGRATIONS: [&str; 2] = [
    "
ALTER TABLE users ADD COLUMN verify_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN invited_at INTEGER;
ALTER TABLE users ADD COLUMN email_change TEXT;
ALTER TABLE users ADD COLUMN email_change_token_current TEXT;
ALTER TABLE users ADD COLUMN email_change_token_new TEXT;
ALTER TABLE users ADD COLUMN email_change_sent_at INTEGER;
",
    "
ALTER TABLE users ADD COLUMN code_sent_at INTEGER;
",
];

/// The database handle shared by all requests.
pub struct Db(Mutex<Connection>);

impl Db {
    /// Opens (and creates) the database at `path`, or an in-memory one for `:memory:`.
    pub fn open(path: &str) -> rusqlite::Result<Db> {
        let conn = if path == ":memory:" { Connection::open_in_memory()? } else { Connection::open(path)? };
        if path != ":memory:" {
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        conn.execute_batch(SCHEMA)?;
        let applied: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (version, migration) in MIGRATIONS.iter().enumerate().skip(applied) {
            conn.execute_batch(&format!("BEGIN; {migration} PRAGMA user_version = {}; COMMIT;", version + 1))?;
        }
        Ok(Db(Mutex::new(conn)))
    }

    /// Keeps at most `max` mails: each insert drops those `max` or more ids older than itself
    /// (ids only grow), so a long run or a flood of requests cannot grow the outbox without
    /// bound. A temporary trigger: it lives with this connection, whatever the database file.
    pub fn cap_outbox(&self, max: u32) -> rusqlite::Result<()> {
        self.lock().execute_batch(&format!(
            "DROP TRIGGER IF EXISTS temp.outbox_cap;
             CREATE TEMP TRIGGER outbox_cap AFTER INSERT ON outbox BEGIN DELETE FROM outbox WHERE id <= NEW.id - {max}; END;"
        ))
    }

    /// Runs `f` inside one transaction; a failure rolls everything back.
    pub fn tx<T>(&self, f: impl FnOnce(&Connection) -> ApiResult<T>) -> ApiResult<T> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(ApiError::internal)?;
        let value = f(&tx)?;
        tx.commit().map_err(ApiError::internal)?;
        Ok(value)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-applied transaction behind
        // (it rolls back on drop), so a poisoned lock is still safe to use.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// rusqlite errors become GoTrue's generic 500.
pub fn db_err(e: rusqlite::Error) -> ApiError {
    ApiError::internal(format!("database: {e}"))
}

/// Milliseconds since the epoch, the unit of every stored time.
pub type Millis = i64;

/// RFC 3339 with microseconds, as GoTrue's JSON times.
pub fn rfc3339(ms: Millis) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// A user row.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub identity_id: String,
    pub aud: String,
    pub role: String,
    pub email: String,
    pub encrypted_password: Option<String>,
    pub email_confirmed_at: Option<Millis>,
    pub confirmation_sent_at: Option<Millis>,
    pub recovery_sent_at: Option<Millis>,
    pub reauthentication_sent_at: Option<Millis>,
    pub last_sign_in_at: Option<Millis>,
    pub confirmation_token: Option<String>,
    pub recovery_token: Option<String>,
    pub reauthentication_token: Option<String>,
    pub app_metadata: Value,
    pub user_metadata: Value,
    pub banned_until: Option<Millis>,
    pub created_at: Millis,
    pub updated_at: Millis,
    /// Wrong codes given against the outstanding tokens; at the limit the tokens are void.
    pub verify_failures: u32,
    pub invited_at: Option<Millis>,
    /// The address an email change moves to (`new_email` in the user object).
    pub email_change: Option<String>,
    pub email_change_token_current: Option<String>,
    pub email_change_token_new: Option<String>,
    pub email_change_sent_at: Option<Millis>,
    /// When a stand-in last emailed this user a reset code (GenAuth, Wacht): their resend
    /// interval counts from it, whether the code is pending, spent or void.
    pub code_sent_at: Option<Millis>,
}

const USER_COLUMNS: &str = "id, identity_id, aud, role, email, encrypted_password, email_confirmed_at, confirmation_sent_at, \
    recovery_sent_at, reauthentication_sent_at, last_sign_in_at, confirmation_token, recovery_token, \
    reauthentication_token, app_metadata, user_metadata, banned_until, created_at, updated_at, verify_failures, invited_at, \
    email_change, email_change_token_current, email_change_token_new, email_change_sent_at, code_sent_at";

impl User {
    /// A new email user, not yet stored.
    pub fn new(email: &str, aud: &str, encrypted_password: Option<String>, user_metadata: Value, now: Millis) -> User {
        User {
            id: uuid::Uuid::new_v4().to_string(),
            identity_id: uuid::Uuid::new_v4().to_string(),
            aud: aud.to_string(),
            role: aud.to_string(),
            email: email.to_lowercase(),
            encrypted_password,
            email_confirmed_at: None,
            confirmation_sent_at: None,
            recovery_sent_at: None,
            reauthentication_sent_at: None,
            last_sign_in_at: None,
            confirmation_token: None,
            recovery_token: None,
            reauthentication_token: None,
            app_metadata: json!({"provider": "email", "providers": ["email"]}),
            user_metadata: if user_metadata.is_object() { user_metadata } else { json!({}) },
            banned_until: None,
            created_at: now,
            updated_at: now,
            verify_failures: 0,
            invited_at: None,
            email_change: None,
            email_change_token_current: None,
            email_change_token_new: None,
            email_change_sent_at: None,
            code_sent_at: None,
        }
    }

    fn from_row(row: &Row) -> rusqlite::Result<User> {
        let json_col = |i: usize| -> rusqlite::Result<Value> {
            let text: String = row.get(i)?;
            Ok(serde_json::from_str(&text).unwrap_or_else(|_| json!({})))
        };
        Ok(User {
            id: row.get(0)?,
            identity_id: row.get(1)?,
            aud: row.get(2)?,
            role: row.get(3)?,
            email: row.get(4)?,
            encrypted_password: row.get(5)?,
            email_confirmed_at: row.get(6)?,
            confirmation_sent_at: row.get(7)?,
            recovery_sent_at: row.get(8)?,
            reauthentication_sent_at: row.get(9)?,
            last_sign_in_at: row.get(10)?,
            confirmation_token: row.get(11)?,
            recovery_token: row.get(12)?,
            reauthentication_token: row.get(13)?,
            app_metadata: json_col(14)?,
            user_metadata: json_col(15)?,
            banned_until: row.get(16)?,
            created_at: row.get(17)?,
            updated_at: row.get(18)?,
            verify_failures: row.get(19)?,
            invited_at: row.get(20)?,
            email_change: row.get(21)?,
            email_change_token_current: row.get(22)?,
            email_change_token_new: row.get(23)?,
            email_change_sent_at: row.get(24)?,
            code_sent_at: row.get(25)?,
        })
    }

    /// GoTrue's `UpdatePassword`: the new hash, and every pending token (with its interval)
    /// goes. The caller deletes sessions: all but the current one, or all for an admin.
    pub fn set_password(&mut self, hash: String) {
        self.encrypted_password = Some(hash);
        self.confirmation_token = None;
        self.confirmation_sent_at = None;
        self.recovery_token = None;
        self.recovery_sent_at = None;
        self.reauthentication_token = None;
        self.reauthentication_sent_at = None;
        self.verify_failures = 0;
    }

    pub fn is_confirmed(&self) -> bool {
        self.email_confirmed_at.is_some()
    }

    pub fn is_banned(&self, now: Millis) -> bool {
        self.banned_until.is_some_and(|until| until > now)
    }

    /// The user object of docs/protocol/gotrue.md §3.2 (secrets never leave the row).
    pub fn to_json(&self) -> Value {
        let mut user = json!({
            "id": self.id,
            "aud": self.aud,
            "role": self.role,
            "email": self.email,
            "phone": "",
            "app_metadata": self.app_metadata,
            "user_metadata": self.user_metadata,
            "identities": [self.identity_json()],
            "created_at": rfc3339(self.created_at),
            "updated_at": rfc3339(self.updated_at),
            "is_anonymous": false,
        });
        let optional = [
            ("email_confirmed_at", self.email_confirmed_at),
            ("confirmed_at", self.email_confirmed_at),
            ("confirmation_sent_at", self.confirmation_sent_at),
            ("recovery_sent_at", self.recovery_sent_at),
            ("reauthentication_sent_at", self.reauthentication_sent_at),
            ("last_sign_in_at", self.last_sign_in_at),
            ("banned_until", self.banned_until),
            ("invited_at", self.invited_at),
            ("email_change_sent_at", self.email_change_sent_at),
        ];
        for (key, value) in optional {
            if let Some(ms) = value {
                user[key] = json!(rfc3339(ms));
            }
        }
        if let Some(new_email) = &self.email_change {
            user["new_email"] = json!(new_email);
        }
        user
    }

    fn identity_json(&self) -> Value {
        json!({
            "identity_id": self.identity_id,
            "id": self.id,
            "user_id": self.id,
            "identity_data": {"email": self.email, "email_verified": self.is_confirmed(), "phone_verified": false, "sub": self.id},
            "provider": "email",
            "last_sign_in_at": rfc3339(self.last_sign_in_at.unwrap_or(self.created_at)),
            "created_at": rfc3339(self.created_at),
            "updated_at": rfc3339(self.updated_at),
            "email": self.email,
        })
    }
}

pub fn insert_user(conn: &Connection, u: &User) -> ApiResult<()> {
    conn.execute(
        &format!("INSERT INTO users ({USER_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)"),
        params![
            u.id, u.identity_id, u.aud, u.role, u.email, u.encrypted_password, u.email_confirmed_at,
            u.confirmation_sent_at, u.recovery_sent_at, u.reauthentication_sent_at, u.last_sign_in_at,
            u.confirmation_token, u.recovery_token, u.reauthentication_token, u.app_metadata.to_string(),
            u.user_metadata.to_string(), u.banned_until, u.created_at, u.updated_at, u.verify_failures, u.invited_at,
            u.email_change, u.email_change_token_current, u.email_change_token_new, u.email_change_sent_at, u.code_sent_at
        ],
    )
    .map_err(db_err)?;
    Ok(())
}

/// Writes every mutable column of `u` back.
pub fn save_user(conn: &Connection, u: &User) -> ApiResult<()> {
    conn.execute(
        "UPDATE users SET aud = ?2, role = ?3, email = ?4, encrypted_password = ?5, email_confirmed_at = ?6,
            confirmation_sent_at = ?7, recovery_sent_at = ?8, reauthentication_sent_at = ?9, last_sign_in_at = ?10,
            confirmation_token = ?11, recovery_token = ?12, reauthentication_token = ?13, app_metadata = ?14,
            user_metadata = ?15, banned_until = ?16, updated_at = ?17, verify_failures = ?18, invited_at = ?19,
            email_change = ?20, email_change_token_current = ?21, email_change_token_new = ?22, email_change_sent_at = ?23,
            code_sent_at = ?24
         WHERE id = ?1",
        params![
            u.id, u.aud, u.role, u.email, u.encrypted_password, u.email_confirmed_at, u.confirmation_sent_at,
            u.recovery_sent_at, u.reauthentication_sent_at, u.last_sign_in_at, u.confirmation_token,
            u.recovery_token, u.reauthentication_token, u.app_metadata.to_string(), u.user_metadata.to_string(),
            u.banned_until, u.updated_at, u.verify_failures, u.invited_at, u.email_change, u.email_change_token_current,
            u.email_change_token_new, u.email_change_sent_at, u.code_sent_at
        ],
    )
    .map_err(db_err)?;
    Ok(())
}

pub fn find_user_by_id(conn: &Connection, id: &str) -> ApiResult<Option<User>> {
    conn.query_row(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"), [id], User::from_row)
        .optional()
        .map_err(db_err)
}

pub fn find_user_by_email(conn: &Connection, email: &str) -> ApiResult<Option<User>> {
    conn.query_row(&format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?1"), [email.to_lowercase()], User::from_row)
        .optional()
        .map_err(db_err)
}

/// The user holding a one-time token (exact match on the stored hash, `pkce_` prefix included).
pub fn find_user_by_token(conn: &Connection, column: TokenColumn, hash: &str) -> ApiResult<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE {} = ?1", column.name());
    conn.query_row(&sql, [hash], User::from_row).optional().map_err(db_err)
}

/// The user whose `column` starts with `prefix` (a credential stored in two parts, the first
/// naming the request: Wristband's request code).
pub fn find_user_by_token_prefix(conn: &Connection, column: TokenColumn, prefix: &str) -> ApiResult<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE substr({0}, 1, length(?1)) = ?1 LIMIT 1", column.name());
    conn.query_row(&sql, [prefix], User::from_row).optional().map_err(db_err)
}

/// The token columns a user row has, one outstanding token each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenColumn {
    Confirmation,
    Recovery,
}

impl TokenColumn {
    fn name(self) -> &'static str {
        match self {
            TokenColumn::Confirmation => "confirmation_token",
            TokenColumn::Recovery => "recovery_token",
        }
    }
}

pub fn list_users(conn: &Connection, page: u64, per_page: u64) -> ApiResult<(Vec<User>, u64)> {
    let total: u64 = conn.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0)).map_err(db_err)?;
    let mut stmt = conn
        .prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY created_at DESC, id LIMIT ?1 OFFSET ?2"))
        .map_err(db_err)?;
    // SQLite integers are i64: a page past the end just finds nothing.
    let offset = i64::try_from(page.saturating_sub(1).saturating_mul(per_page)).unwrap_or(i64::MAX);
    let per_page = i64::try_from(per_page).unwrap_or(i64::MAX);
    let users = stmt
        .query_map(params![per_page, offset], User::from_row)
        .map_err(db_err)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db_err)?;
    Ok((users, total))
}

pub fn delete_user(conn: &Connection, id: &str) -> ApiResult<()> {
    conn.execute("DELETE FROM users WHERE id = ?1", [id]).map_err(db_err)?;
    Ok(())
}

/// Merges `patch` into the JSON object `target` (GoTrue's metadata update): a key set to null
/// is removed.
pub fn merge_metadata(target: &mut Value, patch: &serde_json::Map<String, Value>) {
    if !target.is_object() {
        *target = json!({});
    }
    if let Some(object) = target.as_object_mut() {
        for (key, value) in patch {
            if value.is_null() {
                object.remove(key);
            } else {
                object.insert(key.clone(), value.clone());
            }
        }
    }
}

/// A session row.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub user_id: String,
    /// The authentication method the session was created with; never changes (docs/protocol/gotrue.md §3.3).
    pub amr_method: String,
    pub created_at: Millis,
}

impl Session {
    /// GoTrue's `IsRecovery`: these sessions are exempt from the current-password requirement.
    pub fn is_recovery(&self) -> bool {
        matches!(self.amr_method.as_str(), "otp" | "magiclink" | "recovery")
    }
}

pub fn insert_session(conn: &Connection, s: &Session) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO sessions (id, user_id, amr_method, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![s.id, s.user_id, s.amr_method, s.created_at],
    )
    .map_err(db_err)?;
    Ok(())
}

pub fn find_session(conn: &Connection, id: &str) -> ApiResult<Option<Session>> {
    conn.query_row("SELECT id, user_id, amr_method, created_at FROM sessions WHERE id = ?1", [id], |r| {
        Ok(Session { id: r.get(0)?, user_id: r.get(1)?, amr_method: r.get(2)?, created_at: r.get(3)? })
    })
    .optional()
    .map_err(db_err)
}

/// Deletes the user's sessions; `keep` spares one. Refresh tokens go with them (cascade).
pub fn delete_sessions(conn: &Connection, user_id: &str, keep: Option<&str>) -> ApiResult<usize> {
    conn.execute("DELETE FROM sessions WHERE user_id = ?1 AND id IS NOT ?2", params![user_id, keep]).map_err(db_err)
}

pub fn delete_session(conn: &Connection, id: &str) -> ApiResult<()> {
    conn.execute("DELETE FROM sessions WHERE id = ?1", [id]).map_err(db_err)?;
    Ok(())
}

/// A refresh-token row.
#[derive(Debug, Clone)]
pub struct RefreshToken {
    pub token: String,
    pub session_id: String,
    pub parent: Option<String>,
    pub revoked: bool,
    pub updated_at: Millis,
}

const REFRESH_COLUMNS: &str = "token, session_id, parent, revoked, updated_at";

fn refresh_from_row(r: &Row) -> rusqlite::Result<RefreshToken> {
    Ok(RefreshToken { token: r.get(0)?, session_id: r.get(1)?, parent: r.get(2)?, revoked: r.get(3)?, updated_at: r.get(4)? })
}

pub fn insert_refresh_token(conn: &Connection, token: &str, session_id: &str, parent: Option<&str>, now: Millis) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO refresh_tokens (token, session_id, parent, revoked, created_at, updated_at) VALUES (?1, ?2, ?3, 0, ?4, ?4)",
        params![token, session_id, parent, now],
    )
    .map_err(db_err)?;
    Ok(())
}

pub fn find_refresh_token(conn: &Connection, token: &str) -> ApiResult<Option<RefreshToken>> {
    conn.query_row(&format!("SELECT {REFRESH_COLUMNS} FROM refresh_tokens WHERE token = ?1"), [token], refresh_from_row)
        .optional()
        .map_err(db_err)
}

/// The live (unrevoked) child of `parent`, if any: the token that replaced it.
pub fn find_active_child(conn: &Connection, parent: &str) -> ApiResult<Option<RefreshToken>> {
    conn.query_row(
        &format!("SELECT {REFRESH_COLUMNS} FROM refresh_tokens WHERE parent = ?1 AND revoked = 0 ORDER BY id DESC LIMIT 1"),
        [parent],
        refresh_from_row,
    )
    .optional()
    .map_err(db_err)
}

pub fn revoke_refresh_token(conn: &Connection, token: &str, now: Millis) -> ApiResult<()> {
    conn.execute("UPDATE refresh_tokens SET revoked = 1, updated_at = ?2 WHERE token = ?1", params![token, now])
        .map_err(db_err)?;
    Ok(())
}

/// Reuse detection: every token of the session is revoked (GoTrue's `RevokeTokenFamily`).
pub fn revoke_session_tokens(conn: &Connection, session_id: &str, now: Millis) -> ApiResult<()> {
    conn.execute(
        "UPDATE refresh_tokens SET revoked = 1, updated_at = ?2 WHERE session_id = ?1 AND revoked = 0",
        params![session_id, now],
    )
    .map_err(db_err)?;
    Ok(())
}

pub fn touch_session(conn: &Connection, id: &str, now: Millis) -> ApiResult<()> {
    conn.execute("UPDATE sessions SET updated_at = ?2 WHERE id = ?1", params![id, now]).map_err(db_err)?;
    Ok(())
}

/// A PKCE flow-state row.
#[derive(Debug, Clone)]
pub struct FlowState {
    pub id: String,
    pub user_id: String,
    pub auth_code: String,
    pub code_challenge: String,
    pub code_challenge_method: String,
    pub authentication_method: String,
    pub created_at: Millis,
}

impl FlowState {
    /// A new flow state whose auth code is revealed only by the email link.
    pub fn new(user_id: &str, challenge: &str, method: &str, authentication_method: &str, now: Millis) -> Self {
        FlowState {
            id: uuid::Uuid::new_v4().to_string(),
            user_id: user_id.to_string(),
            auth_code: uuid::Uuid::new_v4().to_string(),
            code_challenge: challenge.to_string(),
            code_challenge_method: method.to_string(),
            authentication_method: authentication_method.to_string(),
            created_at: now,
        }
    }
}

const FLOW_COLUMNS: &str = "id, user_id, auth_code, code_challenge, code_challenge_method, authentication_method, created_at";

fn flow_from_row(r: &Row) -> rusqlite::Result<FlowState> {
    Ok(FlowState {
        id: r.get(0)?,
        user_id: r.get(1)?,
        auth_code: r.get(2)?,
        code_challenge: r.get(3)?,
        code_challenge_method: r.get(4)?,
        authentication_method: r.get(5)?,
        created_at: r.get(6)?,
    })
}

pub fn insert_flow_state(conn: &Connection, f: &FlowState) -> ApiResult<()> {
    conn.execute(
        &format!("INSERT INTO flow_states ({FLOW_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
        params![f.id, f.user_id, f.auth_code, f.code_challenge, f.code_challenge_method, f.authentication_method, f.created_at],
    )
    .map_err(db_err)?;
    Ok(())
}

/// The newest flow state of a user for a method (GoTrue pops the last one).
pub fn latest_flow_state(conn: &Connection, user_id: &str, method: &str) -> ApiResult<Option<FlowState>> {
    conn.query_row(
        &format!("SELECT {FLOW_COLUMNS} FROM flow_states WHERE user_id = ?1 AND authentication_method = ?2 ORDER BY created_at DESC, rowid DESC LIMIT 1"),
        params![user_id, method],
        flow_from_row,
    )
    .optional()
    .map_err(db_err)
}

pub fn find_flow_state_by_code(conn: &Connection, auth_code: &str) -> ApiResult<Option<FlowState>> {
    conn.query_row(&format!("SELECT {FLOW_COLUMNS} FROM flow_states WHERE auth_code = ?1"), [auth_code], flow_from_row)
        .optional()
        .map_err(db_err)
}

pub fn mark_auth_code_issued(conn: &Connection, id: &str, now: Millis) -> ApiResult<()> {
    conn.execute("UPDATE flow_states SET auth_code_issued_at = ?2 WHERE id = ?1", params![id, now]).map_err(db_err)?;
    Ok(())
}

pub fn delete_flow_state(conn: &Connection, id: &str) -> ApiResult<()> {
    conn.execute("DELETE FROM flow_states WHERE id = ?1", [id]).map_err(db_err)?;
    Ok(())
}

/// One email in the outbox.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    /// `recovery`, `magiclink`, `signup`, `reauthentication`.
    pub kind: String,
    pub token: Option<String>,
    pub token_hash: Option<String>,
    pub link: Option<String>,
    pub text: String,
    #[serde(serialize_with = "serialize_rfc3339")]
    pub sent_at: Millis,
}

fn serialize_rfc3339<S: serde::Serializer>(ms: &Millis, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*ms))
}

pub fn insert_mail(conn: &Connection, m: &Mail) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO outbox (recipient, subject, kind, token, token_hash, link, body, sent_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![m.to, m.subject, m.kind, m.token, m.token_hash, m.link, m.text, m.sent_at],
    )
    .map_err(db_err)?;
    Ok(())
}

/// Mail in sending order, optionally for one recipient.
/// Mail to `recipient` (or to anyone), oldest first; only the newest `limit` of them when given.
pub fn list_mail(conn: &Connection, recipient: Option<&str>, limit: Option<u32>) -> ApiResult<Vec<Mail>> {
    let mut stmt = conn
        .prepare(
            "SELECT recipient, subject, kind, token, token_hash, link, body, sent_at FROM (
               SELECT id, recipient, subject, kind, token, token_hash, link, body, sent_at FROM outbox
               WHERE ?1 IS NULL OR recipient = ?1 ORDER BY id DESC LIMIT ?2
             ) ORDER BY id",
        )
        .map_err(db_err)?;
    // SQLite reads a negative LIMIT as "no limit".
    let limit = limit.map_or(-1, i64::from);
    let rows = stmt
        .query_map(rusqlite::params![recipient.map(str::to_lowercase), limit], |r| {
            Ok(Mail {
                to: r.get(0)?,
                subject: r.get(1)?,
                kind: r.get(2)?,
                token: r.get(3)?,
                token_hash: r.get(4)?,
                link: r.get(5)?,
                text: r.get(6)?,
                sent_at: r.get(7)?,
            })
        })
        .map_err(db_err)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db_err)?;
    Ok(rows)
}

pub fn clear_mail(conn: &Connection) -> ApiResult<()> {
    conn.execute("DELETE FROM outbox", []).map_err(db_err)?;
    Ok(())
}

pub fn mails_sent_since(conn: &Connection, since: Millis) -> ApiResult<u32> {
    conn.query_row("SELECT COUNT(*) FROM outbox WHERE sent_at >= ?1", [since], |r| r.get(0)).map_err(db_err)
}
