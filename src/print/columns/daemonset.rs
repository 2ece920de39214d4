//! `kubectl get daemonsets` (k/k `printers.go` `printDaemonSet`; fact 93).

use crate::print::format::{containers_and_images, format_label_selector, format_labels, since};
use crate::sim::SimTime;
use k8s_openapi::api::apps::v1::DaemonSet;

pub const HEADERS: &[&str] = &[
    "NAME",
    "DESIRED",
    "CURRENT",
    "READY",
    "UP-TO-DATE",
    "AVAILABLE",
    "NODE SELECTOR",
    "AGE",
];
pub const WIDE: &[&str] = &["CONTAINERS", "IMAGES", "SELECTOR"];

pub fn row(ds: &DaemonSet, now: SimTime, wide: bool) -> Vec<String> {
    let st = ds.status.clone().unwrap_or_default();
    let pod_spec = ds.spec.as_ref().and_then(|s| s.template.spec.as_ref());
    let mut cells = vec![
        ds.metadata.name.clone().unwrap_or_default(),
        st.desired_number_scheduled.to_string(),
        st.current_number_scheduled.to_string(),
        st.number_ready.to_string(),
        st.updated_number_scheduled.unwrap_or(0).to_string(),
        st.number_available.unwrap_or(0).to_string(),
        format_labels(pod_spec.and_then(|s| s.node_selector.as_ref())),
        since(ds.metadata.creation_timestamp.as_ref(), now),
    ];
    if wide {
        let (names, images) =
            containers_and_images(pod_spec.map(|s| s.containers.as_slice()).unwrap_or(&[]));
        cells.extend([
            names,
            images,
            format_label_selector(ds.spec.as_ref().map(|s| &s.selector)),
        ]);
    }
    cells
}
