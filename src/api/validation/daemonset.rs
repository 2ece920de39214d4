//! DaemonSet (`pkg/apis/apps/validation/validation.go` `ValidateDaemonSet*`,
//! `pkg/registry/apps/daemonset/strategy.go`): facts 8–10.

use super::field::{self, ErrorList, Path, Value};
use super::gofmt;
use super::{meta, pod};
use k8s_openapi::api::apps::v1::{
    DaemonSet, DaemonSetSpec, DaemonSetUpdateStrategy, RollingUpdateDaemonSet,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

const NONNEGATIVE: &str = "must be greater than or equal to 0";

pub fn create(ds: &DaemonSet) -> ErrorList {
    let mut errs = meta::object_meta(&ds.metadata, true, meta::NameRule::Subdomain);
    errs.extend(spec(
        &ds.spec.clone().unwrap_or_default(),
        &Path::new("spec"),
    ));
    errs
}

/// The strategy's `ValidateUpdate`: the object again, the update rules, then the selector's
/// immutability (fact 10).
pub fn update(new: &DaemonSet, old: &DaemonSet) -> ErrorList {
    let mut errs = create(new);
    errs.extend(meta::object_meta_update(&new.metadata, &old.metadata));
    let new_spec = new.spec.clone().unwrap_or_default();
    let old_spec = old.spec.clone().unwrap_or_default();
    errs.extend(spec(&new_spec, &Path::new("spec")));
    if new_spec.selector != old_spec.selector {
        let shown = if meta::selector_is_nil(&new_spec.selector) {
            Value::null()
        } else {
            meta::selector_value(&new_spec.selector)
        };
        errs.push(field::immutable(
            &Path::new("spec").child("selector"),
            shown,
        ));
    }
    errs
}

/// `ValidateDaemonSetSpec`.
fn spec(spec: &DaemonSetSpec, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let selector = &spec.selector;
    let template_labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.as_ref());
    errs.extend(meta::label_selector(selector, &path.child("selector")));
    if meta::selector_converts(selector) && !meta::selector_matches(selector, template_labels) {
        errs.push(field::invalid(
            &path.child("template").child("metadata").child("labels"),
            meta::labels_value(template_labels),
            "`selector` does not match template `labels`",
        ));
    }
    if !meta::selector_is_nil(selector) && meta::selector_is_empty(selector) {
        errs.push(field::invalid(
            &path.child("selector"),
            meta::selector_value(selector),
            "empty selector is invalid for daemonset",
        ));
    }
    errs.extend(pod::template(&spec.template, &path.child("template")));
    errs.extend(pod::long_running_template(
        &spec.template,
        path,
        "DaemonSet",
    ));
    if let Some(m) = spec.min_ready_seconds.filter(|m| *m < 0) {
        errs.push(field::invalid(
            &path.child("minReadySeconds"),
            Value::int(m),
            NONNEGATIVE,
        ));
    }
    errs.extend(update_strategy(
        &spec.update_strategy.clone().unwrap_or_default(),
        &path.child("updateStrategy"),
    ));
    if let Some(limit) = spec.revision_history_limit.filter(|l| *l < 0) {
        errs.push(field::invalid(
            &path.child("revisionHistoryLimit"),
            Value::int(limit),
            NONNEGATIVE,
        ));
    }
    errs
}

/// `ValidateDaemonSetUpdateStrategy`.
fn update_strategy(strategy: &DaemonSetUpdateStrategy, path: &Path) -> ErrorList {
    match strategy.type_.as_deref().unwrap_or("") {
        "OnDelete" => vec![],
        "RollingUpdate" => match &strategy.rolling_update {
            None => vec![field::required(&path.child("rollingUpdate"), "")],
            Some(ru) => rolling_update(ru, &path.child("rollingUpdate")),
        },
        other => {
            let rolling = if strategy.rolling_update.is_some() {
                "(*apps.RollingUpdateDaemonSet)(0xc000000000)"
            } else {
                "(*apps.RollingUpdateDaemonSet)(nil)"
            };
            let shown = format!(
                "apps.DaemonSetUpdateStrategy{{Type:{}, RollingUpdate:{rolling}}}",
                gofmt::quote(other)
            );
            vec![field::not_supported(
                path,
                Value::go(shown),
                &["RollingUpdate", "OnDelete"],
            )]
        }
    }
}

/// `ValidateRollingUpdateDaemonSet` (fact 8; trap T4: maxSurge alone fails because
/// maxUnavailable defaults to 1).
fn rolling_update(ru: &RollingUpdateDaemonSet, path: &Path) -> ErrorList {
    let zero = IntOrString::Int(0);
    let unavailable = ru.max_unavailable.as_ref().unwrap_or(&zero);
    let surge = ru.max_surge.as_ref().unwrap_or(&zero);
    let mut errs = positive_int_or_percent(unavailable, &path.child("maxUnavailable"));
    errs.extend(positive_int_or_percent(surge, &path.child("maxSurge")));
    errs.extend(not_more_than_100_percent(
        unavailable,
        &path.child("maxUnavailable"),
    ));
    errs.extend(not_more_than_100_percent(surge, &path.child("maxSurge")));
    let has_unavailable = int_or_percent_value(unavailable) != 0;
    let has_surge = int_or_percent_value(surge) != 0;
    if has_unavailable && has_surge {
        errs.push(field::invalid(
            &path.child("maxSurge"),
            Value::go(gofmt::int_or_string(surge)),
            "may not be set when maxUnavailable is non-zero",
        ));
    } else if !has_unavailable && !has_surge {
        errs.push(field::required(
            &path.child("maxUnavailable"),
            "cannot be 0 when maxSurge is 0",
        ));
    }
    errs
}

/// `ValidatePositiveIntOrPercent` (shared with StatefulSet's maxUnavailable).
pub fn positive_int_or_percent(value: &IntOrString, path: &Path) -> ErrorList {
    match value {
        IntOrString::String(s) if percent(s).is_none() => vec![field::invalid(
            path,
            Value::go(gofmt::int_or_string(value)),
            "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
        )],
        IntOrString::Int(i) if *i < 0 => vec![field::invalid(path, Value::int(*i), NONNEGATIVE)],
        _ => vec![],
    }
}

/// `IsNotMoreThan100Percent`.
pub fn not_more_than_100_percent(value: &IntOrString, path: &Path) -> ErrorList {
    match value {
        IntOrString::String(s) if percent(s).is_some_and(|p| p > 100) => {
            vec![field::invalid(
                path,
                Value::go(gofmt::int_or_string(value)),
                "must not be greater than 100%",
            )]
        }
        _ => vec![],
    }
}

fn percent(s: &str) -> Option<i64> {
    let digits = s.strip_suffix('%')?;
    (!digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()))
        .then(|| digits.parse().unwrap_or(i64::MAX))
}

/// `getIntOrPercentValue`: the percent number, else `IntValue()` (0 for non-numeric text).
pub fn int_or_percent_value(value: &IntOrString) -> i64 {
    match value {
        IntOrString::Int(i) => i64::from(*i),
        IntOrString::String(s) => percent(s).unwrap_or_else(|| s.parse().unwrap_or(0)),
    }
}
