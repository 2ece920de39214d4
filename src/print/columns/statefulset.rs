//! `kubectl get statefulsets` (k/k `printers.go` `printStatefulSet`; fact 94).

use crate::print::format::{containers_and_images, since};
use crate::sim::SimTime;
use k8s_openapi::api::apps::v1::StatefulSet;

pub const HEADERS: &[&str] = &["NAME", "READY", "AGE"];
pub const WIDE: &[&str] = &["CONTAINERS", "IMAGES"];

pub fn row(sts: &StatefulSet, now: SimTime, wide: bool) -> Vec<String> {
    let ready = sts
        .status
        .as_ref()
        .and_then(|s| s.ready_replicas)
        .unwrap_or(0);
    // The internal type's replicas is defaulted to 1 when unset.
    let desired = sts.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let mut cells = vec![
        sts.metadata.name.clone().unwrap_or_default(),
        format!("{ready}/{desired}"),
        since(sts.metadata.creation_timestamp.as_ref(), now),
    ];
    if wide {
        let containers = sts
            .spec
            .as_ref()
            .and_then(|s| s.template.spec.as_ref())
            .map(|s| s.containers.as_slice())
            .unwrap_or(&[]);
        let (names, images) = containers_and_images(containers);
        cells.extend([names, images]);
    }
    cells
}
