//! The server-side table columns of each kind (k/k `pkg/printers/internalversion/printers.go`
//! for a 1.32 server) and the client-side decoration kubectl adds (cli-runtime
//! `tableprinter.go` `decorateTable`): NAMESPACE first with `-A` (namespaced kinds only), and
//! LABELS last with `--show-labels`.

pub mod controllerrevision;
pub mod cronjob;
pub mod daemonset;
pub mod event;
pub mod job;
pub mod namespace;
pub mod node;
pub mod pod;
pub mod pv;
pub mod pvc;
pub mod service;
pub mod statefulset;
pub mod storageclass;

use super::GetOptions;
use crate::api::{Kind, Object};
use crate::sim::SimTime;

/// The kind's own headers (wide columns included when asked), before decoration.
pub fn kind_headers(kind: Kind, wide: bool) -> Vec<&'static str> {
    let (base, extra): (&[&str], &[&str]) = match kind {
        Kind::Pod => (pod::HEADERS, pod::WIDE),
        Kind::Node => (node::HEADERS, node::WIDE),
        Kind::DaemonSet => (daemonset::HEADERS, daemonset::WIDE),
        Kind::StatefulSet => (statefulset::HEADERS, statefulset::WIDE),
        Kind::Job => (job::HEADERS, job::WIDE),
        Kind::CronJob => (cronjob::HEADERS, cronjob::WIDE),
        Kind::PersistentVolume => (pv::HEADERS, pv::WIDE),
        Kind::PersistentVolumeClaim => (pvc::HEADERS, pvc::WIDE),
        Kind::StorageClass => (storageclass::HEADERS, storageclass::WIDE),
        Kind::ControllerRevision => (controllerrevision::HEADERS, controllerrevision::WIDE),
        Kind::Service => (service::HEADERS, service::WIDE),
        Kind::Namespace => (namespace::HEADERS, namespace::WIDE),
        // Events' wide columns interleave with the others, so the wide set is complete.
        Kind::Event => {
            return if wide {
                event::WIDE.to_vec()
            } else {
                event::HEADERS.to_vec()
            }
        }
    };
    let mut h = base.to_vec();
    if wide {
        h.extend_from_slice(extra);
    }
    h
}

/// The kind's own cells for one object, before decoration.
pub fn kind_cells(obj: &Object, now: SimTime, wide: bool) -> Vec<String> {
    match obj {
        Object::Pod(o) => pod::row(o, now, wide),
        Object::Node(o) => node::row(o, now, wide),
        Object::DaemonSet(o) => daemonset::row(o, now, wide),
        Object::StatefulSet(o) => statefulset::row(o, now, wide),
        Object::Job(o) => job::row(o, now, wide),
        Object::CronJob(o) => cronjob::row(o, now, wide),
        Object::PersistentVolume(o) => pv::row(o, now, wide),
        Object::PersistentVolumeClaim(o) => pvc::row(o, now, wide),
        Object::StorageClass(o) => storageclass::row(o, now, wide),
        Object::ControllerRevision(o) => controllerrevision::row(o, now, wide),
        Object::Service(o) => service::row(o, now, wide),
        Object::Namespace(o) => namespace::row(o, now, wide),
        Object::Event(o) => event::row(o, now, wide),
    }
}

/// kubectl prints NAMESPACE only for namespaced kinds, even with `-A`.
fn namespace_column(kind: Kind, opts: &GetOptions) -> bool {
    opts.all_namespaces && kind.namespaced()
}

pub fn headers(kind: Kind, opts: &GetOptions) -> Vec<String> {
    let mut h = Vec::new();
    if namespace_column(kind, opts) {
        h.push("NAMESPACE".to_string());
    }
    h.extend(
        kind_headers(kind, opts.wide)
            .into_iter()
            .map(str::to_string),
    );
    if opts.show_labels {
        h.push("LABELS".to_string());
    }
    h
}

pub fn row(obj: &Object, now: SimTime, opts: &GetOptions) -> Vec<String> {
    let mut r = Vec::new();
    if namespace_column(obj.kind(), opts) {
        r.push(obj.namespace().to_string());
    }
    r.extend(kind_cells(obj, now, opts.wide));
    if opts.show_labels {
        r.push(crate::api::selector::format_labels(
            obj.meta().labels.as_ref(),
        ));
    }
    r
}
