//! The typed decode of one document, strict like the API server's (kubectl 1.32 sends
//! `fieldValidation=Strict`): unknown fields are collected with their path by `serde_ignored`
//! wrapped around the Go-like decoder (`go_json.rs`), and reported the way sigs.k8s.io/json
//! reports them: `strict decoding error: unknown field "spec.template.spec.containers[0].imagee"`.
//! A type error wins over unknown fields (the server returns it alone).
//!
//! `decode_object` is the one non-generic entry point, so each kind's large deserializer is
//! instantiated once, here.

use super::go_json::{Ctx, GoDe};
use crate::api::validation::gofmt;
use crate::api::{Kind, Object};
use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod, Service,
};
use k8s_openapi::api::storage::v1::StorageClass;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes `value` (apiVersion already the served one) as `kind`. Err is the server's reason,
/// to follow `<Kind> in version "<v>" cannot be handled as a <Kind>: `.
pub(crate) fn decode_object(kind: Kind, value: &Value) -> Result<Object, String> {
    match kind {
        Kind::Namespace => typed::<Namespace>(value).map(Object::Namespace),
        Kind::Node => typed::<Node>(value).map(Object::Node),
        Kind::Pod => typed::<Pod>(value).map(Object::Pod),
        Kind::Service => typed::<Service>(value).map(Object::Service),
        Kind::PersistentVolume => typed::<PersistentVolume>(value).map(Object::PersistentVolume),
        Kind::PersistentVolumeClaim => {
            typed::<PersistentVolumeClaim>(value).map(Object::PersistentVolumeClaim)
        }
        Kind::StorageClass => typed::<StorageClass>(value).map(Object::StorageClass),
        Kind::Event => typed::<Event>(value).map(Object::Event),
        Kind::ControllerRevision => {
            typed::<ControllerRevision>(value).map(Object::ControllerRevision)
        }
        Kind::DaemonSet => typed::<DaemonSet>(value).map(Object::DaemonSet),
        Kind::StatefulSet => typed::<StatefulSet>(value).map(Object::StatefulSet),
        Kind::Job => typed::<Job>(value).map(Object::Job),
        Kind::CronJob => typed::<CronJob>(value).map(Object::CronJob),
    }
}

fn typed<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    let ctx = Ctx::default();
    let mut unknown: Vec<String> = Vec::new();
    let decoded: Result<T, _> =
        serde_ignored::deserialize(GoDe::new(value, &ctx), |path| unknown.push(k8s_path(&path)));
    match decoded {
        Err(err) => Err(ctx.error().unwrap_or(err.0)),
        Ok(_) if !unknown.is_empty() => {
            let fields: Vec<String> = unknown
                .iter()
                .map(|p| format!("unknown field {}", gofmt::quote(p)))
                .collect();
            Err(format!("strict decoding error: {}", fields.join(", ")))
        }
        Ok(object) => Ok(object),
    }
}

/// sigs.k8s.io/json's field path: `a.b[0].c`.
fn k8s_path(path: &serde_ignored::Path) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", k8s_path(parent)),
        Path::Map { parent, key } => {
            let parent = k8s_path(parent);
            if parent.is_empty() {
                key.clone()
            } else {
                format!("{parent}.{key}")
            }
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => k8s_path(parent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ds(spec: Value) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "x"}, "spec": spec})
    }

    #[test]
    fn unknown_fields_are_listed_with_their_path_in_document_order() {
        let v = ds(
            json!({"bogus": 1, "template": {"spec": {"containers": [{"image": "a", "imagee": "b", "name": "c"}]}}}),
        );
        assert_eq!(
            decode_object(Kind::DaemonSet, &v).unwrap_err(),
            r#"strict decoding error: unknown field "spec.bogus", unknown field "spec.template.spec.containers[0].imagee""#
        );
    }

    #[test]
    fn type_errors_use_gos_unmarshal_type_error_wording() {
        let port = ds(
            json!({"template": {"spec": {"containers": [{"name": "c", "ports": [{"containerPort": "80"}]}]}}}),
        );
        assert_eq!(
            decode_object(Kind::DaemonSet, &port).unwrap_err(),
            "json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32"
        );
        let env = ds(
            json!({"template": {"spec": {"containers": [{"name": "c", "env": [{"name": "A", "value": 1}]}]}}}),
        );
        assert_eq!(
            decode_object(Kind::DaemonSet, &env).unwrap_err(),
            "json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string"
        );
        let label = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"version": 5}}});
        assert_eq!(
            decode_object(Kind::Pod, &label).unwrap_err(),
            "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"
        );
    }

    #[test]
    fn wrong_shapes_name_the_go_type() {
        assert_eq!(
            decode_object(Kind::DaemonSet, &ds(json!("x"))).unwrap_err(),
            "json: cannot unmarshal string into Go struct field DaemonSet.spec of type v1.DaemonSetSpec"
        );
        let containers = ds(json!({"template": {"spec": {"containers": "x"}}}));
        assert_eq!(
            decode_object(Kind::DaemonSet, &containers).unwrap_err(),
            "json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container"
        );
        let element = ds(json!({"template": {"spec": {"containers": ["x"]}}}));
        assert_eq!(
            decode_object(Kind::DaemonSet, &element).unwrap_err(),
            "json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.containers of type v1.Container"
        );
        let policy = ds(json!({"template": {"spec": {"restartPolicy": 5}}}));
        assert_eq!(
            decode_object(Kind::DaemonSet, &policy).unwrap_err(),
            "json: cannot unmarshal number into Go struct field PodSpec.spec.template.spec.restartPolicy of type v1.RestartPolicy"
        );
        let limits = ds(
            json!({"template": {"spec": {"containers": [{"name": "c", "resources": {"limits": "x"}}]}}}),
        );
        assert_eq!(
            decode_object(Kind::DaemonSet, &limits).unwrap_err(),
            "json: cannot unmarshal string into Go struct field ResourceRequirements.spec.template.spec.containers.resources.limits of type v1.ResourceList"
        );
        let fraction = ds(json!({"minReadySeconds": 1.5}));
        assert_eq!(
            decode_object(Kind::DaemonSet, &fraction).unwrap_err(),
            "json: cannot unmarshal number 1.5 into Go struct field DaemonSetSpec.spec.minReadySeconds of type int32"
        );
    }

    #[test]
    fn quantities_accept_numbers_and_reject_bad_text() {
        let pvc = |storage: Value| {
            json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "c"},
                   "spec": {"resources": {"requests": {"storage": storage}}}})
        };
        let ok = decode_object(Kind::PersistentVolumeClaim, &pvc(json!(2))).unwrap();
        let requests = ok
            .pvc()
            .unwrap()
            .spec
            .as_ref()
            .unwrap()
            .resources
            .as_ref()
            .unwrap()
            .requests
            .clone()
            .unwrap();
        assert_eq!(requests["storage"].0, "2");
        assert_eq!(
            decode_object(Kind::PersistentVolumeClaim, &pvc(json!("1Gb"))).unwrap_err(),
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        );
    }

    #[test]
    fn int_or_string_errors_come_from_the_standard_library_without_context() {
        let v = ds(json!({"updateStrategy": {"rollingUpdate": {"maxUnavailable": true}}}));
        assert_eq!(
            decode_object(Kind::DaemonSet, &v).unwrap_err(),
            "json: cannot unmarshal bool into Go value of type int32"
        );
        let ok = ds(
            json!({"updateStrategy": {"rollingUpdate": {"maxUnavailable": "50%", "maxSurge": 0}}}),
        );
        assert!(decode_object(Kind::DaemonSet, &ok).is_ok());
    }

    #[test]
    fn nulls_leave_zero_values() {
        let v = ds(
            json!({"selector": null, "template": {"metadata": {"labels": null}, "spec": {"containers": null}}}),
        );
        let obj = decode_object(Kind::DaemonSet, &v).unwrap();
        assert!(obj
            .daemon_set()
            .unwrap()
            .spec
            .as_ref()
            .unwrap()
            .template
            .spec
            .as_ref()
            .unwrap()
            .containers
            .is_empty());
    }

    #[test]
    fn a_type_error_wins_over_unknown_fields() {
        let v = ds(json!({"aaa": 1, "minReadySeconds": "x"}));
        assert!(decode_object(Kind::DaemonSet, &v)
            .unwrap_err()
            .starts_with("json: cannot unmarshal string"));
    }
}
