//! Go's two string-quoting styles, because error texts embed quoted input and
//! must match what the real API server prints byte for byte.

use std::fmt::Write;

/// Go's `strconv.Quote` (also what `%q` prints): used by `strconv.Atoi` errors
/// and by `field.Invalid` values ("Invalid value: \"...\"").
pub(crate) fn strconv_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// Go's `unicode.IsPrint`, approximated without Unicode tables: control,
/// format, private-use, non-character and non-ASCII space code points are
/// unprintable. Unassigned code points are treated as printable (Go would
/// escape them); schedules carrying those are not worth a table.
fn is_go_printable(c: char) -> bool {
    let u = c as u32;
    if (0x20..0x7f).contains(&u) {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    const UNPRINTABLE: &[(u32, u32)] = &[
        (0x00ad, 0x00ad),
        (0x0600, 0x0605),
        (0x061c, 0x061c),
        (0x06dd, 0x06dd),
        (0x070f, 0x070f),
        (0x08e2, 0x08e2),
        (0x180e, 0x180e),
        (0x200b, 0x200f),
        (0x202a, 0x202e),
        (0x2060, 0x2064),
        (0x2066, 0x206f),
        (0xe000, 0xf8ff),
        (0xfdd0, 0xfdef),
        (0xfeff, 0xfeff),
        (0xfff9, 0xfffb),
        (0x110bd, 0x110bd),
        (0x110cd, 0x110cd),
        (0x13430, 0x1343f),
        (0x1bca0, 0x1bca3),
        (0x1d173, 0x1d17a),
        (0xe0001, 0xe0001),
        (0xe0020, 0xe007f),
        (0xf0000, 0x10ffff),
    ];
    if u & 0xfffe == 0xfffe {
        return false; // U+xxFFFE / U+xxFFFF non-characters
    }
    !UNPRINTABLE.iter().any(|&(lo, hi)| (lo..=hi).contains(&u))
}

/// The `time` package's private `quote` (used by `time.ParseDuration`
/// errors): ASCII kept, `"` and `\` escaped, every byte of a non-ASCII or
/// control character written as `\xNN`.
pub(crate) fn time_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if (c as u32) >= 0x80 || c < ' ' {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "\\x{b:02x}");
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strconv_quote_escapes_like_go() {
        assert_eq!(strconv_quote("Sunday"), "\"Sunday\"");
        assert_eq!(strconv_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(strconv_quote("\t\u{1}\u{7f}"), "\"\\t\\x01\\x7f\"");
        assert_eq!(strconv_quote("é\u{200b}\u{a0}"), "\"é\\u200b\\u00a0\"");
        assert_eq!(strconv_quote("\u{10ffff}"), "\"\\U0010ffff\"");
    }

    #[test]
    fn time_quote_hex_escapes_non_ascii_bytes() {
        assert_eq!(time_quote("1é"), "\"1\\xc3\\xa9\"");
        assert_eq!(time_quote("a\"\u{1}"), "\"a\\\"\\x01\"");
    }
}
