//! Sessions and users as the client keeps them, the stored record, and expiry arithmetic.
//! No JavaScript and no HTTP here.

use std::fmt;

use crate::json::JsonValue;

/// The user object exactly as the server sent it (docs/protocol/gotrue.md §3.2), passed through to JavaScript.
/// Kept as its JSON text beside the two fields the client reads: copying a session (to store
/// it, to hand it to listeners) then copies one string instead of a tree.
#[derive(Clone, PartialEq)]
pub struct User {
    id: String,
    email: Option<String>,
    json: String,
}

impl User {
    /// The user in `value`, if it is an object with a non-empty string `id`.
    pub fn from_json(value: &JsonValue) -> Option<User> {
        let id = value.str_field("id").filter(|id| !id.is_empty())?;
        Some(User { id: id.to_string(), email: value.str_field("email").map(str::to_string), json: value.stringify() })
    }

    /// A platform's user object with `id` set from its own id field (GenAuth's `userId`, OIDC's
    /// `sub`), every other field kept.
    pub fn from_json_with_id(value: &JsonValue, id_field: &str) -> Option<User> {
        let JsonValue::Object(members) = value else { return None };
        let id = value.str_field(id_field).filter(|id| !id.is_empty())?;
        let mut fields = vec![("id".to_string(), JsonValue::string(id))];
        fields.extend(members.iter().filter(|(k, _)| k != "id").cloned());
        User::from_json(&JsonValue::Object(fields))
    }

    /// A placeholder for a session whose user is not known yet (its token is about to be
    /// asked about). Never stored or shown.
    pub fn unknown() -> User {
        User { id: String::new(), email: None, json: "{}".into() }
    }

    /// The user's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The user's email address.
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }

    /// The whole user object as JSON text.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// The whole user object, every field the server sent.
    pub fn to_json_value(&self) -> JsonValue {
        JsonValue::parse(&self.json).unwrap_or_default()
    }

    /// One field of the user object (`user_metadata`, `email_confirmed_at`, a platform's own).
    pub fn get(&self, field: &str) -> Option<JsonValue> {
        self.to_json_value().get(field).cloned()
    }
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User").field("id", &self.id).finish_non_exhaustive()
    }
}

/// A signed-in session: GoTrue's token response (docs/protocol/gotrue.md §3.1), also the stored record.
///
/// With the `serde` feature, `Serialize` writes it **without** its tokens (`expires_at`,
/// `expires_in`, `token_type`, `user`), so a session or an event logged as JSON leaks nothing; an
/// app that keeps sessions itself says so with [`PersistedSession`], which carries the tokens
/// both ways.
#[derive(Clone, PartialEq)]
pub struct Session {
    /// The JWT sent as `Authorization: Bearer`.
    pub access_token: String,
    /// Opaque, single-use (rotated on every refresh).
    pub refresh_token: String,
    /// Unix seconds at which the access token expires.
    pub expires_at: f64,
    /// Lifetime in seconds at issue.
    pub expires_in: f64,
    /// Always `bearer`.
    pub token_type: String,
    /// The signed-in user.
    pub user: User,
}

/// A session **with** its tokens, for an app that keeps sessions itself (feature `serde`):
/// `serde_json::to_string(&PersistedSession(session))` writes `access_token`, `refresh_token`,
/// `expires_at`, `expires_in`, `token_type` and `user`, and reads them back (tokens that could
/// not be sent as a header are refused). Whatever holds that text holds the user's session:
/// keep it where the session would be kept, never in a log. `Debug` still redacts.
#[cfg(feature = "serde")]
#[derive(Debug, Clone, PartialEq)]
pub struct PersistedSession(pub Session);

fn bearer() -> String {
    "bearer".into()
}

/// Tokens never appear in `Debug` output.
impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("access_token", &"<redacted>")
            .field("refresh_token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field("user", &self.user)
            .finish()
    }
}

/// A token response or a stored record, every field optional so that a damaged record can be
/// recognised and dropped rather than failing to parse.
#[derive(Default)]
pub struct SessionRecord {
    access_token: Option<String>,
    refresh_token: Option<String>,
    expires_at: Option<f64>,
    expires_in: Option<f64>,
    token_type: Option<String>,
    user: Option<User>,
}

impl SessionRecord {
    /// Reads the fields; one of the wrong type counts as missing.
    pub fn from_json(value: &JsonValue) -> SessionRecord {
        let text = |key: &str| value.str_field(key).map(str::to_string);
        SessionRecord {
            access_token: text("access_token"),
            refresh_token: text("refresh_token"),
            expires_at: value.f64_field("expires_at"),
            expires_in: value.f64_field("expires_in"),
            token_type: text("token_type"),
            user: value.get("user").and_then(User::from_json),
        }
    }

    /// A usable session, or `None` when a field is missing or malformed. `now` (Unix seconds)
    /// fills `expires_at` from `expires_in` when only the latter is present.
    pub fn into_session(self, now: f64) -> Option<Session> {
        // Tokens go into headers: anything but visible ASCII means a damaged record.
        let usable = |t: &String| crate::validate::is_token(t);
        let access_token = self.access_token.filter(usable)?;
        let refresh_token = self.refresh_token.filter(usable)?;
        let user = self.user?;
        let expires_in = self.expires_in.filter(|s| s.is_finite() && *s > 0.0);
        let expires_at = self
            .expires_at
            .filter(|t| t.is_finite() && *t > 0.0)
            .or_else(|| expires_in.map(|s| now + s))?;
        Some(Session {
            access_token,
            refresh_token,
            expires_at,
            expires_in: expires_in.unwrap_or(0.0),
            token_type: self.token_type.unwrap_or_else(bearer),
            user,
        })
    }
}

/// Refresh this long before expiry so a token does not run out while a request is in flight.
pub const EXPIRY_MARGIN_SECONDS: f64 = 60.0;

impl Session {
    /// A stored record back as a session; `None` when it is damaged.
    pub fn from_record(text: &str, now: f64) -> Option<Session> {
        SessionRecord::from_json(&JsonValue::parse(text)?).into_session(now)
    }

    /// The stored record (GoTrue's session shape), as JSON text.
    pub fn to_record(&self) -> String {
        self.to_json_text(["access_token", "refresh_token", "expires_at", "expires_in", "token_type", "user"])
    }

    /// The session as a JSON object with these member names (access token, refresh token,
    /// expires at, expires in, token type, user). The user's text is copied, not re-written.
    pub fn to_json_text(&self, names: [&str; 6]) -> String {
        let mut text = String::from("{");
        let values = [
            JsonValue::string(&self.access_token),
            JsonValue::string(&self.refresh_token),
            JsonValue::number(self.expires_at),
            JsonValue::number(self.expires_in),
            JsonValue::string(&self.token_type),
        ];
        for (name, value) in names.iter().zip(values) {
            crate::json::write_string(name, &mut text);
            text.push(':');
            value.write(&mut text);
            text.push(',');
        }
        crate::json::write_string(names[5], &mut text);
        text.push(':');
        text.push_str(self.user.json());
        text.push('}');
        text
    }

    /// True when the access token should be refreshed before use: inside the margin, which is
    /// at most half the token's lifetime (short-lived tokens would otherwise always refresh).
    pub fn needs_refresh(&self, now: f64) -> bool {
        self.refresh_due_in(now) <= 0.0
    }

    /// Seconds until [`Self::needs_refresh`] turns true (0 when it already is).
    pub fn refresh_due_in(&self, now: f64) -> f64 {
        let margin = if self.expires_in > 0.0 { EXPIRY_MARGIN_SECONDS.min(self.expires_in / 2.0) } else { EXPIRY_MARGIN_SECONDS };
        (self.expires_at - margin - now).max(0.0)
    }

    /// True once the access token has really expired.
    pub fn is_expired(&self, now: f64) -> bool {
        self.expires_at <= now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: &str) -> SessionRecord {
        SessionRecord::from_json(&JsonValue::parse(json).unwrap())
    }

    const USER: &str = r#"{"id":"u1","email":"a@b.co","user_metadata":{"x":1}}"#;

    #[test]
    fn complete_records_become_sessions() {
        let s = record(&format!(r#"{{"access_token":"a","refresh_token":"r","expires_at":100,"expires_in":3600,"user":{USER}}}"#))
            .into_session(0.0)
            .unwrap();
        assert_eq!((s.expires_at, s.token_type.as_str(), s.user.email()), (100.0, "bearer", Some("a@b.co")));
        let from_in = record(&format!(r#"{{"access_token":"a","refresh_token":"r","expires_in":30,"user":{USER}}}"#)).into_session(1000.0);
        assert_eq!(from_in.map(|s| s.expires_at), Some(1030.0));
    }

    #[test]
    fn damaged_records_are_refused() {
        for json in [
            "{}".to_string(),
            format!(r#"{{"refresh_token":"r","expires_at":1,"user":{USER}}}"#),
            format!(r#"{{"access_token":"","refresh_token":"r","expires_at":1,"user":{USER}}}"#),
            format!(r#"{{"access_token":"a\nAuthorization: x","refresh_token":"r","expires_at":1,"user":{USER}}}"#),
            format!(r#"{{"access_token":"a","refresh_token":"r\u0000","expires_at":1,"user":{USER}}}"#),
            r#"{"access_token":"a","refresh_token":"r","expires_at":1,"user":{"email":"x"}}"#.to_string(),
            r#"{"access_token":"a","refresh_token":"r","expires_at":1,"user":"u"}"#.to_string(),
            format!(r#"{{"access_token":"a","refresh_token":"r","user":{USER}}}"#),
        ] {
            assert!(record(&json).into_session(0.0).is_none(), "{json}");
        }
        // A field of the wrong type counts as missing.
        assert!(record(&format!(r#"{{"access_token":5,"refresh_token":"r","expires_at":1,"user":{USER}}}"#)).into_session(0.0).is_none());
    }

    #[test]
    fn refresh_margin() {
        let mut s = record(&format!(r#"{{"access_token":"a","refresh_token":"r","expires_at":1000,"expires_in":3600,"user":{USER}}}"#))
            .into_session(0.0)
            .unwrap();
        assert!(!s.needs_refresh(939.0));
        assert!(s.needs_refresh(941.0));
        assert_eq!(s.refresh_due_in(930.0), 10.0);
        assert_eq!(s.refresh_due_in(990.0), 0.0);
        assert!(!s.is_expired(999.0) && s.is_expired(1000.0));
        s.expires_in = 10.0;
        assert!(!s.needs_refresh(994.0) && s.needs_refresh(995.0));
    }

    #[test]
    fn records_round_trip() {
        let s = record(&format!(r#"{{"access_token":"a","refresh_token":"r","expires_at":100,"expires_in":60,"user":{USER}}}"#))
            .into_session(0.0)
            .unwrap();
        assert_eq!(Session::from_record(&s.to_record(), 0.0), Some(s.clone()));
        assert!(s.to_record().ends_with(&format!(r#""user":{USER}}}"#)), "{}", s.to_record());
    }

    #[test]
    fn debug_hides_tokens() {
        let s = record(&format!(r#"{{"access_token":"secret-a","refresh_token":"secret-r","expires_at":1,"user":{USER}}}"#))
            .into_session(0.0)
            .unwrap();
        let text = format!("{s:?}");
        assert!(!text.contains("secret-a") && !text.contains("secret-r"), "{text}");
    }
}
