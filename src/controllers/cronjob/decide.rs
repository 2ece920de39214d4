//! The CronJob controller's decisions, pure: which scheduled time is due
//! (`mostRecentScheduleTime`, fact 95), when to look again (`nextScheduleTimeDuration`,
//! fact 98), and what one sync does about it (`syncCronJob` after the Job bookkeeping,
//! facts 100–108). `mod.rs` carries the decision out.
//!
//! Times are `SimTime` (milliseconds): the controller's `now` has sub-second precision (it
//! syncs at +100 ms), schedule times and status timestamps are whole seconds.

use crate::cron::Schedule;
use crate::sim::{SimDuration, SimTime};
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, CronJobStatus};
use std::cell::{Cell, RefCell};

/// `nextScheduleDelta`: requeues land this long after the schedule time, so the sync sees
/// the schedule as past even with a little clock skew.
pub const NEXT_SCHEDULE_DELTA: SimDuration = SimDuration(100);
/// More missed schedules than this (by the estimate) earn a `TooManyMissedTimes` warning.
pub const TOO_MANY_MISSED: i64 = 100;

/// An event the sync records on the CronJob (component `cronjob-controller`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub type_: &'static str,
    pub reason: &'static str,
    pub message: String,
}

impl Note {
    pub fn normal(reason: &'static str, message: String) -> Note {
        Note {
            type_: "Normal",
            reason,
            message,
        }
    }
    pub fn warning(reason: &'static str, message: String) -> Note {
        Note {
            type_: "Warning",
            reason,
            message,
        }
    }
}

/// `missedSchedulesType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missed {
    None,
    Few,
    Many,
}

/// What `mostRecentScheduleTime` returns when it does not fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MostRecent {
    /// lastScheduleTime or creationTimestamp, moved up to now − startingDeadlineSeconds.
    pub earliest: SimTime,
    /// The latest schedule time ≤ now after `earliest`, if any.
    pub time: Option<SimTime>,
    pub missed: Missed,
}

/// The part of a CronJob that anchors its schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Anchor {
    pub created: SimTime,
    pub last_schedule: Option<SimTime>,
    pub starting_deadline_seconds: Option<i64>,
}

impl Anchor {
    pub fn of(cj: &CronJob, status: &CronJobStatus) -> Anchor {
        Anchor {
            created: cj
                .metadata
                .creation_timestamp
                .as_ref()
                .map(|t| SimTime::from_chrono(t.0))
                .unwrap_or_default(),
            last_schedule: status
                .last_schedule_time
                .as_ref()
                .map(|t| SimTime::from_chrono(t.0)),
            starting_deadline_seconds: cj.spec.as_ref().and_then(|s| s.starting_deadline_seconds),
        }
    }
}

/// A parsed schedule that remembers its last few `Next` answers. Every sync asks for the
/// same handful (the time after lastScheduleTime, and the one after that) while robfig's
/// search walks second by second, so a CronJob that syncs on every Job update would
/// otherwise spend most of its time re-deriving them.
#[derive(Clone, Debug)]
pub struct Timetable {
    schedule: Schedule,
    /// (whole second asked about, answer); `i64::MIN` marks an empty slot.
    memo: RefCell<[(i64, Option<SimTime>); MEMO]>,
    cursor: Cell<usize>,
}

const MEMO: usize = 8;

impl Timetable {
    pub fn new(schedule: Schedule) -> Timetable {
        Timetable {
            schedule,
            memo: RefCell::new([(i64::MIN, None); MEMO]),
            cursor: Cell::new(0),
        }
    }

    /// robfig's `Next` on simulated time; `None` is its zero time (nothing within 5
    /// years). It depends only on the whole second of `after`.
    pub fn next(&self, after: SimTime) -> Option<SimTime> {
        let key = after.secs();
        if let Some(hit) = self.memo.borrow().iter().find(|(k, _)| *k == key) {
            return hit.1;
        }
        let answer = self
            .schedule
            .next(SimTime::from_secs(key).to_chrono())
            .map(SimTime::from_chrono);
        let slot = self.cursor.get();
        self.memo.borrow_mut()[slot] = (key, answer);
        self.cursor.set((slot + 1) % MEMO);
        answer
    }
}

impl From<Schedule> for Timetable {
    fn from(schedule: Schedule) -> Timetable {
        Timetable::new(schedule)
    }
}

fn next(schedule: &Timetable, after: SimTime) -> Option<SimTime> {
    schedule.next(after)
}

const INVALID: &str = "time difference between two schedules is less than 1 second";

/// `mostRecentScheduleTime` (fact 95). `include_deadline` applies startingDeadlineSeconds,
/// as the decision to start does and the requeue computation does not.
///
/// Where Go computes with the zero time (no schedule within five years of `earliest`) this
/// answers the "less than 1 second" error: for `0 0 30 2 *` that is exactly what Go says
/// (fact 87); for a schedule that merely has no run for five years Go's arithmetic on
/// year 1 is meaningless and is not reproduced.
pub fn most_recent_schedule_time(
    anchor: Anchor,
    now: SimTime,
    schedule: &Timetable,
    include_deadline: bool,
) -> Result<MostRecent, String> {
    let mut earliest = anchor.last_schedule.unwrap_or(anchor.created);
    if include_deadline {
        if let Some(d) = anchor.starting_deadline_seconds {
            // The controller is not going to schedule anything below this point.
            earliest = earliest.max(now - SimDuration::from_secs(d));
        }
    }
    let none = |time| MostRecent {
        earliest,
        time,
        missed: Missed::None,
    };
    let t1 = next(schedule, earliest);
    let t2 = t1.and_then(|t| next(schedule, t));
    match (t1, t2) {
        (Some(t1), _) if now < t1 => Ok(none(None)),
        (Some(t1), Some(t2)) if now < t2 => Ok(none(Some(t1))),
        (Some(t1), Some(t2)) => walk_missed(schedule, earliest, t1, t2, now),
        _ => Err(INVALID.into()),
    }
}

/// Past the second schedule time: estimate how many were missed from the first interval,
/// then walk the schedule to the latest time ≤ now.
fn walk_missed(
    schedule: &Timetable,
    earliest: SimTime,
    t1: SimTime,
    t2: SimTime,
    now: SimTime,
) -> Result<MostRecent, String> {
    // Schedule times are whole seconds, so the difference needs no rounding.
    let between = (t2 - t1).secs();
    if between < 1 {
        return Err(INVALID.into());
    }
    // A rough count of the schedules between t1 and now (Go truncates the seconds).
    let elapsed = (now - t1).millis() / 1000;
    let missed_count = elapsed / between + 1;
    // Start one interval before the estimate and let the schedule walk to now, which is
    // exact for irregular schedules and for @every.
    let potential = t1 + SimDuration::from_secs((missed_count - 2).saturating_mul(between));
    let mut most_recent = None;
    let mut t = next(schedule, potential);
    while let Some(at) = t.filter(|at| *at <= now) {
        most_recent = Some(at);
        t = next(schedule, at);
    }
    let missed = if missed_count > TOO_MANY_MISSED {
        Missed::Many
    } else {
        Missed::Few
    };
    Ok(MostRecent {
        earliest,
        time: most_recent,
        missed,
    })
}

/// `nextScheduleTimeDuration` as an instant (fact 98): the schedule after the most recent
/// one (deadline ignored), plus 100 ms. `None` when the schedule has no next time, which
/// Go turns into a negative delay, i.e. "look again now".
pub fn next_requeue(anchor: Anchor, now: SimTime, schedule: &Timetable) -> Option<SimTime> {
    let base = match most_recent_schedule_time(anchor, now, schedule, false) {
        // Aim for the next scheduling slot from now.
        Err(_) => now,
        Ok(MostRecent { time: Some(t), .. }) => t,
        Ok(MostRecent {
            earliest,
            missed: Missed::None,
            ..
        }) => earliest,
        Ok(_) => now,
    };
    next(schedule, base).map(|t| t + NEXT_SCHEDULE_DELTA)
}

/// `nextScheduleTime`: the schedule time to act on now, if any, and whether the estimate
/// says more than 100 were missed (fact 97: warned about, but the Job is still created).
pub fn due_schedule_time(
    anchor: Anchor,
    now: SimTime,
    schedule: &Timetable,
) -> Result<Option<(SimTime, bool)>, String> {
    let m = most_recent_schedule_time(anchor, now, schedule, true)?;
    Ok(m.time
        .filter(|t| *t <= now)
        .map(|t| (t, m.missed == Missed::Many)))
}

/// `formatSchedule` + `cron.ParseStandard`: the schedule in the CronJob's time zone. A
/// schedule that carries its own TZ prefix is taken as is; an unloadable zone falls back to
/// the bare schedule (the sync reports the zone separately, as `UnknownTimeZone`).
pub fn parse_schedule(schedule: &str, time_zone: Option<&str>) -> Result<Schedule, String> {
    match time_zone {
        Some(zone) if !schedule.contains("TZ") && crate::cron::load_time_zone(zone).is_ok() => {
            crate::cron::for_cronjob(schedule, Some(zone))
        }
        _ => Schedule::parse(schedule),
    }
}

/// concurrencyPolicy; anything else counts as Allow, as the controller only tests for the
/// other two.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    Allow,
    Forbid,
    Replace,
}

impl Policy {
    pub fn of(cj: &CronJob) -> Policy {
        match cj
            .spec
            .as_ref()
            .and_then(|s| s.concurrency_policy.as_deref())
        {
            Some("Forbid") => Policy::Forbid,
            Some("Replace") => Policy::Replace,
            _ => Policy::Allow,
        }
    }
}

/// What a sync ends with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Only the status bookkeeping; not looked at again until something changes (deleting,
    /// unknown zone, suspended, unparseable or impossible schedule).
    Wait,
    /// Nothing to start now; look again at this instant (`None`: at once).
    Requeue(Option<SimTime>),
    /// Start the Job for `scheduled`; with Replace, delete the active Jobs first.
    Start { scheduled: SimTime, replace: bool },
}

/// One sync's decision: events to record, in order, and the outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub notes: Vec<Note>,
    pub outcome: Outcome,
}

/// The Job name for a schedule time (fact 109): minutes since the epoch.
pub fn job_name(cronjob: &str, scheduled: SimTime) -> String {
    format!("{cronjob}-{}", scheduled.secs() / 60)
}

/// `syncCronJob` from the deletion check on. `status` is the status after this sync's
/// Job bookkeeping; `schedule` is `parse_schedule` of the spec (passed in so callers can
/// keep it parsed between syncs).
pub fn decide(
    cj: &CronJob,
    status: &CronJobStatus,
    now: SimTime,
    schedule: &Result<Timetable, String>,
) -> Plan {
    let mut notes = Vec::new();
    let plan = |notes, outcome| Plan { notes, outcome };
    if cj.metadata.deletion_timestamp.is_some() {
        return plan(notes, Outcome::Wait);
    }
    let default_spec = CronJobSpec::default();
    let spec = cj.spec.as_ref().unwrap_or(&default_spec);
    if let Some(zone) = spec.time_zone.as_deref() {
        if let Err(e) = crate::cron::load_time_zone(zone) {
            notes.push(Note::warning(
                "UnknownTimeZone",
                format!("invalid timeZone: {}: {e}", crate::cron::go_quote(zone)),
            ));
            return plan(notes, Outcome::Wait);
        }
    }
    if spec.suspend == Some(true) {
        return plan(notes, Outcome::Wait);
    }
    if spec.schedule.contains("TZ") {
        notes.push(Note::warning(
            "UnsupportedSchedule",
            format!(
                "CRON_TZ or TZ used in schedule {} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details",
                crate::cron::go_quote(&spec.schedule)
            ),
        ));
    }
    let schedule = match schedule {
        Ok(s) => s,
        Err(e) => {
            notes.push(Note::warning(
                "UnparseableSchedule",
                format!(
                    "unparseable schedule: {} : {e}",
                    crate::cron::go_quote(&spec.schedule)
                ),
            ));
            return plan(notes, Outcome::Wait);
        }
    };
    let anchor = Anchor::of(cj, status);
    let requeue = || Outcome::Requeue(next_requeue(anchor, now, schedule));
    let (scheduled, too_many) = match due_schedule_time(anchor, now, schedule) {
        Err(e) => {
            notes.push(Note::warning(
                "InvalidSchedule",
                format!("invalid schedule: {} : {e}", spec.schedule),
            ));
            return plan(notes, Outcome::Wait);
        }
        Ok(None) => return plan(notes, requeue()),
        Ok(Some(due)) => due,
    };
    if too_many {
        notes.push(Note::warning(
            "TooManyMissedTimes",
            "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew".into(),
        ));
    }
    // Unreachable in practice (fact 100): the deadline already filtered such times out.
    if let Some(d) = spec.starting_deadline_seconds {
        if scheduled + SimDuration::from_secs(d) < now {
            notes.push(Note::warning(
                "MissSchedule",
                format!(
                    "Missed scheduled time to start a job: {}",
                    scheduled.to_chrono().format("%a, %d %b %Y %H:%M:%S %z")
                ),
            ));
            return plan(notes, requeue());
        }
    }
    let name = job_name(cj.metadata.name.as_deref().unwrap_or(""), scheduled);
    let active = status.active.as_deref().unwrap_or(&[]);
    let already_processed = active.iter().any(|r| r.name.as_deref() == Some(&name))
        || anchor.last_schedule == Some(scheduled);
    if already_processed {
        return plan(notes, requeue());
    }
    let policy = Policy::of(cj);
    if policy == Policy::Forbid && !active.is_empty() {
        notes.push(Note::normal(
            "JobAlreadyActive",
            "Not starting job because prior execution is running and concurrency policy is Forbid"
                .into(),
        ));
        return plan(notes, requeue());
    }
    plan(
        notes,
        Outcome::Start {
            scheduled,
            replace: policy == Policy::Replace,
        },
    )
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
