//! Admission plugins klab applies when an object is created, as a 1.32 API server does:
//! DefaultTolerationSeconds (pods tolerate `not-ready`/`unreachable` NoExecute taints for
//! 300 s), DefaultStorageClass (a claim without `storageClassName` gets the default class)
//! and StorageObjectInUseProtection (`kubernetes.io/pvc-protection` on claims,
//! `kubernetes.io/pv-protection` on volumes). `World::create` calls `admit`.

use super::volume::{default_class, PVC_PROTECTION, PV_PROTECTION};
use crate::api::Object;
use crate::store::Store;
use k8s_openapi::api::core::v1::{Pod, Toleration};

pub const TAINT_NOT_READY: &str = "node.kubernetes.io/not-ready";
pub const TAINT_UNREACHABLE: &str = "node.kubernetes.io/unreachable";
/// `--default-not-ready-toleration-seconds` / `--default-unreachable-toleration-seconds`.
pub const DEFAULT_TOLERATION_SECONDS: i64 = 300;

/// DefaultTolerationSeconds: unless the pod already tolerates them (a toleration with that
/// key, or an empty key, and effect NoExecute or empty), adds
/// `node.kubernetes.io/not-ready:NoExecute op=Exists for 300s` and the same for
/// `node.kubernetes.io/unreachable`.
pub fn default_tolerations(pod: &mut Pod) {
    let spec = pod.spec.get_or_insert_with(Default::default);
    let tolerations = spec.tolerations.get_or_insert_with(Vec::new);
    let covers = |key: &str| {
        tolerations.iter().any(|t| {
            let k = t.key.as_deref().unwrap_or("");
            let e = t.effect.as_deref().unwrap_or("");
            (k == key || k.is_empty()) && (e == "NoExecute" || e.is_empty())
        })
    };
    let (not_ready, unreachable) = (covers(TAINT_NOT_READY), covers(TAINT_UNREACHABLE));
    for (key, covered) in [
        (TAINT_NOT_READY, not_ready),
        (TAINT_UNREACHABLE, unreachable),
    ] {
        if !covered {
            tolerations.push(Toleration {
                key: Some(key.into()),
                operator: Some("Exists".into()),
                effect: Some("NoExecute".into()),
                toleration_seconds: Some(DEFAULT_TOLERATION_SECONDS),
                value: None,
            });
        }
    }
}

fn add_finalizer(obj: &mut Object, name: &str) {
    let f = obj.meta_mut().finalizers.get_or_insert_with(Vec::new);
    if !f.iter().any(|x| x == name) {
        f.push(name.to_string());
    }
}

/// Applies the admission plugins to an object about to be created.
pub fn admit(store: &Store, obj: &mut Object) {
    match obj {
        Object::Pod(pod) => default_tolerations(pod),
        Object::PersistentVolumeClaim(pvc) => {
            if let Some(spec) = pvc.spec.as_mut() {
                if spec.storage_class_name.is_none() {
                    spec.storage_class_name = default_class(store);
                }
            }
            add_finalizer(obj, PVC_PROTECTION);
        }
        Object::PersistentVolume(_) => add_finalizer(obj, PV_PROTECTION),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::PodSpec;

    #[test]
    fn every_pod_tolerates_not_ready_and_unreachable_for_300s() {
        let mut pod = Pod {
            spec: Some(PodSpec::default()),
            ..Default::default()
        };
        default_tolerations(&mut pod);
        let t = pod.spec.unwrap().tolerations.unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].key.as_deref(), Some(TAINT_NOT_READY));
        assert_eq!(t[1].key.as_deref(), Some(TAINT_UNREACHABLE));
        assert!(t
            .iter()
            .all(|t| t.toleration_seconds == Some(300) && t.operator.as_deref() == Some("Exists")));
    }

    #[test]
    fn existing_tolerations_for_the_taints_are_kept_as_they_are() {
        // A DaemonSet pod tolerates both forever: nothing is added (fact 14).
        let forever = |key: &str| Toleration {
            key: Some(key.into()),
            operator: Some("Exists".into()),
            effect: Some("NoExecute".into()),
            ..Default::default()
        };
        let mut pod = Pod {
            spec: Some(PodSpec {
                tolerations: Some(vec![forever(TAINT_NOT_READY), forever(TAINT_UNREACHABLE)]),
                ..Default::default()
            }),
            ..Default::default()
        };
        default_tolerations(&mut pod);
        assert_eq!(pod.spec.unwrap().tolerations.unwrap().len(), 2);
        // An empty key with Exists tolerates every taint.
        let mut pod = Pod {
            spec: Some(PodSpec {
                tolerations: Some(vec![Toleration {
                    operator: Some("Exists".into()),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        };
        default_tolerations(&mut pod);
        assert_eq!(pod.spec.unwrap().tolerations.unwrap().len(), 1);
    }
}
