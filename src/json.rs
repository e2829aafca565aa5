//! The JSON value every answer and body goes through, with its own small parser and writer.
//!
//! Parsing in Rust costs fewer bytes and far less time than walking a `JSON.parse` result
//! across the wasm boundary member by member. Numbers are kept as their JSON text, so a user
//! object passes through unchanged (no float parsing or formatting code in the binary); the few
//! numbers the client reads (expiry times) are converted where they are needed.

/// Any JSON value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum JsonValue {
    /// `null`
    #[default]
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as its JSON text (already checked against JSON's number grammar).
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<JsonValue>),
    /// An object, members in their original order (a list: objects here are small, and a map
    /// would cost more code than it saves time).
    Object(Vec<(String, JsonValue)>),
}

/// Deeper than this is not an auth answer; refusing it keeps recursion (and the stack) bounded.
const MAX_DEPTH: usize = 64;

impl JsonValue {
    /// Parses JSON text; `None` when it is not JSON (or nests deeper than 64 levels). A lone
    /// UTF-16 surrogate in a `\u` escape becomes U+FFFD: Rust strings cannot hold it.
    pub fn parse(text: &str) -> Option<JsonValue> {
        let mut parser = Parser { text, at: 0 };
        let value = parser.value(0)?;
        parser.skip_space();
        (parser.at == text.len()).then_some(value)
    }

    /// The value as compact JSON text.
    pub fn stringify(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    /// Appends the value as compact JSON text.
    pub fn write(&self, out: &mut String) {
        match self {
            JsonValue::Null => out.push_str("null"),
            JsonValue::Bool(true) => out.push_str("true"),
            JsonValue::Bool(false) => out.push_str("false"),
            JsonValue::Number(text) => out.push_str(text),
            JsonValue::String(s) => write_string(s, out),
            JsonValue::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            JsonValue::Object(members) => {
                out.push('{');
                for (i, (key, item)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(key, out);
                    out.push(':');
                    item.write(out);
                }
                out.push('}');
            }
        }
    }

    /// An object of the fields that are present (`None` leaves the key out).
    pub fn object<const N: usize>(fields: [(&str, Option<JsonValue>); N]) -> JsonValue {
        JsonValue::Object(fields.into_iter().filter_map(|(k, v)| v.map(|v| (k.to_string(), v))).collect())
    }

    /// A string value.
    pub fn string(text: &str) -> JsonValue {
        JsonValue::String(text.to_string())
    }

    /// A number value. Whole numbers are written as integers, others to millisecond precision
    /// (the client's numbers are times in seconds); not-finite ones as `null`, as JSON has none.
    pub fn number(n: f64) -> JsonValue {
        if !n.is_finite() {
            return JsonValue::Null;
        }
        let thousandths = (n.abs() * 1000.0).round() as u64;
        let mut text = String::new();
        if n < 0.0 && thousandths > 0 {
            text.push('-');
        }
        push_decimal(&mut text, thousandths / 1000);
        let fraction = thousandths % 1000;
        if fraction > 0 {
            text.push('.');
            let digits = [fraction / 100, fraction / 10 % 10, fraction % 10];
            let used = if digits[2] > 0 { 3 } else if digits[1] > 0 { 2 } else { 1 };
            for d in &digits[..used] {
                text.push(char::from(b'0' + *d as u8));
            }
        }
        JsonValue::Number(text)
    }

    /// The member `key` as a string, if it is one.
    pub fn str_field(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(JsonValue::as_str)
    }

    /// The member `key` as a number, if it is one.
    pub fn f64_field(&self, key: &str) -> Option<f64> {
        self.get(key).and_then(JsonValue::as_f64)
    }

    /// The member `key` of an object (the last one, as `JSON.parse` keeps).
    pub fn get(&self, key: &str) -> Option<&JsonValue> {
        match self {
            JsonValue::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            JsonValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number inside, if this is a number. Close, not always correctly rounded in the last
    /// bit: enough for the times and counts the client reads, and far less code than exact.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            JsonValue::Number(text) => Some(approximate_f64(text)),
            _ => None,
        }
    }
}

/// `n` in decimal digits (no formatting machinery).
pub(crate) fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for d in digits[..len].iter().rev() {
        out.push(char::from(*d));
    }
}

/// Writes `s` as a JSON string. Runs that need no escape are copied whole: every byte that
/// needs one is ASCII, so each run ends on a character boundary.
pub fn write_string(s: &str, out: &mut String) {
    out.push('"');
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(s.get(run..i).unwrap_or_default());
        run = i + 1;
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(hex_digit(u32::from(b) >> 4));
            out.push(hex_digit(u32::from(b)));
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}

fn hex_digit(n: u32) -> char {
    char::from(b"0123456789abcdef"[(n & 0xf) as usize])
}

/// A number already checked against JSON's grammar, to `f64`.
fn approximate_f64(text: &str) -> f64 {
    let (mut mantissa, mut scale, mut exponent, mut exponent_sign) = (0.0f64, 0i32, 0i32, 1i32);
    let (mut in_fraction, mut in_exponent, mut negative) = (false, false, false);
    for b in text.bytes() {
        match b {
            b'-' if !in_exponent => negative = true,
            b'-' => exponent_sign = -1,
            b'.' => in_fraction = true,
            b'e' | b'E' => in_exponent = true,
            b'0'..=b'9' if in_exponent => exponent = exponent.saturating_mul(10).saturating_add(i32::from(b - b'0')),
            b'0'..=b'9' => {
                mantissa = mantissa * 10.0 + f64::from(b - b'0');
                if in_fraction {
                    scale -= 1;
                }
            }
            _ => {}
        }
    }
    // Past ±400 every f64 is 0 or infinite anyway; clamping keeps `-power` from overflowing
    // (`0.1e-99999999999` saturates the exponent to i32::MIN).
    let power = scale.saturating_add(exponent_sign * exponent).clamp(-400, 400);
    let value = if power < 0 { mantissa / 10f64.powi(-power) } else { mantissa * 10f64.powi(power) };
    if negative {
        -value
    } else {
        value
    }
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.at += 1;
        }
        found
    }

    fn literal(&mut self, word: &str, value: JsonValue) -> Option<JsonValue> {
        let found = self.text.as_bytes().get(self.at..self.at + word.len()) == Some(word.as_bytes());
        self.at += word.len();
        found.then_some(value)
    }

    fn value(&mut self, depth: usize) -> Option<JsonValue> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_space();
        match self.peek()? {
            b'n' => self.literal("null", JsonValue::Null),
            b't' => self.literal("true", JsonValue::Bool(true)),
            b'f' => self.literal("false", JsonValue::Bool(false)),
            b'"' => self.string().map(JsonValue::String),
            b'[' => self.list(b']', |p| p.value(depth + 1)).map(JsonValue::Array),
            b'{' => self
                .list(b'}', |p| {
                    p.skip_space();
                    let key = p.string()?;
                    p.skip_space();
                    if !p.eat(b':') {
                        return None;
                    }
                    Some((key, p.value(depth + 1)?))
                })
                .map(JsonValue::Object),
            _ => self.number(),
        }
    }

    /// At an opening bracket: the items up to `close`, separated by commas.
    fn list<T>(&mut self, close: u8, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.at += 1;
        let mut items = Vec::new();
        self.skip_space();
        if self.eat(close) {
            return Some(items);
        }
        loop {
            items.push(item(self)?);
            self.skip_space();
            if self.eat(close) {
                return Some(items);
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Option<JsonValue> {
        let start = self.at;
        self.eat(b'-');
        let leading_zero = self.peek() == Some(b'0');
        let whole = self.digits();
        if whole == 0 || (leading_zero && whole > 1) {
            return None;
        }
        if self.eat(b'.') && self.digits() == 0 {
            return None;
        }
        if self.eat(b'e') || self.eat(b'E') {
            let _ = self.eat(b'+') || self.eat(b'-');
            if self.digits() == 0 {
                return None;
            }
        }
        self.text.get(start..self.at).map(|s| JsonValue::Number(s.to_string()))
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.at..self.at + 4)?;
        self.at += 4;
        let mut n = 0;
        for c in digits.chars() {
            n = n * 16 + c.to_digit(16)?;
        }
        Some(n)
    }

    fn string(&mut self) -> Option<String> {
        if !self.eat(b'"') {
            return None;
        }
        let mut out = String::new();
        loop {
            // Copy the run up to the next quote or backslash; both are ASCII, so the run ends on
            // a character boundary.
            let start = self.at;
            let rest = self.text.as_bytes().get(start..)?;
            self.at += rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
            // Raw control characters are not allowed inside JSON strings.
            if self.peek()? < 0x20 {
                return None;
            }
            out.push_str(self.text.get(start..self.at)?);
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    return Some(out);
                }
                _ => {
                    self.at += 1;
                    let escaped = self.peek()?;
                    self.at += 1;
                    let c = match escaped {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    };
                    out.push(c);
                }
            }
        }
    }

    /// After `\u`: one code unit, or a surrogate pair written as two escapes.
    fn unicode_escape(&mut self) -> Option<char> {
        let unit = self.hex4()?;
        if (0xD800..0xDC00).contains(&unit) && self.text.as_bytes().get(self.at..self.at + 2) == Some(b"\\u") {
            let resume = self.at;
            self.at += 2;
            let low = self.hex4()?;
            if (0xDC00..0xE000).contains(&low) {
                return char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
            }
            // Not a pair: the high half stands alone and the next escape is read on its own.
            self.at = resume;
        }
        Some(char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> JsonValue {
        JsonValue::parse(text).unwrap_or_else(|| panic!("did not parse: {text}"))
    }

    #[test]
    fn parses_every_kind_of_value() {
        let value = parse(r#" {"a": [1, -2.5e3, "x", null, true, false], "b": {"c": {}} , "d": []} "#);
        let JsonValue::Object(members) = &value else { panic!("not an object") };
        assert_eq!(members.len(), 3);
        assert_eq!(
            value.get("a"),
            Some(&JsonValue::Array(vec![
                JsonValue::Number("1".into()),
                JsonValue::Number("-2.5e3".into()),
                JsonValue::string("x"),
                JsonValue::Null,
                JsonValue::Bool(true),
                JsonValue::Bool(false),
            ]))
        );
        assert_eq!(value.get("b").and_then(|b| b.get("c")), Some(&JsonValue::Object(vec![])));
        assert_eq!(value.get("d"), Some(&JsonValue::Array(vec![])));
    }

    #[test]
    fn huge_exponents_are_zero_or_infinite_never_a_panic() {
        for (text, expected) in [
            ("0.1e-99999999999", 0.0),
            ("1e-99999999999999999999", 0.0),
            ("-0.000001e-2147483648", 0.0),
            ("1e99999999999", f64::INFINITY),
            ("-1e2147483647", f64::NEG_INFINITY),
            ("1.5e-3", 0.0015),
        ] {
            assert_eq!(parse(text).as_f64(), Some(expected), "{text}");
        }
    }

    #[test]
    fn refuses_what_json_parse_refuses() {
        for bad in [
            "", " ", "{", "[1,]", "{\"a\":1,}", "{a:1}", "'x'", "01", "1.", ".5", "1e", "+1", "-", "tru", "nul", "NaN",
            "\"\\x\"", "\"unterminated", "\"raw\ncontrol\"", "{\"a\" 1}", "[1 2]", "1 2", "\"\\u12\"", "\"\\uZZZZ\"",
        ] {
            assert_eq!(JsonValue::parse(bad), None, "accepted {bad:?}");
        }
    }

    #[test]
    fn decodes_escapes_and_keeps_unicode() {
        assert_eq!(parse(r#""a\"b\\c\/d\b\f\n\r\t""#), JsonValue::string("a\"b\\c/d\u{8}\u{c}\n\r\t"));
        assert_eq!(parse(r#""\u00e9\u4e2d\ud83d\ude00""#), JsonValue::string("é中😀"));
        assert_eq!(parse("\"é中😀\""), JsonValue::string("é中😀"));
        // A lone surrogate cannot live in a Rust string.
        assert_eq!(parse(r#""\ud83dx""#), JsonValue::string("\u{fffd}x"));
        assert_eq!(parse(r#""\ud83d\u0041""#), JsonValue::string("\u{fffd}A"));
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(JsonValue::parse(&deep(MAX_DEPTH + 1)).is_some());
        assert_eq!(JsonValue::parse(&deep(MAX_DEPTH + 2)), None);
        // Far deeper than the stack would survive unbounded.
        assert_eq!(JsonValue::parse(&deep(1_000_000)), None);
    }

    #[test]
    fn writes_what_it_reads() {
        let text = r#"{"a":[1,-2.5e3,"x",null,true,false],"b":{"c":{}},"s":"q\"\\\n\u0001é😀","n":1.0000000000000002}"#;
        assert_eq!(parse(text).stringify(), text);
        // Numbers pass through as written: a user's metadata is never reformatted.
        assert_eq!(parse("[1E+2,0.1,12345678901234567890]").stringify(), "[1E+2,0.1,12345678901234567890]");
    }

    #[test]
    fn writes_keys_escaped_and_numbers_to_the_millisecond() {
        let value = JsonValue::object([("we\"ird", Some(JsonValue::number(1_700_000_000.25))), ("skip", None), ("n", Some(JsonValue::number(3600.0)))]);
        assert_eq!(value.stringify(), r#"{"we\"ird":1700000000.25,"n":3600}"#);
        assert_eq!(JsonValue::number(-0.5).stringify(), "-0.5");
        assert_eq!(JsonValue::number(0.0001).stringify(), "0");
        assert_eq!(JsonValue::number(0.125).stringify(), "0.125");
        assert_eq!(JsonValue::number(f64::NAN), JsonValue::Null);
    }

    #[test]
    fn reads_numbers_closely_enough() {
        for (text, expected) in [("3600", 3600.0), ("-2.5e3", -2500.0), ("1700000000.123", 1_700_000_000.123), ("5E-1", 0.5), ("0", 0.0), ("1e+2", 100.0)] {
            let got = parse(text).as_f64().unwrap();
            assert!((got - expected).abs() <= expected.abs() * 1e-15, "{text}: {got}");
        }
        assert_eq!(parse("\"1\"").as_f64(), None);
    }

    /// The same document as a `JsonValue`, numbers as serde_json wrote them.
    fn from_serde(value: &serde_json::Value) -> JsonValue {
        use serde_json::Value;
        match value {
            Value::Null => JsonValue::Null,
            Value::Bool(b) => JsonValue::Bool(*b),
            Value::Number(n) => JsonValue::Number(n.to_string()),
            Value::String(s) => JsonValue::string(s),
            Value::Array(items) => JsonValue::Array(items.iter().map(from_serde).collect()),
            Value::Object(members) => JsonValue::Object(members.iter().map(|(k, v)| (k.clone(), from_serde(v))).collect()),
        }
    }

    /// A small deterministic generator (xorshift), so these checks need no extra crate.
    struct Random(u64);

    impl Random {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }

        fn value(&mut self, depth: usize) -> serde_json::Value {
            use serde_json::Value;
            match self.below(if depth > 4 { 4 } else { 6 }) {
                0 => Value::Null,
                1 => Value::Bool(self.below(2) == 1),
                2 => match self.below(3) {
                    0 => Value::from(self.below(u64::MAX) as i64),
                    1 => Value::from(self.below(1 << 40) as f64 / 1024.0),
                    _ => Value::from(-(self.below(1000) as f64) * 1e-7),
                },
                3 => Value::String(self.text()),
                4 => Value::Array((0..self.below(4)).map(|_| self.value(depth + 1)).collect()),
                _ => Value::Object((0..self.below(4)).map(|_| (self.text(), self.value(depth + 1))).collect()),
            }
        }

        fn text(&mut self) -> String {
            const PIECES: [&str; 12] = ["a", "Z", " ", "\"", "\\", "/", "\n", "\u{1}", "\u{1f}", "é", "中", "😀"];
            (0..self.below(6)).map(|_| PIECES[self.below(PIECES.len() as u64) as usize]).collect()
        }
    }

    #[test]
    fn agrees_with_serde_json_on_generated_documents() {
        let mut random = Random(0x9E37_79B9_7F4A_7C15);
        for _ in 0..2_000 {
            let expected = random.value(0);
            for text in [serde_json::to_string(&expected).unwrap(), serde_json::to_string_pretty(&expected).unwrap()] {
                let ours = JsonValue::parse(&text).unwrap_or_else(|| panic!("refused {text}"));
                assert_eq!(ours, from_serde(&expected), "{text}");
                // What we write reads back as the same value.
                assert_eq!(JsonValue::parse(&ours.stringify()).as_ref(), Some(&ours), "{text}");
            }
        }
    }

    #[test]
    fn never_panics_on_damaged_input() {
        let mut random = Random(0xD1B5_4A32_D192_ED03);
        for _ in 0..2_000 {
            let mut bytes = serde_json::to_string(&random.value(0)).unwrap().into_bytes();
            // Cut, duplicate or overwrite a few bytes, keeping the text UTF-8 (it is a &str).
            for _ in 0..1 + random.below(3) {
                if bytes.is_empty() {
                    break;
                }
                let at = random.below(bytes.len() as u64) as usize;
                match random.below(3) {
                    0 => bytes.truncate(at),
                    1 => bytes.insert(at, bytes[at]),
                    _ => bytes[at] = b"{}[]\",:0e-\\ux"[random.below(12) as usize],
                }
            }
            let Ok(text) = String::from_utf8(bytes) else { continue };
            let ours = JsonValue::parse(&text);
            // The same verdict as serde_json, except for numbers too large for an f64, which
            // JSON's grammar (and JSON.parse) accepts and serde_json refuses.
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(_) => assert!(ours.is_some(), "refused {text}"),
                Err(e) if e.to_string().contains("number out of range") => {}
                Err(_) => assert!(ours.is_none(), "accepted {text}"),
            }
            if let Some(value) = ours {
                assert_eq!(JsonValue::parse(&value.stringify()).as_ref(), Some(&value), "{text}");
            }
        }
    }
}
