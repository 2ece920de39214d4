//! `kubectl rollout restart|status|history|undo` for DaemonSets and StatefulSets: the
//! subcommands' flags and client-side checks here, one file per subcommand, the status
//! viewers (pure) in `viewer.rs`, the revisions history and undo read in `revisions.rs`.

pub mod history;
pub mod restart;
pub mod revisions;
pub mod status;
pub mod undo;
pub mod viewer;

pub use restart::restart;

use super::command::Targets;
use super::parse::{flag, FlagKind, FlagSpec, Parsed};

const FILENAME: FlagSpec = flag("filename", Some('f'), FlagKind::StrSlice);
const RECURSIVE: FlagSpec = flag("recursive", Some('R'), FlagKind::Bool);
const SELECTOR: FlagSpec = flag("selector", Some('l'), FlagKind::Str);
const REVISION: FlagSpec = flag("revision", None, FlagKind::Int);

pub const STATUS_FLAGS: &[FlagSpec] = &[
    FILENAME,
    RECURSIVE,
    SELECTOR,
    REVISION,
    flag("watch", Some('w'), FlagKind::Bool),
    flag("timeout", None, FlagKind::Duration),
];
pub const HISTORY_FLAGS: &[FlagSpec] = &[FILENAME, RECURSIVE, SELECTOR, REVISION];
pub const UNDO_FLAGS: &[FlagSpec] = &[
    FILENAME,
    RECURSIVE,
    SELECTOR,
    flag("to-revision", None, FlagKind::Int),
];

/// Every flag kubectl 1.32 has (`kubectl rollout <sub> --help`), for "not supported by klab".
pub const STATUS_REAL_FLAGS: &str = "filename kustomize recursive revision selector timeout watch";
pub const HISTORY_REAL_FLAGS: &str = "allow-missing-template-keys filename kustomize output recursive revision selector show-managed-fields template";
pub const UNDO_REAL_FLAGS: &str = "allow-missing-template-keys dry-run filename kustomize output recursive selector show-managed-fields template to-revision";

#[derive(Clone, Debug, PartialEq)]
pub struct StatusArgs {
    pub targets: Targets,
    /// `--watch` (default true); `false` prints the status once.
    pub watch: bool,
    /// `--revision`: only Deployments use it, so DaemonSets and StatefulSets ignore it.
    pub revision: i64,
    /// `--timeout` in ms; 0 = none (kubectl waits forever).
    pub timeout_ms: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HistoryArgs {
    pub targets: Targets,
    /// `--revision`: 0 lists every revision.
    pub revision: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UndoArgs {
    pub targets: Targets,
    /// `--to-revision`: 0 = the previous revision.
    pub to_revision: i64,
}

/// `Validate`: a resource must be named.
fn require_resource(t: &Targets) -> Result<(), String> {
    if t.args.is_empty() && t.files.is_empty() {
        return Err("error: required resource not specified".into());
    }
    Ok(())
}

fn revision_flag(p: &Parsed, name: &str) -> Result<i64, String> {
    let revision = p.int(name).unwrap_or(0);
    if revision < 0 {
        return Err(format!(
            "error: revision must be a positive integer: {revision}"
        ));
    }
    Ok(revision)
}

/// `rollout restart`: like the others, a resource must be named.
pub fn parse_restart(targets: Targets) -> Result<Targets, String> {
    require_resource(&targets)?;
    Ok(targets)
}

pub fn parse_status(p: &Parsed, targets: Targets) -> Result<StatusArgs, String> {
    require_resource(&targets)?;
    let revision = revision_flag(p, "revision")?;
    let timeout_ms = p
        .value("timeout")
        .and_then(|v| super::parse::parse_go_duration(v).ok())
        .unwrap_or(0);
    Ok(StatusArgs {
        targets,
        watch: p.value("watch").is_none_or(|v| v == "true"),
        revision,
        timeout_ms: timeout_ms.max(0),
    })
}

pub fn parse_history(p: &Parsed, targets: Targets) -> Result<HistoryArgs, String> {
    require_resource(&targets)?;
    Ok(HistoryArgs {
        targets,
        revision: revision_flag(p, "revision")?,
    })
}

pub fn parse_undo(p: &Parsed, targets: Targets) -> Result<UndoArgs, String> {
    require_resource(&targets)?;
    Ok(UndoArgs {
        targets,
        to_revision: p.int("to-revision").unwrap_or(0),
    })
}

#[cfg(test)]
mod tests;
