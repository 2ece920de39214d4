//! `kubectl create -f` (create only: an existing object is an AlreadyExists error) and
//! `kubectl create namespace NAME`. `create job`/`create cronjob` arrive with their
//! controllers (command.rs parses them).

use super::apply::{check_namespace, object_ref};
use super::errors::Failure;
use super::files::{self, Item};
use super::Ctx;
use crate::api::{defaults, validation, Object};
use k8s_openapi::api::core::v1::{Namespace, NamespaceSpec, NamespaceStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

fn create_object(ctx: &mut Ctx, mut obj: Object, source: &str) -> Result<String, Failure> {
    let kind = obj.kind();
    check_namespace(ctx, kind, obj.namespace())
        .map_err(|e| Failure::api_with_source(e, "creating", source))?;
    defaults::apply_defaults(&mut obj);
    validation::validate_create(&obj)
        .map_err(|e| Failure::api_with_source(e, "creating", source))?;
    let warnings = validation::warnings_on_create(&obj);
    // World::create runs the mutating admission (default tolerations, storage class…).
    let created = ctx
        .cluster
        .world
        .create(obj)
        .map_err(|e| Failure::api_with_source(e, "creating", source))?;
    for w in warnings {
        ctx.line(w);
    }
    Ok(created.name().to_string())
}

pub fn run_files(ctx: &mut Ctx, file_args: &[String], recursive: bool, name_output: bool) {
    let (items, mut errs) = files::read_items(ctx.env, file_args, recursive);
    if items.is_empty() && errs.is_empty() {
        ctx.fail(Failure::plain("no objects passed to create"));
        return;
    }
    for item in items {
        let doc = match item {
            Item::Doc(doc) => doc,
            Item::Rejected { error, .. } => {
                errs.push(files::rejected_failure(&error, "creating"));
                continue;
            }
        };
        for w in &doc.decoded.warnings {
            ctx.line(w);
        }
        let mut obj = doc.decoded.object.clone();
        let kind = obj.kind();
        let ns = match files::namespace_for(&obj, &ctx.namespace, ctx.explicit_namespace) {
            Ok(ns) => ns,
            Err(f) => {
                errs.push(f);
                continue;
            }
        };
        if kind.namespaced() {
            obj.meta_mut().namespace = Some(ns);
        }
        match create_object(ctx, obj, &doc.source) {
            Ok(name) => {
                let shown = object_ref(kind, &name);
                ctx.line(if name_output {
                    shown
                } else {
                    format!("{shown} created")
                });
                ctx.settle_instant();
            }
            Err(f) => errs.push(f),
        }
    }
    for e in errs {
        ctx.fail(e);
    }
}

/// A namespace as the API server stores it: the `kubernetes` finalizer, phase Active and
/// the `kubernetes.io/metadata.name` label.
pub fn namespace_object(name: &str) -> Object {
    Object::Namespace(Namespace {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            labels: Some(BTreeMap::from([(
                "kubernetes.io/metadata.name".to_string(),
                name.to_string(),
            )])),
            ..Default::default()
        },
        spec: Some(NamespaceSpec {
            finalizers: Some(vec!["kubernetes".into()]),
        }),
        status: Some(NamespaceStatus {
            phase: Some("Active".into()),
            ..Default::default()
        }),
    })
}

pub fn run_namespace(ctx: &mut Ctx, name: &str) {
    if let Some(problem) = crate::api::names::dns_label_problem(name) {
        ctx.fail(Failure::api(crate::store::ApiError::Invalid {
            kind: crate::api::Kind::Namespace,
            name: name.to_string(),
            causes: vec![format!(
                "metadata.name: Invalid value: \"{name}\": {problem}"
            )],
        }));
        return;
    }
    match create_object(ctx, namespace_object(name), "") {
        Ok(name) => {
            ctx.line(format!("namespace/{name} created"));
            ctx.settle_instant();
        }
        Err(f) => ctx.fail(f),
    }
}
