//! Helpers for whole-cluster StatefulSet tests: fully defaulted StatefulSets (fact 43, as
//! the API server would store them), reads of pods, claims and events.

use crate::api::{Kind, ObjKey, Object};
use crate::events::Occurrence;
use crate::runtime::{ImageRule, SigTerm};
use crate::sim::{SimDuration, SimTime};
use crate::store::DeleteOptions;
use crate::{Cluster, ClusterConfig};
use k8s_openapi::api::apps::v1::{
    RollingUpdateStatefulSetStrategy, StatefulSet, StatefulSetPersistentVolumeClaimRetentionPolicy,
    StatefulSetSpec, StatefulSetUpdateStrategy,
};
use k8s_openapi::api::core::v1::{
    Container, PersistentVolumeClaim, PersistentVolumeClaimSpec, Pod, PodSpec, PodTemplateSpec,
    VolumeMount, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use std::collections::BTreeMap;
use std::sync::Arc;

pub fn cluster() -> Cluster {
    Cluster::new(ClusterConfig::default())
}

pub fn seeded(seed: u64) -> Cluster {
    Cluster::new(ClusterConfig {
        seed,
        ..ClusterConfig::default()
    })
}

/// A StatefulSet as a 1.32 API server stores `replicas` nginx pods labelled `app: <name>`:
/// OrderedReady, RollingUpdate with `rollingUpdate: {partition: 0}`, history limit 10,
/// Retain/Retain (fact 43).
pub fn sts(name: &str, replicas: i32) -> StatefulSet {
    let labels: BTreeMap<String, String> = [("app".to_string(), name.to_string())].into();
    StatefulSet {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some("default".into()),
            ..Default::default()
        },
        spec: Some(StatefulSetSpec {
            replicas: Some(replicas),
            selector: LabelSelector {
                match_labels: Some(labels.clone()),
                match_expressions: None,
            },
            service_name: name.into(),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: "nginx".into(),
                        image: Some("nginx:1.16".into()),
                        ..Default::default()
                    }],
                    restart_policy: Some("Always".into()),
                    termination_grace_period_seconds: Some(30),
                    ..Default::default()
                }),
            },
            pod_management_policy: Some("OrderedReady".into()),
            revision_history_limit: Some(10),
            update_strategy: Some(StatefulSetUpdateStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdateStatefulSetStrategy {
                    partition: Some(0),
                    max_unavailable: None,
                }),
            }),
            persistent_volume_claim_retention_policy: Some(
                StatefulSetPersistentVolumeClaimRetentionPolicy {
                    when_deleted: Some("Retain".into()),
                    when_scaled: Some("Retain".into()),
                },
            ),
            ..Default::default()
        }),
        status: None,
    }
}

/// The set with a `www` claim template (1G, RWO) mounted at nginx's html directory, as the
/// book's sample-ss.
pub fn with_claims(mut s: StatefulSet) -> StatefulSet {
    let spec = s.spec.as_mut().unwrap();
    spec.volume_claim_templates = Some(vec![PersistentVolumeClaim {
        metadata: ObjectMeta {
            name: Some("www".into()),
            ..Default::default()
        },
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec!["ReadWriteOnce".into()]),
            resources: Some(VolumeResourceRequirements {
                requests: Some([("storage".to_string(), Quantity("1G".into()))].into()),
                limits: None,
            }),
            ..Default::default()
        }),
        status: None,
    }]);
    let c = &mut spec.template.spec.as_mut().unwrap().containers[0];
    c.volume_mounts = Some(vec![VolumeMount {
        name: "www".into(),
        mount_path: "/usr/share/nginx/html".into(),
        ..Default::default()
    }]);
    s
}

pub fn spec_mut(s: &mut StatefulSet) -> &mut StatefulSetSpec {
    s.spec.as_mut().unwrap()
}

pub fn create(c: &mut Cluster, s: StatefulSet) {
    c.world.create(Object::StatefulSet(s)).expect("created");
    c.reconcile_now().unwrap();
}

pub fn set_key(name: &str) -> ObjKey {
    ObjKey::new(Kind::StatefulSet, "default", name)
}

pub fn get_set(c: &Cluster, name: &str) -> StatefulSet {
    c.world
        .store
        .get(&set_key(name))
        .and_then(|o| o.stateful_set().cloned())
        .expect("the set exists")
}

/// Changes the set's spec as `kubectl apply`/`scale`/`set image` would.
pub fn edit(c: &mut Cluster, name: &str, f: impl FnOnce(&mut StatefulSetSpec)) {
    let now = c.world.now;
    c.world
        .store
        .modify(&set_key(name), now, |o| {
            f(o.stateful_set_mut().unwrap().spec.as_mut().unwrap())
        })
        .unwrap();
    c.reconcile_now().unwrap();
}

pub fn set_image(c: &mut Cluster, name: &str, image: &str) {
    edit(c, name, |s| {
        s.template.spec.as_mut().unwrap().containers[0].image = Some(image.into())
    });
}

pub fn pod(c: &Cluster, name: &str) -> Option<Arc<Object>> {
    c.world
        .store
        .get(&ObjKey::new(Kind::Pod, "default", name))
        .cloned()
}

pub fn pod_names(c: &Cluster) -> Vec<String> {
    c.world
        .store
        .list(Kind::Pod, Some("default"))
        .map(|o| o.name().to_string())
        .collect()
}

pub fn claim(c: &Cluster, name: &str) -> Option<Arc<Object>> {
    c.world
        .store
        .get(&ObjKey::new(Kind::PersistentVolumeClaim, "default", name))
        .cloned()
}

pub fn running_and_ready(p: &Pod) -> bool {
    let s = p.status.as_ref();
    s.and_then(|s| s.phase.as_deref()) == Some("Running")
        && s.and_then(|s| s.conditions.as_ref())
            .into_iter()
            .flatten()
            .any(|c| c.type_ == "Ready" && c.status == "True")
}

pub fn is_running_and_ready(c: &Cluster, name: &str) -> bool {
    pod(c, name).is_some_and(|o| !o.is_deleting() && running_and_ready(o.pod().unwrap()))
}

pub fn revision_label(c: &Cluster, name: &str) -> String {
    pod(c, name)
        .and_then(|o| {
            o.labels()
                .get(crate::controllers::statefulset::identity::LABEL_REVISION)
                .cloned()
        })
        .unwrap_or_default()
}

/// The statefulset controller's events about `set`, oldest first.
pub fn set_events(c: &Cluster, set: &str) -> Vec<Occurrence> {
    let object = format!("statefulset/{set}");
    c.world
        .events
        .occurrences()
        .filter(|o| o.object == object)
        .cloned()
        .collect()
}

pub fn messages(c: &Cluster, set: &str, reason: &str) -> Vec<String> {
    set_events(c, set)
        .into_iter()
        .filter(|e| e.reason == reason)
        .map(|e| e.message)
        .collect()
}

/// When the event with this message was recorded.
pub fn event_time(c: &Cluster, set: &str, message: &str) -> SimTime {
    set_events(c, set)
        .into_iter()
        .find(|e| e.message == message)
        .unwrap_or_else(|| panic!("no event {message:?}"))
        .time
}

pub fn settle(c: &mut Cluster) {
    c.settle(SimDuration::from_secs(3600)).unwrap();
}

pub fn delete(c: &mut Cluster, key: &ObjKey, opts: DeleteOptions) {
    let now = c.world.now;
    c.world.store.delete(key, &opts, now).unwrap();
    c.reconcile_now().unwrap();
}

pub fn pod_key(name: &str) -> ObjKey {
    ObjKey::new(Kind::Pod, "default", name)
}

/// nginx-like pods that take `ready_after` to turn Ready and ignore SIGTERM (so deletion
/// takes the grace period), for watching the order of things.
pub fn slow_image(pattern: &str, ready_after: i64, ignore_sigterm: bool) -> ImageRule {
    ImageRule {
        pattern: pattern.into(),
        run: None,
        exit: 0,
        ready_after: SimDuration::from_secs(ready_after),
        on_sigterm: if ignore_sigterm {
            SigTerm::Ignore
        } else {
            SigTerm::Exit(0)
        },
    }
}
