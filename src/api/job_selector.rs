//! The generated selector (`pkg/registry/batch/job/strategy.go` generateSelector, facts 6 and
//! 53). Like the real API server, the store writes it while creating the Job, right after
//! assigning the uid (`api::strategy::prepare_for_create`); the Job controller keeps a
//! fallback for Jobs that reach it without one.

use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use std::collections::BTreeMap;

pub const CONTROLLER_UID_LABEL: &str = "batch.kubernetes.io/controller-uid";
pub const JOB_NAME_LABEL: &str = "batch.kubernetes.io/job-name";
pub const LEGACY_CONTROLLER_UID_LABEL: &str = "controller-uid";
pub const LEGACY_JOB_NAME_LABEL: &str = "job-name";

/// A Job whose selector the server generates (`manualSelector` not true) and that has none yet.
pub fn needs_selector(job: &Job) -> bool {
    let Some(spec) = job.spec.as_ref() else {
        return false;
    };
    spec.manual_selector != Some(true) && spec.selector.is_none()
}

/// Adds the job-name and controller-uid labels (new and legacy) to the pod template where
/// the user did not set them, and selects `batch.kubernetes.io/controller-uid=<uid>`.
/// A Job without labels of its own shows its template's labels (fact 6): the user's when
/// the template had some at create, else the generated ones (defaulting on read-back).
pub fn generate_selector(job: &mut Job) {
    let name = job.metadata.name.clone().unwrap_or_default();
    let uid = job.metadata.uid.clone().unwrap_or_default();
    let job_labels_empty = job.metadata.labels.as_ref().is_none_or(|l| l.is_empty());
    let Some(spec) = job.spec.as_mut() else {
        return;
    };
    let template_meta = spec.template.metadata.get_or_insert_with(Default::default);
    let user_labels = template_meta.labels.clone().unwrap_or_default();
    let labels = template_meta.labels.get_or_insert_with(BTreeMap::new);
    for key in [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL] {
        labels
            .entry(key.to_string())
            .or_insert_with(|| name.clone());
    }
    for key in [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL] {
        labels.entry(key.to_string()).or_insert_with(|| uid.clone());
    }
    let generated = labels.clone();
    let selector = spec.selector.get_or_insert_with(LabelSelector::default);
    selector
        .match_labels
        .get_or_insert_with(BTreeMap::new)
        .entry(CONTROLLER_UID_LABEL.to_string())
        .or_insert(uid);
    if job_labels_empty {
        job.metadata.labels = Some(if user_labels.is_empty() {
            generated
        } else {
            user_labels
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::batch::v1::JobSpec;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn job(template_labels: Option<&[(&str, &str)]>) -> Job {
        let mut j = Job {
            metadata: ObjectMeta {
                name: Some("pi".into()),
                uid: Some("u-1".into()),
                ..Default::default()
            },
            spec: Some(JobSpec::default()),
            status: None,
        };
        if let Some(l) = template_labels {
            j.spec.as_mut().unwrap().template.metadata = Some(ObjectMeta {
                labels: Some(
                    l.iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                ),
                ..Default::default()
            });
        }
        j
    }

    #[test]
    fn generated_labels_and_selector_fact_53() {
        let mut j = job(None);
        assert!(needs_selector(&j));
        generate_selector(&mut j);
        let spec = j.spec.as_ref().unwrap();
        let labels = spec
            .template
            .metadata
            .as_ref()
            .unwrap()
            .labels
            .clone()
            .unwrap();
        let want: BTreeMap<String, String> = [
            ("batch.kubernetes.io/controller-uid", "u-1"),
            ("batch.kubernetes.io/job-name", "pi"),
            ("controller-uid", "u-1"),
            ("job-name", "pi"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(labels, want);
        let sel = spec
            .selector
            .as_ref()
            .unwrap()
            .match_labels
            .clone()
            .unwrap();
        assert_eq!(sel.len(), 1);
        assert_eq!(sel["batch.kubernetes.io/controller-uid"], "u-1");
        // A Job without labels shows the generated template labels (fact 6).
        assert_eq!(j.metadata.labels, Some(want));
        assert!(!needs_selector(&j));
    }

    #[test]
    fn user_template_labels_become_the_job_labels_fact_6() {
        let mut j = job(Some(&[("app", "batch")]));
        generate_selector(&mut j);
        let job_labels = j.metadata.labels.clone().unwrap();
        assert_eq!(job_labels.len(), 1);
        assert_eq!(job_labels["app"], "batch");
        let tl = j.spec.unwrap().template.metadata.unwrap().labels.unwrap();
        assert_eq!(tl.len(), 5);
    }

    #[test]
    fn manual_selector_generates_nothing_fact_55() {
        let mut j = job(None);
        j.spec.as_mut().unwrap().manual_selector = Some(true);
        assert!(!needs_selector(&j));
    }
}
