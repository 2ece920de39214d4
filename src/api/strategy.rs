//! What the API server's per-kind strategies do to an object while creating it, once the
//! uid is known (`PrepareForCreate`): today, the Job's generated selector and labels, and
//! the StatefulSet's `maxUnavailable` dropped (gate off in 1.32).

use super::Object;

pub fn prepare_for_create(obj: &mut Object) {
    if let Object::Job(job) = obj {
        if super::job_selector::needs_selector(job) {
            super::job_selector::generate_selector(job);
        }
    }
    if let Object::StatefulSet(sts) = obj {
        crate::controllers::statefulset::strategy::drop_disabled_fields(sts, None);
    }
}
