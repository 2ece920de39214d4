//! Job (`pkg/apis/batch/validation/validation.go` `ValidateJob*`, `validateJobSpec`,
//! `ValidateJobTemplateSpec`): facts 51, 53–55, 62–65.

use super::field::{self, ErrorList, Path, Value};
use super::{gofmt, meta, pod, semantic_eq};
use crate::api::defaults::{
    generate_selector, CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_CONTROLLER_UID_LABEL,
    LEGACY_JOB_NAME_LABEL,
};
use k8s_openapi::api::batch::v1::{Job, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use std::collections::BTreeMap;

const NONNEGATIVE: &str = "must be greater than or equal to 0";
/// Stands in for the uid when a Job is validated before the store has assigned one.
const PLACEHOLDER_UID: &str = "00000000-0000-0000-0000-000000000000";

/// `ValidateJob` on create. The API server generates the selector and labels (from the uid)
/// before validating; a Job that has not had `generate_job_selector` yet is validated as if
/// it had (with a placeholder uid), so the label rules (fact 54) apply either way.
pub fn create(job: &Job) -> ErrorList {
    let manual = job.spec.as_ref().and_then(|s| s.manual_selector) == Some(true);
    if manual {
        return validate(job);
    }
    // Generation is idempotent, so a Job the caller already generated for is unchanged.
    let mut generated = job.clone();
    if job.metadata.uid.as_deref().unwrap_or("").is_empty() {
        generated.metadata.uid = Some(PLACEHOLDER_UID.to_string());
    }
    generate_selector(&mut generated);
    validate(&generated)
}

fn validate(job: &Job) -> ErrorList {
    let mut errs = meta::object_meta(&job.metadata, true, meta::NameRule::Subdomain);
    let spec = job.spec.clone().unwrap_or_default();
    errs.extend(generated_selector(job, &spec));
    errs.extend(job_spec(&spec, &Path::new("spec")));
    let indexed = spec.completion_mode.as_deref() == Some("Indexed");
    if let Some(completions) = spec.completions.filter(|c| indexed && *c > 0) {
        let name = job.metadata.name.as_deref().unwrap_or("");
        let hostname = format!("{name}-{}", completions - 1);
        if !meta::label_problems(&hostname).is_empty() {
            errs.push(field::invalid(
                &Path::new("metadata").child("name"),
                Value::str(name),
                &format!("will not able to create pod with invalid DNS label: {hostname}"),
            ));
        }
    }
    errs
}

/// The strategy's `ValidateUpdate`: `ValidateJob`, then `ValidateJobUpdate` (immutables).
pub fn update(new: &Job, old: &Job) -> ErrorList {
    let mut errs = validate(new);
    errs.extend(meta::object_meta_update(&new.metadata, &old.metadata));
    let new_spec = new.spec.clone().unwrap_or_default();
    let old_spec = old.spec.clone().unwrap_or_default();
    let path = Path::new("spec");
    errs.extend(job_spec(&new_spec, &path));
    errs.extend(completions_update(
        &new_spec,
        &old_spec,
        &path.child("completions"),
    ));
    if new_spec.selector != old_spec.selector {
        let shown = new_spec
            .selector
            .as_ref()
            .map_or_else(Value::null, meta::selector_value);
        errs.push(field::immutable(&path.child("selector"), shown));
    }
    errs.extend(template_update(old, &new_spec, &old_spec, &path));
    let immutable = |name: &str, changed: bool, shown: Value, errs: &mut ErrorList| {
        if changed {
            errs.push(field::immutable(&path.child(name), shown));
        }
    };
    immutable(
        "completionMode",
        new_spec.completion_mode != old_spec.completion_mode,
        Value::opt_str(new_spec.completion_mode.as_deref()),
        &mut errs,
    );
    immutable(
        "podFailurePolicy",
        !semantic_eq(&new_spec.pod_failure_policy, &old_spec.pod_failure_policy),
        go_json_value("batch.PodFailurePolicy", &new_spec.pod_failure_policy),
        &mut errs,
    );
    immutable(
        "backoffLimitPerIndex",
        new_spec.backoff_limit_per_index != old_spec.backoff_limit_per_index,
        new_spec
            .backoff_limit_per_index
            .map_or_else(Value::null, Value::int),
        &mut errs,
    );
    immutable(
        "managedBy",
        new_spec.managed_by != old_spec.managed_by,
        Value::opt_str(new_spec.managed_by.as_deref()),
        &mut errs,
    );
    immutable(
        "successPolicy",
        !semantic_eq(&new_spec.success_policy, &old_spec.success_policy),
        go_json_value("batch.SuccessPolicy", &new_spec.success_policy),
        &mut errs,
    );
    errs
}

fn go_json_value<T: serde::Serialize>(type_name: &str, value: &Option<T>) -> Value {
    match value {
        None => Value::null(),
        Some(v) => Value::go(gofmt::go_struct(
            type_name,
            &serde_json::to_value(v).unwrap_or_default(),
        )),
    }
}

/// `validateCompletions`: immutable, except for Indexed Jobs scaled in tandem with
/// parallelism (elastic Indexed Jobs, GA in 1.31; fact 64).
fn completions_update(new: &JobSpec, old: &JobSpec, path: &Path) -> ErrorList {
    if new.completions == old.completions {
        return vec![];
    }
    let shown = new.completions.map_or_else(Value::null, Value::int);
    if new.completion_mode.as_deref() != Some("Indexed") {
        return vec![field::immutable(path, shown)];
    }
    match new.completions {
        None => vec![],
        Some(c) if Some(c) != new.parallelism => vec![field::invalid(
            path,
            shown,
            "can only be modified in tandem with spec.parallelism",
        )],
        Some(_) => vec![],
    }
}

/// The template is immutable, except that a suspended Job that never started may change its
/// scheduling directives (fact 61).
fn template_update(old: &Job, new_spec: &JobSpec, old_spec: &JobSpec, path: &Path) -> ErrorList {
    let mut old_template: PodTemplateSpec = old_spec.template.clone();
    let suspended = old_spec.suspend == Some(true);
    let not_started = old.status.as_ref().is_none_or(|s| s.start_time.is_none());
    if suspended && not_started {
        let new_template = &new_spec.template;
        let o_meta = old_template.metadata.get_or_insert_with(Default::default);
        let n_meta = new_template.metadata.clone().unwrap_or_default();
        o_meta.labels = n_meta.labels;
        o_meta.annotations = n_meta.annotations;
        if let (Some(o), Some(n)) = (old_template.spec.as_mut(), new_template.spec.as_ref()) {
            o.node_selector.clone_from(&n.node_selector);
            o.tolerations.clone_from(&n.tolerations);
            o.scheduling_gates.clone_from(&n.scheduling_gates);
            let node_affinity = n.affinity.as_ref().and_then(|a| a.node_affinity.clone());
            match (&mut o.affinity, &n.affinity) {
                (Some(oa), _) => oa.node_affinity = node_affinity,
                (None, Some(na)) if na.pod_affinity.is_none() && na.pod_anti_affinity.is_none() => {
                    o.affinity = Some(na.clone())
                }
                _ => {}
            }
        }
    }
    if semantic_eq(&new_spec.template, &old_template) {
        return vec![];
    }
    let shown = gofmt::go_struct(
        "core.PodTemplateSpec",
        &serde_json::to_value(&new_spec.template).unwrap_or_default(),
    );
    vec![field::immutable(&path.child("template"), Value::go(shown))]
}

/// `validateGeneratedSelector`: the generated labels and selector are in place (fact 53).
fn generated_selector(job: &Job, spec: &JobSpec) -> ErrorList {
    let mut errs = ErrorList::new();
    if spec.manual_selector == Some(true) {
        return errs;
    }
    let Some(selector) = &spec.selector else {
        return errs;
    };
    let uid = job.metadata.uid.as_deref().unwrap_or("");
    let name = job.metadata.name.as_deref().unwrap_or("");
    if uid.is_empty() {
        errs.push(field::required(&Path::new("metadata").child("uid"), ""));
    }
    let tmeta = spec.template.metadata.clone().unwrap_or_default();
    let tpath = Path::new("spec").child("template").child("metadata");
    let require_prefixed = selector
        .match_labels
        .as_ref()
        .is_some_and(|m| m.contains_key(CONTROLLER_UID_LABEL));
    let mut checks = vec![
        (LEGACY_CONTROLLER_UID_LABEL, uid),
        (LEGACY_JOB_NAME_LABEL, name),
    ];
    if require_prefixed {
        checks.extend([(CONTROLLER_UID_LABEL, uid), (JOB_NAME_LABEL, name)]);
    }
    let mut expected = BTreeMap::new();
    for (key, want) in checks {
        expected.insert(key.to_string(), want.to_string());
        match tmeta.labels.as_ref().and_then(|l| l.get(key)) {
            None => errs.push(field::required(
                &tpath.child("labels").key(key),
                &format!("must be '{want}'"),
            )),
            Some(v) if v != want => errs.push(field::invalid(
                &tpath.child("labels").key(key),
                meta::labels_value(tmeta.labels.as_ref()),
                &format!("must be '{want}'"),
            )),
            Some(_) => {}
        }
    }
    if meta::selector_converts(selector) && !meta::selector_matches(selector, Some(&expected)) {
        errs.push(field::invalid(
            &Path::new("spec").child("selector"),
            meta::selector_value(selector),
            "`selector` not auto-generated",
        ));
    }
    errs
}

/// `ValidateJobSpec`: the spec, the selector, and selector ↔ template labels.
fn job_spec(spec: &JobSpec, path: &Path) -> ErrorList {
    let mut errs = spec_common(spec, path);
    match &spec.selector {
        None => errs.push(field::required(&path.child("selector"), "")),
        Some(selector) => errs.extend(meta::label_selector(selector, &path.child("selector"))),
    }
    // A nil selector matches nothing, an empty one everything (LabelSelectorAsSelector).
    let labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.as_ref());
    let matches = match &spec.selector {
        None => Some(false),
        Some(s) if !meta::selector_converts(s) => None,
        Some(s) => Some(meta::selector_is_empty(s) || meta::selector_matches(s, labels)),
    };
    if matches == Some(false) {
        errs.push(field::invalid(
            &path.child("template").child("metadata").child("labels"),
            meta::labels_value(labels),
            "`selector` does not match template `labels`",
        ));
    }
    errs
}

/// `ValidateJobTemplateSpec` (a CronJob's jobTemplate): the spec, no selector (fact 55).
pub fn template_spec(template: &JobTemplateSpec, path: &Path) -> ErrorList {
    let spec = template.spec.clone().unwrap_or_default();
    let mut errs = spec_common(&spec, &path.child("spec"));
    if let Some(selector) = &spec.selector {
        errs.push(field::invalid(
            &path.child("spec").child("selector"),
            meta::selector_value(selector),
            "`selector` will be auto-generated",
        ));
    }
    if spec.manual_selector == Some(true) {
        errs.push(field::not_supported(
            &path.child("spec").child("manualSelector"),
            Value::bool(true),
            &["nil", "false"],
        ));
    }
    errs
}

/// `validateJobSpec`.
fn spec_common(spec: &JobSpec, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let nonneg = |name: &str, value: Option<i64>, errs: &mut ErrorList| {
        if let Some(v) = value.filter(|v| *v < 0) {
            errs.push(field::invalid(
                &path.child(name),
                Value::int(v),
                NONNEGATIVE,
            ));
        }
    };
    nonneg("parallelism", spec.parallelism.map(i64::from), &mut errs);
    nonneg("completions", spec.completions.map(i64::from), &mut errs);
    nonneg(
        "activeDeadlineSeconds",
        spec.active_deadline_seconds,
        &mut errs,
    );
    nonneg("backoffLimit", spec.backoff_limit.map(i64::from), &mut errs);
    nonneg(
        "ttlSecondsAfterFinished",
        spec.ttl_seconds_after_finished.map(i64::from),
        &mut errs,
    );
    nonneg(
        "backoffLimitPerIndex",
        spec.backoff_limit_per_index.map(i64::from),
        &mut errs,
    );
    if let Some(max) = spec.max_failed_indexes {
        nonneg("maxFailedIndexes", Some(i64::from(max)), &mut errs);
        if spec.backoff_limit_per_index.is_none() {
            errs.push(field::required(
                &path.child("backoffLimitPerIndex"),
                "when maxFailedIndexes is specified",
            ));
        }
    }
    let mode = spec.completion_mode.as_deref();
    if let Some(m) = mode {
        if m != "NonIndexed" && m != "Indexed" {
            errs.push(field::not_supported(
                &path.child("completionMode"),
                Value::str(m),
                &["NonIndexed", "Indexed"],
            ));
        }
        if m == "Indexed" {
            if spec.completions.is_none() {
                errs.push(field::required(
                    &path.child("completions"),
                    "when completion mode is Indexed",
                ));
            }
            if let Some(p) = spec.parallelism.filter(|p| *p > 100_000) {
                errs.push(field::invalid(
                    &path.child("parallelism"),
                    Value::int(p),
                    "must be less than or equal to 100000 when completion mode is Indexed",
                ));
            }
        }
    }
    if mode.is_none() || mode == Some("NonIndexed") {
        if let Some(b) = spec.backoff_limit_per_index {
            errs.push(field::invalid(
                &path.child("backoffLimitPerIndex"),
                Value::int(b),
                "requires indexed completion mode",
            ));
        }
        if let Some(m) = spec.max_failed_indexes {
            errs.push(field::invalid(
                &path.child("maxFailedIndexes"),
                Value::int(m),
                "requires indexed completion mode",
            ));
        }
    }
    if let Some(policy) = &spec.pod_failure_policy {
        let rpath = path.child("podFailurePolicy").child("rules");
        for (i, rule) in policy.rules.iter().enumerate() {
            let valid = ["Count", "FailIndex", "FailJob", "Ignore"];
            if !valid.contains(&rule.action.as_str()) {
                errs.push(field::not_supported(
                    &rpath.index(i).child("action"),
                    Value::str(&rule.action),
                    &valid,
                ));
            }
        }
    }
    if let Some(policy) = spec.pod_replacement_policy.as_deref() {
        let ppath = path.child("podReplacementPolicy");
        if spec.pod_failure_policy.is_some() {
            if policy != "Failed" {
                errs.push(field::not_supported(
                    &ppath,
                    Value::str(policy),
                    &["Failed"],
                ));
            }
        } else if policy != "Failed" && policy != "TerminatingOrFailed" {
            errs.push(field::not_supported(
                &ppath,
                Value::str(policy),
                &["Failed", "TerminatingOrFailed"],
            ));
        }
    }
    errs.extend(pod::template(&spec.template, &path.child("template")));
    let restart = spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.restart_policy.as_deref())
        .unwrap_or("");
    let rpath = path.child("template").child("spec").child("restartPolicy");
    if restart == "Always" || restart.is_empty() {
        errs.push(field::required(
            &rpath,
            "valid values: \"OnFailure\", \"Never\"",
        ));
    } else if restart != "OnFailure" && restart != "Never" {
        errs.push(field::not_supported(
            &rpath,
            Value::str(restart),
            &["OnFailure", "Never"],
        ));
    } else if spec.pod_failure_policy.is_some() && restart != "Never" {
        errs.push(field::invalid(
            &rpath,
            Value::str(restart),
            "only \"Never\" is supported when podFailurePolicy is specified",
        ));
    }
    errs
}

/// The server's warnings on create (`jobStrategy.WarningsOnCreate`): a name that is not a
/// DNS label works but makes odd pod hostnames (fact 54).
pub fn warnings(job: &Job) -> Vec<String> {
    let name = job.metadata.name.as_deref().unwrap_or("");
    let problems = meta::label_problems(name);
    if problems.is_empty() {
        return vec![];
    }
    vec![format!(
        "metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [{}]",
        problems.join(" ")
    )]
}
