//! What the API server's per-kind strategies do to an object while creating it, once the
//! uid is known (`PrepareForCreate`): a Pod's initial status (phase Pending and its QoS
//! class, so a watch shows `Pending` from the first row), the Job's generated selector and
//! labels, and the StatefulSet's `maxUnavailable` dropped (gate off in 1.32).

use super::Object;

pub fn prepare_for_create(obj: &mut Object) {
    if let Object::Pod(pod) = obj {
        // k/k `pkg/registry/core/pod/strategy.go` resets the status to phase Pending and the
        // QoS class; klab keeps a status a tool set up and fills only what is missing.
        let qos = crate::controllers::kubelet::qos_class(pod);
        let status = pod.status.get_or_insert_with(Default::default);
        status.phase.get_or_insert_with(|| "Pending".into());
        status.qos_class.get_or_insert(qos);
    }
    if let Object::Job(job) = obj {
        if super::job_selector::needs_selector(job) {
            super::job_selector::generate_selector(job);
        }
    }
    if let Object::StatefulSet(sts) = obj {
        crate::controllers::statefulset::strategy::drop_disabled_fields(sts, None);
    }
}

/// What the API server's strategies do to an object being updated (`PrepareForUpdate`):
/// the StatefulSet's `maxUnavailable` is dropped unless the stored object already uses it.
pub fn prepare_for_update(old: &Object, new: &mut Object) {
    if let (Object::StatefulSet(old), Object::StatefulSet(new)) = (old, new) {
        crate::controllers::statefulset::strategy::drop_disabled_fields(new, Some(old));
    }
}
