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
/// the DaemonSet's status kept and templateGeneration bumped, the StatefulSet's
/// `maxUnavailable` dropped unless the stored object already uses it.
pub fn prepare_for_update(old: &Object, new: &mut Object) {
    crate::controllers::daemonset::strategy::prepare_for_update(old, new);
    if let (Object::StatefulSet(old), Object::StatefulSet(new)) = (old, new) {
        crate::controllers::statefulset::strategy::drop_disabled_fields(new, Some(old));
    }
}

#[cfg(test)]
mod tests {
    use crate::api::Object;
    use crate::sim::{SimRng, SimTime};
    use crate::store::Store;
    use k8s_openapi::api::apps::v1::{
        RollingUpdateStatefulSetStrategy, StatefulSet, StatefulSetSpec, StatefulSetUpdateStrategy,
    };
    use k8s_openapi::api::core::v1::{Container, Pod, PodSpec};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

    fn meta(name: &str) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.into()),
            namespace: Some("default".into()),
            ..Default::default()
        }
    }

    fn sts(max_unavailable: Option<i32>) -> Object {
        Object::StatefulSet(StatefulSet {
            metadata: meta("web"),
            spec: Some(StatefulSetSpec {
                update_strategy: Some(StatefulSetUpdateStrategy {
                    type_: Some("RollingUpdate".into()),
                    rolling_update: Some(RollingUpdateStatefulSetStrategy {
                        partition: Some(0),
                        max_unavailable: max_unavailable.map(IntOrString::Int),
                    }),
                }),
                ..Default::default()
            }),
            ..Default::default()
        })
    }

    fn max_unavailable(o: &Object) -> Option<IntOrString> {
        o.stateful_set()?
            .spec
            .as_ref()?
            .update_strategy
            .as_ref()?
            .rolling_update
            .as_ref()?
            .max_unavailable
            .clone()
    }

    #[test]
    fn a_new_pod_is_pending_with_its_qos_class_before_it_is_scheduled() {
        let mut store = Store::new();
        let pod = Object::Pod(Pod {
            metadata: meta("p"),
            spec: Some(PodSpec {
                containers: vec![Container {
                    name: "c".into(),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            status: None,
        });
        let created = store.create(pod, SimTime(0), &mut SimRng::new(0)).unwrap();
        let status = created.pod().unwrap().status.clone().unwrap();
        assert_eq!(status.phase.as_deref(), Some("Pending"));
        assert_eq!(status.qos_class.as_deref(), Some("BestEffort"));
    }

    #[test]
    fn statefulset_max_unavailable_is_dropped_on_create_and_on_update_fact_2() {
        let mut store = Store::new();
        let created = store
            .create(sts(Some(2)), SimTime(0), &mut SimRng::new(0))
            .unwrap();
        assert_eq!(max_unavailable(&created), None);
        let key = created.key();
        store.replace(sts(Some(2)), SimTime(0)).unwrap();
        assert_eq!(max_unavailable(store.get(&key).unwrap()), None);
        store
            .modify(&key, SimTime(0), |o| {
                let spec = o.stateful_set_mut().unwrap().spec.as_mut().unwrap();
                let strategy = spec.update_strategy.as_mut().unwrap();
                strategy.rolling_update.as_mut().unwrap().max_unavailable =
                    Some(IntOrString::Int(3));
            })
            .unwrap();
        assert_eq!(max_unavailable(store.get(&key).unwrap()), None);
    }
}
