//! `serde` for what apps store and pass (feature `serde`, on by default for Rust users; never in
//! the npm build): [`JsonValue`] and [`User`] as the JSON the server sent — every field kept,
//! unknown ones too, numbers as written where the format allows —, and [`Session`] with it.
//! (`AuthError`, the codes and the events derive theirs where they are defined.)

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::json::JsonValue;
use crate::session::User;

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

#[cfg(test)]
mod tests {
    use crate::session::{Session, User};
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
        let session = Session { access_token: "at".into(), refresh_token: "rt".into(), expires_at: 1_800_000_000.0, expires_in: 3600.0, token_type: "bearer".into(), user };
        let stored = serde_json::to_string(&session).unwrap();
        assert_eq!(serde_json::from_str::<Session>(&stored).unwrap(), session);
        let error = crate::error::AuthError::new(crate::error::ErrorCode::WeakPassword, "too short");
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["code"], "weak_password");
        assert_eq!(serde_json::to_value(crate::core::AuthEvent::PasswordRecovery).unwrap(), "PASSWORD_RECOVERY");
    }
}
