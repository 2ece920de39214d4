//! `kubectl get storageclasses` (k/k `printers.go` `printStorageClass`).

use crate::print::format::since;
use crate::sim::SimTime;
use k8s_openapi::api::storage::v1::StorageClass;

pub const HEADERS: &[&str] = &[
    "NAME",
    "PROVISIONER",
    "RECLAIMPOLICY",
    "VOLUMEBINDINGMODE",
    "ALLOWVOLUMEEXPANSION",
    "AGE",
];
pub const WIDE: &[&str] = &[];

pub fn row(sc: &StorageClass, now: SimTime, _wide: bool) -> Vec<String> {
    let mut name = sc.metadata.name.clone().unwrap_or_default();
    if is_default(sc) {
        name.push_str(" (default)");
    }
    vec![
        name,
        sc.provisioner.clone(),
        sc.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
        sc.volume_binding_mode
            .clone()
            .unwrap_or_else(|| "Immediate".into()),
        // A bool cell: the table carries JSON `false`, which kubectl prints with fmt.
        sc.allow_volume_expansion.unwrap_or(false).to_string(),
        since(sc.metadata.creation_timestamp.as_ref(), now),
    ]
}

/// `storageutil.IsDefaultAnnotation`: the GA or beta is-default-class annotation is "true".
pub fn is_default(sc: &StorageClass) -> bool {
    let a = sc.metadata.annotations.as_ref();
    let is_true = |k: &str| a.and_then(|a| a.get(k)).is_some_and(|v| v == "true");
    is_true("storageclass.kubernetes.io/is-default-class")
        || is_true("storageclass.beta.kubernetes.io/is-default-class")
}
