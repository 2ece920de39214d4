//! The pod re-creation backoff (`backoff_utils.go`, facts 29–33): after failures, replacement
//! pods wait 10s × 2^(n−1), capped at 10 minutes, counted from the finish of the last failed
//! pod; a success resets the count. The record lives in controller memory only.

use super::pod;
use crate::sim::{SimDuration, SimTime};
use k8s_openapi::api::core::v1::Pod;

/// `DefaultJobPodFailureBackOff`.
pub const BASE: SimDuration = SimDuration(10_000);
/// `MaxJobPodFailureBackOff` (1.28+; the docs' "six minutes" is stale, trap T12).
pub const MAX: SimDuration = SimDuration(600_000);

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BackoffRecord {
    pub failures_after_last_success: i32,
    pub last_failure_time: Option<SimTime>,
}

/// `newBackoffRecord`: folds the pods newly seen finished (their finish times) into the
/// record. Only failures that finished after the latest new success still count.
pub fn next_record(
    old: &BackoffRecord,
    succeeded: &[SimTime],
    failed: &[SimTime],
) -> BackoffRecord {
    let mut succeeded = succeeded.to_vec();
    let mut failed = failed.to_vec();
    succeeded.sort();
    failed.sort();
    match (succeeded.last(), failed.last()) {
        (None, None) => old.clone(),
        (None, Some(last)) => BackoffRecord {
            failures_after_last_success: old.failures_after_last_success + failed.len() as i32,
            last_failure_time: Some(*last),
        },
        (Some(_), None) => BackoffRecord::default(),
        (Some(last_success), Some(_)) => {
            let after: Vec<SimTime> = failed
                .iter()
                .copied()
                .filter(|t| t > last_success)
                .collect();
            BackoffRecord {
                failures_after_last_success: after.len() as i32,
                last_failure_time: after.last().copied(),
            }
        }
    }
}

/// The delay owed after `failures` consecutive failures: 10s, 20s, 40s, … ≤ 10m.
pub fn delay_for(failures: i32) -> SimDuration {
    if failures <= 0 {
        return SimDuration::ZERO;
    }
    let mut d = BASE;
    for _ in 1..failures {
        d = SimDuration(d.0 * 2);
        if d >= MAX {
            return MAX;
        }
    }
    d
}

/// `getRemainingTimeForFailuresCount`: how long pod creation must still wait at `now`.
pub fn remaining(failures: i32, last_failure: Option<SimTime>, now: SimTime) -> SimDuration {
    let (Some(last), true) = (last_failure, failures > 0) else {
        return SimDuration::ZERO;
    };
    let delay = delay_for(failures);
    let elapsed = now - last;
    if delay < elapsed {
        SimDuration::ZERO
    } else {
        SimDuration(delay.0 - elapsed.0)
    }
}

impl BackoffRecord {
    pub fn remaining(&self, now: SimTime) -> SimDuration {
        remaining(
            self.failures_after_last_success,
            self.last_failure_time,
            now,
        )
    }
}

/// `getFinishedTime`: the latest container finish if every container finished; else when
/// Ready turned False; else deletionTimestamp − grace; else creation.
pub fn finished_time(p: &Pod) -> SimTime {
    if let Some(t) = containers_finished_at(p) {
        return t;
    }
    let ready_false = p
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
        .filter(|c| c.status == "False")
        .and_then(|c| c.last_transition_time.as_ref());
    if let Some(t) = ready_false {
        return SimTime::from_chrono(t.0);
    }
    if let Some(ts) = &p.metadata.deletion_timestamp {
        let grace = p.metadata.deletion_grace_period_seconds.unwrap_or(0);
        return SimTime::from_chrono(ts.0) - SimDuration::from_secs(grace);
    }
    pod::created(p).unwrap_or_default()
}

fn containers_finished_at(p: &Pod) -> Option<SimTime> {
    let statuses = p.status.as_ref()?.container_statuses.as_ref()?;
    let mut latest: Option<SimTime> = None;
    for c in statuses {
        let t = c
            .state
            .as_ref()?
            .terminated
            .as_ref()?
            .finished_at
            .as_ref()?;
        let t = SimTime::from_chrono(t.0);
        latest = Some(latest.map_or(t, |l| l.max(t)));
    }
    latest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: i64) -> SimTime {
        SimTime::from_secs(secs)
    }

    #[test]
    fn delay_is_ten_seconds_doubling_and_capped_at_ten_minutes_fact_29() {
        let table = [
            (0, 0),
            (1, 10),
            (2, 20),
            (3, 40),
            (4, 80),
            (5, 160),
            (6, 320),
            (7, 600),
            (8, 600),
            (40, 600),
        ];
        for (failures, secs) in table {
            assert_eq!(
                delay_for(failures),
                SimDuration::from_secs(secs),
                "{failures} failures"
            );
        }
    }

    #[test]
    fn remaining_time_counts_from_the_last_failure_finish_fact_30() {
        // (failures, last failure at, now, remaining seconds)
        let table = [
            (1, 100, 100, 10), // the first replacement already waits 10s (trap T12)
            (1, 100, 105, 5),
            (1, 100, 110, 0),
            (1, 100, 200, 0),
            (2, 100, 101, 19),
            (3, 100, 100, 40),
            (9, 100, 100, 600),
            (0, 100, 100, 0),
        ];
        for (failures, last, now, want) in table {
            assert_eq!(
                remaining(failures, Some(s(last)), s(now)),
                SimDuration::from_secs(want),
                "{failures} failures, last at {last}, now {now}"
            );
        }
        assert_eq!(remaining(3, None, s(0)), SimDuration::ZERO);
    }

    #[test]
    fn a_success_resets_the_count_fact_31() {
        let two = BackoffRecord {
            failures_after_last_success: 2,
            last_failure_time: Some(s(50)),
        };
        // (old, new successes, new failures, expected count, expected last failure)
        type Case = (BackoffRecord, Vec<i64>, Vec<i64>, i32, Option<i64>);
        let table: Vec<Case> = vec![
            (BackoffRecord::default(), vec![], vec![10], 1, Some(10)),
            (two.clone(), vec![], vec![60, 70], 4, Some(70)),
            (two.clone(), vec![], vec![], 2, Some(50)),
            (two.clone(), vec![60], vec![], 0, None),
            // Only failures after the latest success count.
            (two.clone(), vec![60], vec![55, 65, 70], 2, Some(70)),
            (two.clone(), vec![80], vec![55, 65, 70], 0, None),
            // Equal times: a failure at the success instant does not count (After is strict).
            (BackoffRecord::default(), vec![60], vec![60], 0, None),
        ];
        for (old, ok, failed, count, last) in table {
            let ok: Vec<SimTime> = ok.into_iter().map(s).collect();
            let failed: Vec<SimTime> = failed.into_iter().map(s).collect();
            let r = next_record(&old, &ok, &failed);
            assert_eq!(
                r.failures_after_last_success, count,
                "{old:?} {ok:?} {failed:?}"
            );
            assert_eq!(
                r.last_failure_time,
                last.map(s),
                "{old:?} {ok:?} {failed:?}"
            );
        }
    }
}
