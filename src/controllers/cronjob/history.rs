//! History limits (`cleanupFinishedJobs` / `removeOldestJobs`, fact 117): of the finished
//! Jobs a CronJob controls, the oldest beyond `successfulJobsHistoryLimit` (Complete) and
//! `failedJobsHistoryLimit` (Failed) are deleted. Running Jobs are never touched.

use super::status::finished_condition;
use crate::api::Object;
use k8s_openapi::api::batch::v1::CronJobSpec;
use std::cmp::Ordering;
use std::sync::Arc;

/// `byJobStartTime`: by status.startTime, Jobs without one last, ties by name.
fn by_start_time(a: &Arc<Object>, b: &Arc<Object>) -> Ordering {
    let start = |o: &Arc<Object>| {
        o.job()
            .and_then(|j| j.status.as_ref())
            .and_then(|s| s.start_time.as_ref())
            .map(|t| t.0)
    };
    match (start(a), start(b)) {
        (Some(x), Some(y)) if x != y => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        _ => a.name().cmp(b.name()),
    }
}

/// The oldest `len − limit` of `jobs`.
fn oldest_beyond(mut jobs: Vec<Arc<Object>>, limit: Option<i32>) -> Vec<Arc<Object>> {
    let Some(limit) = limit else {
        return Vec::new();
    };
    let excess = jobs.len().saturating_sub(limit.max(0) as usize);
    if excess == 0 {
        return Vec::new();
    }
    jobs.sort_by(by_start_time);
    jobs.truncate(excess);
    jobs
}

/// The Jobs to delete, in the order the controller deletes them: successful ones first.
pub fn jobs_to_delete(spec: &CronJobSpec, jobs: &[Arc<Object>]) -> Vec<Arc<Object>> {
    let (mut succeeded, mut failed) = (Vec::new(), Vec::new());
    for obj in jobs {
        match obj.job().and_then(finished_condition) {
            Some("Complete") => succeeded.push(obj.clone()),
            Some("Failed") => failed.push(obj.clone()),
            _ => {}
        }
    }
    let mut out = oldest_beyond(succeeded, spec.successful_jobs_history_limit);
    out.extend(oldest_beyond(failed, spec.failed_jobs_history_limit));
    out
}
