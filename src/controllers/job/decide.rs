//! The Job controller's decisions as pure functions (`syncJob` / `manageJob`): how many pods
//! should run (fact 8), which surplus pods go first (fact 9), when the Job succeeded or
//! failed (facts 14–16, 20–27) and which condition says so (facts 34–37).

use super::status::{self, new_condition, true_condition};
use crate::sim::{SimDuration, SimTime};
use k8s_openapi::api::batch::v1::JobCondition;
use std::cmp::Ordering;

/// `MaxPodCreateDeletePerSync`.
pub const MAX_POD_CHANGES_PER_SYNC: usize = 500;
/// `MaxUncountedPods`.
pub const MAX_UNCOUNTED_PODS: usize = 500;

/// `wantActive` exactly as `manageJob` computes it (fact 8): a work queue runs
/// `parallelism` pods until the first success, then keeps what runs; otherwise the remaining
/// completions, at most `parallelism`, never negative.
pub fn want_active(completions: Option<i32>, parallelism: i32, succeeded: i32, active: i32) -> i32 {
    match completions {
        None if succeeded > 0 => active,
        None => parallelism,
        Some(c) => (c - succeeded).min(parallelism).max(0),
    }
}

/// Pods to create: what is wanted minus what runs, minus terminating pods when replacements
/// wait for termination (fact 10).
pub fn pods_to_create(want: i32, active: i32, terminating_counted: i32) -> i32 {
    (want - terminating_counted - active).max(0)
}

/// Success (facts 13–15): a work queue once something succeeded and nothing runs; otherwise
/// once `completions` succeeded and nothing runs.
pub fn is_complete(completions: Option<i32>, succeeded: i32, active: i32) -> bool {
    match completions {
        None => succeeded > 0 && active == 0,
        Some(c) => succeeded >= c && active == 0,
    }
}

/// `failed > backoffLimit` (fact 20, trap T10).
pub fn exceeds_backoff_limit(failed: i32, backoff_limit: i32) -> bool {
    failed > backoff_limit
}

/// `pastBackoffLimitOnFailure` (fact 23): restarts of running/pending pods `>= backoffLimit`,
/// or any restart when the limit is 0.
pub fn past_backoff_limit_on_failure(restarts: i32, backoff_limit: i32) -> bool {
    if backoff_limit == 0 {
        restarts > 0
    } else {
        restarts >= backoff_limit
    }
}

/// `pastActiveDeadline` (fact 25): never while suspended.
pub fn past_active_deadline(
    deadline: Option<i64>,
    start: Option<SimTime>,
    suspended: bool,
    now: SimTime,
) -> bool {
    match (deadline, start) {
        (Some(d), Some(s)) if !suspended => now - s >= SimDuration::from_secs(d),
        _ => false,
    }
}

/// What decides the Job's end in this sync, before pods are managed (the head of `syncJob`).
pub struct FailureInputs<'a> {
    pub conditions: &'a [JobCondition],
    /// A FailJob rule of the podFailurePolicy matched this message.
    pub fail_job_message: Option<String>,
    pub exceeds_backoff_limit: bool,
    pub past_active_deadline: bool,
}

/// The condition that ends the Job, if one is due: an earlier SuccessCriteriaMet stands;
/// an earlier FailureTarget turns into Failed; else a podFailurePolicy FailJob, the backoff
/// limit, then the deadline (fact 26), each first as FailureTarget (1.31+, fact 34).
pub fn failure_condition(inputs: &FailureInputs, now: SimTime) -> Option<JobCondition> {
    if let Some(c) = true_condition(inputs.conditions, status::SUCCESS_CRITERIA_MET) {
        return Some(c.clone());
    }
    if let Some(c) = true_condition(inputs.conditions, status::FAILURE_TARGET) {
        let (reason, message) = (
            c.reason.clone().unwrap_or_default(),
            c.message.clone().unwrap_or_default(),
        );
        return Some(new_condition(
            status::FAILED,
            "True",
            &reason,
            &message,
            now,
        ));
    }
    if let Some(msg) = &inputs.fail_job_message {
        return Some(new_condition(
            status::FAILURE_TARGET,
            "True",
            "PodFailurePolicy",
            msg,
            now,
        ));
    }
    if inputs.exceeds_backoff_limit {
        return Some(failure_target(
            REASON_BACKOFF_LIMIT,
            MESSAGE_BACKOFF_LIMIT,
            now,
        ));
    }
    if inputs.past_active_deadline {
        return Some(failure_target(REASON_DEADLINE, MESSAGE_DEADLINE, now));
    }
    None
}

pub const REASON_BACKOFF_LIMIT: &str = "BackoffLimitExceeded";
pub const MESSAGE_BACKOFF_LIMIT: &str = "Job has reached the specified backoff limit";
pub const REASON_DEADLINE: &str = "DeadlineExceeded";
pub const MESSAGE_DEADLINE: &str = "Job was active longer than specified deadline";
pub const REASON_COMPLETIONS: &str = "CompletionsReached";
pub const MESSAGE_COMPLETIONS: &str = "Reached expected number of succeeded pods";

/// `newFailureCondition` with the 1.31+ delayed terminal condition (fact 34).
pub fn failure_target(reason: &str, message: &str, now: SimTime) -> JobCondition {
    new_condition(status::FAILURE_TARGET, "True", reason, message, now)
}

/// `newSuccessCondition` (fact 36).
pub fn success_criteria_met(now: SimTime) -> JobCondition {
    new_condition(
        status::SUCCESS_CRITERIA_MET,
        "True",
        REASON_COMPLETIONS,
        MESSAGE_COMPLETIONS,
        now,
    )
}

/// The interim condition turns into the terminal one with the same reason and message
/// (`newFailedConditionForFailureTarget`, and `Complete` after `SuccessCriteriaMet`).
pub fn terminal_for(interim: &JobCondition, now: SimTime) -> JobCondition {
    let type_ = if interim.type_ == status::SUCCESS_CRITERIA_MET {
        status::COMPLETE
    } else {
        status::FAILED
    };
    new_condition(
        type_,
        "True",
        interim.reason.as_deref().unwrap_or(""),
        interim.message.as_deref().unwrap_or(""),
        now,
    )
}

/// The terminal condition is written only when every finished pod is counted and no pod is
/// still terminating (`enactJobFinished`, fact 34).
pub fn may_finish(uncounted: usize, terminating: i32) -> bool {
    uncounted == 0 && terminating == 0
}

/// What the removal order looks at in an active pod (`controller.ActivePods`).
#[derive(Clone, Debug, PartialEq)]
pub struct PodRank {
    pub scheduled: bool,
    /// 0 Pending (or anything else), 1 Unknown, 2 Running.
    pub phase: u8,
    pub ready_since: Option<SimTime>,
    pub max_restarts: i32,
    pub created: Option<SimTime>,
}

pub fn phase_ordinal(phase: &str) -> u8 {
    match phase {
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    }
}

/// `afterOrZero`: a zero time sorts first, then the later time.
fn after_or_zero(a: Option<SimTime>, b: Option<SimTime>) -> bool {
    match (a, b) {
        (None, _) | (_, None) => a.is_none(),
        (Some(a), Some(b)) => a > b,
    }
}

/// `ActivePods.Less`: unscheduled < scheduled, pending < running, not ready < ready, ready
/// for less time first, more restarts first, newer first — the least advanced pod goes first.
pub fn removal_less(a: &PodRank, b: &PodRank) -> bool {
    if a.scheduled != b.scheduled {
        return !a.scheduled;
    }
    if a.phase != b.phase {
        return a.phase < b.phase;
    }
    let (ra, rb) = (a.ready_since.is_some(), b.ready_since.is_some());
    if ra != rb {
        return !ra;
    }
    if ra && rb && a.ready_since != b.ready_since {
        return after_or_zero(a.ready_since, b.ready_since);
    }
    if a.max_restarts != b.max_restarts {
        return a.max_restarts > b.max_restarts;
    }
    if a.created != b.created {
        return after_or_zero(a.created, b.created);
    }
    false
}

/// Sorts `items` into removal order; ties keep their given (name) order.
pub fn sort_for_removal<T>(items: &mut [T], rank: impl Fn(&T) -> PodRank) {
    items.sort_by(|x, y| {
        let (a, b) = (rank(x), rank(y));
        if removal_less(&a, &b) {
            Ordering::Less
        } else if removal_less(&b, &a) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> SimTime {
        SimTime::from_secs(secs)
    }

    #[test]
    fn want_active_is_exactly_fact_8() {
        // (completions, parallelism, succeeded, active, want)
        let table = [
            (Some(1), 1, 0, 0, 1),
            (Some(5), 3, 0, 0, 3),
            (Some(5), 3, 3, 0, 2), // M=5 N=3: three pods, then only two more
            (Some(5), 3, 4, 1, 1),
            (Some(5), 3, 5, 0, 0),
            (Some(5), 3, 7, 0, 0), // never negative
            (Some(0), 3, 0, 0, 0), // completions 0 (trap T17)
            (Some(5), 0, 0, 0, 0), // parallelism 0 pauses (fact 12)
            (None, 3, 0, 0, 3),    // work queue before any success
            (None, 3, 1, 2, 2),    // after a success: keep what runs
            (None, 3, 1, 0, 0),
            (None, 0, 0, 0, 0),
        ];
        for (c, p, s, a, want) in table {
            assert_eq!(
                want_active(c, p, s, a),
                want,
                "completions {c:?} parallelism {p} succeeded {s} active {a}"
            );
        }
    }

    #[test]
    fn completion_rules_facts_13_to_15() {
        let table = [
            (Some(1), 1, 0, true),
            (Some(1), 1, 1, false),
            (Some(3), 2, 0, false),
            (Some(0), 0, 0, true), // completions 0 completes at once
            (None, 0, 0, false),
            (None, 1, 2, false), // a work queue waits for running pods
            (None, 1, 0, true),
        ];
        for (c, succeeded, active, want) in table {
            assert_eq!(
                is_complete(c, succeeded, active),
                want,
                "{c:?} {succeeded} {active}"
            );
        }
    }

    #[test]
    fn backoff_limit_is_strict_but_the_restart_rule_is_not_trap_t10() {
        assert!(!exceeds_backoff_limit(6, 6));
        assert!(exceeds_backoff_limit(7, 6));
        assert!(exceeds_backoff_limit(1, 0));
        assert!(past_backoff_limit_on_failure(6, 6));
        assert!(!past_backoff_limit_on_failure(5, 6));
        assert!(past_backoff_limit_on_failure(1, 0));
        assert!(!past_backoff_limit_on_failure(0, 0));
    }

    #[test]
    fn deadline_fires_at_exactly_start_plus_seconds_and_never_while_suspended_fact_25() {
        assert!(!past_active_deadline(
            Some(30),
            Some(t(10)),
            false,
            SimTime(39_999)
        ));
        assert!(past_active_deadline(Some(30), Some(t(10)), false, t(40)));
        assert!(!past_active_deadline(Some(30), Some(t(10)), true, t(400)));
        assert!(!past_active_deadline(None, Some(t(10)), false, t(400)));
        assert!(!past_active_deadline(Some(30), None, false, t(400)));
    }

    #[test]
    fn finishing_conditions_follow_the_1_31_two_step_order_facts_26_34_37() {
        let now = t(100);
        let scm = vec![success_criteria_met(t(50))];
        let ft = vec![failure_target(REASON_DEADLINE, MESSAGE_DEADLINE, t(50))];
        let none: Vec<JobCondition> = vec![];
        let inputs = |conditions, fail_job: Option<&str>, backoff, deadline| FailureInputs {
            conditions,
            fail_job_message: fail_job.map(Into::into),
            exceeds_backoff_limit: backoff,
            past_active_deadline: deadline,
        };
        // (inputs, expected (type, reason))
        let table: Vec<(FailureInputs, Option<(&str, &str)>)> = vec![
            (inputs(&none, None, false, false), None),
            (
                inputs(&none, None, true, true),
                Some(("FailureTarget", "BackoffLimitExceeded")),
            ),
            (
                inputs(&none, None, false, true),
                Some(("FailureTarget", "DeadlineExceeded")),
            ),
            (
                inputs(&none, Some("m"), true, false),
                Some(("FailureTarget", "PodFailurePolicy")),
            ),
            (
                inputs(&ft, None, true, false),
                Some(("Failed", "DeadlineExceeded")),
            ),
            (
                inputs(&scm, None, true, true),
                Some(("SuccessCriteriaMet", "CompletionsReached")),
            ),
        ];
        for (i, want) in table {
            let got = failure_condition(&i, now);
            let got = got
                .as_ref()
                .map(|c| (c.type_.as_str(), c.reason.as_deref().unwrap_or("")));
            assert_eq!(got, want);
        }
        let done = terminal_for(&success_criteria_met(t(50)), now);
        assert_eq!(done.type_, "Complete");
        assert_eq!(done.reason.as_deref(), Some("CompletionsReached"));
        assert_eq!(
            done.message.as_deref(),
            Some("Reached expected number of succeeded pods")
        );
        assert!(!may_finish(0, 1));
        assert!(!may_finish(1, 0));
        assert!(may_finish(0, 0));
    }

    #[test]
    fn least_advanced_pods_are_removed_first_fact_9() {
        let rank = |scheduled, phase: &str, ready: Option<i64>, restarts, created: i64| PodRank {
            scheduled,
            phase: phase_ordinal(phase),
            ready_since: ready.map(t),
            max_restarts: restarts,
            created: Some(t(created)),
        };
        let mut pods = vec![
            ("ready-old", rank(true, "Running", Some(5), 0, 1)),
            ("ready-new", rank(true, "Running", Some(9), 0, 1)),
            ("running-unready", rank(true, "Running", None, 0, 1)),
            ("pending", rank(true, "Pending", None, 0, 1)),
            ("unscheduled", rank(false, "Pending", None, 0, 1)),
            ("restarted", rank(true, "Running", None, 3, 1)),
            ("newer", rank(true, "Running", None, 0, 4)),
        ];
        sort_for_removal(&mut pods, |p| p.1.clone());
        let order: Vec<&str> = pods.iter().map(|p| p.0).collect();
        assert_eq!(
            order,
            [
                "unscheduled",
                "pending",
                "restarted",
                "newer",
                "running-unready",
                "ready-new",
                "ready-old"
            ]
        );
    }
}
