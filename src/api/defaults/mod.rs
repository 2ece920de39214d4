//! 1.32 defaulting for every kind klab serves (`pkg/apis/*/v1/defaults.go` and the generated
//! `zz_generated.defaults.go` that applies them to every nested struct). Objects read back
//! through the API show these defaults, so `get -o yaml` matches a real cluster's.
//!
//! Besides the defaulting functions proper, two things a Go API server does when it encodes
//! an object are done here, because klab stores objects typed: resource quantities are put in
//! canonical form (fact 78), and a few Go structs that are never absent in output (a
//! container's `resources`, a pod template's `metadata`) are made present.

mod batch;
mod core;
mod pod;
mod storage;
mod workloads;

use super::Object;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

pub(crate) use batch::generate_selector;
pub use batch::{
    generate_job_selector, CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_CONTROLLER_UID_LABEL,
    LEGACY_JOB_NAME_LABEL,
};
pub use pod::image_tag;

/// Fills in what the API server defaults on create and update.
pub fn apply_defaults(obj: &mut Object) {
    match obj {
        Object::Namespace(o) => core::namespace(o),
        Object::Node(o) => core::node(o),
        Object::Pod(o) => pod::pod(o),
        Object::Service(o) => core::service(o),
        Object::PersistentVolume(o) => storage::pv(o),
        Object::PersistentVolumeClaim(o) => storage::pvc(o),
        Object::StorageClass(o) => storage::storage_class(o),
        Object::Event(_) | Object::ControllerRevision(_) => {}
        Object::DaemonSet(o) => workloads::daemon_set(o),
        Object::StatefulSet(o) => workloads::stateful_set(o),
        Object::Job(o) => batch::job(o),
        Object::CronJob(o) => batch::cron_job(o),
    }
}

/// `SetDefaults_ResourceList` (values rounded up to milli-units) and the canonical form the
/// server writes quantities in.
fn resource_list(list: &mut BTreeMap<String, Quantity>) {
    for q in list.values_mut() {
        q.0 = crate::api::quantity::canonical_str(&q.0);
    }
}

#[cfg(test)]
mod tests;
