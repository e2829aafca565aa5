//! `serde` for what apps store and pass (feature `serde`, on by default for Rust users; never in
//! the npm build): [`JsonValue`] and [`User`] as the JSON the server sent — every field kept,
//! unknown ones too, numbers as written where the format allows —, [`Session`] without its
//! tokens and [`PersistedSession`] with them. (`AuthError`, the codes and the events derive
//! theirs where they are defined; request types and links have no `Serialize`.)

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, SerializeStruct, Serializer};

use crate::json::JsonValue;
use crate::session::{PersistedSession, Session, User};

impl Serialize for JsonValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            JsonValue::Null => serializer.serialize_unit(),
            JsonValue::Bool(b) => serializer.serialize_bool(*b),
            // Integers stay integers (ids, timestamps); others go through f64.
            JsonValue::Number(text) => match (text.parse::<i64>(), text.parse::<u64>()) {
                (Ok(n), _) => serializer.serialize_i64(n),
                (_, Ok(n)) => serializer.serialize_u64(n),
                _ => serializer.serialize_f64(text.parse::<f64>().unwrap_or(0.0)),
            },
            JsonValue::String(s) => serializer.serialize_str(s),
            JsonValue::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            JsonValue::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (k, v) in members {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = JsonValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<JsonValue, E> {
        Ok(JsonValue::Null)
    }
    fn visit_none<E>(self) -> Result<JsonValue, E> {
        Ok(JsonValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<JsonValue, D::Error> {
        JsonValue::deserialize(d)
    }
    fn visit_bool<E>(self, b: bool) -> Result<JsonValue, E> {
        Ok(JsonValue::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<JsonValue, E> {
        Ok(JsonValue::Number(n.to_string()))
    }
    fn visit_u64<E>(self, n: u64) -> Result<JsonValue, E> {
        Ok(JsonValue::Number(n.to_string()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<JsonValue, E> {
        if n.is_finite() {
            Ok(JsonValue::number(n))
        } else {
            Err(E::custom("JSON has no NaN or infinities"))
        }
    }
    fn visit_str<E>(self, s: &str) -> Result<JsonValue, E> {
        Ok(JsonValue::String(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<JsonValue, E> {
        Ok(JsonValue::String(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsonValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(JsonValue::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonValue, A::Error> {
        let mut members = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, JsonValue>()? {
            members.push((k, v));
        }
        Ok(JsonValue::Object(members))
    }
}

impl<'de> Deserialize<'de> for JsonValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<JsonValue, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

/// The user object as the server sent it, every field.
impl Serialize for User {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json_value().serialize(serializer)
    }
}

/// Any object with a non-empty string `id`; every other field is kept.
impl<'de> Deserialize<'de> for User {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<User, D::Error> {
        let value = JsonValue::deserialize(deserializer)?;
        User::from_json(&value).ok_or_else(|| de::Error::custom("a user is an object with a non-empty string `id`"))
    }
}

/// What an app may log or show: everything but the tokens.
impl Serialize for Session {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Session", 4)?;
        out.serialize_field("expires_at", &self.expires_at)?;
        out.serialize_field("expires_in", &self.expires_in)?;
        out.serialize_field("token_type", &self.token_type)?;
        out.serialize_field("user", &self.user)?;
        out.end()
    }
}

#[derive(serde::Serialize)]
struct PersistedRef<'a> {
    access_token: &'a str,
    refresh_token: &'a str,
    expires_at: f64,
    expires_in: f64,
    token_type: &'a str,
    user: &'a User,
}

#[derive(serde::Deserialize)]
struct Persisted {
    access_token: String,
    refresh_token: String,
    expires_at: f64,
    #[serde(default)]
    expires_in: f64,
    #[serde(default)]
    token_type: Option<String>,
    user: User,
}

impl Serialize for PersistedSession {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let s = &self.0;
        PersistedRef { access_token: &s.access_token, refresh_token: &s.refresh_token, expires_at: s.expires_at, expires_in: s.expires_in, token_type: &s.token_type, user: &s.user }
            .serialize(serializer)
    }
}

/// Tokens become request headers: text that could not be one is refused here.
impl<'de> Deserialize<'de> for PersistedSession {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<PersistedSession, D::Error> {
        let p = Persisted::deserialize(deserializer)?;
        if !crate::validate::is_token(&p.access_token) || !crate::validate::is_token(&p.refresh_token) {
            return Err(de::Error::custom("a session's tokens are visible ASCII"));
        }
        if !p.expires_at.is_finite() {
            return Err(de::Error::custom("expires_at is a number of seconds"));
        }
        let token_type = p.token_type.unwrap_or_else(|| "bearer".into());
        Ok(PersistedSession(Session { access_token: p.access_token, refresh_token: p.refresh_token, expires_at: p.expires_at, expires_in: p.expires_in, token_type, user: p.user }))
    }
}

#[cfg(test)]
mod tests {
    use crate::session::{PersistedSession, Session, User};
    use crate::json::JsonValue;

    const USER: &str = r#"{"id":"u1","email":"a@b.co","app_metadata":{"provider":"email"},"custom_field":[1,2.5,true,null],"big":12345678901234}"#;

    #[test]
    fn users_round_trip_with_every_field_and_sessions_with_them() {
        let user = User::from_json(&JsonValue::parse(USER).unwrap()).unwrap();
        let text = serde_json::to_string(&user).unwrap();
        assert_eq!(text, USER, "unknown fields kept, numbers as sent");
        let back: User = serde_json::from_str(&text).unwrap();
        assert_eq!(back, user);
        assert!(serde_json::from_str::<User>(r#"{"email":"x@y.z"}"#).is_err(), "no id, no user");
        let session = Session { access_token: "at-secret".into(), refresh_token: "rt-secret".into(), expires_at: 1_800_000_000.0, expires_in: 3600.0, token_type: "bearer".into(), user };
        let stored = serde_json::to_string(&PersistedSession(session.clone())).unwrap();
        assert!(stored.contains("at-secret") && stored.contains("rt-secret"), "persisting keeps the tokens");
        assert_eq!(serde_json::from_str::<PersistedSession>(&stored).unwrap().0, session);
        let damaged = stored.replace("rt-secret", "rt\\nsecret");
        assert!(serde_json::from_str::<PersistedSession>(&damaged).is_err(), "a token that cannot be a header");
        let error = crate::error::AuthError::new(crate::error::ErrorCode::WeakPassword, "too short");
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["code"], "weak_password");
        assert_eq!(serde_json::to_value(crate::core::AuthEvent::PasswordRecovery).unwrap(), "PASSWORD_RECOVERY");
    }

    #[test]
    fn what_is_logged_as_json_carries_no_credential() {
        let user = User::from_json(&JsonValue::parse(USER).unwrap()).unwrap();
        let session = Session { access_token: "at-secret".into(), refresh_token: "rt-secret".into(), expires_at: 1_800_000_000.0, expires_in: 3600.0, token_type: "bearer".into(), user };
        let logged = serde_json::to_string(&session).unwrap();
        assert!(!logged.contains("secret"), "{logged}");
        assert!(logged.contains(r#""user":{"id":"u1""#) && logged.contains(r#""expires_at":1800000000"#), "{logged}");
        // Which types have no `Serialize` at all: tests/rust_api.rs.
    }
}
