//! `-o json` as kubectl writes it: `json.MarshalIndent(obj, "", "    ")` of the unstructured
//! object, so map keys are in Go's byte order, indentation is four spaces, and strings are
//! escaped the way `encoding/json` escapes them (`<`, `>`, `&` as `\u003c`…). The compact
//! form (`json.Marshal`) is how kubectl stores `last-applied-configuration`.

use serde_json::Value;

/// `json.MarshalIndent(v, "", "    ")` plus the newline kubectl prints after it.
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, Some(0));
    out.push('\n');
    out
}

/// `json.Marshal(v)`: compact, no trailing newline.
pub fn to_compact_string(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, None);
    out
}

/// A line break and indentation in the indented form; nothing in the compact one.
fn newline(out: &mut String, depth: Option<usize>) {
    if let Some(d) = depth {
        out.push('\n');
        for _ in 0..d {
            out.push_str("    ");
        }
    }
}

/// `depth` is `None` for the compact form.
fn write_value(out: &mut String, value: &Value, depth: Option<usize>) {
    let inner = depth.map(|d| d + 1);
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number(n)),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                newline(out, inner);
                write_value(out, item, inner);
                if i + 1 < items.len() {
                    out.push(',');
                }
            }
            newline(out, depth);
            out.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                newline(out, inner);
                write_string(out, k);
                out.push_str(if depth.is_some() { ": " } else { ":" });
                write_value(out, &map[k.as_str()], inner);
                if i + 1 < keys.len() {
                    out.push(',');
                }
            }
            newline(out, depth);
            out.push('}');
        }
    }
}

/// Integers as they are; floats as `encoding/json` formats float64 ('f' unless tiny or huge).
fn number(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        // Go: 'e' format with the exponent's leading zero dropped ("1e-07" → "1e-7").
        let s = format!("{f:e}");
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{}", exp.abs());
    }
    format!("{f}")
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_and_indented_by_four_spaces() {
        let v = json!({"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "a", "labels": {}}, "items": []});
        assert_eq!(
            to_string(&v),
            "{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n    \"kind\": \"Pod\",\n    \"metadata\": {\n        \"labels\": {},\n        \"name\": \"a\"\n    }\n}\n"
        );
    }

    #[test]
    fn strings_are_escaped_as_go_does() {
        assert_eq!(
            to_string(&json!("a<b>&\"\n")),
            "\"a\\u003cb\\u003e\\u0026\\\"\\n\"\n"
        );
        assert_eq!(to_string(&json!(0.5)), "0.5\n");
        assert_eq!(to_string(&json!(3)), "3\n");
    }

    #[test]
    fn compact_form_sorts_keys_and_escapes_html_characters_as_go_does() {
        let v = json!({"spec": {"b": 1, "a": "x > y && z < w"}, "kind": "Pod", "apiVersion": "v1"});
        assert_eq!(
            to_compact_string(&v),
            r#"{"apiVersion":"v1","kind":"Pod","spec":{"a":"x \u003e y \u0026\u0026 z \u003c w","b":1}}"#
        );
        assert_eq!(to_compact_string(&json!("a\nb\u{1}")), r#""a\nb\u0001""#);
        assert_eq!(
            to_compact_string(&json!([true, null, -3, {}])),
            "[true,null,-3,{}]"
        );
    }
}
