//! A caller's request object, read field by field so that a wrong type names its field. The
//! facade hands it over as JSON (one `JSON.stringify`, instead of a boundary crossing per
//! field), so the reading is plain Rust.

use crate::error::{AuthError, Result};
use crate::json::JsonValue;

/// The members of a request object.
pub struct Fields(JsonValue);

/// Request objects hold passwords and codes: `Debug` lists member names only.
impl std::fmt::Debug for Fields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = match &self.0 {
            JsonValue::Object(members) => members.iter().map(|(k, _)| k.as_str()).collect(),
            _ => Vec::new(),
        };
        f.debug_tuple("Fields").field(&names).finish()
    }
}

impl Fields {
    /// `value` must be an object; `what` names it in the error.
    pub fn new(value: JsonValue, what: &str) -> Result<Fields> {
        match value {
            JsonValue::Object(_) => Ok(Fields(value)),
            _ => Err(AuthError::invalid_input(what, "must be an object")),
        }
    }

    /// An optional string member; `null` (and an absent or `undefined` one) is absent. A
    /// JavaScript string with an unpaired surrogate (which the JSON reading turns into U+FFFD)
    /// is refused: it cannot be sent as the caller wrote it.
    pub fn optional_string(&self, key: &str) -> Result<Option<String>> {
        match self.0.get(key) {
            None | Some(JsonValue::Null) => Ok(None),
            // `chars().any`, not `contains`: a non-ASCII char pattern brings a substring searcher
            // (and its panic formatting) into the wasm.
            Some(JsonValue::String(s)) if s.chars().any(|c| c == '\u{FFFD}') => {
                Err(AuthError::invalid_input(key, "is not valid text (an unpaired surrogate)"))
            }
            Some(JsonValue::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(AuthError::invalid_input(key, "must be a string")),
        }
    }

    /// A member as it is, if present.
    pub fn raw(&self, key: &str) -> Option<&JsonValue> {
        self.0.get(key)
    }

    /// A required string member.
    pub fn string(&self, key: &str) -> Result<String> {
        self.optional_string(key)?.ok_or_else(|| AuthError::invalid_input(key, "is required"))
    }

    /// An optional number member.
    pub fn optional_number(&self, key: &str) -> Result<Option<f64>> {
        match self.0.get(key) {
            None | Some(JsonValue::Null) => Ok(None),
            Some(n @ JsonValue::Number(_)) => Ok(n.as_f64()),
            Some(_) => Err(AuthError::invalid_input(key, "must be a number")),
        }
    }

    /// A `Record<string, string>` member (header names and values, checked as such), as pairs;
    /// empty when absent.
    pub fn string_record(&self, key: &str) -> Result<Vec<(String, String)>> {
        match self.0.get(key) {
            None | Some(JsonValue::Null) => Ok(Vec::new()),
            Some(JsonValue::Object(members)) => members
                .iter()
                .map(|(name, value)| match value {
                    JsonValue::String(v) => crate::validate::header(key, name, v).map(|()| (name.clone(), v.clone())),
                    _ => Err(AuthError::invalid_input(key, "values must be strings")),
                })
                .collect(),
            Some(_) => Err(AuthError::invalid_input(key, "must be an object")),
        }
    }

    /// An optional boolean member, `default` when absent.
    pub fn bool_or(&self, key: &str, default: bool) -> Result<bool> {
        match self.0.get(key) {
            None | Some(JsonValue::Null) => Ok(default),
            Some(JsonValue::Bool(b)) => Ok(*b),
            Some(_) => Err(AuthError::invalid_input(key, "must be a boolean")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn fields(json: &str) -> Fields {
        Fields::new(JsonValue::parse(json).unwrap(), "request").unwrap()
    }

    fn message(result: Result<impl std::fmt::Debug>) -> String {
        let error = result.unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidInput);
        error.message
    }

    #[test]
    fn only_objects_are_requests() {
        for json in ["null", "[]", "\"x\"", "1", "true"] {
            assert!(message(Fields::new(JsonValue::parse(json).unwrap(), "request")).contains("request"), "{json}");
        }
    }

    #[test]
    fn strings_are_typed_and_named() {
        let f = fields(r#"{"email":"a@b.co","n":5,"none":null,"t":true}"#);
        assert_eq!(f.string("email").unwrap(), "a@b.co");
        assert_eq!(f.optional_string("missing").unwrap(), None);
        assert_eq!(f.optional_string("none").unwrap(), None);
        assert!(message(f.string("n")).contains("n"));
        assert!(message(f.string("missing")).contains("missing"));
        assert!(message(f.optional_string("t")).contains("must be a string"));
        assert!(message(fields(r#"{"p":"a\ud800b"}"#).string("p")).starts_with("p: is not valid text"));
    }

    #[test]
    fn booleans_default_when_absent() {
        let f = fields(r#"{"yes":true,"no":false,"none":null,"s":"true"}"#);
        assert!(f.bool_or("yes", false).unwrap());
        assert!(!f.bool_or("no", true).unwrap());
        assert!(f.bool_or("none", true).unwrap() && f.bool_or("missing", true).unwrap());
        assert!(message(f.bool_or("s", true)).contains("must be a boolean"));
    }

    #[test]
    fn numbers_are_typed() {
        let f = fields(r#"{"n":3600,"s":"3600","none":null}"#);
        assert_eq!(f.optional_number("n").unwrap(), Some(3600.0));
        assert_eq!(f.optional_number("none").unwrap(), None);
        assert!(message(f.optional_number("s")).contains("must be a number"));
    }
}
