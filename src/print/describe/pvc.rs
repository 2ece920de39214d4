//! `kubectl describe pvc` (kubectl `describe.go` `describePersistentVolumeClaim`,
//! `printPersistentVolumeClaim`, `getPodsForPVC`).

use super::common::{annotations, events, labels};
use super::storage::go_slice;
use super::writer::{Writer, LEVEL_0, LEVEL_1};
use crate::print::columns::pvc::{bound_capacity_and_modes, class};
use crate::print::format::{rfc1123z, since};
use crate::sim::SimTime;
use k8s_openapi::api::core::v1::{Event, PersistentVolumeClaim};

/// `printPersistentVolumeClaim`: `full` is false for an ephemeral volume's claim template.
pub fn print_claim(w: &mut Writer, pvc: &PersistentVolumeClaim, full: bool, now: SimTime) {
    let spec = pvc.spec.clone().unwrap_or_default();
    if full {
        w.write(
            LEVEL_0,
            &format!("Name:\t{}\n", pvc.metadata.name.as_deref().unwrap_or("")),
        );
        w.write(
            LEVEL_0,
            &format!(
                "Namespace:\t{}\n",
                pvc.metadata.namespace.as_deref().unwrap_or("")
            ),
        );
    }
    w.write(LEVEL_0, &format!("StorageClass:\t{}\n", class(pvc)));
    if full {
        if pvc.metadata.deletion_timestamp.is_some() {
            w.write(
                LEVEL_0,
                &format!(
                    "Status:\tTerminating (lasts {})\n",
                    since(pvc.metadata.deletion_timestamp.as_ref(), now)
                ),
            );
        } else {
            w.write(
                LEVEL_0,
                &format!(
                    "Status:\t{}\n",
                    pvc.status
                        .as_ref()
                        .and_then(|s| s.phase.clone())
                        .unwrap_or_default()
                ),
            );
        }
    }
    w.write(
        LEVEL_0,
        &format!(
            "Volume:\t{}\n",
            spec.volume_name.clone().unwrap_or_default()
        ),
    );
    labels(w, "Labels", pvc.metadata.labels.as_ref());
    annotations(w, "Annotations", pvc.metadata.annotations.as_ref());
    if full {
        w.write(
            LEVEL_0,
            &format!(
                "Finalizers:\t{}\n",
                go_slice(pvc.metadata.finalizers.as_ref())
            ),
        );
    }
    let (capacity, modes) = bound_capacity_and_modes(pvc);
    w.write(LEVEL_0, &format!("Capacity:\t{capacity}\n"));
    w.write(LEVEL_0, &format!("Access Modes:\t{modes}\n"));
    if let Some(mode) = &spec.volume_mode {
        w.write(LEVEL_0, &format!("VolumeMode:\t{mode}\n"));
    }
    if let Some(ds) = &spec.data_source {
        w.write(LEVEL_0, "DataSource:\n");
        if let Some(g) = &ds.api_group {
            w.write(LEVEL_1, &format!("APIGroup:\t{g}\n"));
        }
        w.write(LEVEL_1, &format!("Kind:\t{}\n", ds.kind));
        w.write(LEVEL_1, &format!("Name:\t{}\n", ds.name));
    }
}

/// `used_by`: the names of pods in the namespace that mount the claim (or own it).
pub fn describe(
    pvc: &PersistentVolumeClaim,
    used_by: &[String],
    evs: &[Event],
    now: SimTime,
) -> String {
    let mut w = Writer::default();
    print_claim(&mut w, pvc, true, now);
    w.write(LEVEL_0, "Used By:\t");
    if used_by.is_empty() {
        w.line("<none>");
    } else {
        let mut names = used_by.to_vec();
        names.sort();
        for (i, n) in names.iter().enumerate() {
            if i != 0 {
                w.write(LEVEL_0, "\t");
            }
            w.write(LEVEL_0, &format!("{n}\n"));
        }
    }
    if let Some(conditions) = pvc
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .filter(|c| !c.is_empty())
    {
        w.write(LEVEL_0, "Conditions:\n");
        w.write(
            LEVEL_1,
            "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.write(
            LEVEL_1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in conditions {
            w.write(
                LEVEL_1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    c.type_,
                    c.status,
                    rfc1123z(c.last_probe_time.as_ref()),
                    rfc1123z(c.last_transition_time.as_ref()),
                    c.reason.as_deref().unwrap_or(""),
                    c.message.as_deref().unwrap_or("")
                ),
            );
        }
    }
    events(&mut w, evs, now);
    w.finish()
}
