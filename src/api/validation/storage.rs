//! PersistentVolumeClaim, PersistentVolume (`pkg/apis/core/validation/validation.go`) and
//! StorageClass (`pkg/apis/storage/validation/validation.go`).

use super::field::{self, ErrorList, Path, Value};
use super::meta;
use crate::api::quantity;
use k8s_openapi::api::core::v1::{
    PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec,
};
use k8s_openapi::api::storage::v1::StorageClass;

const ACCESS_MODES: &[&str] = &[
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];
const VOLUME_MODES: &[&str] = &["Block", "Filesystem"];

pub fn pvc_create(pvc: &PersistentVolumeClaim) -> ErrorList {
    let mut errs = meta::object_meta(&pvc.metadata, true, meta::NameRule::Subdomain);
    errs.extend(claim_spec(
        &pvc.spec.clone().unwrap_or_default(),
        &Path::new("spec"),
    ));
    errs
}

/// A claim's spec is immutable except its storage request once bound. (The API server
/// appends a diff of the two specs to this message; klab prints the sentence alone.)
pub fn pvc_update(new: &PersistentVolumeClaim, old: &PersistentVolumeClaim) -> ErrorList {
    let mut errs = meta::object_meta_update(&new.metadata, &old.metadata);
    let new_spec = new.spec.clone().unwrap_or_default();
    let old_spec = old.spec.clone().unwrap_or_default();
    errs.extend(claim_spec(&new_spec, &Path::new("spec")));
    let bound = old.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound");
    let mut comparable = new_spec.clone();
    // A bound claim may grow its request; an unbound claim may have its volume bound.
    if bound {
        comparable.resources = old_spec.resources.clone();
    }
    if old_spec.volume_name.as_deref().unwrap_or("").is_empty() {
        comparable.volume_name.clone_from(&old_spec.volume_name);
    }
    if old_spec.storage_class_name.is_none() {
        comparable
            .storage_class_name
            .clone_from(&old_spec.storage_class_name);
    }
    if !super::semantic_eq(&comparable, &old_spec) {
        errs.push(field::forbidden(
            &Path::new("spec"),
            "spec is immutable after creation except resources.requests for bound claims",
        ));
    }
    errs
}

/// `ValidatePersistentVolumeClaimSpec`.
pub fn claim_spec(spec: &PersistentVolumeClaimSpec, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let modes = spec.access_modes.clone().unwrap_or_default();
    if modes.is_empty() {
        errs.push(field::required(
            &path.child("accessModes"),
            "at least 1 access mode is required",
        ));
    }
    if let Some(selector) = &spec.selector {
        errs.extend(meta::label_selector(selector, &path.child("selector")));
    }
    for mode in &modes {
        if !ACCESS_MODES.contains(&mode.as_str()) {
            errs.push(field::not_supported(
                &path.child("accessModes"),
                Value::str(mode),
                ACCESS_MODES,
            ));
        }
    }
    if modes.iter().any(|m| m == "ReadWriteOncePod") && modes.len() > 1 {
        errs.push(field::forbidden(
            &path.child("accessModes"),
            "may not use ReadWriteOncePod with other access modes",
        ));
    }
    let storage_path = path.child("resources").key("storage");
    let storage = spec
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("storage"));
    match storage.map(|q| quantity::parse(&q.0)) {
        None => errs.push(field::required(&storage_path, "")),
        Some(Ok(q)) if q.milli <= 0 => errs.push(field::invalid(
            &storage_path,
            Value::str(&quantity::canonical(q)),
            "must be greater than zero",
        )),
        Some(_) => {}
    }
    if let Some(class) = spec.storage_class_name.as_deref().filter(|c| !c.is_empty()) {
        for msg in meta::name_problems(meta::NameRule::Subdomain, class, false) {
            errs.push(field::invalid(
                &path.child("storageClassName"),
                Value::str(class),
                &msg,
            ));
        }
    }
    if let Some(mode) = spec
        .volume_mode
        .as_deref()
        .filter(|m| !VOLUME_MODES.contains(m))
    {
        errs.push(field::not_supported(
            &path.child("volumeMode"),
            Value::str(mode),
            VOLUME_MODES,
        ));
    }
    errs
}

/// `ValidatePersistentVolume` (the parts klab's volumes use).
pub fn pv_create(pv: &PersistentVolume) -> ErrorList {
    let mut errs = meta::object_meta(&pv.metadata, false, meta::NameRule::Subdomain);
    let spec = pv.spec.clone().unwrap_or_default();
    let path = Path::new("spec");
    let modes = spec.access_modes.clone().unwrap_or_default();
    if modes.is_empty() {
        errs.push(field::required(&path.child("accessModes"), ""));
    }
    for mode in &modes {
        if !ACCESS_MODES.contains(&mode.as_str()) {
            errs.push(field::not_supported(
                &path.child("accessModes"),
                Value::str(mode),
                ACCESS_MODES,
            ));
        }
    }
    let capacity = spec.capacity.clone().unwrap_or_default();
    if capacity.is_empty() {
        errs.push(field::required(&path.child("capacity"), ""));
    }
    if !capacity.contains_key("storage") || capacity.len() > 1 {
        let shown = if spec.capacity.is_none() {
            "core.ResourceList(nil)".to_string()
        } else {
            let entries: Vec<String> = capacity
                .iter()
                .map(|(k, v)| format!("{}:{}", super::gofmt::quote(k), super::gofmt::quote(&v.0)))
                .collect();
            format!("core.ResourceList{{{}}}", entries.join(", "))
        };
        errs.push(field::not_supported(
            &path.child("capacity"),
            Value::go(shown),
            &["storage"],
        ));
    }
    for (name, q) in &capacity {
        if let Ok(parsed) = quantity::parse(&q.0) {
            if parsed.milli <= 0 {
                errs.push(field::invalid(
                    &path.child("capacity").key(name),
                    Value::str(&quantity::canonical(parsed)),
                    "must be greater than zero",
                ));
            }
        }
    }
    if let Some(policy) = spec
        .persistent_volume_reclaim_policy
        .as_deref()
        .filter(|p| !p.is_empty())
    {
        if !["Delete", "Recycle", "Retain"].contains(&policy) {
            errs.push(field::not_supported(
                &path.child("persistentVolumeReclaimPolicy"),
                Value::str(policy),
                &["Delete", "Recycle", "Retain"],
            ));
        }
    }
    if let Some(class) = spec.storage_class_name.as_deref().filter(|c| !c.is_empty()) {
        for msg in meta::name_problems(meta::NameRule::Subdomain, class, false) {
            errs.push(field::invalid(
                &path.child("storageClassName"),
                Value::str(class),
                &msg,
            ));
        }
    }
    if let Some(mode) = spec
        .volume_mode
        .as_deref()
        .filter(|m| !VOLUME_MODES.contains(m))
    {
        errs.push(field::not_supported(
            &path.child("volumeMode"),
            Value::str(mode),
            VOLUME_MODES,
        ));
    }
    let sources = match serde_json::to_value(&spec) {
        Ok(serde_json::Value::Object(m)) => m
            .keys()
            .filter(|k| PV_SOURCES.contains(&k.as_str()))
            .count(),
        _ => 0,
    };
    if let Some(hp) = &spec.host_path {
        if hp.path.is_empty() {
            errs.push(field::required(&path.child("hostPath").child("path"), ""));
        }
    }
    if sources == 0 {
        errs.push(field::required(&path, "must specify a volume type"));
    } else if sources > 1 {
        errs.push(field::forbidden(
            &path,
            "may not specify more than 1 volume type",
        ));
    }
    errs
}

/// The volume source fields of a PersistentVolumeSpec.
const PV_SOURCES: &[&str] = &[
    "awsElasticBlockStore",
    "azureDisk",
    "azureFile",
    "cephfs",
    "cinder",
    "csi",
    "fc",
    "flexVolume",
    "flocker",
    "gcePersistentDisk",
    "glusterfs",
    "hostPath",
    "iscsi",
    "local",
    "nfs",
    "photonPersistentDisk",
    "portworxVolume",
    "quobyte",
    "rbd",
    "scaleIO",
    "storageos",
    "vsphereVolume",
];

/// `ValidatePersistentVolumeUpdate`: the volume source and mode are fixed. (The API server
/// appends a diff of the sources; klab prints the sentence alone.)
pub fn pv_update(new: &PersistentVolume, old: &PersistentVolume) -> ErrorList {
    let mut errs = pv_create(new);
    errs.extend(meta::object_meta_update(&new.metadata, &old.metadata));
    let new_spec = new.spec.clone().unwrap_or_default();
    let old_spec = old.spec.clone().unwrap_or_default();
    if volume_source(&new_spec) != volume_source(&old_spec) {
        errs.push(field::forbidden(
            &Path::new("spec").child("persistentvolumesource"),
            "spec.persistentvolumesource is immutable after creation",
        ));
    }
    if new_spec.volume_mode != old_spec.volume_mode {
        errs.push(field::immutable(
            &Path::new("volumeMode"),
            Value::opt_str(new_spec.volume_mode.as_deref()),
        ));
    }
    errs
}

/// The volume source part of a PersistentVolumeSpec, as JSON.
fn volume_source(spec: &k8s_openapi::api::core::v1::PersistentVolumeSpec) -> serde_json::Value {
    match serde_json::to_value(spec) {
        Ok(serde_json::Value::Object(m)) => m
            .into_iter()
            .filter(|(k, _)| PV_SOURCES.contains(&k.as_str()))
            .collect(),
        _ => serde_json::Value::Null,
    }
}

/// `ValidateStorageClass`.
pub fn storage_class_create(sc: &StorageClass) -> ErrorList {
    let mut errs = meta::object_meta(&sc.metadata, false, meta::NameRule::Subdomain);
    let provisioner = Path::new("provisioner");
    if sc.provisioner.is_empty() {
        errs.push(field::required(&provisioner, ""));
    } else {
        for msg in meta::qualified_name_problems(&sc.provisioner.to_lowercase()) {
            errs.push(field::invalid(
                &provisioner,
                Value::str(&sc.provisioner.to_lowercase()),
                &msg,
            ));
        }
    }
    if let Some(policy) = sc.reclaim_policy.as_deref().filter(|p| !p.is_empty()) {
        if policy != "Delete" && policy != "Retain" {
            errs.push(field::not_supported(
                &Path::new("reclaimPolicy"),
                Value::str(policy),
                &["Delete", "Retain"],
            ));
        }
    }
    match sc.volume_binding_mode.as_deref() {
        None => errs.push(field::required(&Path::new("volumeBindingMode"), "")),
        Some("Immediate" | "WaitForFirstConsumer") => {}
        Some(other) => errs.push(field::not_supported(
            &Path::new("volumeBindingMode"),
            Value::str(other),
            &["Immediate", "WaitForFirstConsumer"],
        )),
    }
    errs
}

/// `ValidateStorageClassUpdate`: parameters, provisioner and reclaim policy are fixed.
pub fn storage_class_update(new: &StorageClass, old: &StorageClass) -> ErrorList {
    let mut errs = storage_class_create(new);
    errs.extend(meta::object_meta_update(&new.metadata, &old.metadata));
    if new.parameters.clone().unwrap_or_default() != old.parameters.clone().unwrap_or_default() {
        errs.push(field::forbidden(
            &Path::new("parameters"),
            "updates to parameters are forbidden.",
        ));
    }
    if new.provisioner != old.provisioner {
        errs.push(field::forbidden(
            &Path::new("provisioner"),
            "updates to provisioner are forbidden.",
        ));
    }
    if new.reclaim_policy != old.reclaim_policy {
        errs.push(field::forbidden(
            &Path::new("reclaimPolicy"),
            "updates to reclaimPolicy are forbidden.",
        ));
    }
    if new.volume_binding_mode != old.volume_binding_mode {
        errs.push(field::immutable(
            &Path::new("volumeBindingMode"),
            Value::opt_str(new.volume_binding_mode.as_deref()),
        ));
    }
    errs
}
