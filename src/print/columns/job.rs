//! `kubectl get jobs` on a 1.30+ server (k/k `printers.go` `printJob`; facts 67–70).

use crate::print::duration::human_duration;
use crate::print::format::{containers_and_images, format_label_selector, since};
use crate::sim::SimTime;
use k8s_openapi::api::batch::v1::{Job, JobCondition};

pub const HEADERS: &[&str] = &["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"];
pub const WIDE: &[&str] = &["CONTAINERS", "IMAGES", "SELECTOR"];

pub fn row(job: &Job, now: SimTime, wide: bool) -> Vec<String> {
    let spec = job.spec.as_ref();
    let st = job.status.clone().unwrap_or_default();
    let succeeded = st.succeeded.unwrap_or(0);
    let completions = match spec.and_then(|s| s.completions) {
        Some(c) => format!("{succeeded}/{c}"),
        None => match spec.and_then(|s| s.parallelism).unwrap_or(0) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let duration = match (&st.start_time, &st.completion_time) {
        (None, _) => String::new(),
        (Some(start), None) => human_duration(now - SimTime::from_chrono(start.0)),
        (Some(start), Some(done)) => {
            human_duration(SimTime::from_chrono(done.0) - SimTime::from_chrono(start.0))
        }
    };
    let mut cells = vec![
        job.metadata.name.clone().unwrap_or_default(),
        status(job),
        completions,
        duration,
        since(job.metadata.creation_timestamp.as_ref(), now),
    ];
    if wide {
        let containers = spec
            .and_then(|s| s.template.spec.as_ref())
            .map(|s| s.containers.as_slice())
            .unwrap_or(&[]);
        let (names, images) = containers_and_images(containers);
        cells.extend([
            names,
            images,
            format_label_selector(spec.and_then(|s| s.selector.as_ref())),
        ]);
    }
    cells
}

/// `hasJobCondition`: the first condition of that type decides.
fn has(conditions: &[JobCondition], type_: &str) -> bool {
    conditions
        .iter()
        .find(|c| c.type_ == type_)
        .is_some_and(|c| c.status == "True")
}

/// STATUS, first match wins (fact 68).
pub fn status(job: &Job) -> String {
    let conditions = job
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or(&[]);
    if has(conditions, "Complete") {
        "Complete"
    } else if has(conditions, "Failed") {
        "Failed"
    } else if job.metadata.deletion_timestamp.is_some() {
        "Terminating"
    } else if has(conditions, "Suspended") {
        "Suspended"
    } else if has(conditions, "FailureTarget") {
        "FailureTarget"
    } else {
        "Running"
    }
    .into()
}
