//! `kubectl describe` for PersistentVolumes and StorageClasses (kubectl `describe.go`
//! `describePersistentVolume`, `describeStorageClass`).

use super::common::{annotations, events, labels};
use super::volumes::{csi_attributes, host_path};
use super::writer::{Writer, LEVEL_0, LEVEL_1, LEVEL_2};
use crate::print::columns::{pv::class, storageclass::is_default};
use crate::print::format::{access_modes, bool_ptr, format_labels, quantity, since};
use crate::sim::SimTime;
use k8s_openapi::api::core::v1::{Event, PersistentVolume};
use k8s_openapi::api::storage::v1::StorageClass;

/// Go's `%v` of a string slice: `[a b]`.
pub fn go_slice(items: Option<&Vec<String>>) -> String {
    format!("[{}]", items.map(|i| i.join(" ")).unwrap_or_default())
}

pub fn pv(pv: &PersistentVolume, evs: &[Event], now: SimTime) -> String {
    let mut w = Writer::default();
    let spec = pv.spec.clone().unwrap_or_default();
    w.write(
        LEVEL_0,
        &format!("Name:\t{}\n", pv.metadata.name.as_deref().unwrap_or("")),
    );
    labels(&mut w, "Labels", pv.metadata.labels.as_ref());
    annotations(&mut w, "Annotations", pv.metadata.annotations.as_ref());
    w.write(
        LEVEL_0,
        &format!(
            "Finalizers:\t{}\n",
            go_slice(pv.metadata.finalizers.as_ref())
        ),
    );
    w.write(LEVEL_0, &format!("StorageClass:\t{}\n", class(pv)));
    if pv.metadata.deletion_timestamp.is_some() {
        w.write(
            LEVEL_0,
            &format!(
                "Status:\tTerminating (lasts {})\n",
                since(pv.metadata.deletion_timestamp.as_ref(), now)
            ),
        );
    } else {
        w.write(
            LEVEL_0,
            &format!(
                "Status:\t{}\n",
                pv.status
                    .as_ref()
                    .and_then(|s| s.phase.clone())
                    .unwrap_or_default()
            ),
        );
    }
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
    w.write(LEVEL_0, &format!("Claim:\t{claim}\n"));
    w.write(
        LEVEL_0,
        &format!(
            "Reclaim Policy:\t{}\n",
            spec.persistent_volume_reclaim_policy
                .clone()
                .unwrap_or_default()
        ),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Access Modes:\t{}\n",
            access_modes(spec.access_modes.as_ref())
        ),
    );
    if let Some(mode) = &spec.volume_mode {
        w.write(LEVEL_0, &format!("VolumeMode:\t{mode}\n"));
    }
    w.write(
        LEVEL_0,
        &format!(
            "Capacity:\t{}\n",
            quantity(spec.capacity.as_ref().and_then(|c| c.get("storage")))
        ),
    );
    node_affinity(&mut w, &spec);
    w.write(
        LEVEL_0,
        &format!(
            "Message:\t{}\n",
            pv.status
                .as_ref()
                .and_then(|s| s.message.clone())
                .unwrap_or_default()
        ),
    );
    w.write(LEVEL_0, "Source:\n");
    if let Some(h) = &spec.host_path {
        host_path(&mut w, h);
    } else if let Some(l) = &spec.local {
        w.write(LEVEL_2, &format!("Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t{}\n", l.path));
    } else if let Some(n) = &spec.nfs {
        w.write(
            LEVEL_2,
            &format!(
                "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n",
                n.server,
                n.path,
                n.read_only.unwrap_or(false)
            ),
        );
    } else if let Some(c) = &spec.csi {
        w.write(
            LEVEL_2,
            &format!(
                "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    VolumeHandle:\t{}\n    ReadOnly:\t{}\n",
                c.driver,
                c.fs_type.clone().unwrap_or_default(),
                c.volume_handle,
                c.read_only.unwrap_or(false)
            ),
        );
        csi_attributes(&mut w, c.volume_attributes.as_ref());
    } else {
        w.write(LEVEL_1, "<unknown>\n");
    }
    events(&mut w, evs, now);
    w.finish()
}

/// `printVolumeNodeAffinity`.
fn node_affinity(w: &mut Writer, spec: &k8s_openapi::api::core::v1::PersistentVolumeSpec) {
    w.write(LEVEL_0, "Node Affinity:\t");
    let Some(required) = spec
        .node_affinity
        .as_ref()
        .and_then(|a| a.required.as_ref())
    else {
        w.line("<none>");
        return;
    };
    w.line("");
    w.write(LEVEL_1, "Required Terms:\t");
    if required.node_selector_terms.is_empty() {
        w.line("<none>");
        return;
    }
    w.line("");
    for (i, term) in required.node_selector_terms.iter().enumerate() {
        w.write(LEVEL_2, &format!("Term {i}:\t"));
        let reqs = term.match_expressions.as_deref().unwrap_or(&[]);
        if reqs.is_empty() {
            w.line("<none>");
            continue;
        }
        for (j, r) in reqs.iter().enumerate() {
            if j != 0 {
                w.write(LEVEL_2, "\t");
            }
            let mut expr = format!("{} {}", r.key, r.operator.to_lowercase());
            if let Some(values) = r.values.as_ref().filter(|v| !v.is_empty()) {
                expr = format!("{expr} [{}]", values.join(", "));
            }
            w.write(LEVEL_0, &format!("{expr}\n"));
        }
    }
}

pub fn storage_class(sc: &StorageClass, evs: &[Event], now: SimTime) -> String {
    let mut w = Writer::default();
    w.write(
        LEVEL_0,
        &format!("Name:\t{}\n", sc.metadata.name.as_deref().unwrap_or("")),
    );
    w.write(
        LEVEL_0,
        &format!(
            "IsDefaultClass:\t{}\n",
            if is_default(sc) { "Yes" } else { "No" }
        ),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Annotations:\t{}\n",
            format_labels(sc.metadata.annotations.as_ref())
        ),
    );
    w.write(LEVEL_0, &format!("Provisioner:\t{}\n", sc.provisioner));
    w.write(
        LEVEL_0,
        &format!("Parameters:\t{}\n", format_labels(sc.parameters.as_ref())),
    );
    w.write(
        LEVEL_0,
        &format!(
            "AllowVolumeExpansion:\t{}\n",
            bool_ptr(sc.allow_volume_expansion)
        ),
    );
    match sc.mount_options.as_ref().filter(|m| !m.is_empty()) {
        None => w.write(LEVEL_0, "MountOptions:\t<none>\n"),
        Some(opts) => {
            w.write(LEVEL_0, "MountOptions:\n");
            for o in opts {
                w.write(LEVEL_1, &format!("{o}\n"));
            }
        }
    }
    if let Some(r) = &sc.reclaim_policy {
        w.write(LEVEL_0, &format!("ReclaimPolicy:\t{r}\n"));
    }
    if let Some(m) = &sc.volume_binding_mode {
        w.write(LEVEL_0, &format!("VolumeBindingMode:\t{m}\n"));
    }
    if let Some(topologies) = &sc.allowed_topologies {
        w.write(LEVEL_0, "AllowedTopologies:\t");
        if topologies.is_empty() {
            w.line("<none>");
        } else {
            w.line("");
            for (i, term) in topologies.iter().enumerate() {
                w.write(LEVEL_1, &format!("Term {i}:\t"));
                let exprs = term.match_label_expressions.as_deref().unwrap_or(&[]);
                if exprs.is_empty() {
                    w.line("<none>");
                    continue;
                }
                for (j, e) in exprs.iter().enumerate() {
                    if j != 0 {
                        w.write(LEVEL_1, "\t");
                    }
                    w.write(
                        LEVEL_0,
                        &format!("{} in [{}]\n", e.key, e.values.join(", ")),
                    );
                }
            }
        }
    }
    events(&mut w, evs, now);
    w.finish()
}
