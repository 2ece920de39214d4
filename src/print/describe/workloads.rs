//! `kubectl describe` for DaemonSets and StatefulSets (kubectl `describe.go`
//! `describeDaemonSet`, `describeStatefulSet`, `describeVolumeClaimTemplates`).

use super::common::{annotations, events, labels, labels_indent, pod_template};
use super::writer::{Writer, LEVEL_0, LEVEL_1};
use crate::print::format::{format_labels, rfc1123z, selector_string};
use crate::sim::SimTime;
use k8s_openapi::api::apps::v1::{DaemonSet, StatefulSet};
use k8s_openapi::api::core::v1::{Event, PersistentVolumeClaim};

/// Running / Waiting / Succeeded / Failed pods the controller owns.
pub type PodCounts = (usize, usize, usize, usize);

fn pods_status(w: &mut Writer, (running, waiting, succeeded, failed): PodCounts) {
    w.write(LEVEL_0, &format!("Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n"));
}

pub fn daemonset(ds: &DaemonSet, counts: PodCounts, evs: &[Event], now: SimTime) -> String {
    let mut w = Writer::default();
    let spec = ds.spec.clone().unwrap_or_default();
    let st = ds.status.clone().unwrap_or_default();
    w.write(
        LEVEL_0,
        &format!("Name:\t{}\n", ds.metadata.name.as_deref().unwrap_or("")),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Namespace:\t{}\n",
            ds.metadata.namespace.as_deref().unwrap_or("")
        ),
    );
    w.write(
        LEVEL_0,
        &format!("Selector:\t{}\n", selector_string(Some(&spec.selector))),
    );
    let node_selector = spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.node_selector.as_ref());
    w.write(
        LEVEL_0,
        &format!("Node-Selector:\t{}\n", format_labels(node_selector)),
    );
    labels(&mut w, "Labels", ds.metadata.labels.as_ref());
    annotations(&mut w, "Annotations", ds.metadata.annotations.as_ref());
    w.write(
        LEVEL_0,
        &format!(
            "Desired Number of Nodes Scheduled: {}\n",
            st.desired_number_scheduled
        ),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Current Number of Nodes Scheduled: {}\n",
            st.current_number_scheduled
        ),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Number of Nodes Scheduled with Up-to-date Pods: {}\n",
            st.updated_number_scheduled.unwrap_or(0)
        ),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Number of Nodes Scheduled with Available Pods: {}\n",
            st.number_available.unwrap_or(0)
        ),
    );
    w.write(
        LEVEL_0,
        &format!("Number of Nodes Misscheduled: {}\n", st.number_misscheduled),
    );
    pods_status(&mut w, counts);
    pod_template(&mut w, &spec.template);
    events(&mut w, evs, now);
    w.finish()
}

pub fn statefulset(sts: &StatefulSet, counts: PodCounts, evs: &[Event], now: SimTime) -> String {
    let mut w = Writer::default();
    let spec = sts.spec.clone().unwrap_or_default();
    let st = sts.status.clone().unwrap_or_default();
    w.write(
        LEVEL_0,
        &format!("Name:\t{}\n", sts.metadata.name.as_deref().unwrap_or("")),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Namespace:\t{}\n",
            sts.metadata.namespace.as_deref().unwrap_or("")
        ),
    );
    w.write(
        LEVEL_0,
        &format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z(sts.metadata.creation_timestamp.as_ref())
        ),
    );
    w.write(
        LEVEL_0,
        &format!("Selector:\t{}\n", selector_string(Some(&spec.selector))),
    );
    labels(&mut w, "Labels", sts.metadata.labels.as_ref());
    annotations(&mut w, "Annotations", sts.metadata.annotations.as_ref());
    w.write(
        LEVEL_0,
        &format!(
            "Replicas:\t{} desired | {} total\n",
            spec.replicas.unwrap_or(1),
            st.replicas
        ),
    );
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    w.write(
        LEVEL_0,
        &format!(
            "Update Strategy:\t{}\n",
            strategy.type_.clone().unwrap_or_default()
        ),
    );
    if let Some(ru) = &strategy.rolling_update {
        if let Some(p) = ru.partition {
            w.write(LEVEL_1, &format!("Partition:\t{p}\n"));
            if let Some(mu) = &ru.max_unavailable {
                let text = match mu {
                    k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(i) => {
                        i.to_string()
                    }
                    k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) => {
                        s.clone()
                    }
                };
                w.write(LEVEL_1, &format!("MaxUnavailable:\t{text}\n"));
            }
        }
    }
    pods_status(&mut w, counts);
    pod_template(&mut w, &spec.template);
    claim_templates(
        &mut w,
        spec.volume_claim_templates.as_deref().unwrap_or(&[]),
    );
    events(&mut w, evs, now);
    w.finish()
}

/// `describeVolumeClaimTemplates`.
fn claim_templates(w: &mut Writer, templates: &[PersistentVolumeClaim]) {
    if templates.is_empty() {
        w.write(LEVEL_0, "Volume Claims:\t<none>\n");
        return;
    }
    w.write(LEVEL_0, "Volume Claims:\n");
    for pvc in templates {
        w.write(
            LEVEL_1,
            &format!("Name:\t{}\n", pvc.metadata.name.as_deref().unwrap_or("")),
        );
        w.write(
            LEVEL_1,
            &format!(
                "StorageClass:\t{}\n",
                crate::print::columns::pvc::class(pvc)
            ),
        );
        labels_indent(w, "  ", "Labels", "\t", pvc.metadata.labels.as_ref());
        labels_indent(
            w,
            "  ",
            "Annotations",
            "\t",
            pvc.metadata.annotations.as_ref(),
        );
        let spec = pvc.spec.clone().unwrap_or_default();
        let capacity = spec
            .resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get("storage"))
            .map(|q| crate::api::quantity::canonical_str(&q.0))
            .unwrap_or_else(|| "<default>".into());
        w.write(LEVEL_1, &format!("Capacity:\t{capacity}\n"));
        // `%s` of a []PersistentVolumeAccessMode: Go prints the slice as `[ReadWriteOnce]`.
        w.write(
            LEVEL_1,
            &format!(
                "Access Modes:\t[{}]\n",
                spec.access_modes.clone().unwrap_or_default().join(" ")
            ),
        );
    }
}
