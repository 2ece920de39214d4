//! `kubectl get pvc` on a 1.29+ server (k/k `printers.go` `printPersistentVolumeClaim`; fact 97).

use crate::print::format::{access_modes, quantity, since};
use crate::sim::SimTime;
use k8s_openapi::api::core::v1::PersistentVolumeClaim;

pub const HEADERS: &[&str] = &[
    "NAME",
    "STATUS",
    "VOLUME",
    "CAPACITY",
    "ACCESS MODES",
    "STORAGECLASS",
    "VOLUMEATTRIBUTESCLASS",
    "AGE",
];
pub const WIDE: &[&str] = &["VOLUMEMODE"];

pub fn row(pvc: &PersistentVolumeClaim, now: SimTime, wide: bool) -> Vec<String> {
    let spec = pvc.spec.clone().unwrap_or_default();
    let phase = if pvc.metadata.deletion_timestamp.is_some() {
        "Terminating".to_string()
    } else {
        pvc.status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_default()
    };
    let volume = spec.volume_name.clone().unwrap_or_default();
    let (capacity, modes) = bound_capacity_and_modes(pvc);
    let mut cells = vec![
        pvc.metadata.name.clone().unwrap_or_default(),
        phase,
        volume,
        capacity,
        modes,
        class(pvc),
        spec.volume_attributes_class_name
            .clone()
            .unwrap_or_else(|| "<unset>".into()),
        since(pvc.metadata.creation_timestamp.as_ref(), now),
    ];
    if wide {
        cells.push(spec.volume_mode.clone().unwrap_or_else(|| "<unset>".into()));
    }
    cells
}

/// CAPACITY and ACCESS MODES come from the status, and only once a volume is named.
pub fn bound_capacity_and_modes(pvc: &PersistentVolumeClaim) -> (String, String) {
    let bound = pvc
        .spec
        .as_ref()
        .and_then(|s| s.volume_name.as_deref())
        .is_some_and(|v| !v.is_empty());
    if !bound {
        return (String::new(), String::new());
    }
    let status = pvc.status.as_ref();
    (
        quantity(
            status
                .and_then(|s| s.capacity.as_ref())
                .and_then(|c| c.get("storage")),
        ),
        access_modes(status.and_then(|s| s.access_modes.as_ref())),
    )
}

/// `helper.GetPersistentVolumeClaimClass`: the beta annotation, else `storageClassName`.
pub fn class(pvc: &PersistentVolumeClaim) -> String {
    if let Some(c) = pvc
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get("volume.beta.kubernetes.io/storage-class"))
    {
        return c.clone();
    }
    pvc.spec
        .as_ref()
        .and_then(|s| s.storage_class_name.clone())
        .unwrap_or_default()
}
