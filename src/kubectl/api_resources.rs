//! `kubectl api-resources`: the kinds klab serves, in kubectl's order (stable-sorted by API
//! group; within a group, discovery order, which is alphabetical by resource).

use super::command::ApiResourcesArgs;
use super::errors::Failure;
use super::Ctx;
use crate::api::kinds::{KindInfo, KINDS};
use crate::api::Kind;
use crate::print::TableWriter;

const ALL_VERBS: &str = "create,delete,deletecollection,get,list,patch,update,watch";

fn verbs(kind: Kind) -> &'static str {
    match kind {
        // Namespaces cannot be deleted as a collection.
        Kind::Namespace => "create,delete,get,list,patch,update,watch",
        _ => ALL_VERBS,
    }
}

fn categories(kind: Kind) -> &'static str {
    match kind {
        Kind::Pod
        | Kind::Service
        | Kind::DaemonSet
        | Kind::StatefulSet
        | Kind::Job
        | Kind::CronJob => "all",
        _ => "",
    }
}

/// Kinds in kubectl's output order.
pub fn ordered() -> Vec<&'static KindInfo> {
    let mut kinds: Vec<&KindInfo> = KINDS.iter().collect();
    kinds.sort_by(|a, b| (a.group, a.plural).cmp(&(b.group, b.plural)));
    kinds
}

pub fn run(ctx: &mut Ctx, a: ApiResourcesArgs) {
    let selected: Vec<&KindInfo> = ordered()
        .into_iter()
        .filter(|i| a.namespaced.is_none_or(|n| i.namespaced == n))
        .filter(|i| a.api_group.as_deref().is_none_or(|g| i.group == g))
        .collect();
    if a.output.as_deref() == Some("name") {
        for i in selected {
            ctx.line(if i.group.is_empty() {
                i.plural.to_string()
            } else {
                format!("{}.{}", i.plural, i.group)
            });
        }
        return;
    }
    let wide = a.output.as_deref() == Some("wide");
    let mut rows: Vec<Vec<String>> = Vec::new();
    if !a.no_headers {
        let mut h: Vec<String> = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        if wide {
            h.push("VERBS".into());
            h.push("CATEGORIES".into());
        }
        rows.push(h);
    }
    for i in &selected {
        let mut r = vec![
            i.plural.to_string(),
            i.short.join(","),
            i.kind.api_version(),
            i.namespaced.to_string(),
            i.name.to_string(),
        ];
        if wide {
            r.push(verbs(i.kind).to_string());
            r.push(categories(i.kind).to_string());
        }
        rows.push(r);
    }
    if selected.is_empty() {
        return ctx.fail(Failure::plain(
            "klab serves no resource types matching these flags",
        ));
    }
    let text = TableWriter::default().write(&rows);
    ctx.print(&text);
}
