//! `World`: everything controllers and commands act on — the store, the clock, the one RNG,
//! the timer queue, the recorded events and the container runtime. `Cluster` (cluster.rs)
//! owns a World plus the controllers, and is the only place time moves.

use crate::api::{Kind, ObjKey, Object};
use crate::events::EventLog;
use crate::runtime::Runtime;
use crate::sim::{SimDuration, SimRng, SimTime, TimerClass, Timers};
use crate::store::Store;
use std::sync::Arc;

/// Why the cluster wakes up at a future instant.
#[derive(Clone, Debug, PartialEq)]
pub enum Wake {
    /// Look at this key again (a controller's requeue).
    Reconcile {
        controller: &'static str,
        key: ObjKey,
    },
    /// Drop the event objects whose time-to-live has passed (events.rs keeps the queue).
    SweepEvents,
}

pub struct World {
    pub store: Store,
    pub now: SimTime,
    pub rng: SimRng,
    pub timers: Timers<Wake>,
    pub events: EventLog,
    pub runtime: Runtime,
    /// When the cluster started (for `elapsed()`).
    pub start: SimTime,
}

impl World {
    pub fn new(seed: u64, start: SimTime) -> Self {
        World {
            store: Store::new(),
            now: start,
            rng: SimRng::new(seed),
            timers: Timers::default(),
            events: EventLog::default(),
            runtime: Runtime::default(),
            start,
        }
    }

    /// Asks `controller` to reconcile `key` again at `at` (never earlier than now).
    pub fn wake(&mut self, at: SimTime, class: TimerClass, controller: &'static str, key: ObjKey) {
        self.timers
            .push(at.max(self.now), class, Wake::Reconcile { controller, key });
    }

    pub fn wake_after(&mut self, after: SimDuration, controller: &'static str, key: ObjKey) {
        self.wake(self.now + after, TimerClass::Work, controller, key);
    }

    pub fn get(&self, key: &ObjKey) -> Option<&Arc<Object>> {
        self.store.get(key)
    }

    /// Creates an object through the store at the current instant.
    pub fn create(&mut self, mut obj: Object) -> Result<Arc<Object>, crate::store::ApiError> {
        crate::controllers::admission::admit(&self.store, &mut obj);
        self.store.create(obj, self.now, &mut self.rng)
    }

    /// Records an event the way the named component would (reason, message), on `involved`.
    pub fn record_event(
        &mut self,
        involved: &Object,
        type_: &str,
        reason: &str,
        message: String,
        component: &str,
    ) {
        crate::events::record(self, involved, type_, reason, message, component);
    }

    pub fn nodes(&self) -> impl Iterator<Item = &Arc<Object>> {
        self.store.list(Kind::Node, None)
    }
}
