//! The CronJob's status bookkeeping over the Jobs it controls (the first half of
//! `syncCronJob`, facts 107 and 112–115): `status.active` loses Jobs that finished or went
//! missing, Jobs running outside it are reported as unexpected, and `lastSuccessfulTime`
//! follows the newest completion among all owned Jobs.

use super::decide::Note;
use crate::api::Object;
use k8s_openapi::api::batch::v1::{CronJobStatus, Job};
use k8s_openapi::api::core::v1::ObjectReference;
use std::sync::Arc;

/// The Job's terminal condition (`Complete` or `Failed` with status True), the first one in
/// condition order, as `jobutil.FinishedCondition` reads it.
pub fn finished_condition(job: &Job) -> Option<&str> {
    job.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| (c.type_ == "Complete" || c.type_ == "Failed") && c.status == "True")
        .map(|c| c.type_.as_str())
}

fn succeeded(job: &Job) -> bool {
    job.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c.type_ == "Complete" && c.status == "True")
        })
}

/// `ref.GetReference` of a Job, as `status.active` holds it.
pub fn job_ref(job: &Object) -> ObjectReference {
    ObjectReference {
        api_version: Some(job.kind().api_version()),
        kind: Some(job.kind().name().to_string()),
        name: Some(job.name().to_string()),
        namespace: Some(job.namespace().to_string()),
        uid: Some(job.uid().to_string()),
        resource_version: job.meta().resource_version.clone(),
        field_path: None,
    }
}

pub fn in_active(status: &CronJobStatus, uid: &str) -> bool {
    status
        .active
        .iter()
        .flatten()
        .any(|r| r.uid.as_deref() == Some(uid))
}

/// `deleteFromActiveList`; an empty list is left out of the object, as Go's omitempty does.
pub fn remove_active(status: &mut CronJobStatus, uid: &str) {
    if let Some(active) = status.active.as_mut() {
        active.retain(|r| r.uid.as_deref() != Some(uid));
        if active.is_empty() {
            status.active = None;
        }
    }
}

/// Brings `status` up to date with the CronJob's Jobs; returns the events, in order.
/// `job_exists(name)` asks the API for an active Job that is not among `jobs`.
pub fn track_jobs(
    status: &mut CronJobStatus,
    jobs: &[Arc<Object>],
    job_exists: impl Fn(&str) -> bool,
) -> Vec<Note> {
    let mut notes = Vec::new();
    for obj in jobs {
        let Some(job) = obj.job() else { continue };
        let found = in_active(status, obj.uid());
        match finished_condition(job) {
            None if !found => notes.push(Note::warning(
                "UnexpectedJob",
                format!(
                    "Saw a job that the controller did not create or forgot: {}",
                    obj.name()
                ),
            )),
            None => {}
            Some(condition) => {
                if found {
                    remove_active(status, obj.uid());
                    // 1.31+ wording (the jobutil refactor, kubernetes PR #123537).
                    notes.push(Note::normal(
                        "SawCompletedJob",
                        format!("Saw completed job: {}, condition: {condition}", obj.name()),
                    ));
                }
                if succeeded(job) {
                    let completed = job.status.as_ref().and_then(|s| s.completion_time.as_ref());
                    let newer = match (&status.last_successful_time, completed) {
                        (None, _) => true,
                        (Some(last), Some(c)) => c.0 > last.0,
                        (Some(_), None) => false,
                    };
                    if newer {
                        status.last_successful_time = completed.cloned();
                    }
                }
            }
        }
    }
    // Active entries whose Job is gone would otherwise keep the CronJob "active" forever.
    let children: Vec<&str> = jobs.iter().map(|j| j.uid()).collect();
    let missing: Vec<ObjectReference> = status
        .active
        .iter()
        .flatten()
        .filter(|r| !children.contains(&r.uid.as_deref().unwrap_or("")))
        .filter(|r| !job_exists(r.name.as_deref().unwrap_or("")))
        .cloned()
        .collect();
    for r in missing {
        notes.push(Note::normal(
            "MissingJob",
            format!(
                "Active job went missing: {}",
                r.name.as_deref().unwrap_or("")
            ),
        ));
        remove_active(status, r.uid.as_deref().unwrap_or(""));
    }
    notes
}
