//! The kinds klab serves and every name kubectl accepts for them.

use std::fmt;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Kind {
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
}

/// What `kubectl api-resources` knows about a kind.
pub struct KindInfo {
    pub kind: Kind,
    /// `Pod`, as in manifests.
    pub name: &'static str,
    /// `pods`, the resource name.
    pub plural: &'static str,
    pub short: &'static [&'static str],
    /// API group, empty for the core group.
    pub group: &'static str,
    pub version: &'static str,
    pub namespaced: bool,
}

pub const KINDS: &[KindInfo] = &[
    KindInfo {
        kind: Kind::Namespace,
        name: "Namespace",
        plural: "namespaces",
        short: &["ns"],
        group: "",
        version: "v1",
        namespaced: false,
    },
    KindInfo {
        kind: Kind::Node,
        name: "Node",
        plural: "nodes",
        short: &["no"],
        group: "",
        version: "v1",
        namespaced: false,
    },
    KindInfo {
        kind: Kind::Pod,
        name: "Pod",
        plural: "pods",
        short: &["po"],
        group: "",
        version: "v1",
        namespaced: true,
    },
    KindInfo {
        kind: Kind::Service,
        name: "Service",
        plural: "services",
        short: &["svc"],
        group: "",
        version: "v1",
        namespaced: true,
    },
    KindInfo {
        kind: Kind::PersistentVolume,
        name: "PersistentVolume",
        plural: "persistentvolumes",
        short: &["pv"],
        group: "",
        version: "v1",
        namespaced: false,
    },
    KindInfo {
        kind: Kind::PersistentVolumeClaim,
        name: "PersistentVolumeClaim",
        plural: "persistentvolumeclaims",
        short: &["pvc"],
        group: "",
        version: "v1",
        namespaced: true,
    },
    KindInfo {
        kind: Kind::StorageClass,
        name: "StorageClass",
        plural: "storageclasses",
        short: &["sc"],
        group: "storage.k8s.io",
        version: "v1",
        namespaced: false,
    },
    KindInfo {
        kind: Kind::Event,
        name: "Event",
        plural: "events",
        short: &["ev"],
        group: "",
        version: "v1",
        namespaced: true,
    },
    KindInfo {
        kind: Kind::ControllerRevision,
        name: "ControllerRevision",
        plural: "controllerrevisions",
        short: &[],
        group: "apps",
        version: "v1",
        namespaced: true,
    },
    KindInfo {
        kind: Kind::DaemonSet,
        name: "DaemonSet",
        plural: "daemonsets",
        short: &["ds"],
        group: "apps",
        version: "v1",
        namespaced: true,
    },
    KindInfo {
        kind: Kind::StatefulSet,
        name: "StatefulSet",
        plural: "statefulsets",
        short: &["sts"],
        group: "apps",
        version: "v1",
        namespaced: true,
    },
    KindInfo {
        kind: Kind::Job,
        name: "Job",
        plural: "jobs",
        short: &[],
        group: "batch",
        version: "v1",
        namespaced: true,
    },
    KindInfo {
        kind: Kind::CronJob,
        name: "CronJob",
        plural: "cronjobs",
        short: &["cj"],
        group: "batch",
        version: "v1",
        namespaced: true,
    },
];

impl Kind {
    pub fn info(self) -> &'static KindInfo {
        KINDS
            .iter()
            .find(|i| i.kind == self)
            .expect("every kind has a row in KINDS")
    }
    pub fn name(self) -> &'static str {
        self.info().name
    }
    pub fn plural(self) -> &'static str {
        self.info().plural
    }
    pub fn namespaced(self) -> bool {
        self.info().namespaced
    }
    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(self) -> String {
        let i = self.info();
        if i.group.is_empty() {
            i.version.to_string()
        } else {
            format!("{}/{}", i.group, i.version)
        }
    }
    /// The singular resource qualified by group, as kubectl prints it before `/name`:
    /// `daemonset.apps`, `pod`, `job.batch`.
    pub fn qualified(self) -> String {
        let i = self.info();
        let singular = i.name.to_ascii_lowercase();
        if i.group.is_empty() {
            singular
        } else {
            format!("{singular}.{}", i.group)
        }
    }
    /// The plural qualified by group, as in `daemonsets.apps "x" not found`.
    pub fn plural_qualified(self) -> String {
        let i = self.info();
        if i.group.is_empty() {
            i.plural.to_string()
        } else {
            format!("{}.{}", i.plural, i.group)
        }
    }
    /// Resolves any name kubectl accepts for a resource type: plural, singular, short name or
    /// kind, case-insensitively, optionally qualified `.group` or `.version.group`.
    pub fn parse(text: &str) -> Option<Kind> {
        let lower = text.to_ascii_lowercase();
        let (base, qualifier) = match lower.split_once('.') {
            Some((b, q)) => (b.to_string(), Some(q.to_string())),
            None => (lower.clone(), None),
        };
        let info = KINDS.iter().find(|i| {
            base == i.plural
                || base == i.name.to_ascii_lowercase()
                || i.short.contains(&base.as_str())
        })?;
        match qualifier {
            None => Some(info.kind),
            Some(q) => {
                let group_ok = q == info.group || q == format!("{}.{}", info.version, info.group);
                let core_ok = info.group.is_empty() && q == info.version;
                (group_ok || core_ok).then_some(info.kind)
            }
        }
    }
    /// Resolves a manifest's `apiVersion` + `kind`. Legacy versions a 1.32 server no longer
    /// serves are accepted, with the version the cluster does serve (see `legacy_warning`).
    pub fn from_manifest(api_version: &str, kind: &str) -> Option<Kind> {
        let info = KINDS.iter().find(|i| i.name == kind)?;
        let current = info.kind.api_version();
        (api_version == current || legacy_versions(info.kind).contains(&api_version))
            .then_some(info.kind)
    }
    /// Names for "did you mean" suggestions.
    pub fn all_names() -> Vec<&'static str> {
        KINDS
            .iter()
            .flat_map(|i| std::iter::once(i.plural).chain(i.short.iter().copied()))
            .collect()
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// API versions of the book era that a 1.32 cluster no longer serves.
fn legacy_versions(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::CronJob => &["batch/v1beta1", "batch/v2alpha1"],
        Kind::DaemonSet => &["apps/v1beta2", "extensions/v1beta1"],
        Kind::StatefulSet | Kind::ControllerRevision => &["apps/v1beta1", "apps/v1beta2"],
        _ => &[],
    }
}

/// The one-line warning klab prints when a manifest uses a legacy API version.
pub fn legacy_warning(api_version: &str, kind: Kind) -> Option<String> {
    if api_version == kind.api_version() {
        return None;
    }
    Some(format!(
        "Warning: {api_version} {} is not served by Kubernetes 1.32 (a real cluster answers: no matches for kind \"{}\" in version \"{api_version}\"); klab reads it as {} {}",
        kind.name(),
        kind.name(),
        kind.api_version(),
        kind.name()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_resource_names_resolve() {
        for (text, kind) in [
            ("pods", Kind::Pod),
            ("po", Kind::Pod),
            ("Pod", Kind::Pod),
            ("ds", Kind::DaemonSet),
            ("daemonset.apps", Kind::DaemonSet),
            ("statefulsets.v1.apps", Kind::StatefulSet),
            ("sts", Kind::StatefulSet),
            ("cj", Kind::CronJob),
            ("cronjob.batch", Kind::CronJob),
            ("jobs.batch", Kind::Job),
            ("pvc", Kind::PersistentVolumeClaim),
            ("no", Kind::Node),
            ("ev", Kind::Event),
            ("controllerrevision", Kind::ControllerRevision),
            ("svc", Kind::Service),
            ("sc", Kind::StorageClass),
            ("pods.v1", Kind::Pod),
        ] {
            assert_eq!(Kind::parse(text), Some(kind), "{text}");
        }
        assert_eq!(Kind::parse("deployments"), None);
        assert_eq!(Kind::parse("ds.batch"), None);
    }

    #[test]
    fn qualified_names_match_kubectl_output() {
        assert_eq!(Kind::DaemonSet.qualified(), "daemonset.apps");
        assert_eq!(Kind::Pod.qualified(), "pod");
        assert_eq!(
            Kind::PersistentVolumeClaim.qualified(),
            "persistentvolumeclaim"
        );
        assert_eq!(Kind::StatefulSet.plural_qualified(), "statefulsets.apps");
    }

    #[test]
    fn legacy_versions_are_accepted_with_a_warning() {
        assert_eq!(
            Kind::from_manifest("batch/v1beta1", "CronJob"),
            Some(Kind::CronJob)
        );
        assert!(legacy_warning("batch/v1beta1", Kind::CronJob)
            .unwrap()
            .contains("batch/v1"));
        assert_eq!(
            Kind::from_manifest("batch/v1", "CronJob"),
            Some(Kind::CronJob)
        );
        assert_eq!(Kind::from_manifest("apps/v1", "CronJob"), None);
    }
}
