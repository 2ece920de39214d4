//! The TTL-after-finished controller (`pkg/controller/ttlafterfinished`, facts 73–78): a
//! finished Job with `ttlSecondsAfterFinished` is deleted, with foreground propagation, once
//! that many seconds have passed since its Complete/Failed condition. Jobs already being
//! deleted are left alone; no events.

use super::job::status;
use super::Controller;
use crate::api::{Kind, ObjKey};
use crate::sim::{SimDuration, SimTime, TimerClass};
use crate::store::{DeleteOptions, WatchEvent, WatchType};
use crate::world::World;
use k8s_openapi::api::batch::v1::Job;
use std::collections::BTreeMap;

pub const NAME: &str = "ttl-after-finished-controller";

#[derive(Default)]
pub struct TtlAfterFinished {
    /// The expiry a timer is already set for, per Job (so re-reads do not stack timers).
    armed: BTreeMap<ObjKey, SimTime>,
}

/// `needsCleanup`: a TTL is set and the Job finished (fact 73).
fn needs_cleanup(job: &Job) -> bool {
    ttl_seconds(job).is_some() && status::is_finished(job)
}

fn ttl_seconds(job: &Job) -> Option<i32> {
    job.spec.as_ref().and_then(|s| s.ttl_seconds_after_finished)
}

/// When the Job expires: its terminal condition's transition time plus the TTL.
pub fn expires_at(job: &Job) -> Option<SimTime> {
    if !needs_cleanup(job) {
        return None;
    }
    let ttl = ttl_seconds(job)?;
    Some(status::finish_time(job)? + SimDuration::from_secs(ttl as i64))
}

impl Controller for TtlAfterFinished {
    fn name(&self) -> &'static str {
        NAME
    }

    fn watch(&mut self, change: &WatchEvent, _world: &World, out: &mut Vec<ObjKey>) {
        if change.object.kind() != Kind::Job {
            return;
        }
        if change.kind == WatchType::Deleted {
            self.armed.remove(&change.key());
            return;
        }
        let interesting = change.object.job().is_some_and(needs_cleanup);
        if !change.object.is_deleting() && interesting {
            out.push(change.key());
        }
    }

    fn reconcile(&mut self, key: &ObjKey, world: &mut World) {
        let now = world.now;
        let Some(obj) = world.store.get(key).cloned() else {
            self.armed.remove(key);
            return;
        };
        let Some(expire) = obj.job().and_then(expires_at) else {
            return;
        };
        if obj.is_deleting() {
            return;
        }
        if expire > now {
            // Re-queued for exactly the time left (fact 74); a changed TTL re-arms (fact 76).
            if self.armed.get(key) != Some(&expire) {
                world.wake(expire, TimerClass::Work, NAME, key.clone());
                self.armed.insert(key.clone(), expire);
            }
            return;
        }
        self.armed.remove(key);
        // Foreground: the Job stays, with a deletionTimestamp, until its pods are gone (T21).
        let _ = world.store.delete(key, &DeleteOptions::foreground(), now);
    }
}
