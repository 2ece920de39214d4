//! The remaining kinds: Namespace, Node, Service, Event, ControllerRevision
//! (`pkg/apis/core/validation/validation.go`, `pkg/apis/apps/validation/validation.go`).

use super::field::{self, ErrorList, Path, Value};
use super::{meta, pod};
use k8s_openapi::api::apps::v1::ControllerRevision;
use k8s_openapi::api::core::v1::{Namespace, Node, Service};
use std::collections::BTreeSet;

pub fn namespace(ns: &Namespace) -> ErrorList {
    meta::object_meta(&ns.metadata, false, meta::NameRule::Label)
}

pub fn node(node: &Node) -> ErrorList {
    let mut errs = meta::object_meta(&node.metadata, false, meta::NameRule::Subdomain);
    let taints = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.clone())
        .unwrap_or_default();
    for (i, t) in taints.iter().enumerate() {
        let tpath = Path::new("spec").child("taints").index(i);
        for msg in meta::qualified_name_problems(&t.key) {
            errs.push(field::invalid(
                &tpath.child("key"),
                Value::str(&t.key),
                &msg,
            ));
        }
        let value = t.value.as_deref().unwrap_or("");
        for msg in meta::label_value_problems(value) {
            errs.push(field::invalid(
                &tpath.child("value"),
                Value::str(value),
                &msg,
            ));
        }
        if !matches!(
            t.effect.as_str(),
            "NoSchedule" | "PreferNoSchedule" | "NoExecute"
        ) {
            let path = tpath.child("effect");
            if t.effect.is_empty() {
                errs.push(field::required(&path, ""));
            } else {
                errs.push(field::not_supported(
                    &path,
                    Value::str(&t.effect),
                    &["NoSchedule", "PreferNoSchedule", "NoExecute"],
                ));
            }
        }
    }
    errs
}

/// `ValidateService` (ports, type, session affinity, selector).
pub fn service(svc: &Service) -> ErrorList {
    let mut errs = meta::object_meta(&svc.metadata, true, meta::NameRule::Dns1035);
    let spec = svc.spec.clone().unwrap_or_default();
    let path = Path::new("spec");
    let headless = spec.cluster_ip.as_deref() == Some("None");
    let kind = spec.type_.as_deref().unwrap_or("");
    let ports = spec.ports.clone().unwrap_or_default();
    if ports.is_empty() && !headless && kind != "ExternalName" {
        errs.push(field::required(&path.child("ports"), ""));
    }
    let mut names = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let ppath = path.child("ports").index(i);
        let name = p.name.as_deref().unwrap_or("");
        if ports.len() > 1 && name.is_empty() {
            errs.push(field::required(&ppath.child("name"), ""));
        } else if !name.is_empty() {
            for msg in meta::label_problems(name) {
                errs.push(field::invalid(&ppath.child("name"), Value::str(name), &msg));
            }
            if !names.insert(name.to_string()) {
                errs.push(field::duplicate(&ppath.child("name"), Value::str(name)));
            }
        }
        if !(1..=65535).contains(&p.port) {
            errs.push(field::invalid(
                &ppath.child("port"),
                Value::int(p.port),
                "must be between 1 and 65535, inclusive",
            ));
        }
        let protocol = p.protocol.as_deref().unwrap_or("");
        match protocol {
            "" => errs.push(field::required(&ppath.child("protocol"), "")),
            "SCTP" | "TCP" | "UDP" => {}
            other => errs.push(field::not_supported(
                &ppath.child("protocol"),
                Value::str(other),
                &["SCTP", "TCP", "UDP"],
            )),
        }
        if let Some(target) = &p.target_port {
            use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
            match target {
                IntOrString::Int(t) if !(1..=65535).contains(t) => {
                    errs.push(field::invalid(
                        &ppath.child("targetPort"),
                        Value::int(*t),
                        "must be between 1 and 65535, inclusive",
                    ));
                }
                IntOrString::String(s) => {
                    for msg in pod::port_name_problems(s) {
                        errs.push(field::invalid(
                            &ppath.child("targetPort"),
                            Value::str(s),
                            &msg,
                        ));
                    }
                }
                _ => {}
            }
        }
        if !seen.insert((p.port, protocol.to_string())) {
            let shown = format!(
                "core.ServicePort{{Name:{}, Protocol:{}, Port:{}}}",
                super::gofmt::quote(name),
                super::gofmt::quote(protocol),
                p.port
            );
            errs.push(field::duplicate(&ppath, Value::go(shown)));
        }
    }
    match kind {
        "ClusterIP" | "ExternalName" | "LoadBalancer" | "NodePort" => {}
        "" => errs.push(field::required(&path.child("type"), "")),
        other => errs.push(field::not_supported(
            &path.child("type"),
            Value::str(other),
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        )),
    }
    match spec.session_affinity.as_deref().unwrap_or("") {
        "ClientIP" | "None" => {}
        "" => errs.push(field::required(&path.child("sessionAffinity"), "")),
        other => errs.push(field::not_supported(
            &path.child("sessionAffinity"),
            Value::str(other),
            &["ClientIP", "None"],
        )),
    }
    errs.extend(meta::labels(
        spec.selector.as_ref(),
        &path.child("selector"),
    ));
    errs
}

/// `ValidateServiceUpdate`: the cluster IP stays.
pub fn service_update(new: &Service, old: &Service) -> ErrorList {
    let mut errs = meta::object_meta_update(&new.metadata, &old.metadata);
    errs.extend(
        service(new)
            .into_iter()
            .filter(|e| !e.to_string().starts_with("metadata.")),
    );
    let ip = |s: &Service| {
        s.spec
            .as_ref()
            .and_then(|s| s.cluster_ip.clone())
            .unwrap_or_default()
    };
    if !ip(old).is_empty() && ip(new) != ip(old) {
        errs.push(field::immutable(
            &Path::new("spec").child("clusterIPs").index(0),
            Value::str(&ip(new)),
        ));
    }
    errs
}

pub fn controller_revision(cr: &ControllerRevision) -> ErrorList {
    let mut errs = meta::object_meta(&cr.metadata, true, meta::NameRule::Subdomain);
    if cr.data.is_none() {
        errs.push(field::required(&Path::new("data"), "data is mandatory"));
    }
    if cr.revision < 0 {
        errs.push(field::invalid(
            &Path::new("revision"),
            Value::int(cr.revision),
            "must be greater than or equal to 0",
        ));
    }
    errs
}

/// A revision's data and number never change.
pub fn controller_revision_update(new: &ControllerRevision, old: &ControllerRevision) -> ErrorList {
    let mut errs = meta::object_meta_update(&new.metadata, &old.metadata);
    errs.extend(
        controller_revision(new)
            .into_iter()
            .filter(|e| !e.to_string().starts_with("metadata.")),
    );
    if new.data != old.data {
        let shown = super::gofmt::go_struct(
            "runtime.RawExtension",
            &serde_json::json!({"raw": new.data.as_ref().map(|d| d.0.to_string())}),
        );
        errs.push(field::immutable(&Path::new("data"), Value::go(shown)));
    }
    errs
}
