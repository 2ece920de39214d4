//! kubectl's generic describer, for kinds without their own (ControllerRevision, Event):
//! name, namespace, labels, annotations, then every other field of the object as
//! `printUnstructuredContent` lays it out, with `smartLabelFor` headings.

use super::common::{annotations, events, labels};
use super::writer::{Writer, LEVEL_0};
use crate::api::Object;
use crate::sim::SimTime;
use k8s_openapi::api::core::v1::Event;
use serde_json::Value;

const SKIP: &[&str] = &[
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
];

pub fn describe(obj: &Object, evs: &[Event], now: SimTime) -> String {
    let mut w = Writer::default();
    w.write(LEVEL_0, &format!("Name:\t{}\n", obj.name()));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", obj.namespace()));
    labels(&mut w, "Labels", obj.meta().labels.as_ref());
    annotations(&mut w, "Annotations", obj.meta().annotations.as_ref());
    let mut content = obj.to_json();
    if let Value::Object(m) = &mut content {
        m.entry("apiVersion")
            .or_insert_with(|| Value::String(obj.kind().api_version()));
        m.entry("kind")
            .or_insert_with(|| Value::String(obj.kind().name().to_string()));
        unstructured(&mut w, LEVEL_0, m, "");
    }
    events(&mut w, evs, now);
    w.finish()
}

/// Go's `%v` of a JSON value.
fn go_value(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_value).collect::<Vec<_>>().join(" ")),
        Value::Object(_) => "map[]".into(),
    }
}

/// `printUnstructuredContent`.
fn unstructured(
    w: &mut Writer,
    level: usize,
    content: &serde_json::Map<String, Value>,
    skip_prefix: &str,
) {
    let mut fields: Vec<&String> = content.keys().collect();
    fields.sort();
    for field in fields {
        let skip_expr = format!("{skip_prefix}.{field}");
        if SKIP.contains(&skip_expr.as_str()) {
            continue;
        }
        match &content[field.as_str()] {
            Value::Object(m) => {
                w.write(level, &format!("{}:\n", smart_label(field)));
                unstructured(w, level + 1, m, &skip_expr);
            }
            Value::Array(items) => {
                w.write(level, &format!("{}:\n", smart_label(field)));
                for child in items {
                    match child {
                        Value::Object(m) => unstructured(w, level + 1, m, &skip_expr),
                        other => w.write(level + 1, &format!("{}\n", go_value(other))),
                    }
                }
            }
            other => w.write(
                level,
                &format!("{}:\t{}\n", smart_label(field), go_value(other)),
            ),
        }
    }
}

/// `fatih/camelcase.Split`: runs of lower case, upper case, digits and other characters,
/// with the last upper-case letter moved onto a following lower-case run.
fn camelcase_split(s: &str) -> Vec<String> {
    let class = |c: char| {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else if c.is_numeric() {
            3
        } else {
            4
        }
    };
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in s.chars() {
        let k = class(c);
        if k == last {
            if let Some(r) = runs.last_mut() {
                r.push(c);
            }
        } else {
            runs.push(vec![c]);
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        if runs[i][0].is_uppercase() && runs[i + 1][0].is_lowercase() {
            if let Some(c) = runs[i].pop() {
                runs[i + 1].insert(0, c);
            }
        }
    }
    runs.into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().collect())
        .collect()
}

/// `smartLabelFor` (kubectl 1.32): `apiVersion` → `API Version`, `uid` → `UID`; fields with
/// characters other than letters and `-` are left as they are.
pub fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    const ACRONYMS: &[&str] = &["API", "URL", "UID", "OSB", "GUID"];
    camelcase_split(field)
        .into_iter()
        .filter(|p| p != "_")
        .map(|p| {
            let upper = p.to_uppercase();
            if ACRONYMS.contains(&upper.as_str()) {
                upper
            } else {
                let mut cs = p.chars();
                match cs.next() {
                    Some(f) => f.to_uppercase().collect::<String>() + cs.as_str(),
                    None => String::new(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_labels_match_kubectl() {
        assert_eq!(smart_label("apiVersion"), "API Version");
        assert_eq!(smart_label("uid"), "UID");
        assert_eq!(smart_label("creationTimestamp"), "Creation Timestamp");
        assert_eq!(smart_label("blockOwnerDeletion"), "Block Owner Deletion");
        assert_eq!(
            smart_label("app.kubernetes.io/name"),
            "app.kubernetes.io/name"
        );
        assert_eq!(smart_label("$patch"), "$patch");
    }
}
