//! The persistent-volume controller (kube-controller-manager's binder and protection
//! controllers) and klab's provisioner for `klab.dev/simulated` (the default StorageClass
//! `standard`). A claim binds to the smallest Available PV of its class that fits (size,
//! access modes, selector), else gets a dynamically provisioned `pvc-<claim uid>` of the
//! requested size; a claim in use by a pod stays Terminating until the pod is gone
//! (`kubernetes.io/pvc-protection`), a bound PV until its claim is gone
//! (`kubernetes.io/pv-protection`). A released PV is deleted (reclaim `Delete`, its data
//! gone) or kept `Released` with its old claimRef (`Retain`, it does not rebind; fact 74).

use super::Controller;
use crate::api::{quantity, Kind, ObjKey, Object};
use crate::bootstrap::PROVISIONER;
use crate::runtime::TreeId;
use crate::store::{DeleteOptions, Store, WatchEvent, WatchType};
use crate::world::World;
use k8s_openapi::api::core::v1::{
    CSIPersistentVolumeSource, ObjectReference, PersistentVolume, PersistentVolumeClaim,
    PersistentVolumeClaimStatus, PersistentVolumeSpec, PersistentVolumeStatus, Pod,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use std::collections::BTreeMap;
use std::sync::Arc;

pub const NAME: &str = "persistentvolume-controller";
pub const PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
pub const PV_PROTECTION: &str = "kubernetes.io/pv-protection";
const ANN_BIND_COMPLETED: &str = "pv.kubernetes.io/bind-completed";
const ANN_BOUND_BY_CONTROLLER: &str = "pv.kubernetes.io/bound-by-controller";
const ANN_PROVISIONED_BY: &str = "pv.kubernetes.io/provisioned-by";
const ANN_STORAGE_PROVISIONER: &str = "volume.kubernetes.io/storage-provisioner";
const ANN_BETA_STORAGE_PROVISIONER: &str = "volume.beta.kubernetes.io/storage-provisioner";
const ANN_DEFAULT_CLASS: &str = "storageclass.kubernetes.io/is-default-class";

pub struct VolumeController;

fn phase_of_pvc(pvc: &PersistentVolumeClaim) -> &str {
    pvc.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Pending")
}

fn phase_of_pv(pv: &PersistentVolume) -> &str {
    pv.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Pending")
}

fn has_finalizer(obj: &Object, f: &str) -> bool {
    obj.meta().finalizers.iter().flatten().any(|x| x == f)
}

fn stamp(world: &World) -> Time {
    Time(world.now.truncate_to_secs().to_chrono())
}

/// The default StorageClass's name, if one is marked default.
pub fn default_class(store: &Store) -> Option<String> {
    store
        .list(Kind::StorageClass, None)
        .filter(|sc| {
            sc.meta()
                .annotations
                .as_ref()
                .and_then(|a| a.get(ANN_DEFAULT_CLASS))
                .is_some_and(|v| v == "true")
        })
        .map(|sc| sc.name().to_string())
        .last()
}

/// The PVCs a pod's volumes name.
pub fn pod_claims(pod: &Pod) -> Vec<String> {
    pod.spec
        .iter()
        .flat_map(|s| s.volumes.iter().flatten())
        .filter_map(|v| {
            v.persistent_volume_claim
                .as_ref()
                .map(|c| c.claim_name.clone())
        })
        .collect()
}

fn binding_mode(store: &Store, class: &str) -> String {
    store
        .get_named(Kind::StorageClass, "", class)
        .and_then(|sc| sc.storage_class()?.volume_binding_mode.clone())
        .unwrap_or_else(|| "Immediate".into())
}

/// Why the scheduler cannot place a pod because of its claims (kube-scheduler's
/// VolumeBinding PreFilter), or `None`.
pub fn unschedulable_reason(store: &Store, pod: &Pod) -> Option<String> {
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let mut unbound_immediate = false;
    for claim in pod_claims(pod) {
        let Some(obj) = store.get_named(Kind::PersistentVolumeClaim, ns, &claim) else {
            return Some(format!("persistentvolumeclaim \"{claim}\" not found"));
        };
        if obj.is_deleting() {
            return Some(format!(
                "persistentvolumeclaim \"{claim}\" is being deleted"
            ));
        }
        let pvc = obj.pvc()?;
        let bound = pvc
            .spec
            .as_ref()
            .and_then(|s| s.volume_name.as_deref())
            .is_some_and(|v| !v.is_empty())
            && phase_of_pvc(pvc) == "Bound";
        if !bound {
            let class = pvc
                .spec
                .as_ref()
                .and_then(|s| s.storage_class_name.clone())
                .unwrap_or_default();
            if class.is_empty() || binding_mode(store, &class) != "WaitForFirstConsumer" {
                unbound_immediate = true;
            }
        }
    }
    unbound_immediate.then(|| "pod has unbound immediate PersistentVolumeClaims".into())
}

/// Whether every claim a pod mounts is bound (the kubelet mounts volumes before starting
/// containers).
pub fn claims_bound(store: &Store, pod: &Pod) -> bool {
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    pod_claims(pod).iter().all(|c| {
        store
            .get_named(Kind::PersistentVolumeClaim, ns, c)
            .and_then(|o| o.pvc().map(|p| phase_of_pvc(p) == "Bound"))
            .unwrap_or(false)
    })
}

/// The storage a claim requests, in bytes, and as written.
fn request(pvc: &PersistentVolumeClaim) -> (i128, String) {
    let q = pvc
        .spec
        .as_ref()
        .and_then(|s| s.resources.as_ref())
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("storage"));
    match q {
        Some(q) => (
            quantity::parse(&q.0).map(|v| v.value()).unwrap_or(0),
            quantity::canonical_str(&q.0),
        ),
        None => (0, "0".into()),
    }
}

fn capacity(pv: &PersistentVolume) -> i128 {
    pv.spec
        .as_ref()
        .and_then(|s| s.capacity.as_ref())
        .and_then(|c| c.get("storage"))
        .and_then(|q| quantity::parse(&q.0).ok())
        .map_or(0, |q| q.value())
}

fn class_of_pv(pv: &PersistentVolume) -> String {
    pv.spec
        .as_ref()
        .and_then(|s| s.storage_class_name.clone())
        .unwrap_or_default()
}

/// Whether a PV can serve a claim: class, access modes, size, volume mode, selector.
fn pv_fits(pv: &PersistentVolume, pvc: &PersistentVolumeClaim) -> bool {
    let ps = pv.spec.clone().unwrap_or_default();
    let cs = pvc.spec.clone().unwrap_or_default();
    if class_of_pv(pv) != cs.storage_class_name.clone().unwrap_or_default() {
        return false;
    }
    let pv_modes = ps.access_modes.unwrap_or_default();
    if !cs
        .access_modes
        .unwrap_or_default()
        .iter()
        .all(|m| pv_modes.contains(m))
    {
        return false;
    }
    if ps.volume_mode.unwrap_or_else(|| "Filesystem".into())
        != cs.volume_mode.unwrap_or_else(|| "Filesystem".into())
    {
        return false;
    }
    if let Some(sel) = &cs.selector {
        let labels = pv.metadata.labels.clone().unwrap_or_default();
        match crate::api::selector::Selector::from_label_selector(sel) {
            Ok(s) if s.matches(&labels) => {}
            _ => return false,
        }
    }
    capacity(pv) >= request(pvc).0
}

/// The PV a claim's reference names, if that PV belongs to this claim instance.
fn claim_ref_matches(pv: &PersistentVolume, pvc: &Object) -> bool {
    pv.spec
        .as_ref()
        .and_then(|s| s.claim_ref.as_ref())
        .is_some_and(|r| {
            r.name.as_deref() == Some(pvc.name())
                && r.namespace.as_deref() == Some(pvc.namespace())
                && r.uid
                    .as_deref()
                    .is_none_or(|u| u.is_empty() || u == pvc.uid())
        })
}

impl Controller for VolumeController {
    fn name(&self) -> &'static str {
        NAME
    }

    fn watch(&mut self, change: &WatchEvent, world: &World, out: &mut Vec<ObjKey>) {
        let obj = &change.object;
        match obj.kind() {
            Kind::PersistentVolumeClaim => {
                out.push(change.key());
                // A claim gone or changed: its volume is released or bound.
                if let Some(v) = obj.pvc().and_then(|p| p.spec.as_ref()?.volume_name.clone()) {
                    out.push(ObjKey::new(Kind::PersistentVolume, "", &v));
                }
                for pv in world.store.list(Kind::PersistentVolume, None) {
                    if pv
                        .pv()
                        .and_then(|p| p.spec.as_ref()?.claim_ref.as_ref())
                        .is_some_and(|r| {
                            r.name.as_deref() == Some(obj.name())
                                && r.namespace.as_deref() == Some(obj.namespace())
                        })
                    {
                        out.push(pv.key());
                    }
                }
            }
            Kind::PersistentVolume => {
                out.push(change.key());
                if let Some(r) = obj.pv().and_then(|p| p.spec.as_ref()?.claim_ref.clone()) {
                    out.push(ObjKey::new(
                        Kind::PersistentVolumeClaim,
                        r.namespace.as_deref().unwrap_or(""),
                        r.name.as_deref().unwrap_or(""),
                    ));
                }
                // A volume became available: pending claims may bind to it.
                if change.kind != WatchType::Deleted
                    && obj.pv().is_some_and(|p| phase_of_pv(p) == "Available")
                {
                    out.extend(pending_claims(&world.store));
                }
            }
            Kind::StorageClass => out.extend(pending_claims(&world.store)),
            Kind::Pod => {
                // A pod gone (or finished) may release a claim being deleted; a scheduled pod
                // is the first consumer a WaitForFirstConsumer claim waits for.
                if let Some(pod) = obj.pod() {
                    let ns = obj.namespace();
                    for c in pod_claims(pod) {
                        out.push(ObjKey::new(Kind::PersistentVolumeClaim, ns, &c));
                    }
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjKey, world: &mut World) {
        match key.kind {
            Kind::PersistentVolumeClaim => sync_claim(key, world),
            Kind::PersistentVolume => sync_volume(key, world),
            _ => {}
        }
    }
}

fn pending_claims(store: &Store) -> Vec<ObjKey> {
    store
        .list(Kind::PersistentVolumeClaim, None)
        .filter(|c| c.pvc().is_some_and(|p| phase_of_pvc(p) == "Pending") && !c.is_deleting())
        .map(|c| c.key())
        .collect()
}

/// Scheduled pods that use the claim (kube-controller-manager's pvc-protection: any pod
/// object bound to a node that names it).
fn claim_in_use(store: &Store, pvc: &Object) -> bool {
    store.list(Kind::Pod, Some(pvc.namespace())).any(|p| {
        p.pod().is_some_and(|pod| {
            pod.spec
                .as_ref()
                .and_then(|s| s.node_name.as_deref())
                .is_some_and(|n| !n.is_empty())
                && pod_claims(pod).iter().any(|c| c == pvc.name())
        })
    })
}

fn claim_has_consumer(store: &Store, pvc: &Object) -> bool {
    store.list(Kind::Pod, Some(pvc.namespace())).any(|p| {
        p.pod().is_some_and(|pod| {
            !p.is_deleting()
                && pod
                    .spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_deref())
                    .is_some_and(|n| !n.is_empty())
                && pod_claims(pod).iter().any(|c| c == pvc.name())
        })
    })
}

fn remove_finalizer(world: &mut World, key: &ObjKey, name: &str) {
    let now = world.now;
    let _ = world.store.modify(key, now, |o| {
        if let Some(f) = o.meta_mut().finalizers.as_mut() {
            f.retain(|x| x != name);
            if f.is_empty() {
                o.meta_mut().finalizers = None;
            }
        }
    });
}

fn sync_claim(key: &ObjKey, world: &mut World) {
    let now = world.now;
    let Some(obj) = world.store.get(key).cloned() else {
        return;
    };
    let Some(pvc) = obj.pvc() else { return };
    if obj.is_deleting() {
        if has_finalizer(&obj, PVC_PROTECTION) && !claim_in_use(&world.store, &obj) {
            remove_finalizer(world, key, PVC_PROTECTION);
        }
        return;
    }
    // What admission does at creation, for claims created past it (and the default class
    // assigned later to claims without one, as 1.28+ does).
    let default = default_class(&world.store);
    let needs_class = pvc
        .spec
        .as_ref()
        .is_some_and(|s| s.storage_class_name.is_none())
        && default.is_some();
    if !has_finalizer(&obj, PVC_PROTECTION) || needs_class {
        let _ = world.store.modify(key, now, |o| {
            if !o
                .meta()
                .finalizers
                .iter()
                .flatten()
                .any(|f| f == PVC_PROTECTION)
            {
                o.meta_mut()
                    .finalizers
                    .get_or_insert_with(Vec::new)
                    .push(PVC_PROTECTION.into());
            }
            if let Some(spec) = o.pvc_mut().and_then(|p| p.spec.as_mut()) {
                if spec.storage_class_name.is_none() {
                    spec.storage_class_name = default.clone();
                }
            }
        });
        return; // the change brings the claim back
    }
    if pvc
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .is_none()
    {
        let _ = world.store.modify(key, now, |o| {
            if let Some(p) = o.pvc_mut() {
                p.status.get_or_insert_with(Default::default).phase = Some("Pending".into());
            }
        });
        return; // the change brings the claim back
    }
    let spec = pvc.spec.clone().unwrap_or_default();
    let bound_to = spec.volume_name.clone().filter(|v| !v.is_empty());
    if let Some(pv_name) = &bound_to {
        match world
            .store
            .get_named(Kind::PersistentVolume, "", pv_name)
            .cloned()
        {
            Some(pv) if pv.pv().is_some_and(|p| claim_ref_matches(p, &obj)) => {
                let pv_key = pv.key();
                complete_binding(world, &pv_key, key, false);
            }
            Some(pv)
                if pv.pv().is_some_and(|p| {
                    p.spec.as_ref().and_then(|s| s.claim_ref.as_ref()).is_none()
                }) =>
            {
                // Pre-bound by the user to an available volume.
                let pv_key = pv.key();
                complete_binding(world, &pv_key, key, false);
            }
            Some(_) if phase_of_pvc(pvc) == "Bound" => set_claim_lost(world, key),
            Some(_) => {
                let msg = format!("volume \"{pv_name}\" already bound to a different claim.");
                world.record_event(&obj, "Warning", "FailedBinding", msg, NAME);
            }
            None if phase_of_pvc(pvc) == "Bound" => set_claim_lost(world, key),
            None => {}
        }
        return;
    }
    // Unbound: a volume pre-bound to this claim, else the best fitting available one.
    let volumes: Vec<Arc<Object>> = world
        .store
        .list(Kind::PersistentVolume, None)
        .cloned()
        .collect();
    let prebound = volumes
        .iter()
        .find(|v| v.pv().is_some_and(|p| claim_ref_matches(p, &obj)) && !v.is_deleting());
    let best = prebound.or_else(|| {
        volumes
            .iter()
            .filter(|v| !v.is_deleting())
            .filter(|v| {
                v.pv().is_some_and(|p| {
                    p.spec.as_ref().is_some_and(|s| s.claim_ref.is_none())
                        && phase_of_pv(p) == "Available"
                })
            })
            .filter(|v| v.pv().is_some_and(|p| pv_fits(p, pvc)))
            .min_by_key(|v| (v.pv().map_or(0, capacity), v.name().to_string()))
    });
    if let Some(pv) = best {
        let pv_key = pv.key();
        bind(world, &pv_key, key);
        return;
    }
    let class = spec.storage_class_name.clone().unwrap_or_default();
    if class.is_empty() {
        let msg = "no persistent volumes available for this claim and no storage class is set"
            .to_string();
        world.record_event(&obj, "Normal", "FailedBinding", msg, NAME);
        return;
    }
    let Some(sc) = world
        .store
        .get_named(Kind::StorageClass, "", &class)
        .cloned()
    else {
        world.record_event(
            &obj,
            "Warning",
            "ProvisioningFailed",
            format!("storageclass.storage.k8s.io \"{class}\" not found"),
            NAME,
        );
        return;
    };
    let sc = sc.storage_class().cloned().unwrap_or_default();
    if sc.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer")
        && !claim_has_consumer(&world.store, &obj)
    {
        world.record_event(
            &obj,
            "Normal",
            "WaitForFirstConsumer",
            "waiting for first consumer to be created before binding".into(),
            NAME,
        );
        return;
    }
    if sc.provisioner != PROVISIONER {
        // Another provisioner would have to act; klab runs only its own.
        let msg = format!(
            "Waiting for a volume to be created either by the external provisioner '{}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
            sc.provisioner
        );
        world.record_event(&obj, "Normal", "ExternalProvisioning", msg, NAME);
        return;
    }
    provision(world, &obj, &sc);
}

/// The simulated provisioner creates `pvc-<claim uid>` of the requested size.
fn provision(world: &mut World, claim: &Object, sc: &k8s_openapi::api::storage::v1::StorageClass) {
    let now = world.now;
    let Some(pvc) = claim.pvc() else { return };
    let key = claim.key();
    // The controller hands the claim to the provisioner (annotations), which reports.
    let _ = world.store.modify(&key, now, |o| {
        let ann = o.meta_mut().annotations.get_or_insert_with(BTreeMap::new);
        ann.insert(ANN_BETA_STORAGE_PROVISIONER.into(), sc.provisioner.clone());
        ann.insert(ANN_STORAGE_PROVISIONER.into(), sc.provisioner.clone());
    });
    let msg = format!(
        "Waiting for a volume to be created either by the external provisioner '{}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
        sc.provisioner
    );
    world.record_event(claim, "Normal", "ExternalProvisioning", msg, NAME);
    let claim_ref = format!("{}/{}", claim.namespace(), claim.name());
    world.record_event(
        claim,
        "Normal",
        "Provisioning",
        format!("External provisioner is provisioning volume for claim \"{claim_ref}\""),
        PROVISIONER,
    );
    let name = format!("pvc-{}", claim.uid());
    let spec = pvc.spec.clone().unwrap_or_default();
    let (_, size) = request(pvc);
    let pv = PersistentVolume {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            annotations: Some(BTreeMap::from([(
                ANN_PROVISIONED_BY.to_string(),
                sc.provisioner.clone(),
            )])),
            finalizers: Some(vec![PV_PROTECTION.into()]),
            ..Default::default()
        },
        spec: Some(PersistentVolumeSpec {
            access_modes: spec.access_modes.clone(),
            capacity: Some(BTreeMap::from([("storage".to_string(), Quantity(size))])),
            claim_ref: Some(ObjectReference {
                api_version: Some("v1".into()),
                kind: Some("PersistentVolumeClaim".into()),
                name: Some(claim.name().into()),
                namespace: Some(claim.namespace().into()),
                uid: Some(claim.uid().into()),
                resource_version: world
                    .store
                    .get(&key)
                    .and_then(|o| o.meta().resource_version.clone()),
                field_path: None,
            }),
            csi: Some(CSIPersistentVolumeSource {
                driver: sc.provisioner.clone(),
                volume_handle: name.clone(),
                fs_type: Some("ext4".into()),
                ..Default::default()
            }),
            mount_options: sc.mount_options.clone(),
            persistent_volume_reclaim_policy: Some(
                sc.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
            ),
            storage_class_name: pvc.spec.as_ref().and_then(|s| s.storage_class_name.clone()),
            volume_mode: Some(
                spec.volume_mode
                    .clone()
                    .unwrap_or_else(|| "Filesystem".into()),
            ),
            ..Default::default()
        }),
        status: Some(PersistentVolumeStatus {
            phase: Some("Pending".into()),
            ..Default::default()
        }),
    };
    match world.create(Object::PersistentVolume(pv)) {
        Ok(created) => {
            let msg = format!("Successfully provisioned volume {name}");
            world.record_event(claim, "Normal", "ProvisioningSucceeded", msg, PROVISIONER);
            let pv_key = created.key();
            set_pv_phase(world, &pv_key, "Bound");
            complete_binding(world, &pv_key, &key, true);
        }
        Err(e) => {
            world.record_event(
                claim,
                "Warning",
                "ProvisioningFailed",
                e.to_string(),
                PROVISIONER,
            );
        }
    }
}

/// The controller binds an available volume to a claim: claimRef on the PV, then the claim.
fn bind(world: &mut World, pv_key: &ObjKey, claim_key: &ObjKey) {
    let now = world.now;
    let Some(claim) = world.store.get(claim_key).cloned() else {
        return;
    };
    let reference = ObjectReference {
        api_version: Some("v1".into()),
        kind: Some("PersistentVolumeClaim".into()),
        name: Some(claim.name().into()),
        namespace: Some(claim.namespace().into()),
        uid: Some(claim.uid().into()),
        resource_version: claim.meta().resource_version.clone(),
        field_path: None,
    };
    let _ = world.store.modify(pv_key, now, |o| {
        let by_controller = o
            .pv()
            .and_then(|p| p.spec.as_ref()?.claim_ref.as_ref())
            .is_none();
        if let Some(spec) = o.pv_mut().and_then(|p| p.spec.as_mut()) {
            spec.claim_ref = Some(reference.clone());
        }
        if by_controller {
            o.meta_mut()
                .annotations
                .get_or_insert_with(BTreeMap::new)
                .insert(ANN_BOUND_BY_CONTROLLER.into(), "yes".into());
        }
    });
    set_pv_phase(world, pv_key, "Bound");
    complete_binding(world, pv_key, claim_key, true);
}

/// The claim side of a binding: volumeName, annotations, status Bound with the volume's
/// capacity and access modes.
fn complete_binding(world: &mut World, pv_key: &ObjKey, claim_key: &ObjKey, by_controller: bool) {
    let now = world.now;
    let Some(pv) = world.store.get(pv_key).and_then(|o| o.pv().cloned()) else {
        return;
    };
    if pv
        .spec
        .as_ref()
        .and_then(|s| s.claim_ref.as_ref())
        .is_none()
    {
        let claim = world.store.get(claim_key).cloned();
        if let Some(claim) = claim {
            let reference = ObjectReference {
                api_version: Some("v1".into()),
                kind: Some("PersistentVolumeClaim".into()),
                name: Some(claim.name().into()),
                namespace: Some(claim.namespace().into()),
                uid: Some(claim.uid().into()),
                resource_version: claim.meta().resource_version.clone(),
                field_path: None,
            };
            let _ = world.store.modify(pv_key, now, |o| {
                if let Some(spec) = o.pv_mut().and_then(|p| p.spec.as_mut()) {
                    spec.claim_ref = Some(reference);
                }
            });
        }
    }
    set_pv_phase(world, pv_key, "Bound");
    let pv_spec = pv.spec.clone().unwrap_or_default();
    let name = pv_key.name.clone();
    let _ = world.store.modify(claim_key, now, |o| {
        let ann = o.meta_mut().annotations.get_or_insert_with(BTreeMap::new);
        ann.insert(ANN_BIND_COMPLETED.into(), "yes".into());
        if by_controller {
            ann.insert(ANN_BOUND_BY_CONTROLLER.into(), "yes".into());
        }
        let Some(pvc) = o.pvc_mut() else { return };
        if let Some(spec) = pvc.spec.as_mut() {
            spec.volume_name = Some(name.clone());
        }
        let status = pvc
            .status
            .get_or_insert_with(PersistentVolumeClaimStatus::default);
        status.phase = Some("Bound".into());
        status.access_modes = pv_spec.access_modes.clone();
        status.capacity = pv_spec.capacity.clone();
    });
}

fn set_claim_lost(world: &mut World, key: &ObjKey) {
    let now = world.now;
    let Some(obj) = world.store.get(key).cloned() else {
        return;
    };
    if obj.pvc().is_some_and(|p| phase_of_pvc(p) == "Lost") {
        return;
    }
    let _ = world.store.modify(key, now, |o| {
        if let Some(p) = o.pvc_mut() {
            p.status.get_or_insert_with(Default::default).phase = Some("Lost".into());
        }
    });
    world.record_event(
        &obj,
        "Warning",
        "ClaimLost",
        "Bound claim has lost its PersistentVolume. Data on the volume is lost!".into(),
        NAME,
    );
}

fn set_pv_phase(world: &mut World, key: &ObjKey, phase: &str) {
    let now = world.now;
    let t = stamp(world);
    let _ = world.store.modify(key, now, |o| {
        if let Some(p) = o.pv_mut() {
            let status = p.status.get_or_insert_with(Default::default);
            if status.phase.as_deref() != Some(phase) {
                status.phase = Some(phase.into());
                status.last_phase_transition_time = Some(t.clone());
            }
        }
    });
}

fn sync_volume(key: &ObjKey, world: &mut World) {
    let now = world.now;
    let Some(obj) = world.store.get(key).cloned() else {
        // The volume is gone, and so is its storage.
        world
            .runtime
            .files
            .remove_tree(&TreeId::Pv(key.name.clone()));
        return;
    };
    let Some(pv) = obj.pv() else { return };
    if obj.is_deleting() {
        if has_finalizer(&obj, PV_PROTECTION) && phase_of_pv(pv) != "Bound" {
            remove_finalizer(world, key, PV_PROTECTION);
        }
    } else if !has_finalizer(&obj, PV_PROTECTION) {
        let _ = world.store.modify(key, now, |o| {
            o.meta_mut()
                .finalizers
                .get_or_insert_with(Vec::new)
                .push(PV_PROTECTION.into());
        });
        return;
    }
    let Some(obj) = world.store.get(key).cloned() else {
        return;
    };
    let Some(pv) = obj.pv() else { return };
    let Some(r) = pv.spec.as_ref().and_then(|s| s.claim_ref.clone()) else {
        set_pv_phase(world, key, "Available");
        return;
    };
    let claim_key = ObjKey::new(
        Kind::PersistentVolumeClaim,
        r.namespace.as_deref().unwrap_or(""),
        r.name.as_deref().unwrap_or(""),
    );
    let claim = world.store.get(&claim_key).cloned();
    let same_claim = claim.as_ref().is_some_and(|c| {
        r.uid
            .as_deref()
            .is_none_or(|u| u.is_empty() || u == c.uid())
    });
    if same_claim {
        if phase_of_pv(pv) != "Bound" && phase_of_pv(pv) != "Released" {
            set_pv_phase(world, key, "Bound");
        }
        if phase_of_pv(pv) == "Released" {
            return; // a released volume stays released
        }
        let claim = claim.expect("checked");
        let claim_unbound = claim
            .pvc()
            .and_then(|p| p.spec.as_ref()?.volume_name.clone())
            .is_none_or(|v| v.is_empty());
        if claim_unbound && !claim.is_deleting() {
            complete_binding(world, key, &claim_key, false);
        }
        return;
    }
    // The claim is gone (or is a new claim of the same name): the volume is released.
    set_pv_phase(world, key, "Released");
    match pv
        .spec
        .as_ref()
        .and_then(|s| s.persistent_volume_reclaim_policy.as_deref())
        .unwrap_or("Retain")
    {
        "Delete" if !obj.is_deleting() => {
            let _ = world.store.delete(key, &DeleteOptions::background(), now);
            world
                .runtime
                .files
                .remove_tree(&TreeId::Pv(key.name.clone()));
        }
        "Recycle" => {
            // The deprecated recycler scrubs the volume and makes it available again.
            world
                .runtime
                .files
                .remove_tree(&TreeId::Pv(key.name.clone()));
            let _ = world.store.modify(key, now, |o| {
                if let Some(spec) = o.pv_mut().and_then(|p| p.spec.as_mut()) {
                    spec.claim_ref = None;
                }
            });
            set_pv_phase(world, key, "Available");
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pv(spec: serde_json::Value) -> PersistentVolume {
        serde_json::from_value(
            json!({"metadata": {"name": "v", "labels": {"tier": "fast"}}, "spec": spec}),
        )
        .unwrap()
    }
    fn claim(spec: serde_json::Value) -> PersistentVolumeClaim {
        serde_json::from_value(json!({"metadata": {"name": "c"}, "spec": spec})).unwrap()
    }

    #[test]
    fn a_volume_fits_by_class_size_access_modes_and_selector() {
        let v = pv(
            json!({"storageClassName": "", "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce", "ReadOnlyMany"]}),
        );
        let base = json!({"storageClassName": "", "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1G"}}});
        assert!(pv_fits(&v, &claim(base.clone())));
        let mut too_big = base.clone();
        too_big["resources"]["requests"]["storage"] = json!("2Gi");
        assert!(!pv_fits(&v, &claim(too_big)));
        let mut other_class = base.clone();
        other_class["storageClassName"] = json!("standard");
        assert!(!pv_fits(&v, &claim(other_class)));
        let mut rwx = base.clone();
        rwx["accessModes"] = json!(["ReadWriteMany"]);
        assert!(!pv_fits(&v, &claim(rwx)));
        let mut sel = base.clone();
        sel["selector"] = json!({"matchLabels": {"tier": "slow"}});
        assert!(!pv_fits(&v, &claim(sel)));
    }
}
