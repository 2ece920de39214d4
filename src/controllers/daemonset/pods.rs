//! The DaemonSet's pods: which pods it owns (`ClaimPods`), how a new one is built
//! (`util.CreatePodTemplate`, `controller.GetPodFromTemplate`,
//! `util.ReplaceDaemonSetPodNodeNameNodeAffinity`; facts 19–21) and how creates and deletes
//! are sent and reported (`RealPodControl`; fact 23).

use super::decide::{add_daemon_tolerations, LABEL_HASH, LABEL_TEMPLATE_GENERATION};
use super::NAME;
use crate::api::selector::Selector;
use crate::api::{Kind, Object};
use crate::store::{ApiError, DeleteOptions};
use crate::world::World;
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{
    Affinity, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::sync::Arc;

/// The DaemonSet's selector; `None` when it cannot be parsed (the controller then does
/// nothing with pods, as Kubernetes errors out of the sync).
pub fn selector(ds: &DaemonSet) -> Option<Selector> {
    Selector::from_label_selector(&ds.spec.as_ref()?.selector).ok()
}

/// The pods among the DaemonSet's dependents (from the owner index, never a scan of all
/// pods) whose controller reference names it.
pub fn owned_pods(ds_obj: &Object, dependents: &[Arc<Object>]) -> Vec<Arc<Object>> {
    let uid = ds_obj.uid();
    dependents
        .iter()
        .filter(|o| o.kind() == Kind::Pod)
        .filter(|o| o.controller_ref().is_some_and(|r| r.uid == uid))
        .cloned()
        .collect()
}

/// `ClaimPods` for the pods the DaemonSet owns: those whose labels no longer match the
/// selector are released (their controller reference removed). Returns the kept pods.
pub fn claim_owned(
    world: &mut World,
    ds_obj: &Object,
    sel: &Selector,
    owned: Vec<Arc<Object>>,
) -> Vec<Arc<Object>> {
    let now = world.now;
    let uid = ds_obj.uid().to_string();
    let mut kept = Vec::new();
    for pod in owned {
        if sel.matches(pod.labels()) {
            kept.push(pod);
            continue;
        }
        let _ = world.store.modify(&pod.key(), now, |o| {
            let refs = o.meta_mut().owner_references.get_or_insert_with(Vec::new);
            refs.retain(|r| r.uid != uid);
            if refs.is_empty() {
                o.meta_mut().owner_references = None;
            }
        });
    }
    kept
}

/// `ClaimPods` for an orphan: a live pod in the DaemonSet's namespace whose labels match
/// is adopted (a controller reference added). Returns whether it was.
pub fn adopt(world: &mut World, ds_obj: &Object, sel: &Selector, pod: &Object) -> bool {
    let eligible = pod.kind() == Kind::Pod
        && pod.controller_ref().is_none()
        && !pod.is_deleting()
        && pod.namespace() == ds_obj.namespace()
        && sel.matches(pod.labels());
    if !eligible {
        return false;
    }
    let owner = ds_obj.controller_ref_to();
    let now = world.now;
    world
        .store
        .modify(&pod.key(), now, |o| {
            o.meta_mut()
                .owner_references
                .get_or_insert_with(Vec::new)
                .push(owner);
        })
        .unwrap_or(false)
}

/// The pod the DaemonSet creates for `node` (facts 19–21): template labels plus
/// `pod-template-generation` and the bare `controller-revision-hash`, the template's
/// annotations and finalizers, `generateName: <ds>-`, a controller reference, the automatic
/// tolerations, and required node affinity replaced by `matchFields metadata.name In
/// [node]`. `spec.nodeName` stays empty: the scheduler binds it.
pub fn new_pod(ds_obj: &Object, generation: Option<i64>, hash: &str, node: &str) -> Pod {
    let ds = ds_obj.daemon_set().expect("a DaemonSet");
    let template = ds
        .spec
        .as_ref()
        .map(|s| s.template.clone())
        .unwrap_or_default();
    let tmeta = template.metadata.unwrap_or_default();
    let mut spec = template.spec.unwrap_or_default();
    add_daemon_tolerations(&mut spec);
    spec.affinity = Some(pin_to_node(spec.affinity.take(), node));
    let mut labels = tmeta.labels.unwrap_or_default();
    if let Some(g) = generation {
        labels.insert(LABEL_TEMPLATE_GENERATION.into(), g.to_string());
    }
    if !hash.is_empty() {
        labels.insert(LABEL_HASH.into(), hash.into());
    }
    Pod {
        metadata: ObjectMeta {
            generate_name: Some(format!("{}-", ds_obj.name())),
            namespace: Some(ds_obj.namespace().to_string()),
            labels: Some(labels),
            annotations: tmeta.annotations,
            finalizers: tmeta.finalizers,
            owner_references: Some(vec![ds_obj.controller_ref_to()]),
            ..Default::default()
        },
        spec: Some(spec),
        status: None,
    }
}

/// `ReplaceDaemonSetPodNodeNameNodeAffinity`: required terms become exactly one
/// `matchFields` term for the node; preferred terms and other affinities are kept (fact 20).
pub fn pin_to_node(affinity: Option<Affinity>, node: &str) -> Affinity {
    let term = NodeSelectorTerm {
        match_expressions: None,
        match_fields: Some(vec![NodeSelectorRequirement {
            key: "metadata.name".into(),
            operator: "In".into(),
            values: Some(vec![node.to_string()]),
        }]),
    };
    let mut affinity = affinity.unwrap_or_default();
    let na = affinity
        .node_affinity
        .get_or_insert_with(NodeAffinity::default);
    na.required_during_scheduling_ignored_during_execution = Some(NodeSelector {
        node_selector_terms: vec![term],
    });
    affinity
}

/// The error text an API client sees (Go's `err.Error()`), as events quote it.
fn client_error_text(e: &ApiError) -> String {
    match e {
        ApiError::NotFound { kind, name } => {
            format!("{} \"{name}\" not found", kind.plural_qualified())
        }
        ApiError::AlreadyExists { kind, name } => {
            format!("{} \"{name}\" already exists", kind.plural_qualified())
        }
        ApiError::Invalid { kind, name, causes } => {
            format!(
                "{} \"{name}\" is invalid: {}",
                kind.name(),
                causes.join(", ")
            )
        }
        ApiError::Other { message, .. } => message.clone(),
    }
}

/// `RealPodControl.CreatePods`: create, and say so on the DaemonSet (fact 23).
pub fn create(world: &mut World, ds_obj: &Object, pod: Pod) -> bool {
    match world.create(Object::Pod(pod)) {
        Ok(created) => {
            let message = format!("Created pod: {}", created.name());
            world.record_event(ds_obj, "Normal", "SuccessfulCreate", message, NAME);
            true
        }
        Err(e) => {
            let message = format!("Error creating: {}", client_error_text(&e));
            world.record_event(ds_obj, "Warning", "FailedCreate", message, NAME);
            false
        }
    }
}

/// `RealPodControl.DeletePod` with the pod's own grace period; a pod already gone is no
/// event (fact 23).
pub fn delete(world: &mut World, ds_obj: &Object, name: &str) -> bool {
    let key = crate::api::ObjKey::new(Kind::Pod, ds_obj.namespace(), name);
    let now = world.now;
    match world.store.delete(&key, &DeleteOptions::default(), now) {
        Ok(_) => {
            let message = format!("Deleted pod: {name}");
            world.record_event(ds_obj, "Normal", "SuccessfulDelete", message, NAME);
            true
        }
        Err(ApiError::NotFound { .. }) => false,
        Err(e) => {
            let message = format!("Error deleting: {}", client_error_text(&e));
            world.record_event(ds_obj, "Warning", "FailedDelete", message, NAME);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{PreferredSchedulingTerm, WeightedPodAffinityTerm};

    #[test]
    fn pinning_replaces_required_terms_and_keeps_preferred_ones_fact_20() {
        let user = Affinity {
            node_affinity: Some(NodeAffinity {
                required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                    node_selector_terms: vec![NodeSelectorTerm {
                        match_expressions: Some(vec![NodeSelectorRequirement {
                            key: "disk".into(),
                            operator: "In".into(),
                            values: Some(vec!["ssd".into()]),
                        }]),
                        match_fields: None,
                    }],
                }),
                preferred_during_scheduling_ignored_during_execution: Some(vec![
                    PreferredSchedulingTerm {
                        weight: 1,
                        preference: NodeSelectorTerm::default(),
                    },
                ]),
            }),
            pod_anti_affinity: Some(k8s_openapi::api::core::v1::PodAntiAffinity {
                preferred_during_scheduling_ignored_during_execution: Some(vec![
                    WeightedPodAffinityTerm {
                        weight: 5,
                        pod_affinity_term: Default::default(),
                    },
                ]),
                ..Default::default()
            }),
            ..Default::default()
        };
        let a = pin_to_node(Some(user), "node-2");
        let na = a.node_affinity.as_ref().unwrap();
        let terms = &na
            .required_during_scheduling_ignored_during_execution
            .as_ref()
            .unwrap()
            .node_selector_terms;
        assert_eq!(terms.len(), 1);
        assert!(terms[0].match_expressions.is_none());
        let f = &terms[0].match_fields.as_ref().unwrap()[0];
        assert_eq!(
            (f.key.as_str(), f.operator.as_str()),
            ("metadata.name", "In")
        );
        assert_eq!(f.values.as_deref(), Some(&["node-2".to_string()][..]));
        assert!(na
            .preferred_during_scheduling_ignored_during_execution
            .is_some());
        assert!(a.pod_anti_affinity.is_some());
        let fresh = pin_to_node(None, "node-1");
        assert!(fresh.node_affinity.is_some() && fresh.pod_affinity.is_none());
    }
}
