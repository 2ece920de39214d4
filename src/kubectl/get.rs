//! `kubectl get`: tables (one per kind, separated by a blank line, names prefixed with the
//! kind when several kinds are shown), `-o wide|yaml|json|name`, `No resources found …`,
//! and `-w`, which advances the simulated cluster instant by instant and prints one row per
//! change until it settles.

use super::command::{GetArgs, Output};
use super::errors::Failure;
use super::resources::{self, Found};
use super::Ctx;
use crate::api::{Kind, Object};
use crate::print::{self, GetOptions, TableWriter};
use crate::sim::SimDuration;
use crate::store::{ApiError, WatchType};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The longest `get -w` follows the cluster before returning (as `settle()` does).
const WATCH_CAP_SECS: i64 = 3600;

fn print_options(a: &GetArgs, kind: Kind) -> GetOptions {
    GetOptions {
        wide: a.output == Output::Wide,
        show_labels: a.show_labels,
        all_namespaces: a.all_namespaces && kind.namespaced(),
        no_headers: a.no_headers,
    }
}

/// A row, with the name prefixed by `<kind>.<group>/` when several kinds are printed.
fn table_row(obj: &Object, ctx: &Ctx, opts: &GetOptions, with_kind: bool) -> Vec<String> {
    let mut row = print::row(obj, &ctx.cluster.world, opts);
    let name_col = usize::from(opts.all_namespaces);
    if with_kind {
        if let Some(cell) = row.get_mut(name_col) {
            *cell = format!("{}/{cell}", obj.kind().qualified());
        }
    }
    row
}

fn print_objects(ctx: &mut Ctx, a: &GetArgs, found: &[Found], single_item: bool) {
    let objects: Vec<Arc<Object>> = found.iter().map(|f| f.object.clone()).collect();
    match a.output {
        Output::Name => {
            for o in &objects {
                ctx.line(print::name(o));
            }
        }
        Output::Yaml => {
            if single_item && objects.len() == 1 {
                ctx.print(&print::yaml(&objects[0]));
            } else {
                ctx.print(&print::yaml_list(&objects));
            }
        }
        Output::Json => {
            if single_item && objects.len() == 1 {
                ctx.print(&print::json(&objects[0]));
            } else {
                ctx.print(&print::json_list(&objects));
            }
        }
        Output::Table | Output::Wide => print_tables(ctx, a, &objects),
    }
}

fn print_tables(ctx: &mut Ctx, a: &GetArgs, objects: &[Arc<Object>]) {
    let first_kind = objects.first().map(|o| o.kind());
    let with_kind = objects.iter().any(|o| Some(o.kind()) != first_kind);
    let mut i = 0;
    let mut written = false;
    while i < objects.len() {
        let kind = objects[i].kind();
        let opts = print_options(a, kind);
        let mut rows = Vec::new();
        if !a.no_headers {
            rows.push(print::headers(kind, &opts));
        }
        while i < objects.len() && objects[i].kind() == kind {
            rows.push(table_row(&objects[i], ctx, &opts, with_kind));
            i += 1;
        }
        let text = TableWriter::default().write(&rows);
        if written && !a.no_headers {
            ctx.print("\n");
        }
        ctx.print(&text);
        written = true;
    }
}

pub fn run(ctx: &mut Ctx, a: GetArgs) {
    if a.watch {
        return watch(ctx, a);
    }
    let (found, failures) = resources::fetch(ctx, &a.targets, a.all_namespaces, true);
    let failures: Vec<Failure> = failures
        .into_iter()
        .filter(|f| {
            !(a.ignore_not_found
                && matches!(
                    f,
                    Failure::Api {
                        err: ApiError::NotFound { .. },
                        ..
                    }
                ))
        })
        .collect();
    let single_item = single_item_implied(&a);
    // Only the human-readable printers say "No resources found"; -o name/yaml/json print an
    // empty result (an empty List for yaml/json).
    let human = matches!(a.output, Output::Table | Output::Wide);
    if found.is_empty() && failures.is_empty() && !a.ignore_not_found && human {
        let namespaced = !a.all_namespaces && requested_kinds(&a).iter().all(|k| k.namespaced());
        if namespaced {
            ctx.line(format!(
                "No resources found in {} namespace.",
                ctx.namespace
            ));
        } else {
            ctx.line("No resources found");
        }
    } else if !(found.is_empty() && single_item) {
        print_objects(ctx, &a, &found, single_item);
    }
    for f in failures {
        ctx.fail(f);
    }
}

/// Kinds named by the arguments (for the "No resources found" wording).
fn requested_kinds(a: &GetArgs) -> Vec<Kind> {
    match resources::parse_args(&a.targets, true) {
        Ok(reqs) => reqs
            .into_iter()
            .map(|r| match r {
                resources::Request::Named { kind, .. } | resources::Request::List { kind } => kind,
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// kubectl prints a lone object (not a List) for `get KIND NAME` / `get KIND/NAME`.
fn single_item_implied(a: &GetArgs) -> bool {
    if !a.targets.files.is_empty() {
        return false;
    }
    matches!(resources::parse_args(&a.targets, true), Ok(reqs) if reqs.len() == 1 && matches!(reqs[0], resources::Request::Named { .. }))
}

/// What one watched object looks like in the output, to skip repeats of the same row.
struct WatchPrinter {
    writer: TableWriter,
    header_printed: bool,
    last_rows: BTreeMap<(String, String), Vec<String>>,
    printed: usize,
}

fn watch(ctx: &mut Ctx, a: GetArgs) {
    let (wants, failures) = match resources::wants(ctx, &a.targets, a.all_namespaces, true) {
        Ok(w) => w,
        Err(f) => return ctx.fail(f),
    };
    if let Some(f) = failures.into_iter().next() {
        return ctx.fail(f);
    }
    let kinds: Vec<Kind> = wants
        .iter()
        .map(|w| match w {
            resources::Want::Key { key, .. } => key.kind,
            resources::Want::List { kind } => *kind,
        })
        .fold(Vec::new(), |mut acc, k| {
            if !acc.contains(&k) {
                acc.push(k);
            }
            acc
        });
    if kinds.len() != 1 || wants.len() > 1 && !a.targets.files.is_empty() {
        return ctx.fail(Failure::plain(
            "watch is only supported on individual resources and resource collections - more than 1 resource was found",
        ));
    }
    let kind = kinds[0];
    let names: Vec<String> = wants
        .iter()
        .filter_map(|w| match w {
            resources::Want::Key { key, .. } => Some(key.name.clone()),
            _ => None,
        })
        .collect();
    let selector = match resources::parse_selector(&a.targets) {
        Ok(s) => s,
        Err(f) => return ctx.fail(f),
    };
    let opts = print_options(&a, kind);
    let namespace = (!a.all_namespaces && kind.namespaced()).then(|| ctx.namespace.clone());
    let matches = |o: &Object| -> bool {
        o.kind() == kind
            && namespace.as_deref().is_none_or(|ns| o.namespace() == ns)
            && (names.is_empty() || names.iter().any(|n| n == o.name()))
            && selector.matches(o.labels())
    };

    // The current state first (a named object that does not exist is an error).
    let mut initial: Vec<Arc<Object>> = Vec::new();
    if names.is_empty() {
        initial = resources::list(ctx, kind, a.all_namespaces, &selector);
    } else {
        for n in &names {
            let key = crate::api::ObjKey::new(kind, &ctx.namespace, n);
            match ctx.cluster.world.store.get(&key) {
                Some(o) => initial.push(o.clone()),
                None => {
                    return ctx.fail(Failure::api(ApiError::NotFound {
                        kind,
                        name: n.clone(),
                    }))
                }
            }
        }
    }
    let mut printer = WatchPrinter {
        writer: TableWriter::default(),
        header_printed: false,
        last_rows: BTreeMap::new(),
        printed: 0,
    };
    if matches!(a.output, Output::Table | Output::Wide) {
        // The current objects are one table, aligned together (one flush in kubectl).
        let mut rows = Vec::new();
        if !initial.is_empty() && !a.no_headers {
            rows.push(print::headers(kind, &opts));
            printer.header_printed = true;
        }
        for o in &initial {
            let row = table_row(o, ctx, &opts, false);
            printer.last_rows.insert(
                (o.namespace().to_string(), o.name().to_string()),
                row.clone(),
            );
            rows.push(row);
        }
        if !rows.is_empty() {
            let text = printer.writer.write(&rows);
            ctx.print(&text);
        }
    } else {
        for o in &initial {
            emit(ctx, &a, &opts, &mut printer, o);
        }
    }

    let pos = ctx.cluster.open_watch();
    let mut cursor = pos;
    let limit = ctx.cluster.now() + SimDuration::from_secs(WATCH_CAP_SECS);
    let mut steps = 0;
    while let Some(work) = ctx.cluster.world.timers.next_work_time() {
        if work > limit {
            break;
        }
        match super::wait::step_bounded(ctx, &mut steps) {
            Ok(true) => {}
            Ok(false) => break,
            Err(f) => {
                ctx.fail(f);
                break;
            }
        }
        let end = ctx.cluster.world.store.log_end();
        let changes: Vec<(WatchType, Arc<Object>)> = ctx
            .cluster
            .world
            .store
            .changes_since(cursor)
            .iter()
            .filter(|c| matches(&c.object))
            .map(|c| (c.kind, c.object.clone()))
            .collect();
        cursor = ctx.cluster.move_watch(cursor, end);
        for (_, obj) in changes {
            emit(ctx, &a, &opts, &mut printer, &obj);
        }
    }
    ctx.cluster.close_watch(cursor);
}

/// Prints one object as `get -w` does: a table row (header before the first), a name, or a
/// whole document.
fn emit(ctx: &mut Ctx, a: &GetArgs, opts: &GetOptions, p: &mut WatchPrinter, obj: &Arc<Object>) {
    match a.output {
        Output::Name => ctx.line(print::name(obj)),
        Output::Yaml => {
            if p.printed > 0 {
                ctx.print("---\n");
            }
            ctx.print(&print::yaml(obj));
        }
        Output::Json => ctx.print(&print::json(obj)),
        Output::Table | Output::Wide => {
            let row = table_row(obj, ctx, opts, false);
            let id = (obj.namespace().to_string(), obj.name().to_string());
            if p.last_rows.get(&id) == Some(&row) {
                return;
            }
            p.last_rows.insert(id, row.clone());
            let mut rows = Vec::new();
            if !p.header_printed && !a.no_headers {
                rows.push(print::headers(obj.kind(), opts));
            }
            p.header_printed = true;
            rows.push(row);
            let text = p.writer.write(&rows);
            ctx.print(&text);
        }
    }
    p.printed += 1;
}
