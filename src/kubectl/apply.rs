//! `kubectl apply -f` (client-side apply): per document, create it if absent, else patch it
//! with the three-way strategic merge of the last-applied configuration, the new one and the
//! live object. Keeps `kubectl.kubernetes.io/last-applied-configuration` as kubectl writes it.
//! A failing document is reported at the end; the others are still applied (fact 98).

use super::command::ApplyArgs;
use super::errors::Failure;
use super::files::{self, Doc, Item};
use super::{strategic, Ctx};
use crate::api::{defaults, validation, Kind, ObjKey, Object};
use crate::print::gojson;
use crate::store::ApiError;
use serde_json::{Map, Value};

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

pub fn run(ctx: &mut Ctx, a: ApplyArgs) {
    let (items, mut errs) = files::read_items(ctx.env, &a.files, a.recursive);
    if items.is_empty() && errs.is_empty() {
        ctx.fail(Failure::plain("no objects passed to apply"));
        return;
    }
    for item in &items {
        let result = match item {
            Item::Doc(doc) => apply_one(ctx, doc, a.name_output),
            Item::Rejected { kind, name, error } => {
                // The server refuses the create (or the patch of an existing object).
                let key = ObjKey::new(*kind, &ctx.namespace, name);
                let verb = if ctx.cluster.world.store.get(&key).is_some() {
                    "patching"
                } else {
                    "creating"
                };
                Err(files::rejected_failure(error, verb))
            }
        };
        if let Err(f) = result {
            errs.push(f);
        }
    }
    for e in errs {
        ctx.fail(e);
    }
}

/// `<kind>.<group>/<name>` as kubectl's name printer writes it.
pub fn object_ref(kind: Kind, name: &str) -> String {
    format!("{}/{name}", kind.qualified())
}

/// The namespace must exist before anything is created in it (NamespaceLifecycle).
pub fn check_namespace(ctx: &Ctx, kind: Kind, ns: &str) -> Result<(), ApiError> {
    if kind.namespaced()
        && ctx
            .cluster
            .world
            .store
            .get(&ObjKey::new(Kind::Namespace, "", ns))
            .is_none()
    {
        return Err(ApiError::NotFound {
            kind: Kind::Namespace,
            name: ns.to_string(),
        });
    }
    Ok(())
}

/// The configuration kubectl records: the document as written, with the served apiVersion,
/// the namespace filled in, and `metadata.annotations` present (empty if the user gave
/// none) but without the last-applied annotation itself (`GetModifiedConfiguration`).
pub fn applied_configuration(doc: &Value, kind: Kind, ns: &str) -> Value {
    let mut v = doc.clone();
    if let Some(m) = v.as_object_mut() {
        m.insert("apiVersion".into(), Value::String(kind.api_version()));
        let meta = m
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(meta) = meta.as_object_mut() {
            if kind.namespaced() {
                meta.insert("namespace".into(), Value::String(ns.to_string()));
            }
            let ann = meta
                .entry("annotations")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(ann) = ann.as_object_mut() {
                ann.remove(LAST_APPLIED);
            } else {
                *ann = Value::Object(Map::new());
            }
        }
    }
    v
}

/// `Resource: "apps/v1, Resource=statefulsets", GroupVersionKind: …` (resource.Info's String).
fn info_string(kind: Kind, name: &str, ns: &str) -> String {
    // Go's GroupVersionResource/GroupVersionKind String(): `group/version`, so the core
    // group prints as `/v1`.
    let info = kind.info();
    let gv = format!("{}/{}", info.group, info.version);
    format!(
        "Resource: \"{gv}, Resource={}\", GroupVersionKind: \"{gv}, Kind={}\"\nName: \"{name}\", Namespace: \"{ns}\"",
        info.plural, info.name
    )
}

fn apply_one(ctx: &mut Ctx, doc: &Doc, name_output: bool) -> Result<(), Failure> {
    for w in &doc.decoded.warnings {
        ctx.line(w);
    }
    let mut obj = doc.decoded.object.clone();
    let kind = obj.kind();
    let ns = files::namespace_for(&obj, &ctx.namespace, ctx.explicit_namespace)?;
    if kind.namespaced() {
        obj.meta_mut().namespace = Some(ns.clone());
    }
    let name = obj.name().to_string();
    if name.is_empty() {
        return Err(
            match obj.meta().generate_name.clone().filter(|g| !g.is_empty()) {
                Some(g) => Failure::plain(format!("from {g}: cannot use generate name with apply")),
                None => Failure::plain("resource name may not be empty"),
            },
        );
    }
    let source = doc.source.as_str();
    let applied = applied_configuration(&doc.decoded.applied, kind, &ns);
    let applied_text = format!("{}\n", gojson::to_compact_string(&applied));
    let key = ObjKey::new(kind, &ns, &name);
    let shown = object_ref(kind, &name);

    let Some(current) = ctx.cluster.world.store.get(&key).cloned() else {
        check_namespace(ctx, kind, &ns)
            .map_err(|e| Failure::api_with_source(e, "creating", source))?;
        obj.meta_mut()
            .annotations
            .get_or_insert_with(Default::default)
            .insert(LAST_APPLIED.into(), applied_text);
        defaults::apply_defaults(&mut obj);
        validation::validate_create(&obj)
            .map_err(|e| Failure::api_with_source(e, "creating", source))?;
        let warnings = validation::warnings_on_create(&obj);
        // World::create runs the mutating admission (default tolerations, storage class…).
        ctx.cluster
            .world
            .create(obj)
            .map_err(|e| Failure::api_with_source(e, "creating", source))?;
        // The server's warnings arrive with its answer, before kubectl prints the result.
        for w in warnings {
            ctx.line(w);
        }
        ctx.line(if name_output {
            shown
        } else {
            format!("{shown} created")
        });
        ctx.settle_instant();
        return Ok(());
    };

    let original: Option<Value> = match current
        .meta()
        .annotations
        .as_ref()
        .and_then(|a| a.get(LAST_APPLIED))
    {
        Some(text) => serde_json::from_str(text).ok(),
        None => {
            ctx.line(format!(
                "Warning: resource {}/{name} is missing the {LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.",
                kind.plural()
            ));
            None
        }
    };
    let mut modified = applied.clone();
    if let Some(ann) = modified
        .pointer_mut("/metadata/annotations")
        .and_then(|a| a.as_object_mut())
    {
        ann.insert(LAST_APPLIED.into(), Value::String(applied_text));
    }
    let live = current.to_json();
    let (deletions, delta) =
        strategic::three_way(original.as_ref(), &modified, &live, kind).map_err(Failure::plain)?;
    let warn_deleting = |ctx: &mut Ctx| {
        if current.is_deleting() {
            ctx.line(format!(
                "Warning: Detected changes to resource {name} which is currently being deleted."
            ));
        }
    };
    if strategic::is_empty_patch(&deletions) && strategic::is_empty_patch(&delta) {
        warn_deleting(ctx);
        ctx.line(if name_output {
            shown
        } else {
            format!("{shown} unchanged")
        });
        return Ok(());
    }
    let patch_text = gojson::to_compact_string(&strategic::combine(&deletions, &delta));
    let patch_failure = |err: ApiError| {
        Failure::Api {
        err,
        context: format!(
            "error when applying patch:\n{patch_text}\nto:\n{}\nfor: \"{source}\": error when patching \"{source}\": ",
            info_string(kind, &name, &ns)
        ),
    }
    };
    let patched = strategic::apply(&live, &deletions, kind)
        .and_then(|v| strategic::apply(&v, &delta, kind))
        .map_err(|m| {
            patch_failure(ApiError::Other {
                reason: "BadRequest".into(),
                message: m,
            })
        })?;
    let mut new = Object::from_json(kind, patched).map_err(|m| {
        patch_failure(ApiError::Other {
            reason: "BadRequest".into(),
            message: m,
        })
    })?;
    defaults::apply_defaults(&mut new);
    validation::validate_update(&current, &new).map_err(patch_failure)?;
    let now = ctx.cluster.world.now;
    ctx.cluster
        .world
        .store
        .replace(new, now)
        .map_err(patch_failure)?;
    warn_deleting(ctx);
    ctx.line(if name_output {
        shown
    } else {
        format!("{shown} configured")
    });
    ctx.settle_instant();
    Ok(())
}
