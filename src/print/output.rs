//! `-o yaml`, `-o json` and `-o name`, for one object or a list.

use super::{gojson, goyaml};
use crate::api::Object;
use serde_json::{json, Value};
use std::sync::Arc;

/// `-o name`: `pod/web-0`, `daemonset.apps/sample-ds`.
pub fn name(obj: &Object) -> String {
    format!("{}/{}", obj.kind().qualified(), obj.name())
}

/// The object as the API returns it, with apiVersion and kind.
fn value(obj: &Object) -> Value {
    let mut v = obj.to_json();
    if let Value::Object(m) = &mut v {
        m.entry("apiVersion")
            .or_insert_with(|| json!(obj.kind().api_version()));
        m.entry("kind").or_insert_with(|| json!(obj.kind().name()));
    }
    v
}

/// kubectl wraps several objects in a `List` with an empty resourceVersion.
fn list_value(objs: &[Arc<Object>]) -> Value {
    json!({
        "apiVersion": "v1",
        "items": objs.iter().map(|o| value(o)).collect::<Vec<_>>(),
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    })
}

pub fn yaml(obj: &Object) -> String {
    goyaml::to_string(&value(obj))
}

pub fn json(obj: &Object) -> String {
    gojson::to_string(&value(obj))
}

pub fn yaml_list(objs: &[Arc<Object>]) -> String {
    goyaml::to_string(&list_value(objs))
}

pub fn json_list(objs: &[Arc<Object>]) -> String {
    gojson::to_string(&list_value(objs))
}
