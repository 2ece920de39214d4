//! Object metadata, labels, annotations and label selectors (apimachinery
//! `pkg/api/validation/objectmeta.go`, `pkg/apis/meta/v1/validation`, `pkg/util/validation`).

use super::field::{self, ErrorList, Path, Value};
use super::gofmt;
use crate::api::names;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{
    LabelSelector, LabelSelectorRequirement, ObjectMeta,
};
use std::collections::BTreeMap;

/// How a kind's names are checked (`ValidateNameFunc`).
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum NameRule {
    /// `NameIsDNSSubdomain` (most kinds).
    Subdomain,
    /// `NameIsDNSLabel` (StatefulSet, Namespace).
    Label,
    /// `NameIsDNS1035Label` (Service).
    Dns1035,
}

const DNS1035_LABEL_ERR: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_NAME_ERR: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_ERR: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
/// `TotalAnnotationSizeLimitB`.
const ANNOTATIONS_LIMIT: usize = 256 * 1024;

/// The problems with a name under a rule (`prefix`: a generateName, whose trailing dash is fine).
pub fn name_problems(rule: NameRule, name: &str, prefix: bool) -> Vec<String> {
    // apimachinery `maskTrailingDash`: a generateName may end in '-' (Go drops two bytes).
    let name = match name.len() {
        n if prefix && n > 1 && name.ends_with('-') => {
            format!("{}a", name.get(..n - 2).unwrap_or(""))
        }
        _ => name.to_string(),
    };
    match rule {
        NameRule::Subdomain => names::dns_subdomain_problem(&name).into_iter().collect(),
        NameRule::Label => label_problems(&name),
        NameRule::Dns1035 => dns1035_problems(&name),
    }
}

/// `IsDNS1123Label` as a list (each message its own error).
pub fn label_problems(name: &str) -> Vec<String> {
    match names::dns_label_problem(name) {
        None => Vec::new(),
        Some(p) => {
            let mut out = Vec::new();
            // names.rs joins Go's list with ", "; Go reports each message as its own error.
            let too_long = "must be no more than 63 characters";
            match p.strip_prefix(too_long) {
                Some(rest) => {
                    out.push(too_long.to_string());
                    let rest = rest.trim_start_matches(", ");
                    if !rest.is_empty() {
                        out.push(rest.to_string());
                    }
                }
                None => out.push(p),
            }
            out
        }
    }
}

fn dns1035_problems(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    if name.len() > 63 {
        out.push("must be no more than 63 characters".to_string());
    }
    let b = name.as_bytes();
    let ok = !b.is_empty()
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && !name.ends_with('-');
    if !ok {
        out.push(DNS1035_LABEL_ERR.to_string());
    }
    out
}

/// `ValidateObjectMeta` for create. An empty name with a generateName is fine here: the store
/// generates the name (the API server does so before validation). An empty namespace is left
/// to the caller, who fills it from the request as the API server does.
pub fn object_meta(meta: &ObjectMeta, namespaced: bool, rule: NameRule) -> ErrorList {
    let path = Path::new("metadata");
    let mut errs = ErrorList::new();
    let generate = meta.generate_name.as_deref().unwrap_or("");
    if !generate.is_empty() {
        for msg in name_problems(rule, generate, true) {
            errs.push(field::invalid(
                &path.child("generateName"),
                Value::str(generate),
                &msg,
            ));
        }
    }
    let name = meta.name.as_deref().unwrap_or("");
    if name.is_empty() {
        if generate.is_empty() {
            errs.push(field::required(
                &path.child("name"),
                "name or generateName is required",
            ));
        }
    } else {
        for msg in name_problems(rule, name, false) {
            errs.push(field::invalid(&path.child("name"), Value::str(name), &msg));
        }
    }
    let namespace = meta.namespace.as_deref().unwrap_or("");
    if namespaced {
        if !namespace.is_empty() {
            for msg in label_problems(namespace) {
                errs.push(field::invalid(
                    &path.child("namespace"),
                    Value::str(namespace),
                    &msg,
                ));
            }
        }
    } else if !namespace.is_empty() {
        errs.push(field::forbidden(
            &path.child("namespace"),
            "not allowed on this type",
        ));
    }
    if let Some(g) = meta.generation.filter(|g| *g < 0) {
        errs.push(field::invalid(
            &path.child("generation"),
            Value::int(g),
            "must be greater than or equal to 0",
        ));
    }
    errs.extend(labels(meta.labels.as_ref(), &path.child("labels")));
    errs.extend(annotations(
        meta.annotations.as_ref(),
        &path.child("annotations"),
    ));
    errs.extend(finalizers(
        meta.finalizers.as_ref(),
        &path.child("finalizers"),
    ));
    errs
}

/// `ValidateObjectMetaUpdate`: what may not change, then labels and annotations again.
pub fn object_meta_update(new: &ObjectMeta, old: &ObjectMeta) -> ErrorList {
    let path = Path::new("metadata");
    let mut errs = ErrorList::new();
    if new.name != old.name {
        errs.push(field::immutable(
            &path.child("name"),
            Value::opt_str(new.name.as_deref()),
        ));
    }
    if new.namespace != old.namespace {
        errs.push(field::immutable(
            &path.child("namespace"),
            Value::opt_str(new.namespace.as_deref()),
        ));
    }
    errs.extend(labels(new.labels.as_ref(), &path.child("labels")));
    errs.extend(annotations(
        new.annotations.as_ref(),
        &path.child("annotations"),
    ));
    errs.extend(finalizers(
        new.finalizers.as_ref(),
        &path.child("finalizers"),
    ));
    errs
}

/// `IsQualifiedName` (label keys, annotation keys, finalizers).
pub fn qualified_name_problems(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else if let Some(p) = names::dns_subdomain_problem(prefix) {
                errs.push(format!("prefix part {p}"));
            }
            *name
        }
        _ => {
            return vec![format!(
                "a qualified name {QUALIFIED_NAME_ERR} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            )]
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 characters".to_string());
    }
    if !is_qualified_name_part(name) {
        errs.push(format!("name part {QUALIFIED_NAME_ERR}"));
    }
    errs
}

fn is_qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// `IsValidLabelValue`.
pub fn label_value_problems(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !value.is_empty() && !is_qualified_name_part(value) {
        errs.push(LABEL_VALUE_ERR.to_string());
    }
    errs
}

/// `ValidateLabels`: each key a qualified name, each value a label value (Go walks the map in
/// random order; klab in key order).
pub fn labels(labels: Option<&BTreeMap<String, String>>, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    for (k, v) in labels.into_iter().flatten() {
        for msg in qualified_name_problems(k) {
            errs.push(field::invalid(path, Value::str(k), &msg));
        }
        for msg in label_value_problems(v) {
            errs.push(field::invalid(path, Value::str(v), &msg));
        }
    }
    errs
}

/// `ValidateAnnotations`: keys are qualified names (lower-cased first), total size limited.
pub fn annotations(annotations: Option<&BTreeMap<String, String>>, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut size = 0usize;
    for (k, v) in annotations.into_iter().flatten() {
        for msg in qualified_name_problems(&k.to_lowercase()) {
            errs.push(field::invalid(path, Value::str(k), &msg));
        }
        size += k.len() + v.len();
    }
    if size > ANNOTATIONS_LIMIT {
        errs.push(field::too_long(
            path,
            &format!("must have at most {ANNOTATIONS_LIMIT} bytes"),
        ));
    }
    errs
}

fn finalizers(finalizers: Option<&Vec<String>>, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    for f in finalizers.into_iter().flatten() {
        for msg in qualified_name_problems(f) {
            errs.push(field::invalid(path, Value::str(f), &msg));
        }
    }
    errs
}

/// A selector with neither matchLabels nor matchExpressions set: the API's nil selector
/// (k8s-openapi has no way to tell `selector: {}` from an absent one).
pub fn selector_is_nil(selector: &LabelSelector) -> bool {
    selector.match_labels.is_none() && selector.match_expressions.is_none()
}

/// Whether the selector has no requirements at all (nil or empty).
pub fn selector_is_empty(selector: &LabelSelector) -> bool {
    selector.match_labels.as_ref().is_none_or(|m| m.is_empty())
        && selector
            .match_expressions
            .as_ref()
            .is_none_or(|e| e.is_empty())
}

/// `ValidateLabelSelector`.
pub fn label_selector(selector: &LabelSelector, path: &Path) -> ErrorList {
    let mut errs = labels(selector.match_labels.as_ref(), &path.child("matchLabels"));
    for (i, req) in selector.match_expressions.iter().flatten().enumerate() {
        errs.extend(requirement(req, &path.child("matchExpressions").index(i)));
    }
    errs
}

fn requirement(req: &LabelSelectorRequirement, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let values = req.values.as_deref().unwrap_or(&[]);
    match req.operator.as_str() {
        "In" | "NotIn" => {
            if values.is_empty() {
                errs.push(field::required(
                    &path.child("values"),
                    "must be specified when `operator` is 'In' or 'NotIn'",
                ));
            }
        }
        "Exists" | "DoesNotExist" => {
            if !values.is_empty() {
                errs.push(field::forbidden(
                    &path.child("values"),
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                ));
            }
        }
        op => errs.push(field::invalid(
            &path.child("operator"),
            Value::str(op),
            "not a valid selector operator",
        )),
    }
    for msg in qualified_name_problems(&req.key) {
        errs.push(field::invalid(
            &path.child("key"),
            Value::str(&req.key),
            &msg,
        ));
    }
    for (i, v) in values.iter().enumerate() {
        for msg in label_value_problems(v) {
            errs.push(field::invalid(
                &path.child("values").index(i),
                Value::str(v),
                &msg,
            ));
        }
    }
    errs
}

/// Whether `metav1.LabelSelectorAsSelector` accepts the selector (it rejects what
/// `label_selector` reports).
pub fn selector_converts(selector: &LabelSelector) -> bool {
    label_selector(selector, &Path::new("")).is_empty()
}

/// Whether a (converted) selector matches a label set; a nil selector matches nothing.
pub fn selector_matches(
    selector: &LabelSelector,
    labels: Option<&BTreeMap<String, String>>,
) -> bool {
    if selector_is_nil(selector) {
        return false;
    }
    let empty = BTreeMap::new();
    let labels = labels.unwrap_or(&empty);
    crate::api::selector::Selector::from_label_selector(selector).is_ok_and(|s| s.matches(labels))
}

/// `%#v` of the selector, as `Invalid value:` prints it.
pub fn selector_value(selector: &LabelSelector) -> Value {
    Value::go(gofmt::label_selector(selector))
}

/// `%#v` of a template's labels.
pub fn labels_value(labels: Option<&BTreeMap<String, String>>) -> Value {
    Value::go(gofmt::string_map(labels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_keys_and_values_follow_the_api_rules() {
        assert!(qualified_name_problems("app.kubernetes.io/name").is_empty());
        assert_eq!(
            qualified_name_problems("-x")[0],
            format!("name part {QUALIFIED_NAME_ERR}")
        );
        assert!(qualified_name_problems("a/b/c")[0].starts_with("a qualified name must consist"));
        assert!(label_value_problems("").is_empty());
        assert_eq!(
            label_value_problems(&"a".repeat(64)),
            vec!["must be no more than 63 characters".to_string()]
        );
    }

    #[test]
    fn names_by_rule() {
        assert!(name_problems(NameRule::Subdomain, "sample.job", false).is_empty());
        assert_eq!(name_problems(NameRule::Label, "sample.job", false).len(), 1);
        assert_eq!(
            name_problems(NameRule::Dns1035, "1abc", false),
            vec![DNS1035_LABEL_ERR.to_string()]
        );
        assert!(name_problems(NameRule::Subdomain, "sample-ds-", true).is_empty());
    }
}
