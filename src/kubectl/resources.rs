//! Which objects a command names, the way kubectl's resource builder reads its arguments:
//! `TYPE`, `TYPE NAME…`, `TYPE1,TYPE2 [NAME…]`, `TYPE/NAME…`, `all`, plus `-l`, `--all`,
//! `-A` and `-f`. Errors are the builder's texts.

use super::command::Targets;
use super::errors::Failure;
use super::files;
use super::Ctx;
use crate::api::selector::Selector;
use crate::api::{Kind, ObjKey, Object};
use crate::store::ApiError;
use std::sync::Arc;

/// One thing to fetch: a named object, or every object of a kind (filtered later).
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    Named { kind: Kind, name: String },
    List { kind: Kind },
}

/// What `all` means (the `all` category, in discovery order, limited to klab's kinds).
const ALL_CATEGORY: &[Kind] = &[
    Kind::Pod,
    Kind::Service,
    Kind::DaemonSet,
    Kind::StatefulSet,
    Kind::CronJob,
    Kind::Job,
];

fn parse_kind(text: &str) -> Result<Vec<Kind>, Failure> {
    if text.eq_ignore_ascii_case("all") {
        return Ok(ALL_CATEGORY.to_vec());
    }
    Kind::parse(text).map(|k| vec![k]).ok_or_else(|| {
        Failure::plain(format!(
            "the server doesn't have a resource type \"{text}\""
        ))
    })
}

fn parse_kinds(text: &str) -> Result<Vec<Kind>, Failure> {
    let mut kinds = Vec::new();
    for part in text.split(',').filter(|p| !p.is_empty()) {
        for k in parse_kind(part)? {
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
    }
    Ok(kinds)
}

/// Reads positional arguments. `allow_empty`: a bare `TYPE` lists (get/describe); verbs
/// that change things need names, `-l` or `--all`.
pub fn parse_args(t: &Targets, allow_empty: bool) -> Result<Vec<Request>, Failure> {
    let args = &t.args;
    if args.is_empty() {
        return Ok(Vec::new());
    }
    if args[0].contains('/') {
        let mut out = Vec::new();
        for a in args {
            let Some((kind, name)) = a.split_once('/') else {
                return Err(Failure::plain(
                    "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
                ));
            };
            if kind.is_empty() || name.is_empty() || name.contains('/') {
                return Err(Failure::plain(
                    "arguments in resource/name form must have a single resource and name",
                ));
            }
            for k in parse_kinds(kind)? {
                out.push(Request::Named {
                    kind: k,
                    name: name.to_string(),
                });
            }
        }
        if t.selector.is_some() || t.all {
            return Err(Failure::plain(
                "selectors and the all flag cannot be used when passing resource/name arguments",
            ));
        }
        return Ok(out);
    }
    if args[1..].iter().any(|a| a.contains('/')) {
        return Err(Failure::plain(
            "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
        ));
    }
    let kinds = parse_kinds(&args[0])?;
    let names = &args[1..];
    if !names.is_empty() && t.selector.is_some() {
        return Err(Failure::plain(
            "name cannot be provided when a selector is specified",
        ));
    }
    if names.is_empty() {
        if !allow_empty && t.selector.is_none() && !t.all {
            return Err(Failure::plain(
                "resource(s) were provided, but no name was specified",
            ));
        }
        return Ok(kinds
            .into_iter()
            .map(|kind| Request::List { kind })
            .collect());
    }
    let mut out = Vec::new();
    for kind in kinds {
        for n in names {
            out.push(Request::Named {
                kind,
                name: n.clone(),
            });
        }
    }
    Ok(out)
}

pub fn parse_selector(t: &Targets) -> Result<Selector, Failure> {
    match &t.selector {
        Some(s) => Selector::parse(s).map_err(Failure::plain),
        None => Ok(Selector::everything()),
    }
}

/// One object a command acts on, with the source file it was named in (for messages).
#[derive(Clone, Debug)]
pub struct Found {
    pub object: Arc<Object>,
    pub source: String,
}

/// What the targets ask for, before anything is fetched: named objects (with the file that
/// named them) or whole kinds.
#[derive(Clone, Debug)]
pub enum Want {
    Key { key: ObjKey, source: String },
    List { kind: Kind },
}

/// Reads the targets into wants. Failures of single documents are collected; a failure
/// that makes the whole request meaningless is returned as `Err`.
pub fn wants(
    ctx: &Ctx,
    t: &Targets,
    all_namespaces: bool,
    allow_empty: bool,
) -> Result<(Vec<Want>, Vec<Failure>), Failure> {
    let mut out = Vec::new();
    let mut failures = Vec::new();
    if !t.files.is_empty() {
        if !t.args.is_empty() {
            return Err(Failure::plain(
                "when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well",
            ));
        }
        let (items, read_failures) = files::read_items(ctx.env, &t.files, t.recursive);
        failures.extend(read_failures);
        for item in items {
            match item {
                files::Item::Doc(d) => {
                    let obj = &d.decoded.object;
                    match files::namespace_for(obj, &ctx.namespace, ctx.explicit_namespace) {
                        Ok(ns) => out.push(Want::Key {
                            key: ObjKey::new(obj.kind(), &ns, obj.name()),
                            source: d.source.clone(),
                        }),
                        Err(f) => failures.push(f),
                    }
                }
                // Naming an object does not need every field to decode (kubectl reads these
                // files as unstructured): the kind and name are enough.
                files::Item::Rejected { kind, name, error } => {
                    let source = match &error {
                        crate::api::manifest::DocError::BadRequest { source, .. } => source.clone(),
                        _ => String::new(),
                    };
                    out.push(Want::Key {
                        key: ObjKey::new(kind, &ctx.namespace, &name),
                        source,
                    });
                }
            }
        }
        return Ok((out, failures));
    }
    for r in parse_args(t, allow_empty)? {
        match r {
            Request::Named { kind, name } => {
                if all_namespaces && kind.namespaced() {
                    return Err(Failure::plain(
                        "a resource cannot be retrieved by name across all namespaces",
                    ));
                }
                out.push(Want::Key {
                    key: ObjKey::new(kind, &ctx.namespace, &name),
                    source: String::new(),
                });
            }
            Request::List { kind } => out.push(Want::List { kind }),
        }
    }
    Ok((out, failures))
}

/// Every object of `kind` in the namespace in effect (or all), matching the selector, in
/// the API server's order (namespace, then name).
pub fn list(ctx: &Ctx, kind: Kind, all_namespaces: bool, selector: &Selector) -> Vec<Arc<Object>> {
    let ns = (!all_namespaces).then(|| ctx.namespace.clone());
    ctx.cluster
        .world
        .store
        .list(kind, ns.as_deref())
        .filter(|o| selector.matches(o.labels()))
        .cloned()
        .collect()
}

/// Fetches what the targets name, in kubectl's order, collecting NotFound (and other)
/// failures and continuing (`ContinueOnError`). `all_namespaces` lists across namespaces.
pub fn fetch(
    ctx: &Ctx,
    t: &Targets,
    all_namespaces: bool,
    allow_empty: bool,
) -> (Vec<Found>, Vec<Failure>) {
    let (wants, mut failures) = match wants(ctx, t, all_namespaces, allow_empty) {
        Ok(w) => w,
        Err(f) => return (Vec::new(), vec![f]),
    };
    let selector = match parse_selector(t) {
        Ok(s) => s,
        Err(f) => return (Vec::new(), vec![f]),
    };
    let mut found = Vec::new();
    for w in wants {
        match w {
            Want::Key { key, source } => match ctx.cluster.world.store.get(&key) {
                Some(o) => found.push(Found {
                    object: o.clone(),
                    source,
                }),
                None => failures.push(Failure::api(ApiError::NotFound {
                    kind: key.kind,
                    name: key.name,
                })),
            },
            Want::List { kind } => {
                found.extend(list(ctx, kind, all_namespaces, &selector).into_iter().map(
                    |object| Found {
                        object,
                        source: String::new(),
                    },
                ));
            }
        }
    }
    (found, failures)
}
