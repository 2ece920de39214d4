//! `kubectl get namespaces` (k/k `printers.go` `printNamespace`).

use crate::print::format::since;
use crate::sim::SimTime;
use k8s_openapi::api::core::v1::Namespace;

pub const HEADERS: &[&str] = &["NAME", "STATUS", "AGE"];
pub const WIDE: &[&str] = &[];

pub fn row(ns: &Namespace, now: SimTime, _wide: bool) -> Vec<String> {
    vec![
        ns.metadata.name.clone().unwrap_or_default(),
        ns.status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_default(),
        since(ns.metadata.creation_timestamp.as_ref(), now),
    ]
}
