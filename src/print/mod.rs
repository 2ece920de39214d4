//! Output exactly as kubectl 1.32 prints it against a 1.32 server: tables (tabwriter
//! alignment), AGE formats, describe, -o yaml/json/name. Printers only format; they never
//! change anything.
//!
//! Map: `columns/` (each kind's server-side columns), `table.rs` + `tabwriter.rs` (alignment),
//! `duration.rs` (HumanDuration), `format.rs` (shared cell formatters), `describe/`,
//! `output.rs` with `goyaml.rs` / `gojson.rs` (-o yaml/json/name).

pub mod columns;
pub mod describe;
pub mod duration;
pub mod format;
pub mod gojson;
pub(crate) mod goyaml;
pub mod output;
pub mod table;
pub mod tabwriter;

#[cfg(test)]
mod tests;

use crate::api::{Kind, Object};
use crate::sim::SimDuration;
use crate::world::World;
use std::sync::Arc;

pub use columns::pod::{summarize as pod_summary, PodSummary};
pub use output::{json_list, name, yaml_list};
pub use table::TableWriter;

#[derive(Clone, Debug, Default)]
pub struct GetOptions {
    pub wide: bool,
    pub show_labels: bool,
    /// `-A`: a NAMESPACE column first (for namespaced kinds).
    pub all_namespaces: bool,
    pub no_headers: bool,
}

/// Column headers for `kubectl get KIND` (upper-case, as printed).
pub fn headers(kind: Kind, opts: &GetOptions) -> Vec<String> {
    columns::headers(kind, opts)
}

/// One table row for an object at `world.now`.
pub fn row(obj: &Object, world: &World, opts: &GetOptions) -> Vec<String> {
    columns::row(obj, world.now, opts)
}

/// The whole `kubectl get` table for these objects. Empty when there are none: kubectl
/// prints no header then (the caller prints `No resources found in <ns> namespace.`).
pub fn table(kind: Kind, objects: &[Arc<Object>], world: &World, opts: &GetOptions) -> String {
    if objects.is_empty() {
        return String::new();
    }
    let mut rows = Vec::new();
    if !opts.no_headers {
        rows.push(headers(kind, opts));
    }
    rows.extend(objects.iter().map(|o| row(o, world, opts)));
    TableWriter::default().write(&rows)
}

/// `kubectl describe` for one object.
pub fn describe(obj: &Object, world: &World) -> String {
    describe::describe(obj, world)
}

/// `duration.HumanDuration` (AGE, DURATION columns; fact 91).
pub fn human_duration(d: SimDuration) -> String {
    duration::human_duration(d)
}

/// `-o yaml` for one object.
pub fn yaml(obj: &Object) -> String {
    output::yaml(obj)
}

/// `-o json` for one object.
pub fn json(obj: &Object) -> String {
    output::json(obj)
}
