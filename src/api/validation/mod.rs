//! Validation with the API server's messages (`pkg/apis/*/validation`, the registry
//! strategies). Each kind's rules live in their own file and run in the Go order; causes are
//! `field.path: Type: detail` and are de-duplicated as kubectl does before printing them
//! (`statusCausesToAggrError`). Validation runs after defaulting, on the typed object.

mod core;
mod cronjob;
mod daemonset;
pub(crate) mod field;
pub mod gofmt;
mod job;
mod meta;
mod pod;
mod statefulset;
mod storage;

use crate::api::Object;
use crate::store::ApiError;
use field::ErrorList;

pub use statefulset::FORBIDDEN_UPDATE as STATEFULSET_FORBIDDEN_UPDATE;

/// Validation on create (after defaulting).
pub fn validate_create(obj: &Object) -> Result<(), ApiError> {
    let errs = match obj {
        Object::Namespace(o) => core::namespace(o),
        Object::Node(o) => core::node(o),
        Object::Pod(o) => pod::pod_create(o),
        Object::Service(o) => core::service(o),
        Object::PersistentVolume(o) => storage::pv_create(o),
        Object::PersistentVolumeClaim(o) => storage::pvc_create(o),
        Object::StorageClass(o) => storage::storage_class_create(o),
        Object::Event(o) => meta::object_meta(&o.metadata, true, meta::NameRule::Subdomain),
        Object::ControllerRevision(o) => core::controller_revision(o),
        Object::DaemonSet(o) => daemonset::create(o),
        Object::StatefulSet(o) => statefulset::create(o),
        Object::Job(o) => job::create(o),
        Object::CronJob(o) => cronjob::create(o),
    };
    result(obj, errs)
}

/// Validation on update, immutable fields included (after defaulting `new`).
pub fn validate_update(old: &Object, new: &Object) -> Result<(), ApiError> {
    let errs = match (old, new) {
        (Object::Namespace(_), Object::Namespace(n)) => {
            meta::object_meta_update(&n.metadata, old.meta())
        }
        (Object::Node(_), Object::Node(n)) => {
            let mut errs = meta::object_meta_update(&n.metadata, old.meta());
            errs.extend(
                core::node(n)
                    .into_iter()
                    .filter(|e| !e.to_string().starts_with("metadata.")),
            );
            errs
        }
        (Object::Pod(o), Object::Pod(n)) => pod::pod_update(n, o),
        (Object::Service(o), Object::Service(n)) => core::service_update(n, o),
        (Object::PersistentVolume(o), Object::PersistentVolume(n)) => storage::pv_update(n, o),
        (Object::PersistentVolumeClaim(o), Object::PersistentVolumeClaim(n)) => {
            storage::pvc_update(n, o)
        }
        (Object::StorageClass(o), Object::StorageClass(n)) => storage::storage_class_update(n, o),
        (Object::Event(o), Object::Event(n)) => meta::object_meta_update(&n.metadata, &o.metadata),
        (Object::ControllerRevision(o), Object::ControllerRevision(n)) => {
            core::controller_revision_update(n, o)
        }
        (Object::DaemonSet(o), Object::DaemonSet(n)) => daemonset::update(n, o),
        (Object::StatefulSet(o), Object::StatefulSet(n)) => statefulset::update(n, o),
        (Object::Job(o), Object::Job(n)) => job::update(n, o),
        (Object::CronJob(o), Object::CronJob(n)) => cronjob::update(n, o),
        _ => {
            return Err(ApiError::Other {
                reason: "BadRequest".into(),
                message: format!("cannot update a {} with a {}", old.kind(), new.kind()),
            })
        }
    };
    result(new, errs)
}

/// The warnings a 1.32 server returns on create, as kubectl prints them (`Warning: …`).
pub fn warnings_on_create(obj: &Object) -> Vec<String> {
    let warnings = match obj {
        Object::Job(j) => job::warnings(j),
        Object::StatefulSet(s) => crate::controllers::statefulset::strategy::warnings_on_create(s),
        _ => vec![],
    };
    warnings
        .into_iter()
        .map(|w| format!("Warning: {w}"))
        .collect()
}

/// The errors as the API server's Invalid status, causes de-duplicated in order.
fn result(obj: &Object, errs: ErrorList) -> Result<(), ApiError> {
    if errs.is_empty() {
        return Ok(());
    }
    let mut causes: Vec<String> = Vec::new();
    for e in errs {
        let text = e.to_string();
        if !causes.contains(&text) {
            causes.push(text);
        }
    }
    let name = obj.meta().name.clone().unwrap_or_default();
    Err(ApiError::Invalid {
        kind: obj.kind(),
        name,
        causes,
    })
}

/// `apiequality.Semantic.DeepEqual` for API values: equal as JSON, where an empty list or
/// map is the same as none (the forked `reflect.DeepEqual` treats nil and empty alike).
pub(crate) fn semantic_eq<T: serde::Serialize>(a: &T, b: &T) -> bool {
    use serde_json::Value;
    fn strip(v: Value) -> Value {
        match v {
            Value::Object(m) => m
                .into_iter()
                .map(|(k, v)| (k, strip(v)))
                .filter(|(_, v)| !is_empty(v))
                .collect(),
            Value::Array(items) => Value::Array(items.into_iter().map(strip).collect()),
            other => other,
        }
    }
    fn is_empty(v: &Value) -> bool {
        matches!(v, Value::Array(a) if a.is_empty())
            || matches!(v, Value::Object(m) if m.is_empty())
    }
    let json = |x: &T| serde_json::to_value(x).map(strip).ok();
    json(a) == json(b)
}

#[cfg(test)]
mod tests;
