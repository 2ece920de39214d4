//! Small formatters shared by the tables and `describe`, each the Go helper of the same
//! meaning: `translateTimestampSince`, `time.RFC1123Z`, `metav1.FormatLabelSelector`,
//! `labels.Selector.String()`, `GetAccessModesAsString`, `Quantity.String()`.

use super::duration::human_duration;
use crate::api::quantity;
use crate::sim::SimTime;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, MicroTime, Time};
use std::collections::BTreeMap;

/// `translateTimestampSince`: `<unknown>` for an unset time, else HumanDuration(now − t).
pub fn since(t: Option<&Time>, now: SimTime) -> String {
    match t {
        Some(t) => human_duration(now - SimTime::from_chrono(t.0)),
        None => "<unknown>".into(),
    }
}

/// `translateMicroTimestampSince`.
pub fn since_micro(t: Option<&MicroTime>, now: SimTime) -> String {
    match t {
        Some(t) => human_duration(now - SimTime::from_chrono(t.0)),
        None => "<unknown>".into(),
    }
}

/// Go's `time.RFC1123Z` (`Mon, 02 Jan 2006 15:04:05 -0700`); an unset time is Go's zero time.
pub fn rfc1123z(t: Option<&Time>) -> String {
    match t {
        Some(t) => t.0.format("%a, %d %b %Y %H:%M:%S %z").to_string(),
        None => "Mon, 01 Jan 0001 00:00:00 +0000".into(),
    }
}

/// `labels.FormatLabels`: sorted `k=v,k2=v2`, or `<none>`.
pub fn format_labels(labels: Option<&BTreeMap<String, String>>) -> String {
    crate::api::selector::format_labels(labels)
}

/// `metav1.LabelSelectorAsSelector(sel).String()`: requirements sorted by key, `In`/`NotIn`
/// values sorted; empty string for an empty or absent selector.
pub fn selector_string(sel: Option<&LabelSelector>) -> String {
    let Some(sel) = sel else { return String::new() };
    let mut reqs: Vec<(String, String)> = Vec::new();
    for (k, v) in sel.match_labels.iter().flatten() {
        reqs.push((k.clone(), format!("{k}={v}")));
    }
    for e in sel.match_expressions.iter().flatten() {
        let mut values = e.values.clone().unwrap_or_default();
        values.sort();
        values.dedup();
        let text = match e.operator.as_str() {
            "In" => format!("{} in ({})", e.key, values.join(",")),
            "NotIn" => format!("{} notin ({})", e.key, values.join(",")),
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            _ => return "<error>".into(),
        };
        reqs.push((e.key.clone(), text));
    }
    reqs.sort_by(|a, b| a.0.cmp(&b.0));
    reqs.into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(",")
}

/// `metav1.FormatLabelSelector`: the selector string, `<none>` when it selects everything.
pub fn format_label_selector(sel: Option<&LabelSelector>) -> String {
    let s = selector_string(sel);
    if s.is_empty() {
        "<none>".into()
    } else {
        s
    }
}

/// `helper.GetAccessModesAsString`: RWO, ROX, RWX, RWOP in that order (fact 77).
pub fn access_modes(modes: Option<&Vec<String>>) -> String {
    let modes = modes.map(|m| m.as_slice()).unwrap_or(&[]);
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(m, _)| modes.iter().any(|x| x == m))
    .map(|(_, s)| *s)
    .collect::<Vec<_>>()
    .join(",")
}

/// `Quantity.String()`: the canonical form; an absent quantity is the zero quantity, `0`.
pub fn quantity(q: Option<&Quantity>) -> String {
    match q {
        Some(q) => quantity::canonical_str(&q.0),
        None => "0".into(),
    }
}

/// `printBoolPtr`: `True`, `False`, or `<unset>`.
pub fn bool_ptr(b: Option<bool>) -> String {
    match b {
        Some(b) => bool_title(b).into(),
        None => "<unset>".into(),
    }
}

/// `printBool`.
pub fn bool_title(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// `layoutContainerCells`: names and images joined with commas.
pub fn containers_and_images(
    containers: &[k8s_openapi::api::core::v1::Container],
) -> (String, String) {
    let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = containers
        .iter()
        .map(|c| c.image.as_deref().unwrap_or(""))
        .collect();
    (names.join(","), images.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    #[test]
    fn label_selectors_print_sorted_by_key_with_sorted_values() {
        let sel = LabelSelector {
            match_labels: Some(BTreeMap::from([
                ("tier".into(), "web".into()),
                ("app".into(), "x".into()),
            ])),
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: "env".into(),
                operator: "In".into(),
                values: Some(vec!["prod".into(), "dev".into()]),
            }]),
        };
        assert_eq!(
            format_label_selector(Some(&sel)),
            "app=x,env in (dev,prod),tier=web"
        );
        assert_eq!(format_label_selector(None), "<none>");
        assert_eq!(
            format_label_selector(Some(&LabelSelector::default())),
            "<none>"
        );
    }

    #[test]
    fn access_modes_print_in_fixed_order_fact_77() {
        let modes = vec!["ReadWriteMany".to_string(), "ReadWriteOnce".to_string()];
        assert_eq!(access_modes(Some(&modes)), "RWO,RWX");
        assert_eq!(access_modes(None), "");
    }

    #[test]
    fn rfc1123z_matches_go() {
        let t = Time(SimTime::parse("2026-01-01T00:00:00Z").unwrap().to_chrono());
        assert_eq!(rfc1123z(Some(&t)), "Thu, 01 Jan 2026 00:00:00 +0000");
    }
}
