//! `Cluster`: the World plus its controllers — and the only place simulated time moves.
//!
//! Each instant runs to a fixpoint: changes in the store's watch log are handed to every
//! controller's `watch`, which names keys to look at; each key is reconciled; reconciling
//! changes the store, which names more keys; until nothing changes. Then the clock jumps to
//! the next timer. Idle time costs nothing: nothing ticks.

use crate::api::{Kind, ObjKey, Object};
use crate::controllers::{self, Controller};
use crate::sim::{SimDuration, SimTime, TimerClass};
use crate::world::{Wake, World};
use std::collections::{BTreeSet, VecDeque};
use std::fmt;

/// Bounds that turn a runaway simulation into a clear error instead of a hang.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Reconciles within one instant before klab gives up on reaching a fixpoint.
    pub reconciles_per_instant: usize,
    /// Instants one `advance`/`settle`/`wait` may process.
    pub instants_per_call: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            reconciles_per_instant: 5_000_000,
            instants_per_call: 20_000_000,
        }
    }
}

/// The longest span one `advance` or `wait_for` may cover: 1000 years. Longer spans are
/// surely mistakes, and the clock must stay within the years dates can print.
pub const MAX_SPAN: SimDuration = SimDuration(1000 * 365 * 86_400 * 1000);

/// The clock may not pass 9999-12-31T23:59:59Z (RFC 3339 has four-digit years).
const LATEST: SimTime = SimTime(253_402_300_799_000);

/// Refuses a span longer than `MAX_SPAN`, or one that would move the clock past `LATEST`.
pub fn check_span(now: SimTime, d: SimDuration) -> Result<(), SimError> {
    if d > MAX_SPAN {
        return Err(SimError(format!(
            "cannot advance by {d}: one call may cover at most 1000 years (limit MAX_SPAN)"
        )));
    }
    if now + d > LATEST {
        return Err(SimError(format!(
            "cannot advance by {d}: the clock may go at most to 9999-12-31T23:59:59Z"
        )));
    }
    Ok(())
}

#[derive(Clone, Debug, PartialEq)]
pub struct SimError(pub String);

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SimError {}

/// How a fresh cluster looks (`cluster(#{nodes, seed, start})`).
#[derive(Clone, Debug)]
pub struct ClusterConfig {
    pub seed: u64,
    pub start: SimTime,
    pub nodes: Vec<String>,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            seed: 0,
            start: SimTime::parse(crate::sim::clock::DEFAULT_START).expect("valid default start"),
            nodes: (1..=3).map(|i| format!("node-{i}")).collect(),
        }
    }
}

/// A controller's pending keys, each at most once.
#[derive(Default)]
struct WorkQueue {
    order: VecDeque<ObjKey>,
    queued: BTreeSet<ObjKey>,
}

impl WorkQueue {
    fn push(&mut self, key: ObjKey) {
        if self.queued.insert(key.clone()) {
            self.order.push_back(key);
        }
    }
    fn pop(&mut self) -> Option<ObjKey> {
        let key = self.order.pop_front()?;
        self.queued.remove(&key);
        Some(key)
    }
    fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

pub struct Cluster {
    pub world: World,
    pub config: ClusterConfig,
    pub limits: Limits,
    controllers: Vec<Box<dyn Controller>>,
    queues: Vec<WorkQueue>,
    /// Watch-log position up to which changes were handed to the controllers.
    cursor: usize,
    /// Readers of the watch log besides the controllers (`get -w`), by position.
    pub extra_readers: Vec<usize>,
    /// Instants processed, reconciles run: for benchmarks.
    pub stats: Stats,
    /// Per-pod state changes for `timeline()` (timeline.rs).
    pub timeline: crate::timeline::Recorder,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub instants: u64,
    pub reconciles: u64,
    pub changes: u64,
}

impl Cluster {
    pub fn new(config: ClusterConfig) -> Cluster {
        let world = World::new(config.seed, config.start);
        let controllers = controllers::all();
        let queues = controllers.iter().map(|_| WorkQueue::default()).collect();
        let mut cluster = Cluster {
            world,
            config: config.clone(),
            limits: Limits::default(),
            controllers,
            queues,
            cursor: 0,
            extra_readers: Vec::new(),
            stats: Stats::default(),
            timeline: Default::default(),
        };
        crate::bootstrap::populate(&mut cluster.world, &config.nodes);
        // A fresh cluster has settled its own objects before the script starts.
        let _ = cluster.reconcile_now();
        cluster
    }

    pub fn now(&self) -> SimTime {
        self.world.now
    }

    /// Seconds since the cluster started.
    pub fn elapsed(&self) -> i64 {
        (self.world.now - self.world.start).secs()
    }

    /// Runs the current instant to a fixpoint: every change reaches every controller, and
    /// every key they name is reconciled, until nothing more changes.
    pub fn reconcile_now(&mut self) -> Result<(), SimError> {
        let mut reconciles = 0usize;
        loop {
            self.dispatch_changes();
            let Some(i) = self.queues.iter().position(|q| !q.is_empty()) else {
                break;
            };
            while let Some(key) = self.queues[i].pop() {
                reconciles += 1;
                if reconciles > self.limits.reconciles_per_instant {
                    return Err(SimError(format!(
                        "the cluster did not settle within {} reconciles at {} (limit reconciles_per_instant; last: {} {})",
                        self.limits.reconciles_per_instant,
                        self.world.now,
                        self.controllers[i].name(),
                        key
                    )));
                }
                self.controllers[i].reconcile(&key, &mut self.world);
                // Hand new changes out as soon as they happen so later controllers see them.
                if self.world.store.log_end() > self.cursor {
                    self.dispatch_changes();
                }
            }
        }
        self.stats.reconciles += reconciles as u64;
        let keep = self
            .extra_readers
            .iter()
            .copied()
            .min()
            .unwrap_or(self.cursor)
            .min(self.cursor);
        self.world.store.trim_log(keep);
        Ok(())
    }

    fn dispatch_changes(&mut self) {
        let end = self.world.store.log_end();
        if end == self.cursor {
            return;
        }
        // Borrowed from the log, not copied: the controllers only read the world here.
        let changes = self.world.store.changes_since(self.cursor);
        self.cursor = end;
        self.stats.changes += changes.len() as u64;
        let mut keys = Vec::new();
        for change in changes {
            self.timeline.record(change);
            for (i, c) in self.controllers.iter_mut().enumerate() {
                keys.clear();
                c.watch(change, &self.world, &mut keys);
                for k in keys.drain(..) {
                    self.queues[i].push(k);
                }
            }
        }
    }

    /// Processes the next instant that has anything due. Returns false if no timer is set.
    pub fn step(&mut self) -> Result<bool, SimError> {
        self.reconcile_now()?;
        let Some(next) = self.world.timers.next_time() else {
            return Ok(false);
        };
        self.run_instant(next.max(self.world.now))?;
        Ok(true)
    }

    fn run_instant(&mut self, at: SimTime) -> Result<(), SimError> {
        self.world.now = at;
        self.stats.instants += 1;
        for wake in self.world.timers.pop_due(at) {
            match wake {
                Wake::Reconcile { controller, key } => {
                    if let Some(i) = self.controllers.iter().position(|c| c.name() == controller) {
                        self.queues[i].push(key);
                    }
                }
                Wake::SweepEvents => crate::events::sweep(&mut self.world),
            }
        }
        self.reconcile_now()
    }

    /// Processes everything up to now + d, jumping from timer to timer.
    pub fn advance(&mut self, d: SimDuration) -> Result<(), SimError> {
        if d.0 < 0 {
            return Err(SimError(format!(
                "cannot advance by a negative duration ({d})"
            )));
        }
        check_span(self.world.now, d)?;
        let target = self.world.now + d;
        self.reconcile_now()?;
        let mut instants = 0usize;
        while let Some(next) = self.world.timers.next_time().filter(|t| *t <= target) {
            instants += 1;
            if instants > self.limits.instants_per_call {
                return Err(self.instant_limit_error());
            }
            self.run_instant(next.max(self.world.now))?;
        }
        self.world.now = target;
        Ok(())
    }

    /// Advances until nothing is pending but future schedules and bookkeeping, for at most
    /// `max`. Returns how far the clock moved.
    pub fn settle(&mut self, max: SimDuration) -> Result<SimDuration, SimError> {
        let start = self.world.now;
        let limit = start + max;
        self.reconcile_now()?;
        let mut instants = 0usize;
        while let Some(work) = self.world.timers.next_work_time() {
            if work > limit {
                break;
            }
            // Fire everything (schedules too) up to the next piece of work, in order.
            let next = self.world.timers.next_time().unwrap_or(work);
            instants += 1;
            if instants > self.limits.instants_per_call {
                return Err(self.instant_limit_error());
            }
            self.run_instant(next.max(self.world.now))?;
        }
        Ok(self.world.now - start)
    }

    fn instant_limit_error(&self) -> SimError {
        SimError(format!(
            "stopped after {} instants at {} (limit instants_per_call): something keeps waking the cluster",
            self.limits.instants_per_call, self.world.now
        ))
    }

    /// Registers a reader of the watch log (for `get -w`); returns its position.
    pub fn open_watch(&mut self) -> usize {
        let pos = self.world.store.log_end();
        self.extra_readers.push(pos);
        pos
    }

    pub fn close_watch(&mut self, pos: usize) {
        if let Some(i) = self.extra_readers.iter().position(|p| *p == pos) {
            self.extra_readers.remove(i);
        }
    }

    /// Moves a watch reader's position forward (it has read up to `to`).
    pub fn move_watch(&mut self, from: usize, to: usize) -> usize {
        if let Some(p) = self.extra_readers.iter_mut().find(|p| **p == from) {
            *p = to;
        }
        to
    }

    // ---- node operations used by the script API and kubectl ---------------------------

    /// Adds a ready node (labels, taints, capacity as given).
    pub fn add_node(&mut self, spec: crate::bootstrap::NodeSpec) -> Result<(), SimError> {
        crate::bootstrap::add_node(&mut self.world, spec).map_err(|e| SimError(e.to_string()))?;
        self.reconcile_now()
    }

    /// Deletes a node object; PodGC cleans up its pods.
    pub fn remove_node(&mut self, name: &str) -> Result<(), SimError> {
        let key = ObjKey::new(Kind::Node, "", name);
        self.world
            .store
            .delete(
                &key,
                &crate::store::DeleteOptions::background(),
                self.world.now,
            )
            .map_err(|e| SimError(e.to_string()))?;
        // The machine is gone: its kubelet and its disk (hostPath data) with it.
        crate::controllers::nodelifecycle::machine_gone(&mut self.world, name);
        self.reconcile_now()
    }

    /// `node_down(name)`: the node's kubelet stops posting status (fact 18 for what follows).
    pub fn node_down(&mut self, name: &str) -> Result<(), SimError> {
        crate::controllers::nodelifecycle::node_down(&mut self.world, name).map_err(SimError)?;
        self.reconcile_now()
    }

    /// `node_up(name)`: the kubelet is back; it posts Ready and finishes pending deletions.
    pub fn node_up(&mut self, name: &str) -> Result<(), SimError> {
        crate::controllers::nodelifecycle::node_up(&mut self.world, name).map_err(SimError)?;
        self.advance(SimDuration::ZERO)
    }

    pub fn object(&self, key: &ObjKey) -> Option<&Object> {
        self.world.store.get(key).map(|a| a.as_ref())
    }

    /// Schedules `controller` to look at `key` at `at` (used by tests and tools).
    pub fn wake(&mut self, at: SimTime, controller: &'static str, key: ObjKey) {
        self.world.wake(at, TimerClass::Work, controller, key);
    }
}
