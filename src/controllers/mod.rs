//! The control plane and the node agents, one file per controller. Every controller is
//! level-triggered: `watch` maps a change to the keys worth looking at again (it never acts
//! on what changed), and `reconcile` reads the store as it *is*, decides, and writes.

use crate::api::ObjKey;
use crate::store::WatchEvent;
use crate::world::World;

pub mod admission;
pub mod cronjob;
pub mod daemonset;
pub mod gc;
pub mod history;
pub mod job;
pub mod kubelet;
pub mod nodelifecycle;
pub mod podgc;
pub mod scheduler;
pub mod statefulset;
pub mod tainteviction;
pub mod ttl;
pub mod volume;

pub trait Controller {
    /// The component name events are recorded under, and the timer target.
    fn name(&self) -> &'static str;
    /// Keys to reconcile because of `change`; push them onto `out`.
    fn watch(&mut self, change: &WatchEvent, world: &World, out: &mut Vec<ObjKey>);
    /// Brings `key` towards its desired state. A controller that must look again later
    /// sets a timer with `world.wake(...)`.
    fn reconcile(&mut self, key: &ObjKey, world: &mut World);
}

/// Every controller a cluster runs, in the order each instant offers them work.
pub fn all() -> Vec<Box<dyn Controller>> {
    vec![
        Box::new(scheduler::Scheduler::default()),
        Box::new(kubelet::Kubelet::default()),
        Box::new(gc::GarbageCollector),
        Box::new(daemonset::DaemonSetController::default()),
        Box::new(job::JobController::default()),
        Box::new(ttl::TtlAfterFinished::default()),
        Box::new(cronjob::CronJobController::default()),
        Box::new(volume::VolumeController),
        Box::new(nodelifecycle::NodeLifecycle),
        Box::new(tainteviction::TaintEviction::default()),
        Box::new(podgc::PodGc::default()),
        Box::new(statefulset::StatefulSetController::default()),
    ]
}
