//! `kubectl rollout undo KIND/NAME [--to-revision=N]` (`polymorphichelpers/rollback.go`;
//! fact 103): the chosen ControllerRevision's data — a strategic merge patch that replaces
//! `spec.template` — is patched into the object. The controller then finds that revision
//! holds the template again and renumbers it to the next revision instead of creating one
//! (fact 40, T6).

use super::revisions;
use super::UndoArgs;
use crate::api::{defaults, validation, Object};
use crate::kubectl::errors::Failure;
use crate::kubectl::{resources, strategic, Ctx};
use std::sync::Arc;

fn not_found(revision: i64) -> String {
    format!("unable to find specified revision {revision} in history")
}

/// `findHistory`: `--to-revision=0` means the second-highest revision.
pub fn find(to_revision: i64, sorted: &[Arc<Object>]) -> Option<Arc<Object>> {
    if to_revision == 0 {
        return (sorted.len() >= 2).then(|| sorted[sorted.len() - 2].clone());
    }
    sorted
        .iter()
        .find(|cr| revisions::number(cr) == to_revision)
        .cloned()
}

/// `Rollback` for one object: the operation to print (`rolled back`, `skipped rollback
/// (…)`) or kubectl's error.
fn rollback(ctx: &mut Ctx, obj: &Arc<Object>, to_revision: i64) -> Result<String, Failure> {
    if to_revision < 0 {
        return Err(Failure::plain(not_found(to_revision)));
    }
    let history = revisions::controlled(ctx, obj);
    if to_revision == 0 && history.len() <= 1 {
        return Err(Failure::plain("no last revision to roll back to"));
    }
    let target =
        find(to_revision, &history).ok_or_else(|| Failure::plain(not_found(to_revision)))?;
    let data = revisions::data(&target).cloned().unwrap_or_default();
    if revisions::current_data(obj).as_ref() == Some(&data) {
        // kubectl names the revision asked for: 0 when none was.
        return Ok(format!(
            "skipped rollback (current template already matches revision {to_revision})"
        ));
    }
    let failed =
        |e: String| Failure::plain(format!("failed restoring revision {to_revision}: {e}"));
    let kind = obj.kind();
    let patched = strategic::apply(&obj.to_json(), &data, kind).map_err(failed)?;
    let mut new = Object::from_json(kind, patched).map_err(failed)?;
    defaults::apply_defaults(&mut new);
    validation::validate_update(obj, &new)
        .map_err(|e| failed(crate::kubectl::errors::status(&e).1))?;
    let now = ctx.cluster.world.now;
    ctx.cluster
        .world
        .store
        .replace(new, now)
        .map_err(|e| failed(crate::kubectl::errors::status(&e).1))?;
    Ok("rolled back".into())
}

pub fn run(ctx: &mut Ctx, a: UndoArgs) {
    let (found, failures) = resources::fetch(ctx, &a.targets, false, true);
    for f in &found {
        let obj = &f.object;
        if let Some(e) = revisions::unsupported(obj.kind(), "rollbacker", "rollbacker") {
            ctx.fail(Failure::plain(e));
            continue;
        }
        match rollback(ctx, obj, a.to_revision) {
            Ok(op) => {
                ctx.line(format!("{}/{} {op}", obj.kind().qualified(), obj.name()));
                ctx.settle_instant();
            }
            Err(f) => ctx.fail(f),
        }
    }
    for f in failures {
        ctx.fail(f);
    }
}
