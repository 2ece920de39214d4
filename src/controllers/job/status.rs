//! The Job's spec as the controller reads it (with 1.32 defaults where a field is unset) and
//! its status: conditions (`ensureJobConditionStatus`, `IsJobFinished`), counters and the
//! uncounted-terminated-pods bookkeeping.

use crate::sim::SimTime;
use k8s_openapi::api::batch::v1::{Job, JobCondition, JobSpec, JobStatus, UncountedTerminatedPods};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use std::collections::BTreeSet;

pub const COMPLETE: &str = "Complete";
pub const FAILED: &str = "Failed";
pub const FAILURE_TARGET: &str = "FailureTarget";
pub const SUCCESS_CRITERIA_MET: &str = "SuccessCriteriaMet";
pub const SUSPENDED: &str = "Suspended";

fn spec(job: &Job) -> Option<&JobSpec> {
    job.spec.as_ref()
}

/// `spec.parallelism`, 1 when unset (fact 1).
pub fn parallelism(job: &Job) -> i32 {
    spec(job).and_then(|s| s.parallelism).unwrap_or(1)
}

/// `spec.completions`; unset stays unset (a work queue) unless parallelism is unset too,
/// in which case both default to 1 (fact 1).
pub fn completions(job: &Job) -> Option<i32> {
    let s = spec(job)?;
    match (s.completions, s.parallelism) {
        (None, None) => Some(1),
        (c, _) => c,
    }
}

pub fn backoff_limit_per_index(job: &Job) -> Option<i32> {
    spec(job).and_then(|s| s.backoff_limit_per_index)
}

/// `spec.backoffLimit`: 6, or MaxInt32 when backoffLimitPerIndex is set (fact 2).
pub fn backoff_limit(job: &Job) -> i32 {
    match spec(job).and_then(|s| s.backoff_limit) {
        Some(b) => b,
        None if backoff_limit_per_index(job).is_some() => i32::MAX,
        None => 6,
    }
}

pub fn suspended(job: &Job) -> bool {
    spec(job).and_then(|s| s.suspend).unwrap_or(false)
}

pub fn is_indexed(job: &Job) -> bool {
    spec(job).and_then(|s| s.completion_mode.as_deref()) == Some("Indexed")
}

/// The completion mode is one the controller knows (`NonIndexed`, `Indexed`, or unset).
pub fn known_completion_mode(job: &Job) -> bool {
    matches!(
        spec(job).and_then(|s| s.completion_mode.as_deref()),
        None | Some("NonIndexed") | Some("Indexed")
    )
}

pub fn restart_policy_on_failure(job: &Job) -> bool {
    spec(job)
        .and_then(|s| s.template.spec.as_ref())
        .and_then(|s| s.restart_policy.as_deref())
        == Some("OnFailure")
}

/// `onlyReplaceFailedPods`: replacements wait for full termination when
/// `podReplacementPolicy: Failed` or a podFailurePolicy is set (facts 4, 10).
pub fn only_replace_failed(job: &Job) -> bool {
    let Some(s) = spec(job) else {
        return false;
    };
    s.pod_failure_policy.is_some() || s.pod_replacement_policy.as_deref() == Some("Failed")
}

pub fn active_deadline(job: &Job) -> Option<i64> {
    spec(job).and_then(|s| s.active_deadline_seconds)
}

pub fn start_time(job: &Job) -> Option<SimTime> {
    job.status
        .as_ref()
        .and_then(|s| s.start_time.as_ref())
        .map(|t| SimTime::from_chrono(t.0))
}

pub fn conditions(job: &Job) -> &[JobCondition] {
    job.status
        .as_ref()
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or(&[])
}

/// The condition of this type with status True, if any.
pub fn true_condition<'a>(list: &'a [JobCondition], type_: &str) -> Option<&'a JobCondition> {
    list.iter().find(|c| c.type_ == type_ && c.status == "True")
}

/// `IsJobFinished`: only `Complete` or `Failed` True count (fact 38).
pub fn is_finished(job: &Job) -> bool {
    let c = conditions(job);
    true_condition(c, COMPLETE).is_some() || true_condition(c, FAILED).is_some()
}

/// When the Job finished: the terminal condition's lastTransitionTime (TTL, fact 73).
pub fn finish_time(job: &Job) -> Option<SimTime> {
    conditions(job)
        .iter()
        .find(|c| (c.type_ == COMPLETE || c.type_ == FAILED) && c.status == "True")
        .and_then(|c| c.last_transition_time.as_ref())
        .map(|t| SimTime::from_chrono(t.0))
}

pub fn stamp(now: SimTime) -> Time {
    Time(now.truncate_to_secs().to_chrono())
}

/// `newCondition`: probe and transition time both now.
pub fn new_condition(
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: SimTime,
) -> JobCondition {
    JobCondition {
        type_: type_.into(),
        status: status.into(),
        reason: (!reason.is_empty()).then(|| reason.to_string()),
        message: (!message.is_empty()).then(|| message.to_string()),
        last_probe_time: Some(stamp(now)),
        last_transition_time: Some(stamp(now)),
    }
}

/// `ensureJobConditionStatus`: updates the condition of this type when status, reason or
/// message differ; appends it when missing — unless it would be added as False (fact 39).
/// Returns whether the list changed.
pub fn ensure_condition(
    list: &mut Vec<JobCondition>,
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: SimTime,
) -> bool {
    if let Some(c) = list.iter_mut().find(|c| c.type_ == type_) {
        let same = c.status == status
            && c.reason.as_deref().unwrap_or("") == reason
            && c.message.as_deref().unwrap_or("") == message;
        if same {
            return false;
        }
        *c = new_condition(type_, status, reason, message, now);
        return true;
    }
    if status == "False" {
        return false;
    }
    list.push(new_condition(type_, status, reason, message, now));
    true
}

/// The uncounted UIDs as sets (`newUncountedTerminatedPods`).
pub struct Uncounted {
    pub succeeded: BTreeSet<String>,
    pub failed: BTreeSet<String>,
}

impl Uncounted {
    pub fn of(status: &JobStatus) -> Uncounted {
        let u = status.uncounted_terminated_pods.clone().unwrap_or_default();
        Uncounted {
            succeeded: u.succeeded.unwrap_or_default().into_iter().collect(),
            failed: u.failed.unwrap_or_default().into_iter().collect(),
        }
    }
}

pub fn counter(v: Option<i32>) -> i32 {
    v.unwrap_or(0)
}

/// Counters are omitted from the status when zero (`omitempty` in the Go type).
pub fn omit_zero(v: i32) -> Option<i32> {
    (v != 0).then_some(v)
}

/// `cleanUncountedPodsWithoutFinalizers`: UIDs whose pod no longer holds the finalizer
/// move from the uncounted lists into the counters. Returns whether anything moved.
pub fn clean_uncounted(status: &mut JobStatus, with_finalizer: &BTreeSet<String>) -> bool {
    let u = status
        .uncounted_terminated_pods
        .get_or_insert_with(UncountedTerminatedPods::default);
    let mut changed = false;
    let mut moved_succeeded = 0;
    if let Some(list) = u.succeeded.as_mut() {
        let before = list.len();
        list.retain(|uid| with_finalizer.contains(uid));
        moved_succeeded = (before - list.len()) as i32;
        if list.is_empty() {
            u.succeeded = None;
        }
    }
    let mut moved_failed = 0;
    if let Some(list) = u.failed.as_mut() {
        let before = list.len();
        list.retain(|uid| with_finalizer.contains(uid));
        moved_failed = (before - list.len()) as i32;
        if list.is_empty() {
            u.failed = None;
        }
    }
    if moved_succeeded > 0 {
        status.succeeded = omit_zero(counter(status.succeeded) + moved_succeeded);
        changed = true;
    }
    if moved_failed > 0 {
        status.failed = omit_zero(counter(status.failed) + moved_failed);
        changed = true;
    }
    changed
}

pub fn uncounted_len(status: &JobStatus) -> usize {
    status.uncounted_terminated_pods.as_ref().map_or(0, |u| {
        u.succeeded.as_ref().map_or(0, Vec::len) + u.failed.as_ref().map_or(0, Vec::len)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> SimTime {
        SimTime::from_secs(secs)
    }

    #[test]
    fn ensure_condition_never_adds_false_but_updates_to_false_fact_39() {
        // (existing (type, status, reason), wanted (status, reason), changed, resulting status)
        type Case<'a> = (
            Option<(&'a str, &'a str)>,
            (&'a str, &'a str),
            bool,
            Option<&'a str>,
        );
        let table: &[Case] = &[
            (None, ("False", "JobResumed"), false, None),
            (None, ("True", "JobSuspended"), true, Some("True")),
            (
                Some(("True", "JobSuspended")),
                ("True", "JobSuspended"),
                false,
                Some("True"),
            ),
            (
                Some(("True", "JobSuspended")),
                ("False", "JobResumed"),
                true,
                Some("False"),
            ),
            (
                Some(("False", "JobResumed")),
                ("True", "JobSuspended"),
                true,
                Some("True"),
            ),
        ];
        for (existing, (status, reason), changed, result) in table {
            let mut list = Vec::new();
            if let Some((s, r)) = existing {
                list.push(new_condition(SUSPENDED, s, r, "m", t(1)));
            }
            let got = ensure_condition(&mut list, SUSPENDED, status, reason, "m", t(5));
            assert_eq!(got, *changed, "{existing:?} → {status} {reason}");
            assert_eq!(list.first().map(|c| c.status.as_str()), *result);
            if *changed {
                assert_eq!(list[0].last_transition_time, Some(stamp(t(5))));
            }
        }
    }

    #[test]
    fn only_complete_or_failed_finish_a_job_fact_38() {
        let job = |types: &[&str]| Job {
            status: Some(JobStatus {
                conditions: Some(
                    types
                        .iter()
                        .map(|ty| new_condition(ty, "True", "", "", t(1)))
                        .collect(),
                ),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert!(!is_finished(&job(&[SUCCESS_CRITERIA_MET])));
        assert!(!is_finished(&job(&[FAILURE_TARGET])));
        assert!(is_finished(&job(&[SUCCESS_CRITERIA_MET, COMPLETE])));
        assert!(is_finished(&job(&[FAILURE_TARGET, FAILED])));
    }

    #[test]
    fn defaults_follow_fact_1_and_2() {
        let with = |c: Option<i32>, p: Option<i32>, per_index: Option<i32>| Job {
            spec: Some(JobSpec {
                completions: c,
                parallelism: p,
                backoff_limit_per_index: per_index,
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(completions(&with(None, None, None)), Some(1));
        assert_eq!(completions(&with(None, Some(3), None)), None);
        assert_eq!(parallelism(&with(Some(5), None, None)), 1);
        assert_eq!(backoff_limit(&with(None, None, None)), 6);
        assert_eq!(backoff_limit(&with(None, None, Some(1))), i32::MAX);
    }

    #[test]
    fn uncounted_pods_without_finalizer_move_into_the_counters() {
        let mut s = JobStatus {
            succeeded: Some(2),
            uncounted_terminated_pods: Some(UncountedTerminatedPods {
                succeeded: Some(vec!["a".into(), "b".into()]),
                failed: Some(vec!["c".into()]),
            }),
            ..Default::default()
        };
        let keep: BTreeSet<String> = ["b".to_string()].into();
        assert!(clean_uncounted(&mut s, &keep));
        assert_eq!(s.succeeded, Some(3));
        assert_eq!(s.failed, Some(1));
        let u = s.uncounted_terminated_pods.clone().unwrap();
        assert_eq!(u.succeeded, Some(vec!["b".to_string()]));
        assert_eq!(u.failed, None);
        assert!(!clean_uncounted(&mut s, &keep));
    }
}
