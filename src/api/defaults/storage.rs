//! PersistentVolume, PersistentVolumeClaim and StorageClass defaulting
//! (`pkg/apis/core/v1/defaults.go`, `pkg/apis/storage/v1/defaults.go`; fact 72).

use super::resource_list;
use k8s_openapi::api::core::v1::{
    PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec,
    PersistentVolumeClaimStatus, PersistentVolumeStatus,
};
use k8s_openapi::api::storage::v1::StorageClass;

/// `SetDefaults_PersistentVolumeClaim` + spec: phase Pending, volumeMode Filesystem.
pub fn pvc(pvc: &mut PersistentVolumeClaim) {
    let status = pvc
        .status
        .get_or_insert_with(PersistentVolumeClaimStatus::default);
    if status.phase.as_deref().unwrap_or("").is_empty() {
        status.phase = Some("Pending".into());
    }
    for list in [&mut status.capacity, &mut status.allocated_resources]
        .into_iter()
        .flatten()
    {
        resource_list(list);
    }
    claim_spec(pvc.spec.get_or_insert_with(Default::default));
}

/// `SetDefaults_PersistentVolumeClaimSpec` (also for volume claim templates).
pub fn claim_spec(spec: &mut PersistentVolumeClaimSpec) {
    if spec.volume_mode.is_none() {
        spec.volume_mode = Some("Filesystem".into());
    }
    // Go's resources is a struct: always present.
    let resources = spec.resources.get_or_insert_with(Default::default);
    for list in [&mut resources.limits, &mut resources.requests]
        .into_iter()
        .flatten()
    {
        resource_list(list);
    }
}

/// `SetDefaults_PersistentVolume`: phase Pending, reclaim policy Retain (a manual PV; fact
/// 72), volumeMode Filesystem, and the per-source defaults.
pub fn pv(pv: &mut PersistentVolume) {
    let status = pv
        .status
        .get_or_insert_with(PersistentVolumeStatus::default);
    if status.phase.as_deref().unwrap_or("").is_empty() {
        status.phase = Some("Pending".into());
    }
    let spec = pv.spec.get_or_insert_with(Default::default);
    if spec
        .persistent_volume_reclaim_policy
        .as_deref()
        .unwrap_or("")
        .is_empty()
    {
        spec.persistent_volume_reclaim_policy = Some("Retain".into());
    }
    if spec.volume_mode.is_none() {
        spec.volume_mode = Some("Filesystem".into());
    }
    if let Some(capacity) = &mut spec.capacity {
        resource_list(capacity);
    }
    if let Some(hp) = &mut spec.host_path {
        hp.type_.get_or_insert_with(String::new);
    }
    if let Some(i) = &mut spec.iscsi {
        if i.iscsi_interface.as_deref().unwrap_or("").is_empty() {
            i.iscsi_interface = Some("default".into());
        }
    }
    if let Some(r) = &mut spec.rbd {
        for (field, value) in [
            (&mut r.pool, "rbd"),
            (&mut r.user, "admin"),
            (&mut r.keyring, "/etc/ceph/keyring"),
        ] {
            if field.as_deref().unwrap_or("").is_empty() {
                *field = Some(value.into());
            }
        }
    }
    if let Some(a) = &mut spec.azure_disk {
        for (field, value) in [
            (&mut a.caching_mode, "ReadWrite"),
            (&mut a.fs_type, "ext4"),
            (&mut a.kind, "Shared"),
        ] {
            if field.as_deref().unwrap_or("").is_empty() {
                *field = Some(value.into());
            }
        }
        a.read_only.get_or_insert(false);
    }
    if let Some(s) = &mut spec.scale_io {
        for (field, value) in [
            (&mut s.storage_mode, "ThinProvisioned"),
            (&mut s.fs_type, "xfs"),
        ] {
            if field.as_deref().unwrap_or("").is_empty() {
                *field = Some(value.into());
            }
        }
    }
}

/// `SetDefaults_StorageClass`: reclaim policy Delete, binding Immediate.
pub fn storage_class(sc: &mut StorageClass) {
    sc.reclaim_policy.get_or_insert_with(|| "Delete".into());
    sc.volume_binding_mode
        .get_or_insert_with(|| "Immediate".into());
}
