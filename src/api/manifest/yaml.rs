//! One chunk of YAML → JSON, the way kubectl converts it (sigs.k8s.io/yaml over go-yaml v2):
//! only the first document of a chunk counts, merge keys (`<<`) are applied, whole-number
//! floats become integers (Go's JSON encoder prints `1.0` as `1`), and object keys are sorted
//! (kubectl sends Go maps, whose JSON keys come out sorted — this also fixes the order in which
//! the server reports unknown fields).
//!
//! Parse errors are worded as go-yaml words them: `yaml: line N: <problem>`, where go-yaml
//! reports the 0-based line of the problem for parser errors and the 1-based line for scanner
//! errors, and no line at all when the problem is on the chunk's first line (go-yaml `fail()`).

use serde::Deserialize;
use serde_json::{Map, Number, Value};

/// A chunk that is not YAML: kubectl's message tail and where the problem is in the chunk
/// (1-based line and column, when the YAML library knows them).
#[derive(Debug, PartialEq)]
pub(crate) struct YamlError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// Parses the first document of `chunk` into JSON.
pub(crate) fn to_json(chunk: &str) -> Result<Value, YamlError> {
    if let Some(value) = json_document(chunk) {
        return Ok(normalise(value));
    }
    // The parser must never take the process down on odd input; a panic becomes an error.
    let parsed = std::panic::catch_unwind(|| {
        let mut docs = serde_yaml::Deserializer::from_str(chunk);
        match docs.next() {
            None => Ok(Value::Null),
            Some(doc) => Value::deserialize(doc),
        }
    });
    match parsed {
        Ok(Ok(value)) => Ok(normalise(value)),
        Ok(Err(err)) => Err(go_yaml_error(&err, chunk)),
        Err(_) => Err(YamlError {
            message: "yaml: internal error in the YAML parser".into(),
            line: None,
            column: None,
        }),
    }
}

/// A chunk that is one JSON object (what the script API's `apply(map)` sends, a document per
/// object) read with the JSON parser: YAML is a superset of JSON, so the value is the one the
/// YAML parser would build, at a fraction of the cost. Anything the two might read
/// differently (tabs, `\u` escapes, exponents) or that is not plain JSON goes the YAML way.
fn json_document(chunk: &str) -> Option<Value> {
    let body = chunk.strip_prefix("---\n").unwrap_or(chunk).trim();
    // Exponent floats (`1e5`) are left to YAML too: its schema decides whether they are numbers.
    let exponent = body.as_bytes().windows(3).any(|w| {
        w[0].is_ascii_digit()
            && matches!(w[1], b'e' | b'E')
            && matches!(w[2], b'0'..=b'9' | b'+' | b'-')
    });
    if !body.starts_with('{') || body.contains('\t') || body.contains("\\u") || exponent {
        return None;
    }
    serde_json::from_str(body).ok()
}

/// Merge keys, Go number forms and sorted keys, recursively.
fn normalise(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut merged = Map::new();
            let mut entries: Vec<(String, Value)> = Vec::new();
            let mut merges = Vec::new();
            for (k, v) in map {
                if k == "<<" {
                    merges.push(v);
                } else {
                    entries.push((k, normalise(v)));
                }
            }
            for (k, v) in entries {
                merged.insert(k, v);
            }
            // Keys already present win over merged ones; earlier merge sources win over later.
            for source in merges {
                let sources = match source {
                    Value::Array(items) => items,
                    other => vec![other],
                };
                for s in sources {
                    if let Value::Object(m) = normalise(s) {
                        for (k, v) in m {
                            merged.entry(k).or_insert(v);
                        }
                    }
                }
            }
            let mut keys: Vec<String> = merged.keys().cloned().collect();
            keys.sort();
            let mut sorted = Map::new();
            for k in keys {
                if let Some(v) = merged.remove(&k) {
                    sorted.insert(k, v);
                }
            }
            Value::Object(sorted)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(normalise).collect()),
        Value::Number(n) => Value::Number(go_number(n)),
        other => other,
    }
}

/// A float with no fractional part is what Go's encoder prints as an integer.
fn go_number(n: Number) -> Number {
    if n.is_f64() {
        if let Some(f) = n.as_f64() {
            if f.fract() == 0.0 && f.abs() < 1e18 {
                return Number::from(f as i64);
            }
        }
    }
    n
}

/// The go-yaml wording of a YAML library error.
fn go_yaml_error(err: &serde_yaml::Error, chunk: &str) -> YamlError {
    let location = err.location();
    let (line, column) = match &location {
        Some(l) => (Some(l.line()), Some(l.column())),
        None => (None, None),
    };
    let debug = format!("{err:?}");
    let message = if let Some(libyaml) = LibyamlError::parse(&debug) {
        let problem_line0 = line.map(|l| l.saturating_sub(1)).unwrap_or(0);
        // go-yaml: scanner errors report line+1, parser errors the 0-based line; a problem on
        // line 0 falls back to the context line; no line at all when both are 0.
        let go_line = if problem_line0 != 0 {
            if libyaml.scanner {
                problem_line0 + 1
            } else {
                problem_line0
            }
        } else {
            libyaml.context_line0.unwrap_or(0)
        };
        if go_line != 0 {
            format!("yaml: line {go_line}: {}", libyaml.problem)
        } else {
            format!("yaml: {}", libyaml.problem)
        }
    } else {
        let text = err.to_string();
        if text.starts_with("unknown anchor") {
            let name = location
                .as_ref()
                .map(|l| anchor_name(chunk, l.index()))
                .unwrap_or_default();
            format!("yaml: unknown anchor '{name}' referenced")
        } else {
            // Errors of the YAML library with no go-yaml counterpart: keep its own words.
            let text = text.split(" at line ").next().unwrap_or(&text).to_string();
            match line {
                Some(l) => format!("yaml: line {l}: {text}"),
                None => format!("yaml: {text}"),
            }
        }
    };
    YamlError {
        message,
        line,
        column,
    }
}

/// The alias name at byte `index` (`*name`).
fn anchor_name(chunk: &str, index: usize) -> String {
    let rest = chunk.get(index..).unwrap_or("");
    let rest = rest.strip_prefix('*').unwrap_or(rest);
    rest.chars()
        .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
        .collect()
}

/// What the libyaml error's debug form tells: its kind, problem text and context line.
/// (serde_yaml exposes these only through `Debug`; the crate version is pinned in Cargo.lock
/// and the unit tests below pin the format.)
struct LibyamlError {
    scanner: bool,
    problem: String,
    context_line0: Option<usize>,
}

impl LibyamlError {
    fn parse(debug: &str) -> Option<LibyamlError> {
        let kind = debug.strip_prefix("Error { kind: ")?;
        let scanner = kind.starts_with("SCANNER");
        let problem_start = debug.find("problem: \"")? + "problem: \"".len();
        let problem_len = debug[problem_start..].find('"')?;
        let problem = debug[problem_start..problem_start + problem_len].to_string();
        let context_line0 = debug
            .find("context_mark: Mark { line: ")
            .and_then(|i| {
                let rest = &debug[i + "context_mark: Mark { line: ".len()..];
                rest.split(|c: char| !c.is_ascii_digit())
                    .next()?
                    .parse::<usize>()
                    .ok()
            })
            .map(|l| l.saturating_sub(1));
        Some(LibyamlError {
            scanner,
            problem,
            context_line0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(chunk: &str) -> String {
        to_json(chunk).unwrap_err().message
    }

    // Expected texts are what `kubectl apply --dry-run=client -f` (v1.32.4) prints after
    // "error converting YAML to JSON: " for the same chunk.
    #[test]
    fn parser_errors_report_the_zero_based_line_like_go_yaml() {
        assert_eq!(
            err("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n spec:\n"),
            "yaml: line 4: did not find expected key"
        );
        assert_eq!(
            err("x:\n  - a\n  b: 1\n"),
            "yaml: line 2: did not find expected '-' indicator"
        );
        assert_eq!(
            err("a: [1, 2\n"),
            "yaml: line 1: did not find expected ',' or ']'"
        );
    }

    #[test]
    fn scanner_errors_report_the_one_based_line_like_go_yaml() {
        assert_eq!(
            err("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: a: b\n"),
            "yaml: line 5: mapping values are not allowed in this context"
        );
        assert_eq!(
            err("apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n"),
            "yaml: line 4: found character that cannot start any token"
        );
        assert_eq!(
            err("a: \"abc\n"),
            "yaml: line 2: found unexpected end of stream"
        );
    }

    #[test]
    fn a_problem_on_the_first_line_has_no_line_number() {
        assert_eq!(
            err("a: b: c\n"),
            "yaml: mapping values are not allowed in this context"
        );
    }

    #[test]
    fn unknown_anchors_are_named() {
        assert_eq!(err("a: *foo\n"), "yaml: unknown anchor 'foo' referenced");
    }

    #[test]
    fn errors_carry_the_library_location() {
        let e = to_json("a: 1\nb: c: d\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(5)));
    }

    #[test]
    fn keys_are_sorted_and_merge_keys_applied() {
        let v = to_json("z: 1\nbase: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n").unwrap();
        assert_eq!(
            v.to_string(),
            r#"{"base":{"x":1,"y":2},"m":{"x":1,"y":3},"z":1}"#
        );
    }

    #[test]
    fn whole_floats_become_integers_and_duplicates_keep_the_last() {
        assert_eq!(
            to_json("a: 1.0\nb: 0.5\n").unwrap().to_string(),
            r#"{"a":1,"b":0.5}"#
        );
        assert_eq!(to_json("a: 1\na: 2\n").unwrap().to_string(), r#"{"a":2}"#);
    }

    #[test]
    fn only_the_first_document_of_a_chunk_counts() {
        assert_eq!(
            to_json("a: 1\n...\nb: 2\n").unwrap().to_string(),
            r#"{"a":1}"#
        );
        assert_eq!(to_json("").unwrap(), Value::Null);
    }

    #[test]
    fn a_json_document_reads_as_the_yaml_parser_reads_it() {
        for chunk in [
            "---\n{\"b\":1.0,\"a\":[true,null,\"x\"],\"c\":{\"z\":0.5,\"y\":-3}}\n",
            "{\"a\":1,\"a\":2}\n",
            "{\"<<\":{\"x\":1},\"y\":2}\n",
            "{\"s\":\"q\\\"\\n\\/\"}\n",
        ] {
            let body = chunk.strip_prefix("---\n").unwrap_or(chunk);
            let mut docs = serde_yaml::Deserializer::from_str(body);
            let by_yaml = normalise(Value::deserialize(docs.next().unwrap()).unwrap());
            assert_eq!(to_json(chunk).unwrap(), by_yaml, "{chunk}");
        }
        assert_eq!(to_json("# only a comment\n").unwrap(), Value::Null);
    }
}
