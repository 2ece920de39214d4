//! `kubectl get controllerrevisions` (k/k `printers.go` `printControllerRevision`; fact 95).

use crate::print::format::since;
use crate::sim::SimTime;
use k8s_openapi::api::apps::v1::ControllerRevision;

pub const HEADERS: &[&str] = &["NAME", "CONTROLLER", "REVISION", "AGE"];
pub const WIDE: &[&str] = &[];

pub fn row(cr: &ControllerRevision, now: SimTime, _wide: bool) -> Vec<String> {
    let controller = cr
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true))
        .map(|r| {
            // formatResourceName(GroupKind, name): `<lower(Kind.group)>/<name>`.
            let group = r.api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
            let gk = if group.is_empty() {
                r.kind.clone()
            } else {
                format!("{}.{group}", r.kind)
            };
            format!("{}/{}", gk.to_lowercase(), r.name)
        })
        .unwrap_or_else(|| "<none>".into());
    vec![
        cr.metadata.name.clone().unwrap_or_default(),
        controller,
        cr.revision.to_string(),
        since(cr.metadata.creation_timestamp.as_ref(), now),
    ]
}
