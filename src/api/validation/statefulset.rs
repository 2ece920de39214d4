//! StatefulSet (`pkg/apis/apps/validation/validation.go` `ValidateStatefulSet*`): facts 44–45.
//! The pod template is checked only for its labels and annotations — the API server does not
//! validate a StatefulSet's pod spec (its pods fail at creation instead).

use super::daemonset::{int_or_percent_value, not_more_than_100_percent, positive_int_or_percent};
use super::field::{self, ErrorList, Path, Value};
use super::{meta, pod, semantic_eq};
use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetSpec};

const NONNEGATIVE: &str = "must be greater than or equal to 0";

/// The single message for any change outside the mutable fields (fact 45, trap T19).
pub const FORBIDDEN_UPDATE: &str = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

pub fn create(sts: &StatefulSet) -> ErrorList {
    let mut errs = meta::object_meta(&sts.metadata, true, meta::NameRule::Label);
    errs.extend(spec(
        &sts.spec.clone().unwrap_or_default(),
        &Path::new("spec"),
    ));
    errs
}

/// `ValidateStatefulSetUpdate`: metadata, the new spec, then one Forbidden error if anything
/// but replicas, template, updateStrategy, minReadySeconds, ordinals or the PVC retention
/// policy changed.
pub fn update(new: &StatefulSet, old: &StatefulSet) -> ErrorList {
    let mut errs = meta::object_meta_update(&new.metadata, &old.metadata);
    let new_spec = new.spec.clone().unwrap_or_default();
    let old_spec = old.spec.clone().unwrap_or_default();
    errs.extend(spec(&new_spec, &Path::new("spec")));
    let mut comparable = new_spec.clone();
    comparable.replicas = old_spec.replicas;
    comparable.template = old_spec.template.clone();
    comparable.update_strategy = old_spec.update_strategy.clone();
    comparable.min_ready_seconds = old_spec.min_ready_seconds;
    comparable.ordinals = old_spec.ordinals.clone();
    comparable.persistent_volume_claim_retention_policy =
        old_spec.persistent_volume_claim_retention_policy.clone();
    if !semantic_eq(&comparable, &old_spec) {
        errs.push(field::forbidden(&Path::new("spec"), FORBIDDEN_UPDATE));
    }
    errs
}

/// `ValidateStatefulSetSpec`.
fn spec(spec: &StatefulSetSpec, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    match spec.pod_management_policy.as_deref().unwrap_or("") {
        "" => errs.push(field::required(&path.child("podManagementPolicy"), "")),
        "OrderedReady" | "Parallel" => {}
        other => errs.push(field::invalid(
            &path.child("podManagementPolicy"),
            Value::str(other),
            "must be 'OrderedReady' or 'Parallel'",
        )),
    }
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    let rolling = strategy.rolling_update.as_ref();
    match strategy.type_.as_deref().unwrap_or("") {
        "" => errs.push(field::required(&path.child("updateStrategy"), "")),
        "OnDelete" => {
            if let Some(ru) = rolling {
                let shown = format!(
                    "apps.RollingUpdateStatefulSetStrategy{{Partition:{}, MaxUnavailable:{}}}",
                    ru.partition.unwrap_or(0),
                    if ru.max_unavailable.is_some() {
                        "(*intstr.IntOrString)(0xc000000000)"
                    } else {
                        "(*intstr.IntOrString)(nil)"
                    }
                );
                errs.push(field::invalid(
                    &path.child("updateStrategy").child("rollingUpdate"),
                    Value::go(shown),
                    "only allowed for updateStrategy 'RollingUpdate'",
                ));
            }
        }
        "RollingUpdate" => {
            if let Some(ru) = rolling {
                let rpath = path.child("updateStrategy").child("rollingUpdate");
                if let Some(p) = ru.partition.filter(|p| *p < 0) {
                    errs.push(field::invalid(
                        &rpath.child("partition"),
                        Value::int(p),
                        NONNEGATIVE,
                    ));
                }
                if let Some(mu) = &ru.max_unavailable {
                    let mpath = rpath.child("maxUnavailable");
                    errs.extend(positive_int_or_percent(mu, &mpath));
                    if int_or_percent_value(mu) == 0 {
                        errs.push(field::invalid(
                            &mpath,
                            Value::go(super::gofmt::int_or_string(mu)),
                            "cannot be 0",
                        ));
                    }
                    errs.extend(not_more_than_100_percent(mu, &mpath));
                }
            }
        }
        other => {
            let shown = format!(
                "apps.StatefulSetUpdateStrategy{{Type:{}, RollingUpdate:{}}}",
                super::gofmt::quote(other),
                if rolling.is_some() {
                    "(*apps.RollingUpdateStatefulSetStrategy)(0xc000000000)"
                } else {
                    "(*apps.RollingUpdateStatefulSetStrategy)(nil)"
                }
            );
            errs.push(field::invalid(
                &path.child("updateStrategy"),
                Value::go(shown),
                "must be 'RollingUpdate' or 'OnDelete'",
            ));
        }
    }
    if let Some(policy) = &spec.persistent_volume_claim_retention_policy {
        let ppath = path.child("persistentVolumeClaimRetentionPolicy");
        for (name, value) in [
            ("whenDeleted", &policy.when_deleted),
            ("whenScaled", &policy.when_scaled),
        ] {
            let v = value.as_deref().unwrap_or("");
            if v != "Retain" && v != "Delete" {
                errs.push(field::not_supported(
                    &ppath.child(name),
                    Value::str(v),
                    &["Retain", "Delete"],
                ));
            }
        }
    }
    if let Some(r) = spec.replicas.filter(|r| *r < 0) {
        errs.push(field::invalid(
            &path.child("replicas"),
            Value::int(r),
            NONNEGATIVE,
        ));
    }
    if let Some(m) = spec.min_ready_seconds.filter(|m| *m < 0) {
        errs.push(field::invalid(
            &path.child("minReadySeconds"),
            Value::int(m),
            NONNEGATIVE,
        ));
    }
    if let Some(start) = spec
        .ordinals
        .as_ref()
        .and_then(|o| o.start)
        .filter(|s| *s < 0)
    {
        errs.push(field::invalid(
            &path.child("ordinals.start"),
            Value::int(start),
            NONNEGATIVE,
        ));
    }
    let selector = &spec.selector;
    if meta::selector_is_nil(selector) {
        errs.push(field::required(&path.child("selector"), ""));
    } else {
        errs.extend(meta::label_selector(selector, &path.child("selector")));
        if meta::selector_is_empty(selector) {
            errs.push(field::invalid(
                &path.child("selector"),
                meta::selector_value(selector),
                "empty selector is invalid for statefulset",
            ));
        }
    }
    if !meta::selector_converts(selector) {
        errs.push(field::invalid(
            &path.child("selector"),
            meta::selector_value(selector),
            "",
        ));
    } else {
        // ValidatePodTemplateSpecForStatefulSet: the selector must match, labels and
        // annotations must be valid; the pod spec itself is not validated.
        let template_meta = spec.template.metadata.clone().unwrap_or_default();
        let tpath = path.child("template");
        let nothing_or_some = meta::selector_is_nil(selector) || !meta::selector_is_empty(selector);
        if nothing_or_some && !meta::selector_matches(selector, template_meta.labels.as_ref()) {
            errs.push(field::invalid(
                &tpath.child("metadata").child("labels"),
                meta::labels_value(template_meta.labels.as_ref()),
                "`selector` does not match template `labels`",
            ));
        }
        errs.extend(meta::labels(
            template_meta.labels.as_ref(),
            &tpath.child("labels"),
        ));
        errs.extend(meta::annotations(
            template_meta.annotations.as_ref(),
            &tpath.child("annotations"),
        ));
    }
    errs.extend(pod::long_running_template(
        &spec.template,
        path,
        "StatefulSet",
    ));
    errs
}
