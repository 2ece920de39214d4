//! The CronJob controller (v2) as Kubernetes 1.32 runs it
//! (`pkg/controller/cronjob/cronjob_controllerv2.go`): each sync trims the finished Jobs
//! beyond the history limits, brings `status.active` up to date, and starts at most one Job
//! for the most recent due schedule time, then asks to be woken at the next schedule time
//! + 100 ms. Nothing ticks: an idle CronJob costs one timer per schedule time.
//!
//! Pure parts: `decide.rs` (which time is due, when to look again, what to do), `jobs.rs`
//! (the Job for a time), `history.rs` (which finished Jobs go), `status.rs` (active list and
//! lastSuccessfulTime). This file is the "do" and the work queue: which changes wake which
//! CronJob, and the delaying queue's one-pending-time-per-key rule.

use super::Controller;
use crate::api::{Kind, ObjKey, Object};
use crate::sim::{SimDuration, SimTime, TimerClass};
use crate::store::{ApiError, DeleteOptions, WatchEvent, WatchType};
use crate::world::World;
use k8s_openapi::api::batch::v1::CronJobStatus;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

pub mod decide;
pub mod history;
pub mod jobs;
pub mod status;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

use decide::{Anchor, Note, Outcome, Timetable};

/// The component name on events (`corev1.EventSource{Component: "cronjob-controller"}`).
pub const NAME: &str = "cronjob-controller";

/// Why a CronJob key is in the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trigger {
    /// Sync now: added, a Job changed, or an update other than the schedule (fact 99).
    Sync,
    /// `spec.schedule` or `spec.timeZone` changed: only move the wake-up (updateCronJob).
    Reschedule,
}

/// A parsed schedule, kept until the spec's schedule or zone changes.
struct Parsed {
    schedule: String,
    time_zone: Option<String>,
    /// Shared with the sync in progress, so what its memo learns is kept.
    result: Rc<Result<Timetable, String>>,
}

#[derive(Default)]
pub struct CronJobController {
    /// Keys queued by the watch, and why.
    pending: BTreeMap<ObjKey, Trigger>,
    /// The delaying queue's pending time per key: it keeps only the earliest, so a timer
    /// for a later time that was superseded fires as a no-op.
    wake_at: BTreeMap<ObjKey, SimTime>,
    /// Schedule and zone last seen per CronJob, to tell schedule updates from others.
    seen: BTreeMap<ObjKey, (String, Option<String>)>,
    parsed: BTreeMap<ObjKey, Parsed>,
    /// Consecutive failed syncs per key (the rate limiter's exponential backoff).
    failures: BTreeMap<ObjKey, u32>,
}

fn schedule_and_zone(obj: &Object) -> (String, Option<String>) {
    let spec = obj.cron_job().and_then(|c| c.spec.as_ref());
    (
        spec.map(|s| s.schedule.clone()).unwrap_or_default(),
        spec.and_then(|s| s.time_zone.clone()),
    )
}

/// An API error as Go's `err.Error()` reads (kubectl's "Error from server (…): " dropped).
fn go_error(e: &ApiError) -> String {
    let text = e.to_string();
    match text.strip_prefix("Error from server (") {
        Some(rest) => rest
            .split_once("): ")
            .map_or(text.clone(), |(_, m)| m.to_string()),
        None => text,
    }
}

fn record(world: &mut World, cronjob: &Object, note: Note) {
    world.record_event(cronjob, note.type_, note.reason, note.message, NAME);
}

impl CronJobController {
    fn trigger(&mut self, key: &ObjKey, why: Trigger) {
        let entry = self.pending.entry(key.clone()).or_insert(why);
        if why == Trigger::Sync {
            *entry = Trigger::Sync;
        }
    }

    /// `queue.AddAfter`: wake `key` at `at` unless an earlier wake-up is already pending.
    fn requeue(&mut self, world: &mut World, key: &ObjKey, at: SimTime, class: TimerClass) {
        let at = at.max(world.now);
        if self.wake_at.get(key).is_some_and(|t| *t <= at) {
            return;
        }
        self.wake_at.insert(key.clone(), at);
        // A wake-up due now is work in progress; one at a future schedule is not.
        let class = if at <= world.now {
            TimerClass::Work
        } else {
            class
        };
        world.wake(at, class, NAME, key.clone());
    }

    /// `queue.AddRateLimited` after a failed sync: 5 ms doubling per failure, at most 1000 s.
    fn retry(&mut self, world: &mut World, key: &ObjKey) {
        let n = self.failures.entry(key.clone()).or_insert(0);
        let delay = SimDuration::from_millis(5i64.saturating_mul(1 << (*n).min(30)))
            .min(SimDuration::from_secs(1000));
        *n += 1;
        let at = world.now + delay;
        self.requeue(world, key, at, TimerClass::Work);
    }

    fn forget(&mut self, key: &ObjKey) {
        self.wake_at.remove(key);
        self.parsed.remove(key);
        self.failures.remove(key);
    }

    fn schedule_of(&mut self, key: &ObjKey, obj: &Object) -> Rc<Result<Timetable, String>> {
        let (schedule, time_zone) = schedule_and_zone(obj);
        let fresh = self
            .parsed
            .get(key)
            .is_some_and(|p| p.schedule == schedule && p.time_zone == time_zone);
        if !fresh {
            let result = Rc::new(
                decide::parse_schedule(&schedule, time_zone.as_deref()).map(Timetable::new),
            );
            self.parsed.insert(
                key.clone(),
                Parsed {
                    schedule,
                    time_zone,
                    result,
                },
            );
        }
        self.parsed[key].result.clone()
    }

    /// `updateCronJob` for a schedule change: wake at the new schedule's next time.
    fn reschedule(&mut self, key: &ObjKey, obj: &Arc<Object>, world: &mut World) {
        let Some(cj) = obj.cron_job() else { return };
        match self.schedule_of(key, obj).as_ref() {
            Err(_) => {
                let (schedule, _) = schedule_and_zone(obj);
                record(
                    world,
                    obj,
                    Note::warning(
                        "UnParseableCronJobSchedule",
                        format!("unparseable schedule for cronjob: {schedule}"),
                    ),
                );
            }
            Ok(schedule) => {
                let status = cj.status.clone().unwrap_or_default();
                let at = decide::next_requeue(Anchor::of(cj, &status), world.now, schedule)
                    .unwrap_or(world.now);
                self.requeue(world, key, at, TimerClass::Schedule);
            }
        }
    }

    /// Deletes a Job in the background (`deleteJob`); false if the API refused.
    fn delete_job(
        world: &mut World,
        cronjob: &Object,
        job: &Object,
        status: &mut CronJobStatus,
    ) -> bool {
        let now = world.now;
        match world
            .store
            .delete(&job.key(), &DeleteOptions::background(), now)
        {
            Ok(_) => {
                status::remove_active(status, job.uid());
                record(
                    world,
                    cronjob,
                    Note::normal("SuccessfulDelete", format!("Deleted job {}", job.name())),
                );
                true
            }
            Err(e) => {
                record(
                    world,
                    cronjob,
                    Note::warning("FailedDelete", format!("Deleted job: {}", go_error(&e))),
                );
                false
            }
        }
    }

    /// `sync`: history cleanup, status bookkeeping, maybe one Job, one status write.
    fn sync(&mut self, key: &ObjKey, obj: &Arc<Object>, world: &mut World) {
        let Some(cj) = obj.cron_job() else { return };
        let now = world.now;
        // Jobs whose controller reference names this CronJob (getJobsToBeReconciled),
        // found through the owner index so the cost is the CronJob's own Jobs.
        let jobs: Vec<Arc<Object>> = world
            .store
            .dependents(obj.uid())
            .into_iter()
            .filter(|o| o.kind() == Kind::Job)
            .filter(|o| o.controller_ref().is_some_and(|r| r.name == obj.name()))
            .collect();
        let mut status = cj.status.clone().unwrap_or_default();

        if let Some(spec) = cj.spec.as_ref() {
            for job in history::jobs_to_delete(spec, &jobs) {
                Self::delete_job(world, obj, &job, &mut status);
            }
        }
        let ns = obj.namespace().to_string();
        let notes = status::track_jobs(&mut status, &jobs, |name| {
            world.store.get_named(Kind::Job, &ns, name).is_some()
        });
        for note in notes {
            record(world, obj, note);
        }

        let schedule = self.schedule_of(key, obj);
        let plan = decide::decide(cj, &status, now, &schedule);
        for note in plan.notes {
            record(world, obj, note);
        }
        match plan.outcome {
            Outcome::Wait => {}
            Outcome::Requeue(at) => {
                self.failures.remove(key);
                self.requeue(world, key, at.unwrap_or(now), TimerClass::Schedule);
            }
            Outcome::Start { scheduled, replace } => {
                match self.start(obj, &mut status, scheduled, replace, world) {
                    Started::Yes => {
                        self.failures.remove(key);
                        if let Ok(schedule) = schedule.as_ref() {
                            let at = decide::next_requeue(Anchor::of(cj, &status), now, schedule)
                                .unwrap_or(now);
                            self.requeue(world, key, at, TimerClass::Schedule);
                        }
                    }
                    Started::NotMine => {}
                    Started::Failed => self.retry(world, key),
                }
            }
        }
        write_status(world, key, cj.status.is_some(), status);
    }

    /// The end of `syncCronJob`: Replace's deletions, then the Job, then the status entries.
    fn start(
        &mut self,
        obj: &Arc<Object>,
        status: &mut CronJobStatus,
        scheduled: SimTime,
        replace: bool,
        world: &mut World,
    ) -> Started {
        if replace {
            for r in status.active.clone().unwrap_or_default() {
                let name = r.name.as_deref().unwrap_or("");
                let ns = r.namespace.as_deref().unwrap_or(obj.namespace());
                let Some(job) = world.store.get_named(Kind::Job, ns, name).cloned() else {
                    let e = ApiError::NotFound {
                        kind: Kind::Job,
                        name: name.to_string(),
                    };
                    record(
                        world,
                        obj,
                        Note::warning("FailedGet", format!("Get job: {}", go_error(&e))),
                    );
                    return Started::Failed;
                };
                if !Self::delete_job(world, obj, &job, status) {
                    return Started::Failed;
                }
            }
        }
        let Some(job) = jobs::job_for(obj, scheduled) else {
            return Started::NotMine;
        };
        let mut job = Object::Job(job);
        crate::api::defaults::apply_defaults(&mut job);
        let created = match world.create(job) {
            Ok(created) => {
                record(
                    world,
                    obj,
                    Note::normal(
                        "SuccessfulCreate",
                        format!("Created job {}", created.name()),
                    ),
                );
                created
            }
            Err(ApiError::AlreadyExists { name, .. }) => {
                // Ours but missing from active (fact 113): take it back; otherwise leave it.
                let existing = world.store.get_named(Kind::Job, obj.namespace(), &name);
                match existing {
                    Some(j)
                        if j.controller_ref().is_some_and(|r| r.uid == obj.uid())
                            && !status::in_active(status, j.uid()) =>
                    {
                        j.clone()
                    }
                    _ => return Started::NotMine,
                }
            }
            Err(e) => {
                record(
                    world,
                    obj,
                    Note::warning(
                        "FailedCreate",
                        format!("Error creating job: {}", go_error(&e)),
                    ),
                );
                return Started::Failed;
            }
        };
        status
            .active
            .get_or_insert_with(Vec::new)
            .push(status::job_ref(&created));
        status.last_schedule_time = Some(Time(scheduled.to_chrono()));
        Started::Yes
    }
}

/// How `start` ended: the Job is running and tracked; nothing to do and no requeue (the
/// name belongs to someone else, or is already tracked); or an API error to retry.
enum Started {
    Yes,
    NotMine,
    Failed,
}

/// The single `UpdateStatus` at the end of a sync; no write if nothing changed.
fn write_status(world: &mut World, key: &ObjKey, had_status: bool, status: CronJobStatus) {
    let new = if !had_status && status == CronJobStatus::default() {
        None
    } else {
        Some(status)
    };
    // Most syncs change nothing: skip the store's copy-and-compare when the status is as is.
    let unchanged = world
        .store
        .get(key)
        .and_then(|o| o.cron_job())
        .is_some_and(|c| c.status == new);
    if unchanged {
        return;
    }
    let now = world.now;
    let _ = world.store.modify(key, now, |o| {
        if let Some(c) = o.cron_job_mut() {
            c.status = new;
        }
    });
}

impl Controller for CronJobController {
    fn name(&self) -> &'static str {
        NAME
    }

    fn watch(&mut self, change: &WatchEvent, world: &World, out: &mut Vec<ObjKey>) {
        let obj = &change.object;
        match obj.kind() {
            Kind::CronJob => {
                let key = change.key();
                let why = if change.kind == WatchType::Deleted {
                    self.seen.remove(&key);
                    Trigger::Sync
                } else {
                    let now_seen = schedule_and_zone(obj);
                    match self.seen.insert(key.clone(), now_seen.clone()) {
                        Some(before)
                            if change.kind == WatchType::Modified && before != now_seen =>
                        {
                            Trigger::Reschedule
                        }
                        _ => Trigger::Sync,
                    }
                };
                self.trigger(&key, why);
                out.push(key);
            }
            Kind::Job => {
                // addJob / updateJob / deleteJob: the owning CronJob, if it still exists.
                let Some(r) = obj.controller_ref().filter(|r| r.kind == "CronJob") else {
                    return;
                };
                let key = ObjKey::new(Kind::CronJob, obj.namespace(), &r.name);
                if world.store.get(&key).is_some_and(|c| c.uid() == r.uid) {
                    self.trigger(&key, Trigger::Sync);
                    out.push(key);
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjKey, world: &mut World) {
        let trigger = self.pending.remove(key);
        let timer_due = self.wake_at.get(key) == Some(&world.now);
        if timer_due {
            self.wake_at.remove(key);
        }
        let Some(obj) = world.store.get(key).cloned() else {
            self.forget(key);
            return;
        };
        match (trigger, timer_due) {
            (Some(Trigger::Sync), _) | (_, true) => self.sync(key, &obj, world),
            (Some(Trigger::Reschedule), false) => self.reschedule(key, &obj, world),
            // A timer the delaying queue had replaced with an earlier one.
            (None, false) => {}
        }
    }
}
