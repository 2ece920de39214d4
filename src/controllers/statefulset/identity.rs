//! A StatefulSet pod's identity: its name `<set>-<ordinal>`, hostname and subdomain, the
//! labels that name it, and the pod built from a template (k/k `stateful_set_utils.go`
//! `getParentNameAndOrdinal`, `getPodName`, `initIdentity`/`updateIdentity`,
//! `identityMatches`, `newStatefulSetPod`, `setPodRevision`; `controller.GetPodFromTemplate`;
//! facts 47–49, T5).

use super::storage;
use crate::api::Object;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{PersistentVolumeClaimVolumeSource, Pod, PodTemplateSpec, Volume};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// `apps.StatefulSetPodNameLabel`.
pub const LABEL_POD_NAME: &str = "statefulset.kubernetes.io/pod-name";
/// `apps.PodIndexLabel` (GA in 1.32, fact 4).
pub const LABEL_POD_INDEX: &str = "apps.kubernetes.io/pod-index";
/// `apps.StatefulSetRevisionLabel`: holds the full revision name `<set>-<hash>` (T5).
pub const LABEL_REVISION: &str = "controller-revision-hash";

/// `getParentNameAndOrdinal` with the regex `(.*)-([0-9]+)$`: the text before the last `-`
/// and the digits after it. `None` when the name does not match; ordinal −1 when the digits
/// do not fit an int32 (`strconv.ParseInt(…, 10, 32)` fails).
pub fn parent_and_ordinal(name: &str) -> Option<(&str, i32)> {
    let dash = name.rfind('-')?;
    let digits = &name[dash + 1..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((&name[..dash], digits.parse::<i32>().unwrap_or(-1)))
}

/// `getPodName`.
pub fn pod_name(set: &str, ordinal: i32) -> String {
    format!("{set}-{ordinal}")
}

/// `isMemberOf`: the name's parent is the set.
pub fn is_member(set: &str, pod: &str) -> bool {
    parent_and_ordinal(pod).is_some_and(|(parent, _)| parent == set)
}

/// `identityMatches`.
pub fn identity_matches(set: &Object, pod: &Object) -> bool {
    parent_and_ordinal(pod.name())
        .is_some_and(|(parent, ordinal)| identity_matches_parsed(set, pod, parent, ordinal))
}

/// `identityMatches` for a pod whose name is already parsed: the name is exactly
/// `getPodName` (no leading zeros), in the set's namespace, with the pod-name label.
pub fn identity_matches_parsed(set: &Object, pod: &Object, parent: &str, ordinal: i32) -> bool {
    identity_matches_named(set.name(), set.namespace(), pod, parent, ordinal)
}

pub fn identity_matches_named(
    set: &str,
    namespace: &str,
    pod: &Object,
    parent: &str,
    ordinal: i32,
) -> bool {
    let digits = &pod.name()[parent.len() + 1..];
    ordinal >= 0
        && parent == set
        && (digits == "0" || !digits.starts_with('0'))
        && pod.namespace() == namespace
        && pod.labels().get(LABEL_POD_NAME).map(String::as_str) == Some(pod.name())
}

/// `updateIdentity`'s labels: the pod-name and pod-index labels.
pub fn set_identity_labels(meta: &mut ObjectMeta, ordinal: i32) {
    let name = meta.name.clone().unwrap_or_default();
    let labels = meta.labels.get_or_insert_with(Default::default);
    labels.insert(LABEL_POD_NAME.into(), name);
    labels.insert(LABEL_POD_INDEX.into(), ordinal.to_string());
}

/// The pod for `ordinal` built from `template` at `revision` (`newVersionedStatefulSetPod`):
/// the template's labels, annotations, finalizers and spec; `generateName: <set>-` as
/// `GetPodFromTemplate` leaves it; a controller reference; the identity labels, hostname
/// and subdomain; one volume per claim template pointing at its PVC (replacing a
/// same-named template volume); and `controller-revision-hash`.
pub fn new_pod(set_obj: &Object, template: &PodTemplateSpec, ordinal: i32, revision: &str) -> Pod {
    let set = set_obj.stateful_set().expect("a StatefulSet");
    let tmeta = template.metadata.clone().unwrap_or_default();
    let name = pod_name(set_obj.name(), ordinal);
    let mut meta = ObjectMeta {
        name: Some(name.clone()),
        generate_name: Some(format!("{}-", set_obj.name())),
        namespace: Some(set_obj.namespace().to_string()),
        labels: Some(tmeta.labels.unwrap_or_default()),
        annotations: tmeta.annotations,
        finalizers: tmeta.finalizers,
        owner_references: Some(vec![set_obj.controller_ref_to()]),
        ..Default::default()
    };
    set_identity_labels(&mut meta, ordinal);
    meta.labels
        .get_or_insert_with(Default::default)
        .insert(LABEL_REVISION.into(), revision.to_string());
    let mut spec = template.spec.clone().unwrap_or_default();
    spec.hostname = Some(name);
    let service = set
        .spec
        .as_ref()
        .map(|s| s.service_name.clone())
        .unwrap_or_default();
    spec.subdomain = (!service.is_empty()).then_some(service);
    spec.volumes = with_claim_volumes(set, set_obj.name(), ordinal, spec.volumes.take());
    Pod {
        metadata: meta,
        spec: Some(spec),
        status: None,
    }
}

/// `updateStorage`: the claim volumes first (in template order), then the template's other
/// volumes.
fn with_claim_volumes(
    set: &StatefulSet,
    set_name: &str,
    ordinal: i32,
    current: Option<Vec<Volume>>,
) -> Option<Vec<Volume>> {
    let templates = storage::templates(set);
    if templates.is_empty() {
        return current;
    }
    let mut volumes: Vec<Volume> = templates
        .iter()
        .map(|t| {
            let tname = t.metadata.name.clone().unwrap_or_default();
            Volume {
                name: tname.clone(),
                persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                    claim_name: storage::claim_name(&tname, set_name, ordinal),
                    read_only: None,
                }),
                ..Default::default()
            }
        })
        .collect();
    for v in current.into_iter().flatten() {
        if !templates
            .iter()
            .any(|t| t.metadata.name.as_deref() == Some(v.name.as_str()))
        {
            volumes.push(v);
        }
    }
    Some(volumes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_parse_with_the_controllers_regex_fact_47() {
        assert_eq!(parent_and_ordinal("web-0"), Some(("web", 0)));
        assert_eq!(parent_and_ordinal("my-web-12"), Some(("my-web", 12)));
        assert_eq!(parent_and_ordinal("web-007"), Some(("web", 7)));
        assert_eq!(parent_and_ordinal("web"), None);
        assert_eq!(parent_and_ordinal("web-"), None);
        assert_eq!(parent_and_ordinal("web-1a"), None);
        // Digits that overflow int32 still name the parent, with ordinal -1 (ignored).
        assert_eq!(parent_and_ordinal("web-99999999999"), Some(("web", -1)));
        assert!(is_member("web", "web-3"));
        assert!(!is_member("web", "web-x-3"));
    }
}
