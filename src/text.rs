//! Text assembled without `core::fmt`: the npm build ships no formatting machinery (README,
//! "Package and build"; `scripts/check-no-fmt.mjs` fails the build if any is linked), so
//! messages, URLs and headers are put together from pieces.

/// The pieces, one after the other.
pub fn cat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `n` in decimal digits.
pub fn decimal(n: u64) -> String {
    let mut out = String::new();
    crate::json::push_decimal(&mut out, n);
    out
}

/// `bytes` as lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn pieces_numbers_and_hex() {
        assert_eq!(super::cat(&["a", "", "bc"]), "abc");
        assert_eq!(super::decimal(0), "0");
        assert_eq!(super::decimal(1_800_000_000), "1800000000");
        assert_eq!(super::hex(&[0, 15, 16, 255]), "000f10ff");
    }
}
