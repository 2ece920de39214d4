//! `kubectl describe` for Services and Namespaces (kubectl `describe.go` `describeService`,
//! `describeNamespace`).

use super::common::{annotations, events, labels};
use super::writer::{Writer, LEVEL_0, LEVEL_1};
use crate::print::format::{format_labels, rfc1123z};
use crate::sim::SimTime;
use k8s_openapi::api::core::v1::{Event, Namespace, Service};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// `endpoints`: ready `ip:port` addresses per service port name, standing in for the
/// EndpointSlices kubectl reads (`formatEndpointSlices`: three shown, then `+ N more...`).
pub fn service(
    svc: &Service,
    endpoints: &dyn Fn(&str, i32) -> Vec<String>,
    evs: &[Event],
    now: SimTime,
) -> String {
    let mut w = Writer::default();
    let spec = svc.spec.clone().unwrap_or_default();
    w.write(
        LEVEL_0,
        &format!("Name:\t{}\n", svc.metadata.name.as_deref().unwrap_or("")),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Namespace:\t{}\n",
            svc.metadata.namespace.as_deref().unwrap_or("")
        ),
    );
    labels(&mut w, "Labels", svc.metadata.labels.as_ref());
    annotations(&mut w, "Annotations", svc.metadata.annotations.as_ref());
    w.write(
        LEVEL_0,
        &format!("Selector:\t{}\n", format_labels(spec.selector.as_ref())),
    );
    w.write(
        LEVEL_0,
        &format!("Type:\t{}\n", spec.type_.clone().unwrap_or_default()),
    );
    if let Some(p) = &spec.ip_family_policy {
        w.write(LEVEL_0, &format!("IP Family Policy:\t{p}\n"));
    }
    match spec.ip_families.as_ref().filter(|f| !f.is_empty()) {
        Some(f) => w.write(LEVEL_0, &format!("IP Families:\t{}\n", f.join(","))),
        None => w.write(LEVEL_0, "IP Families:\t<none>\n"),
    }
    w.write(
        LEVEL_0,
        &format!("IP:\t{}\n", spec.cluster_ip.clone().unwrap_or_default()),
    );
    match spec.cluster_ips.as_ref().filter(|f| !f.is_empty()) {
        Some(ips) => w.write(LEVEL_0, &format!("IPs:\t{}\n", ips.join(","))),
        None => w.write(LEVEL_0, "IPs:\t<none>\n"),
    }
    if let Some(ext) = spec.external_ips.as_ref().filter(|e| !e.is_empty()) {
        w.write(LEVEL_0, &format!("External IPs:\t{}\n", ext.join(",")));
    }
    if let Some(ip) = spec.load_balancer_ip.as_deref().filter(|s| !s.is_empty()) {
        w.write(LEVEL_0, &format!("Desired LoadBalancer IP:\t{ip}\n"));
    }
    if let Some(n) = spec.external_name.as_deref().filter(|s| !s.is_empty()) {
        w.write(LEVEL_0, &format!("External Name:\t{n}\n"));
    }
    for p in spec.ports.iter().flatten() {
        let name = p
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "<unset>".into());
        let proto = p.protocol.clone().unwrap_or_default();
        w.write(LEVEL_0, &format!("Port:\t{name}\t{}/{proto}\n", p.port));
        let target_port = match &p.target_port {
            Some(IntOrString::Int(i)) => *i,
            Some(IntOrString::String(_)) => 0,
            None => p.port,
        };
        match &p.target_port {
            Some(IntOrString::String(s)) => {
                w.write(LEVEL_0, &format!("TargetPort:\t{s}/{proto}\n"))
            }
            _ => w.write(LEVEL_0, &format!("TargetPort:\t{target_port}/{proto}\n")),
        }
        if let Some(np) = p.node_port.filter(|n| *n != 0) {
            w.write(LEVEL_0, &format!("NodePort:\t{name}\t{np}/{proto}\n"));
        }
        let addrs = endpoints(p.name.as_deref().unwrap_or(""), target_port);
        let shown = if addrs.is_empty() {
            "<none>".to_string()
        } else if addrs.len() > 3 {
            format!("{} + {} more...", addrs[..3].join(","), addrs.len() - 3)
        } else {
            addrs.join(",")
        };
        w.write(LEVEL_0, &format!("Endpoints:\t{shown}\n"));
    }
    w.write(
        LEVEL_0,
        &format!(
            "Session Affinity:\t{}\n",
            spec.session_affinity.clone().unwrap_or_default()
        ),
    );
    if let Some(p) = spec
        .external_traffic_policy
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.write(LEVEL_0, &format!("External Traffic Policy:\t{p}\n"));
    }
    if let Some(p) = &spec.internal_traffic_policy {
        w.write(LEVEL_0, &format!("Internal Traffic Policy:\t{p}\n"));
    }
    if let Some(p) = spec.health_check_node_port.filter(|p| *p != 0) {
        w.write(LEVEL_0, &format!("HealthCheck NodePort:\t{p}\n"));
    }
    if let Some(r) = spec
        .load_balancer_source_ranges
        .as_ref()
        .filter(|r| !r.is_empty())
    {
        w.write(
            LEVEL_0,
            &format!("LoadBalancer Source Ranges:\t{}\n", r.join(",")),
        );
    }
    if let Some(t) = spec
        .traffic_distribution
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.write(LEVEL_0, &format!("Traffic Distribution:\t{t}\n"));
    }
    events(&mut w, evs, now);
    w.finish()
}

/// klab has no ResourceQuota or LimitRange objects, so both lists are empty.
pub fn namespace(ns: &Namespace) -> String {
    let mut w = Writer::default();
    w.write(
        LEVEL_0,
        &format!("Name:\t{}\n", ns.metadata.name.as_deref().unwrap_or("")),
    );
    labels(&mut w, "Labels", ns.metadata.labels.as_ref());
    annotations(&mut w, "Annotations", ns.metadata.annotations.as_ref());
    w.write(
        LEVEL_0,
        &format!(
            "Status:\t{}\n",
            ns.status
                .as_ref()
                .and_then(|s| s.phase.clone())
                .unwrap_or_default()
        ),
    );
    if let Some(conditions) = ns
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .filter(|c| !c.is_empty())
    {
        w.write(LEVEL_0, "Conditions:\n");
        w.write(
            LEVEL_1,
            "Type\tStatus\tLastTransitionTime\tReason\tMessage\n",
        );
        w.write(
            LEVEL_1,
            "----\t------\t------------------\t------\t-------\n",
        );
        for c in conditions {
            w.write(
                LEVEL_1,
                &format!(
                    "{}\t{}\t{}\t{}\t{}\n",
                    c.type_,
                    c.status,
                    rfc1123z(c.last_transition_time.as_ref()),
                    c.reason.as_deref().unwrap_or(""),
                    c.message.as_deref().unwrap_or("")
                ),
            );
        }
    }
    w.write(LEVEL_0, "\n");
    w.write(LEVEL_0, "No resource quota.\n");
    w.write(LEVEL_0, "\n");
    w.write(LEVEL_0, "No LimitRange resource.\n");
    w.finish()
}
