//! The Volumes section (kubectl `describe.go` `describeVolumes` and the `print*VolumeSource`
//! helpers for the sources pods in klab use; others print what kubectl prints for an unknown
//! source, `<unknown>`).

use super::writer::{Writer, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3};
use k8s_openapi::api::core::v1::{
    ConfigMapVolumeSource, EmptyDirVolumeSource, HostPathVolumeSource, PersistentVolumeClaim,
    ProjectedVolumeSource, SecretVolumeSource, Volume,
};

pub fn describe_volumes(w: &mut Writer, volumes: &[Volume], space: &str) {
    if volumes.is_empty() {
        w.write(LEVEL_0, &format!("{space}Volumes:\t<none>\n"));
        return;
    }
    w.write(LEVEL_0, &format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in volumes {
        w.write(LEVEL_1, &format!("{name_indent}{}:\n", v.name));
        if let Some(h) = &v.host_path {
            host_path(w, h);
        } else if let Some(e) = &v.empty_dir {
            empty_dir(w, e);
        } else if let Some(s) = &v.secret {
            secret(w, s);
        } else if let Some(c) = &v.config_map {
            config_map(w, c);
        } else if let Some(n) = &v.nfs {
            w.write(
                LEVEL_2,
                &format!(
                    "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n",
                    n.server,
                    n.path,
                    n.read_only.unwrap_or(false)
                ),
            );
        } else if let Some(c) = &v.persistent_volume_claim {
            w.write(
                LEVEL_2,
                &format!(
                    "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n",
                    c.claim_name,
                    c.read_only.unwrap_or(false)
                ),
            );
        } else if let Some(e) = &v.ephemeral {
            w.write(LEVEL_2, "Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)\n");
            if let Some(t) = &e.volume_claim_template {
                let pvc = PersistentVolumeClaim {
                    metadata: t.metadata.clone().unwrap_or_default(),
                    spec: Some(t.spec.clone()),
                    status: None,
                };
                // NewNestedPrefixWriter(w, LEVEL_2): every write two levels deeper.
                w.base += LEVEL_2;
                super::pvc::print_claim(w, &pvc, false, crate::sim::SimTime::default());
                w.base -= LEVEL_2;
            }
        } else if let Some(d) = &v.downward_api {
            w.write(LEVEL_2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n");
            for item in d.items.iter().flatten() {
                if let Some(f) = &item.field_ref {
                    w.write(LEVEL_3, &format!("{} -> {}\n", f.field_path, item.path));
                }
                if let Some(r) = &item.resource_field_ref {
                    w.write(LEVEL_3, &format!("{} -> {}\n", r.resource, item.path));
                }
            }
        } else if let Some(p) = &v.projected {
            projected(w, p);
        } else if let Some(c) = &v.csi {
            w.write(
                LEVEL_2,
                &format!(
                    "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    ReadOnly:\t{}\n",
                    c.driver,
                    c.fs_type.clone().unwrap_or_default(),
                    c.read_only.unwrap_or(false)
                ),
            );
            csi_attributes(w, c.volume_attributes.as_ref());
        } else if let Some(i) = &v.image {
            w.write(
                LEVEL_2,
                &format!(
                    "Type:\tImage (a container image or OCI artifact)\n    Reference:\t{}\n    PullPolicy:\t{}\n",
                    i.reference.clone().unwrap_or_default(),
                    i.pull_policy.clone().unwrap_or_default()
                ),
            );
        } else {
            w.write(LEVEL_1, "<unknown>\n");
        }
    }
}

pub fn host_path(w: &mut Writer, h: &HostPathVolumeSource) {
    w.write(
        LEVEL_2,
        &format!(
            "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n",
            h.path,
            h.type_.clone().unwrap_or_else(|| "<none>".into())
        ),
    );
}

fn empty_dir(w: &mut Writer, e: &EmptyDirVolumeSource) {
    let size = e
        .size_limit
        .as_ref()
        .filter(|q| crate::api::quantity::parse(&q.0).is_ok_and(|v| v.milli > 0))
        .map(|q| crate::api::quantity::canonical_str(&q.0))
        .unwrap_or_else(|| "<unset>".into());
    w.write(
        LEVEL_2,
        &format!(
            "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{size}\n",
            e.medium.clone().unwrap_or_default()
        ),
    );
}

fn secret(w: &mut Writer, s: &SecretVolumeSource) {
    w.write(
        LEVEL_2,
        &format!(
            "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n",
            s.secret_name.clone().unwrap_or_default(),
            s.optional.unwrap_or(false)
        ),
    );
}

fn config_map(w: &mut Writer, c: &ConfigMapVolumeSource) {
    w.write(
        LEVEL_2,
        &format!("Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n", c.name, c.optional.unwrap_or(false)),
    );
}

fn projected(w: &mut Writer, p: &ProjectedVolumeSource) {
    w.write(
        LEVEL_2,
        "Type:\tProjected (a volume that contains injected data from multiple sources)\n",
    );
    for s in p.sources.iter().flatten() {
        if let Some(sec) = &s.secret {
            w.write(
                LEVEL_2,
                &format!(
                    "SecretName:\t{}\n    Optional:\t{}\n",
                    sec.name,
                    sec.optional.unwrap_or(false)
                ),
            );
        } else if s.downward_api.is_some() {
            w.write(LEVEL_2, "DownwardAPI:\ttrue\n");
        } else if let Some(cm) = &s.config_map {
            w.write(
                LEVEL_2,
                &format!(
                    "ConfigMapName:\t{}\n    Optional:\t{}\n",
                    cm.name,
                    cm.optional.unwrap_or(false)
                ),
            );
        } else if let Some(t) = &s.service_account_token {
            w.write(
                LEVEL_2,
                &format!(
                    "TokenExpirationSeconds:\t{}\n",
                    t.expiration_seconds.unwrap_or(0)
                ),
            );
        }
    }
}

/// `printCSIPersistentVolumeAttributesMultiline`.
pub fn csi_attributes(w: &mut Writer, attrs: Option<&std::collections::BTreeMap<String, String>>) {
    w.write(LEVEL_2, "VolumeAttributes:\t");
    let attrs = match attrs {
        Some(a) if !a.is_empty() => a,
        _ => {
            w.line("<none>");
            return;
        }
    };
    for (i, (k, v)) in attrs.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_2, "");
            w.write(LEVEL_2, "\t");
        }
        let line = format!("{k}={v}");
        if line.len() > 140 {
            w.write(LEVEL_2, &format!("{}...\n", &line[..140]));
        } else {
            w.write(LEVEL_2, &format!("{line}\n"));
        }
    }
}
