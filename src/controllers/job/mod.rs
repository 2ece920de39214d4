//! The Job controller as Kubernetes 1.32 runs it (`pkg/controller/job`): it creates a Job's
//! pods, counts them as they finish through the `batch.kubernetes.io/job-tracking`
//! finalizer, backs off after failures, and writes the two-step terminal conditions.
//!
//! This file is the "do" around the decisions: which changes wake which Job (and when — pod
//! events and status-only updates are batched by `syncJobBatchPeriod`, spec changes sync at
//! once), and the per-Job index of pods that still matter, so a sync costs what the Job has
//! running rather than everything it ever ran. `sync.rs` is `syncJob`/`manageJob`,
//! `track.rs` is `trackJobStatusAndRemoveFinalizers`, `actions.rs` the writes; the pure
//! parts live in `decide.rs`, `backoff.rs`, `indexed.rs`, `failure_policy.rs`, `status.rs`
//! and `selector.rs`.

use super::Controller;
use crate::api::{Kind, ObjKey, Object};
use crate::sim::{SimDuration, SimTime, TimerClass};
use crate::store::{WatchEvent, WatchType};
use crate::world::World;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

mod actions;
pub mod backoff;
pub mod decide;
pub mod failure_policy;
pub mod indexed;
pub mod pod;
pub use crate::api::job_selector as selector;
pub mod status;
mod sync;
mod track;

pub use selector::generate_selector;

/// The component name on events (`v1.EventSource{Component: "job-controller"}`).
pub const NAME: &str = "job-controller";
/// `syncJobBatchPeriod`: pod events and status updates wake the Job this much later.
pub const BATCH_PERIOD: SimDuration = SimDuration(1000);

/// When a Job is next due, and the timer already set for it.
struct Due {
    at: SimTime,
    armed: Option<SimTime>,
}

#[derive(Default)]
pub struct JobController {
    /// Job uid → its pods still holding the tracking finalizer or not yet finished. Built
    /// from the owner index on a Job's first sync, then kept up to date from the watch.
    pods: BTreeMap<String, BTreeSet<ObjKey>>,
    /// Pod re-creation backoff per Job (controller memory, fact 31).
    backoff: BTreeMap<ObjKey, backoff::BackoffRecord>,
    /// Jobs waiting for a sync (the delaying work queue).
    due: BTreeMap<ObjKey, Due>,
    /// The generation last seen per Job: a change means a spec update (immediate sync).
    generations: BTreeMap<ObjKey, i64>,
}

/// A pod the Job still has to look at: it holds the finalizer or is not finished.
fn still_matters(p: &k8s_openapi::api::core::v1::Pod) -> bool {
    pod::has_tracking_finalizer(p) || !pod::is_terminal(p)
}

fn controlling_job(
    obj: &Object,
) -> Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference> {
    obj.controller_ref().filter(|r| r.kind == "Job")
}

impl JobController {
    /// Wants `key` synced no later than `at` (the delaying queue keeps the earliest time).
    fn request(&mut self, key: ObjKey, at: SimTime) {
        let due = self.due.entry(key).or_insert(Due { at, armed: None });
        if at < due.at {
            due.at = at;
        }
    }

    /// `queue.AddAfter` from inside a sync: request and set the timer now.
    fn requeue(&mut self, world: &mut World, key: &ObjKey, at: SimTime) {
        self.request(key.clone(), at);
        self.arm(world, key);
    }

    fn arm(&mut self, world: &mut World, key: &ObjKey) {
        if let Some(due) = self.due.get_mut(key) {
            if due.at > world.now && due.armed != Some(due.at) {
                world.wake(due.at, TimerClass::Work, NAME, key.clone());
                due.armed = Some(due.at);
            }
        }
    }

    fn forget(&mut self, key: &ObjKey, uid: &str) {
        self.pods.remove(uid);
        self.backoff.remove(key);
        self.generations.remove(key);
        self.due.remove(key);
    }

    /// The Job's pods that still matter, in name order, each checked against the store.
    fn job_pods(&mut self, world: &World, uid: &str) -> Vec<Arc<Object>> {
        let set = self.pods.entry(uid.to_string()).or_insert_with(|| {
            world
                .store
                .dependents(uid)
                .iter()
                .filter(|o| o.kind() == Kind::Pod)
                .filter(|o| controlling_job(o).is_some_and(|r| r.uid == uid))
                .filter(|o| still_matters(pod::of(o)))
                .map(|o| o.key())
                .collect()
        });
        let mut out = Vec::with_capacity(set.len());
        set.retain(|k| match world.store.get(k) {
            Some(o)
                if controlling_job(o).is_some_and(|r| r.uid == uid)
                    && still_matters(pod::of(o)) =>
            {
                out.push(o.clone());
                true
            }
            _ => false,
        });
        out
    }

    fn watch_job(&mut self, change: &WatchEvent, world: &World, out: &mut Vec<ObjKey>) {
        let now = world.now;
        let key = change.key();
        if change.kind == WatchType::Deleted {
            // `deleteJob`: pods the Job still holds by the finalizer are released as orphans
            // (a pod already terminating gets no other event that would release it).
            let uid = change.object.uid();
            for p in world.store.dependents_of_kind(uid, Kind::Pod) {
                if controlling_job(&p).is_some_and(|r| r.uid == uid)
                    && pod::has_tracking_finalizer(pod::of(&p))
                {
                    out.push(p.key());
                }
            }
            self.forget(&key, uid);
            return;
        }
        let generation = change.object.meta().generation.unwrap_or(0);
        let previous = self.generations.insert(key.clone(), generation);
        // addJob and spec updates sync at once; status-only updates are batched.
        let immediate = change.kind == WatchType::Added || previous != Some(generation);
        self.request(
            key.clone(),
            if immediate { now } else { now + BATCH_PERIOD },
        );
        out.push(key);
    }

    fn watch_pod(&mut self, change: &WatchEvent, world: &World, out: &mut Vec<ObjKey>) {
        let obj = &change.object;
        let p = pod::of(obj);
        let key = change.key();
        let Some(owner) = controlling_job(obj) else {
            // An orphan still holding the finalizer (its Job deleted with orphan propagation).
            if change.kind != WatchType::Deleted && pod::has_tracking_finalizer(p) {
                out.push(key);
            }
            return;
        };
        if let Some(set) = self.pods.get_mut(&owner.uid) {
            if change.kind == WatchType::Deleted || !still_matters(p) {
                set.remove(&key);
            } else {
                set.insert(key.clone());
            }
        }
        let job_key = ObjKey::new(Kind::Job, obj.namespace(), &owner.name);
        let owner_exists = world
            .store
            .get(&job_key)
            .is_some_and(|j| j.uid() == owner.uid);
        if owner_exists {
            self.request(job_key.clone(), world.now + BATCH_PERIOD);
            out.push(job_key);
        } else if change.kind != WatchType::Deleted && pod::has_tracking_finalizer(p) {
            out.push(key);
        }
    }

    /// `syncOrphanPod`: a pod whose Job is gone (or finished) gives up the finalizer.
    fn release_orphan(&mut self, key: &ObjKey, world: &mut World) {
        let Some(obj) = world.store.get(key).cloned() else {
            return;
        };
        if !pod::has_tracking_finalizer(pod::of(&obj)) {
            return;
        }
        if let Some(r) = obj.controller_ref() {
            if r.kind != "Job" || r.api_version != "batch/v1" {
                return;
            }
            let job_key = ObjKey::new(Kind::Job, obj.namespace(), &r.name);
            let adopted = world
                .store
                .get(&job_key)
                .is_some_and(|j| j.uid() == r.uid && !j.job().is_some_and(status::is_finished));
            if adopted {
                return;
            }
        }
        actions::remove_tracking_finalizer(world, key);
    }
}

impl Controller for JobController {
    fn name(&self) -> &'static str {
        NAME
    }

    fn watch(&mut self, change: &WatchEvent, world: &World, out: &mut Vec<ObjKey>) {
        match change.object.kind() {
            Kind::Job => self.watch_job(change, world, out),
            Kind::Pod => self.watch_pod(change, world, out),
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjKey, world: &mut World) {
        match key.kind {
            Kind::Pod => self.release_orphan(key, world),
            Kind::Job => {
                let Some(due) = self.due.get(key) else {
                    return;
                };
                if due.at > world.now {
                    self.arm(world, key);
                    return;
                }
                self.due.remove(key);
                self.sync(key, world);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
