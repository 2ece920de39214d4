//! JSON ↔ Rhai values. Objects reach scripts as the JSON `kubectl get -o json` shows, turned
//! into Rhai maps; maps and arrays a script builds can go back out as JSON (`apply(map)`).

use rhai::{Array, Dynamic, Map, FLOAT, INT};
use serde_json::{Number, Value};

/// A JSON value as a Rhai value: objects become maps, arrays arrays, integers `INT` (those
/// beyond its range, and fractions, `FLOAT`), null `()`.
pub fn json_to_dynamic(value: &Value) -> Dynamic {
    match value {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from_bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Dynamic::from_int(i as INT),
            None => Dynamic::from_float(n.as_f64().unwrap_or(0.0) as FLOAT),
        },
        Value::String(s) => Dynamic::from(s.clone()),
        Value::Array(items) => Dynamic::from_array(items.iter().map(json_to_dynamic).collect()),
        Value::Object(fields) => {
            let map: Map = fields
                .iter()
                .map(|(k, v)| (k.as_str().into(), json_to_dynamic(v)))
                .collect();
            Dynamic::from_map(map)
        }
    }
}

/// A Rhai value as JSON. Function pointers, blobs and other non-data values are an error
/// naming the type and where it sits (`spec.template: FnPtr`).
pub fn dynamic_to_json(value: &Dynamic) -> Result<Value, String> {
    to_json_at(value, "")
}

fn to_json_at(value: &Dynamic, path: &str) -> Result<Value, String> {
    if value.is_unit() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Ok(i) = value.as_int() {
        return Ok(Value::Number(i.into()));
    }
    if let Ok(f) = value.as_float() {
        return Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| format!("{} is {f}, which JSON cannot hold", describe(path)));
    }
    if let Ok(c) = value.as_char() {
        return Ok(Value::String(c.to_string()));
    }
    if value.is_string() {
        return Ok(Value::String(
            value.clone().into_string().unwrap_or_default(),
        ));
    }
    if value.is_array() {
        let items = value
            .read_lock::<Array>()
            .map(|a| a.clone())
            .unwrap_or_default();
        let out = items
            .iter()
            .enumerate()
            .map(|(i, v)| to_json_at(v, &format!("{path}[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Value::Array(out));
    }
    if value.is_map() {
        let map = value
            .read_lock::<Map>()
            .map(|m| m.clone())
            .unwrap_or_default();
        let mut out = serde_json::Map::new();
        for (k, v) in &map {
            let child = if path.is_empty() {
                k.to_string()
            } else {
                format!("{path}.{k}")
            };
            out.insert(k.to_string(), to_json_at(v, &child)?);
        }
        return Ok(Value::Object(out));
    }
    Err(format!(
        "{} is a {}, which has no JSON form",
        describe(path),
        value.type_name()
    ))
}

fn describe(path: &str) -> String {
    if path.is_empty() {
        "the value".to_string()
    } else {
        format!("`{path}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_objects_become_maps_and_back_unchanged() {
        let value = json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "web-0", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 80}]}], "priority": null},
            "status": {"ready": true, "ratio": 0.5}
        });
        let d = json_to_dynamic(&value);
        let map = d.clone().cast::<Map>();
        let meta = map["metadata"].clone().cast::<Map>();
        assert_eq!(meta["name"].clone().into_string().unwrap(), "web-0");
        assert!(map["spec"].clone().cast::<Map>()["priority"].is_unit());
        assert_eq!(dynamic_to_json(&d).unwrap(), value);
    }

    #[test]
    fn numbers_keep_their_kind() {
        assert_eq!(json_to_dynamic(&json!(3)).as_int(), Ok(3));
        assert_eq!(json_to_dynamic(&json!(1.5)).as_float(), Ok(1.5));
        assert!(json_to_dynamic(&json!(u64::MAX)).is_float());
    }

    #[test]
    fn chars_become_strings() {
        assert_eq!(
            dynamic_to_json(&Dynamic::from_char('x')).unwrap(),
            json!("x")
        );
    }

    #[test]
    fn values_without_a_json_form_are_errors_naming_the_path() {
        let mut inner = Map::new();
        inner.insert(
            "f".into(),
            Dynamic::from(rhai::FnPtr::new("check").unwrap()),
        );
        let mut outer = Map::new();
        outer.insert("spec".into(), Dynamic::from_map(inner));
        let err = dynamic_to_json(&Dynamic::from_map(outer)).unwrap_err();
        assert!(err.contains("`spec.f`") && err.contains("Fn"), "{err}");
        let err = dynamic_to_json(&Dynamic::from_float(f64::NAN)).unwrap_err();
        assert!(err.contains("JSON cannot hold"), "{err}");
    }
}
