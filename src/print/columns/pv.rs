//! `kubectl get pv` on a 1.29+ server (k/k `printers.go` `printPersistentVolume`; fact 96).

use crate::print::format::{access_modes, quantity, since};
use crate::sim::SimTime;
use k8s_openapi::api::core::v1::PersistentVolume;

pub const HEADERS: &[&str] = &[
    "NAME",
    "CAPACITY",
    "ACCESS MODES",
    "RECLAIM POLICY",
    "STATUS",
    "CLAIM",
    "STORAGECLASS",
    "VOLUMEATTRIBUTESCLASS",
    "REASON",
    "AGE",
];
pub const WIDE: &[&str] = &["VOLUMEMODE"];

pub fn row(pv: &PersistentVolume, now: SimTime, wide: bool) -> Vec<String> {
    let spec = pv.spec.clone().unwrap_or_default();
    let claim = spec
        .claim_ref
        .as_ref()
        .map(|c| {
            format!(
                "{}/{}",
                c.namespace.as_deref().unwrap_or(""),
                c.name.as_deref().unwrap_or("")
            )
        })
        .unwrap_or_default();
    let phase = if pv.metadata.deletion_timestamp.is_some() {
        "Terminating".to_string()
    } else {
        pv.status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_default()
    };
    let mut cells = vec![
        pv.metadata.name.clone().unwrap_or_default(),
        quantity(spec.capacity.as_ref().and_then(|c| c.get("storage"))),
        access_modes(spec.access_modes.as_ref()),
        spec.persistent_volume_reclaim_policy
            .clone()
            .unwrap_or_default(),
        phase,
        claim,
        class(pv),
        spec.volume_attributes_class_name
            .clone()
            .unwrap_or_else(|| "<unset>".into()),
        pv.status
            .as_ref()
            .and_then(|s| s.reason.clone())
            .unwrap_or_default(),
        since(pv.metadata.creation_timestamp.as_ref(), now),
    ];
    if wide {
        cells.push(spec.volume_mode.clone().unwrap_or_else(|| "<unset>".into()));
    }
    cells
}

/// `helper.GetPersistentVolumeClass`: the beta annotation wins over `storageClassName`.
pub fn class(pv: &PersistentVolume) -> String {
    if let Some(c) = pv
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get("volume.beta.kubernetes.io/storage-class"))
    {
        return c.clone();
    }
    pv.spec
        .as_ref()
        .and_then(|s| s.storage_class_name.clone())
        .unwrap_or_default()
}
