//! JSON Merge Patch (RFC 7386) and JSON Patch (RFC 6902) on `serde_json::Value`, as the API
//! server applies `kubectl patch --type=merge|json`.

use serde_json::{Map, Value};

/// RFC 7386: objects merge recursively, `null` removes a key, anything else replaces.
pub fn merge_patch(target: &Value, patch: &Value) -> Value {
    match patch {
        Value::Object(p) => {
            let mut out: Map<String, Value> = match target {
                Value::Object(t) => t.clone(),
                _ => Map::new(),
            };
            for (k, v) in p {
                if v.is_null() {
                    out.remove(k);
                } else {
                    let merged = merge_patch(out.get(k).unwrap_or(&Value::Null), v);
                    out.insert(k.clone(), merged);
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// Unescapes one JSON Pointer token (`~1` → `/`, `~0` → `~`).
fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

fn tokens(path: &str) -> Result<Vec<String>, String> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let rest = path
        .strip_prefix('/')
        .ok_or_else(|| format!("JSON pointer must be empty or start with a \"/\": {path}"))?;
    Ok(rest.split('/').map(unescape).collect())
}

fn get<'a>(doc: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut cur = doc;
    for t in path {
        cur = match cur {
            Value::Object(m) => m.get(t)?,
            Value::Array(a) => a.get(t.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn parent_mut<'a>(doc: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    let mut cur = doc;
    for t in path {
        cur = match cur {
            Value::Object(m) => m.get_mut(t)?,
            Value::Array(a) => a.get_mut(t.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn add(doc: &mut Value, path: &[String], value: Value, op: &str, raw: &str) -> Result<(), String> {
    let Some((last, parent)) = path.split_last() else {
        *doc = value;
        return Ok(());
    };
    let missing =
        || format!("{op} operation does not apply: doc is missing path: \"{raw}\": missing value");
    let container = parent_mut(doc, parent).ok_or_else(missing)?;
    match container {
        Value::Object(m) => {
            m.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(a) => {
            let idx = if last == "-" {
                a.len()
            } else {
                last.parse::<usize>().map_err(|_| {
                    format!("Unable to access invalid index: {last}: invalid index referenced")
                })?
            };
            if idx > a.len() {
                return Err(format!(
                    "Unable to access invalid index: {idx}: invalid index referenced"
                ));
            }
            a.insert(idx, value);
            Ok(())
        }
        _ => Err(missing()),
    }
}

fn remove(doc: &mut Value, path: &[String], op: &str, raw: &str) -> Result<Value, String> {
    let Some((last, parent)) = path.split_last() else {
        return Ok(std::mem::take(doc));
    };
    let missing =
        || format!("{op} operation does not apply: doc is missing path: \"{raw}\": missing value");
    let container = parent_mut(doc, parent).ok_or_else(missing)?;
    match container {
        Value::Object(m) => m.remove(last).ok_or_else(missing),
        Value::Array(a) => {
            let idx = last.parse::<usize>().map_err(|_| missing())?;
            if idx >= a.len() {
                return Err(format!(
                    "Unable to access invalid index: {idx}: invalid index referenced"
                ));
            }
            Ok(a.remove(idx))
        }
        _ => Err(missing()),
    }
}

/// RFC 6902 operations in order; any failure leaves the document unchanged (the caller
/// keeps the original).
pub fn json_patch(doc: &Value, ops: &Value) -> Result<Value, String> {
    let ops = ops
        .as_array()
        .ok_or("json: cannot unmarshal object into Go value of type jsonpatch.Patch")?;
    let mut doc = doc.clone();
    for op in ops {
        let kind = op.get("op").and_then(|v| v.as_str()).unwrap_or("");
        let raw_path = op.get("path").and_then(|v| v.as_str()).unwrap_or("");
        let path = tokens(raw_path)?;
        let value = || {
            op.get("value")
                .cloned()
                .ok_or_else(|| format!("{kind} operation does not apply: missing value"))
        };
        match kind {
            "add" => add(&mut doc, &path, value()?, "add", raw_path)?,
            "remove" => {
                remove(&mut doc, &path, "remove", raw_path)?;
            }
            "replace" => {
                if get(&doc, &path).is_none() {
                    return Err(format!("replace operation does not apply: doc is missing key: {raw_path}: missing value"));
                }
                remove(&mut doc, &path, "replace", raw_path)?;
                add(&mut doc, &path, value()?, "replace", raw_path)?;
            }
            "move" | "copy" => {
                let raw_from = op.get("from").and_then(|v| v.as_str()).unwrap_or("");
                let from = tokens(raw_from)?;
                let moved = if kind == "move" {
                    remove(&mut doc, &from, kind, raw_from)?
                } else {
                    get(&doc, &from)
                        .cloned()
                        .ok_or_else(|| format!("copy operation does not apply: doc is missing from path: {raw_from}: missing value"))?
                };
                add(&mut doc, &path, moved, kind, raw_path)?;
            }
            "test" => {
                let expected = value()?;
                if get(&doc, &path) != Some(&expected) {
                    return Err(format!("testing value {raw_path} failed: test failed"));
                }
            }
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7386_examples() {
        let target = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        let patch = json!({"a": "z", "c": {"f": null}});
        assert_eq!(
            merge_patch(&target, &patch),
            json!({"a": "z", "c": {"d": "e"}})
        );
        assert_eq!(
            merge_patch(&json!({"a": [1, 2]}), &json!({"a": [3]})),
            json!({"a": [3]})
        );
        assert_eq!(
            merge_patch(&json!({"a": "b"}), &json!({"b": {"c": null}})),
            json!({"a": "b", "b": {}})
        );
    }

    #[test]
    fn json_patch_operations_follow_rfc_6902() {
        let doc = json!({"spec": {"replicas": 1, "list": ["a", "b"]}});
        let ops = json!([
            {"op": "replace", "path": "/spec/replicas", "value": 3},
            {"op": "add", "path": "/spec/list/-", "value": "c"},
            {"op": "remove", "path": "/spec/list/0"},
            {"op": "copy", "from": "/spec/replicas", "path": "/spec/copy"},
            {"op": "move", "from": "/spec/copy", "path": "/spec/moved"},
            {"op": "test", "path": "/spec/moved", "value": 3}
        ]);
        assert_eq!(
            json_patch(&doc, &ops).unwrap(),
            json!({"spec": {"replicas": 3, "list": ["b", "c"], "moved": 3}})
        );
        assert!(json_patch(
            &doc,
            &json!([{"op": "replace", "path": "/spec/nope", "value": 1}])
        )
        .is_err());
        assert!(json_patch(
            &doc,
            &json!([{"op": "test", "path": "/spec/replicas", "value": 2}])
        )
        .is_err());
        assert_eq!(
            json_patch(
                &json!({"a/b": 1}),
                &json!([{"op": "remove", "path": "/a~1b"}])
            )
            .unwrap(),
            json!({})
        );
    }
}
