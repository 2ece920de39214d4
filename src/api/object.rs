//! `Object`: one stored Kubernetes object of any kind klab serves, with typed access.

use super::kinds::Kind;
use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod, Service,
};
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

macro_rules! objects {
    ($($kind:ident),* $(,)?) => {
        /// A typed object of one of klab's kinds (k8s-openapi's 1.32 structs).
        // Variants differ in size, but objects live behind `Arc` in the store, so boxing buys nothing.
        #[allow(clippy::large_enum_variant)]
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object { $($kind($kind)),* }

        impl Object {
            pub fn kind(&self) -> Kind {
                match self { $(Object::$kind(_) => Kind::$kind),* }
            }
            pub fn meta(&self) -> &ObjectMeta {
                match self { $(Object::$kind(o) => &o.metadata),* }
            }
            pub fn meta_mut(&mut self) -> &mut ObjectMeta {
                match self { $(Object::$kind(o) => &mut o.metadata),* }
            }
            /// The object as `kubectl get -o json` shows it (apiVersion and kind included).
            pub fn to_json(&self) -> serde_json::Value {
                let value = match self { $(Object::$kind(o) => serde_json::to_value(o)),* };
                value.unwrap_or(serde_json::Value::Null)
            }
            /// Typed decode of a JSON value already known to be of `kind`; the error is serde's.
            pub fn from_json(kind: Kind, value: serde_json::Value) -> Result<Object, String> {
                match kind { $(Kind::$kind => serde_json::from_value::<$kind>(value).map(Object::$kind).map_err(|e| e.to_string())),* }
            }
        }

        $(impl From<$kind> for Object {
            fn from(o: $kind) -> Object { Object::$kind(o) }
        })*
    };
}

objects!(
    Namespace,
    Node,
    Pod,
    Service,
    PersistentVolume,
    PersistentVolumeClaim,
    StorageClass,
    Event,
    ControllerRevision,
    DaemonSet,
    StatefulSet,
    Job,
    CronJob,
);

/// Typed views: `obj.pod()` is `Some(&Pod)` for a pod.
macro_rules! accessors {
    ($($fn:ident, $fn_mut:ident => $kind:ident;)*) => {
        impl Object {
            $(
                pub fn $fn(&self) -> Option<&$kind> {
                    match self { Object::$kind(o) => Some(o), _ => None }
                }
                pub fn $fn_mut(&mut self) -> Option<&mut $kind> {
                    match self { Object::$kind(o) => Some(o), _ => None }
                }
            )*
        }
    };
}

accessors! {
    namespace_obj, namespace_obj_mut => Namespace;
    node, node_mut => Node;
    pod, pod_mut => Pod;
    service, service_mut => Service;
    pv, pv_mut => PersistentVolume;
    pvc, pvc_mut => PersistentVolumeClaim;
    storage_class, storage_class_mut => StorageClass;
    event, event_mut => Event;
    controller_revision, controller_revision_mut => ControllerRevision;
    daemon_set, daemon_set_mut => DaemonSet;
    stateful_set, stateful_set_mut => StatefulSet;
    job, job_mut => Job;
    cron_job, cron_job_mut => CronJob;
}

impl Object {
    pub fn name(&self) -> &str {
        self.meta().name.as_deref().unwrap_or("")
    }
    pub fn namespace(&self) -> &str {
        self.meta().namespace.as_deref().unwrap_or("")
    }
    pub fn uid(&self) -> &str {
        self.meta().uid.as_deref().unwrap_or("")
    }
    pub fn key(&self) -> ObjKey {
        ObjKey::new(self.kind(), self.namespace(), self.name())
    }
    pub fn is_deleting(&self) -> bool {
        self.meta().deletion_timestamp.is_some()
    }
    pub fn owner_references(&self) -> &[OwnerReference] {
        self.meta().owner_references.as_deref().unwrap_or(&[])
    }
    /// The owner reference with `controller: true`, if any.
    pub fn controller_ref(&self) -> Option<&OwnerReference> {
        self.owner_references()
            .iter()
            .find(|r| r.controller == Some(true))
    }
    pub fn labels(&self) -> &std::collections::BTreeMap<String, String> {
        static EMPTY: std::collections::BTreeMap<String, String> =
            std::collections::BTreeMap::new();
        self.meta().labels.as_ref().unwrap_or(&EMPTY)
    }
    /// `kind/name` with the kind lower-cased, as the script API names objects.
    pub fn display_ref(&self) -> String {
        format!(
            "{}/{}",
            self.kind().name().to_ascii_lowercase(),
            self.name()
        )
    }
    /// A controller reference (`controller: true`, `blockOwnerDeletion: true`) to this object.
    pub fn controller_ref_to(&self) -> OwnerReference {
        OwnerReference {
            api_version: self.kind().api_version(),
            kind: self.kind().name().to_string(),
            name: self.name().to_string(),
            uid: self.uid().to_string(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }
    }
}

/// Where an object lives in the store: kind, namespace (empty if cluster-scoped), name.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct ObjKey {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
}

impl ObjKey {
    pub fn new(kind: Kind, namespace: &str, name: &str) -> Self {
        let namespace = if kind.namespaced() {
            namespace.to_string()
        } else {
            String::new()
        };
        ObjKey {
            kind,
            namespace,
            name: name.to_string(),
        }
    }
}

impl std::fmt::Display for ObjKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.kind.name().to_ascii_lowercase(), self.name)
    }
}
