//! A StatefulSet's PersistentVolumeClaims: one per claim template and ordinal, named
//! `<template>-<set>-<ordinal>`, created before the pod, reused when they exist, and owned
//! per the retention policy (k/k `stateful_pod_control.go` `createPersistentVolumeClaims`,
//! `PodClaimIsStale`, `ClaimsMatchRetentionPolicy`, `UpdatePodClaimForRetentionPolicy`;
//! `stateful_set_utils.go` `getPersistentVolumeClaims`, `isClaimOwnerUpToDate`,
//! `updateClaimOwnerRefForSetAndPod`; facts 49, 50, 66–68, T12).

use super::decide::ClaimCheck;
use super::NAME;
use crate::api::{Kind, ObjKey, Object};
use crate::store::ApiError;
use crate::world::World;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

/// `getPersistentVolumeClaimName` (T12: not `<set>-<ordinal>`).
pub fn claim_name(template: &str, set: &str, ordinal: i32) -> String {
    format!("{template}-{set}-{ordinal}")
}

pub fn templates(set: &StatefulSet) -> &[PersistentVolumeClaim] {
    set.spec
        .as_ref()
        .and_then(|s| s.volume_claim_templates.as_deref())
        .unwrap_or(&[])
}

/// `persistentVolumeClaimRetentionPolicy`: whether `whenScaled` / `whenDeleted` is Delete
/// (an absent policy is Retain/Retain).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    pub when_scaled_delete: bool,
    pub when_deleted_delete: bool,
}

pub fn policy(set: &StatefulSet) -> Policy {
    let p = set
        .spec
        .as_ref()
        .and_then(|s| s.persistent_volume_claim_retention_policy.as_ref());
    let delete = |v: Option<&String>| v.map(String::as_str) == Some("Delete");
    Policy {
        when_scaled_delete: delete(p.and_then(|p| p.when_scaled.as_ref())),
        when_deleted_delete: delete(p.and_then(|p| p.when_deleted.as_ref())),
    }
}

/// The claim for `ordinal` from `template` (`getPersistentVolumeClaims`): the template with
/// the per-pod name, the set's namespace, and its labels overwritten by the selector's
/// matchLabels (fact 49).
pub fn new_claim(
    set_obj: &Object,
    template: &PersistentVolumeClaim,
    ordinal: i32,
) -> PersistentVolumeClaim {
    let set = set_obj.stateful_set().expect("a StatefulSet");
    let tname = template.metadata.name.clone().unwrap_or_default();
    let match_labels = set
        .spec
        .as_ref()
        .and_then(|s| s.selector.match_labels.clone());
    let labels = match template.metadata.labels.clone() {
        Some(mut l) => {
            l.extend(match_labels.unwrap_or_default());
            Some(l)
        }
        None => match_labels,
    };
    PersistentVolumeClaim {
        metadata: ObjectMeta {
            name: Some(claim_name(&tname, set_obj.name(), ordinal)),
            namespace: Some(set_obj.namespace().to_string()),
            labels,
            annotations: template.metadata.annotations.clone(),
            finalizers: template.metadata.finalizers.clone(),
            ..Default::default()
        },
        spec: template.spec.clone(),
        status: None,
    }
}

/// The pod a claim's ownership is judged against: its name and uid (empty for a pod not
/// created yet).
#[derive(Clone, Copy, Debug)]
pub struct PodRef<'a> {
    pub name: &'a str,
    pub uid: &'a str,
}

const SET_API: &str = "apps/v1";
const POD_API: &str = "v1";

/// `matchesRef`: same group/version, kind and name (the uid may differ).
fn matches_ref(r: &OwnerReference, api: &str, kind: &str, name: &str) -> bool {
    r.api_version == api && r.kind == kind && r.name == name
}

fn has_owner_ref(claim: &PersistentVolumeClaim, uid: &str) -> bool {
    !uid.is_empty()
        && claim
            .metadata
            .owner_references
            .iter()
            .flatten()
            .any(|r| r.uid == uid)
}

/// `hasStaleOwnerRef`: the first reference naming this object carries another uid.
fn has_stale_ref(
    claim: &PersistentVolumeClaim,
    api: &str,
    kind: &str,
    name: &str,
    uid: &str,
) -> bool {
    claim
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|r| matches_ref(r, api, kind, name))
        .is_some_and(|r| r.uid != uid)
}

struct Owners<'a> {
    set: &'a Object,
    pod: PodRef<'a>,
    policy: Policy,
    in_range: bool,
}

impl Owners<'_> {
    /// `hasUnexpectedController`.
    fn unexpected_controller(&self, claim: &PersistentVolumeClaim) -> bool {
        if !self.policy.when_scaled_delete && !self.policy.when_deleted_delete {
            return false;
        }
        for r in claim.metadata.owner_references.iter().flatten() {
            if matches_ref(r, SET_API, "StatefulSet", self.set.name()) {
                if r.uid != self.set.uid() {
                    return true;
                }
                continue;
            }
            if matches_ref(r, POD_API, "Pod", self.pod.name) {
                if r.uid != self.pod.uid {
                    return true;
                }
                continue;
            }
            if r.controller == Some(true) {
                return true;
            }
        }
        false
    }

    /// `hasNonControllerOwner`.
    fn non_controller_owner(&self, claim: &PersistentVolumeClaim) -> bool {
        claim.metadata.owner_references.iter().flatten().any(|r| {
            (r.uid == self.set.uid() || (!self.pod.uid.is_empty() && r.uid == self.pod.uid))
                && r.controller != Some(true)
        })
    }

    /// `isClaimOwnerUpToDate` (the table of fact 67).
    fn up_to_date(&self, claim: &PersistentVolumeClaim) -> bool {
        if has_stale_ref(
            claim,
            SET_API,
            "StatefulSet",
            self.set.name(),
            self.set.uid(),
        ) || has_stale_ref(claim, POD_API, "Pod", self.pod.name, self.pod.uid)
        {
            return true;
        }
        let set_ref = has_owner_ref(claim, self.set.uid());
        let pod_ref = has_owner_ref(claim, self.pod.uid);
        if self.unexpected_controller(claim) {
            return !(set_ref || pod_ref);
        }
        if self.non_controller_owner(claim) {
            return false;
        }
        let scaled_down = !self.in_range;
        match (
            self.policy.when_scaled_delete,
            self.policy.when_deleted_delete,
        ) {
            (false, false) => !set_ref && !pod_ref,
            (false, true) => set_ref && !pod_ref,
            (true, false) => !set_ref && scaled_down == pod_ref,
            (true, true) => scaled_down != set_ref && scaled_down == pod_ref,
        }
    }

    /// `updateClaimOwnerRefForSetAndPod`: scrub our references, then add the controller
    /// reference the policy wants.
    fn updated_refs(&self, claim: &PersistentVolumeClaim) -> Option<Vec<OwnerReference>> {
        let unexpected = self.unexpected_controller(claim);
        let mut refs: Vec<OwnerReference> = claim
            .metadata
            .owner_references
            .iter()
            .flatten()
            .filter(|r| {
                !matches_ref(r, SET_API, "StatefulSet", self.set.name())
                    && !matches_ref(r, POD_API, "Pod", self.pod.name)
            })
            .cloned()
            .collect();
        if !unexpected {
            let scaled_down = !self.in_range;
            let (pol, set_ref) = (self.policy, self.set.controller_ref_to());
            let pod_ref = OwnerReference {
                api_version: POD_API.into(),
                kind: "Pod".into(),
                name: self.pod.name.to_string(),
                uid: self.pod.uid.to_string(),
                controller: Some(true),
                block_owner_deletion: Some(true),
            };
            match (pol.when_scaled_delete, pol.when_deleted_delete) {
                (false, false) => {}
                (false, true) => add_controller_ref(&mut refs, set_ref),
                (true, false) => {
                    if scaled_down {
                        add_controller_ref(&mut refs, pod_ref);
                    }
                }
                (true, true) => {
                    if scaled_down {
                        add_controller_ref(&mut refs, pod_ref);
                    } else {
                        add_controller_ref(&mut refs, set_ref);
                    }
                }
            }
        }
        (!refs.is_empty()).then_some(refs)
    }
}

fn add_controller_ref(refs: &mut Vec<OwnerReference>, owner: OwnerReference) {
    if !owner.uid.is_empty() && !refs.iter().any(|r| r.uid == owner.uid) {
        refs.push(owner);
    }
}

fn claim_key(set: &Object, template: &PersistentVolumeClaim, ordinal: i32) -> ObjKey {
    let tname = template.metadata.name.as_deref().unwrap_or("");
    ObjKey::new(
        Kind::PersistentVolumeClaim,
        set.namespace(),
        &claim_name(tname, set.name(), ordinal),
    )
}

/// Everything the sync needs to know about `ordinal`'s claims, for the pod `pod` (`None`
/// when the pod is still to be created).
pub fn check(
    world: &World,
    set_obj: &Object,
    ordinal: i32,
    pod: PodRef,
    in_range: bool,
) -> ClaimCheck {
    let set = set_obj.stateful_set().expect("a StatefulSet");
    let templates = templates(set);
    let mut out = ClaimCheck::ok();
    if templates.is_empty() {
        return out;
    }
    let owners = Owners {
        set: set_obj,
        pod,
        policy: policy(set),
        in_range,
    };
    for t in templates {
        let key = claim_key(set_obj, t, ordinal);
        let Some(obj) = world.store.get(&key) else {
            out.missing = true;
            continue;
        };
        let Some(claim) = obj.pvc() else { continue };
        if obj.is_deleting() {
            out.deleting
                .push(format!("pvc {} is being deleted", key.name));
        }
        if owners.policy.when_scaled_delete
            && has_stale_ref(claim, POD_API, "Pod", pod.name, pod.uid)
        {
            out.stale = true;
        }
        if !owners.up_to_date(claim) {
            out.retention_ok = false;
        }
    }
    out
}

/// `createPersistentVolumeClaims`: creates the missing claims (each with a
/// `SuccessfulCreate` "create Claim … success" event) and reports the claims being deleted.
/// Returns the errors, as `pvc <name> is being deleted` or `failed to create PVC …`.
pub fn create_claims(
    world: &mut World,
    set_obj: &Object,
    ordinal: i32,
    pod_name: &str,
) -> Vec<String> {
    let set = set_obj.stateful_set().expect("a StatefulSet");
    let mut errors = Vec::new();
    for t in templates(set) {
        let key = claim_key(set_obj, t, ordinal);
        match world.store.get(&key) {
            Some(existing) => {
                // Reused as it is: size and access modes are not reconciled (fact 50).
                if existing.is_deleting() {
                    errors.push(format!("pvc {} is being deleted", key.name));
                }
            }
            None => {
                let claim = new_claim(set_obj, t, ordinal);
                match world.create(Object::PersistentVolumeClaim(claim)) {
                    Ok(_) => world.record_event(
                        set_obj,
                        "Normal",
                        "SuccessfulCreate",
                        format!(
                            "create Claim {} Pod {pod_name} in StatefulSet {} success",
                            key.name,
                            set_obj.name()
                        ),
                        NAME,
                    ),
                    Err(ApiError::AlreadyExists { .. }) => {}
                    Err(e) => {
                        let msg = super::api_message(&e);
                        errors.push(format!("failed to create PVC {}: {msg}", key.name));
                        world.record_event(
                            set_obj,
                            "Warning",
                            "FailedCreate",
                            format!(
                                "create Claim {} for Pod {pod_name} in StatefulSet {} failed error: {msg}",
                                key.name,
                                set_obj.name()
                            ),
                            NAME,
                        );
                    }
                }
            }
        }
    }
    errors
}

/// `UpdatePodClaimForRetentionPolicy`: brings each existing claim's ownerReferences in line
/// with the policy (a `ConflictingController` warning when someone else controls it).
pub fn update_retention(
    world: &mut World,
    set_obj: &Object,
    ordinal: i32,
    pod: PodRef,
    in_range: bool,
) {
    let set = set_obj.stateful_set().expect("a StatefulSet");
    let owners = Owners {
        set: set_obj,
        pod,
        policy: policy(set),
        in_range,
    };
    let now = world.now;
    for t in templates(set) {
        let key = claim_key(set_obj, t, ordinal);
        let Some(obj) = world.store.get(&key).cloned() else {
            continue;
        };
        let Some(claim) = obj.pvc() else { continue };
        if owners.unexpected_controller(claim) {
            world.record_event(
                set_obj,
                "Warning",
                "ConflictingController",
                format!(
                    "PersistentVolumeClaim {} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim",
                    key.name
                ),
                NAME,
            );
        }
        if owners.up_to_date(claim) {
            continue;
        }
        let refs = owners.updated_refs(claim);
        let _ = world.store.modify(&key, now, |o| {
            o.meta_mut().owner_references = refs;
        });
    }
}
