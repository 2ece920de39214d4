//! Output exactly as kubectl 1.32 prints it: tables (tabwriter alignment), AGE formats,
//! describe, -o yaml/json/name. Printers only format; they never change anything.
//!
//! SKELETON: the printing work replaces these bodies; the signatures are the contract.

use crate::api::{Kind, Object};
use crate::sim::SimDuration;
use crate::world::World;
use std::sync::Arc;

#[derive(Clone, Debug, Default)]
pub struct GetOptions {
    pub wide: bool,
    pub show_labels: bool,
    /// `-A`: a NAMESPACE column first.
    pub all_namespaces: bool,
    pub no_headers: bool,
}

/// Column headers for `kubectl get KIND` (upper-case, as printed).
pub fn headers(kind: Kind, opts: &GetOptions) -> Vec<String> {
    let _ = (kind, opts);
    vec!["NAME".into()]
}

/// One table row for an object at `world.now`.
pub fn row(obj: &Object, world: &World, opts: &GetOptions) -> Vec<String> {
    let _ = (world, opts);
    vec![obj.name().to_string()]
}

/// kubectl's tabwriter (padding 3, remembered widths), fed header + rows, then more rows
/// for `-w`.
#[derive(Default)]
pub struct TableWriter {
    widths: Vec<usize>,
}

impl TableWriter {
    pub fn write(&mut self, rows: &[Vec<String>]) -> String {
        for r in rows {
            for (i, c) in r.iter().enumerate() {
                if self.widths.len() <= i {
                    self.widths.push(0);
                }
                self.widths[i] = self.widths[i].max(c.chars().count());
            }
        }
        let mut out = String::new();
        for r in rows {
            let mut line = String::new();
            for (i, c) in r.iter().enumerate() {
                if i + 1 == r.len() {
                    line.push_str(c);
                } else {
                    line.push_str(&format!("{c:<w$}", w = self.widths[i] + 3));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// The whole `kubectl get` table for these objects.
pub fn table(kind: Kind, objects: &[Arc<Object>], world: &World, opts: &GetOptions) -> String {
    let mut rows = Vec::new();
    if !opts.no_headers {
        rows.push(headers(kind, opts));
    }
    rows.extend(objects.iter().map(|o| row(o, world, opts)));
    TableWriter::default().write(&rows)
}

/// `kubectl describe` for one object.
pub fn describe(obj: &Object, world: &World) -> String {
    let _ = world;
    format!("Name:         {}\n", obj.name())
}

/// `duration.HumanDuration` (AGE, DURATION columns; fact 91).
pub fn human_duration(d: SimDuration) -> String {
    format!("{}s", d.secs())
}

/// `-o yaml` for one object.
pub fn yaml(obj: &Object) -> String {
    serde_yaml::to_string(&obj.to_json()).unwrap_or_default()
}

/// `-o json` for one object.
pub fn json(obj: &Object) -> String {
    serde_json::to_string_pretty(&obj.to_json()).unwrap_or_default() + "\n"
}
