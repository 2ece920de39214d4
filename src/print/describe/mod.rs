//! `kubectl describe` as kubectl 1.32 prints it for a 1.32 server (kubectl
//! `pkg/describe/describe.go`). Each describer formats one object; this module gathers what
//! it needs from the world (events, the pods of a controller or node, a claim's users).

mod batch;
mod common;
mod containers;
mod generic;
mod node;
mod pod;
mod pvc;
mod service;
mod storage;
mod volumes;
mod workloads;
mod writer;

pub use generic::smart_label;
pub use pod::qos_class;

use crate::api::selector::Selector;
use crate::api::{Kind, Object};
use crate::world::World;
use common::{object_events, pod_counts};

pub fn describe(obj: &Object, world: &World) -> String {
    let now = world.now;
    let evs = object_events(world, obj);
    match obj {
        Object::Pod(p) => pod::describe(p, &evs, now),
        Object::Node(n) => {
            let pods = world.store.pods_on_node(obj.name());
            let lease = node::lease_for(n, world.runtime.node_is_up(obj.name()), now);
            node::describe(n, &pods, &lease, &evs, now)
        }
        Object::DaemonSet(ds) => {
            let counts = controller_pods(world, obj, ds.spec.as_ref().map(|s| &s.selector));
            workloads::daemonset(ds, counts, &evs, now)
        }
        Object::StatefulSet(sts) => {
            let counts = controller_pods(world, obj, sts.spec.as_ref().map(|s| &s.selector));
            workloads::statefulset(sts, counts, &evs, now)
        }
        Object::Job(j) => batch::job(j, &evs, now),
        Object::CronJob(cj) => batch::cronjob(cj, &evs, now),
        Object::PersistentVolume(pv) => storage::pv(pv, &evs, now),
        Object::PersistentVolumeClaim(pvc) => {
            pvc::describe(pvc, &claim_users(world, obj), &evs, now)
        }
        Object::StorageClass(sc) => storage::storage_class(sc, &evs, now),
        Object::Service(svc) => {
            let endpoints =
                |port_name: &str, target: i32| service_endpoints(world, obj, port_name, target);
            service::service(svc, &endpoints, &evs, now)
        }
        Object::Namespace(ns) => service::namespace(ns),
        Object::ControllerRevision(_) | Object::Event(_) => generic::describe(obj, &evs, now),
    }
}

/// `getPodStatusForController` with the controller's selector (an absent one selects nothing).
fn controller_pods(
    world: &World,
    obj: &Object,
    sel: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector>,
) -> workloads::PodCounts {
    match sel.map(Selector::from_label_selector) {
        Some(Ok(selector)) => pod_counts(world, obj.namespace(), &selector, obj.uid()),
        _ => (0, 0, 0, 0),
    }
}

/// `getPodsForPVC`: pods in the namespace mounting the claim, then pods owning it.
fn claim_users(world: &World, pvc: &Object) -> Vec<String> {
    let mut names = Vec::new();
    let pods: Vec<_> = world
        .store
        .list(Kind::Pod, Some(pvc.namespace()))
        .cloned()
        .collect();
    for o in &pods {
        let Some(p) = o.pod() else { continue };
        for v in p.spec.iter().flat_map(|s| s.volumes.iter().flatten()) {
            if v.persistent_volume_claim
                .as_ref()
                .is_some_and(|c| c.claim_name == pvc.name())
            {
                names.push(o.name().to_string());
            }
        }
    }
    for r in pvc.owner_references().iter().filter(|r| r.kind == "Pod") {
        if let Some(o) = pods.iter().find(|o| o.uid() == r.uid) {
            if !names.iter().any(|n| n == o.name()) {
                names.push(o.name().to_string());
            }
        }
    }
    names
}

/// klab keeps no Endpoints objects: a service's endpoints are its selected pods that are
/// Ready and have an IP, sorted by IP as the endpoints controller packs addresses.
fn service_endpoints(
    world: &World,
    svc: &Object,
    _port_name: &str,
    target_port: i32,
) -> Vec<String> {
    let Some(selector) = svc
        .service()
        .and_then(|s| s.spec.as_ref())
        .and_then(|s| s.selector.as_ref())
        .filter(|s| !s.is_empty())
    else {
        return Vec::new();
    };
    world
        .store
        .list(Kind::Pod, Some(svc.namespace()))
        .filter(|o| selector.iter().all(|(k, v)| o.labels().get(k) == Some(v)))
        .filter_map(|o| o.pod())
        .filter(|p| {
            p.status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
        })
        .filter_map(|p| {
            p.status
                .as_ref()
                .and_then(|s| s.pod_ip.clone())
                .filter(|ip| !ip.is_empty())
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|ip| format!("{ip}:{target_port}"))
        .collect()
}

/// `printTemplate` (`rollout history --revision`): `DescribePodTemplate` through a plain
/// `PrefixWriter`, so tabs are printed as they are, not aligned.
pub fn pod_template_unaligned(template: &k8s_openapi::api::core::v1::PodTemplateSpec) -> String {
    let mut w = writer::Writer::default();
    w.unaligned = true;
    common::pod_template(&mut w, template);
    w.finish()
}
