//! JSON exactly as Go's `encoding/json` writes an unstructured object: compact, map keys
//! sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u003c`… (HTML-safe escaping is on by
//! default in Go). kubectl stores `last-applied-configuration` in this form.

use serde_json::Value;

fn escape_into(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn number_into(n: &serde_json::Number, out: &mut String) {
    if let Some(i) = n.as_i64() {
        out.push_str(&i.to_string());
    } else if let Some(u) = n.as_u64() {
        out.push_str(&u.to_string());
    } else if let Some(f) = n.as_f64() {
        // Go prints float64 with the shortest representation, switching to exponent form
        // outside [1e-6, 1e21).
        let abs = f.abs();
        if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
            let s = format!("{f:e}");
            // Rust `1e21` → Go `1e+21`.
            let s = match s.split_once('e') {
                Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e:0>2}"),
                Some((m, e)) => format!("{m}e-{:0>2}", &e[1..]),
                None => s,
            };
            out.push_str(&s);
        } else if f.fract() == 0.0 && abs < 1e21 {
            out.push_str(&format!("{}", f as i128));
        } else {
            out.push_str(&f.to_string());
        }
    }
}

fn encode_into(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => number_into(n, out),
        Value::String(s) => escape_into(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode_into(item, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                escape_into(k, out);
                out.push(':');
                encode_into(&m[k.as_str()], out);
            }
            out.push('}');
        }
    }
}

/// Compact Go JSON of a value (no trailing newline).
pub fn encode(v: &Value) -> String {
    let mut out = String::new();
    encode_into(v, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_sort_and_html_characters_escape_as_go_does() {
        let v = json!({"spec": {"b": 1, "a": "x > y && z < w"}, "kind": "Pod", "apiVersion": "v1"});
        assert_eq!(
            encode(&v),
            r#"{"apiVersion":"v1","kind":"Pod","spec":{"a":"x \u003e y \u0026\u0026 z \u003c w","b":1}}"#
        );
    }

    #[test]
    fn control_characters_and_floats() {
        assert_eq!(encode(&json!("a\nb\u{1}")), r#""a\nb\u0001""#);
        assert_eq!(encode(&json!(0.5)), "0.5");
        assert_eq!(encode(&json!([true, null, -3])), "[true,null,-3]");
    }
}
