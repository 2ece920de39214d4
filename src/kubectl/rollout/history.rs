//! `kubectl rollout history KIND/NAME [--revision=N]` (`cmd/rollout/rollout_history.go`,
//! `polymorphichelpers/history.go` `printHistory`; fact 102): the object's
//! ControllerRevisions as `REVISION  CHANGE-CAUSE`, or one revision's pod template as
//! `describe` prints it. kubectl hands the text to its name printer as the "operation", so
//! the output is `daemonset.apps/x ` + newline + text + newline.

use super::revisions;
use super::HistoryArgs;
use crate::api::Object;
use crate::kubectl::errors::Failure;
use crate::kubectl::{resources, Ctx};
use crate::print::tabwriter::TabWriter;
use std::collections::BTreeMap;
use std::sync::Arc;

/// `kubernetes.io/change-cause`, read from each revision's annotations.
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

/// The overview table (`tabbedString`: minwidth 0, padding 2), revisions ascending.
pub fn table(rows: &BTreeMap<i64, Option<String>>) -> String {
    let mut tw = TabWriter::for_describe();
    tw.write_str("REVISION\tCHANGE-CAUSE\n");
    for (revision, cause) in rows {
        let cause = cause
            .as_deref()
            .filter(|c| !c.is_empty())
            .unwrap_or("<none>");
        tw.write_str(&format!("{revision}\t{cause}\n"));
    }
    tw.flush()
}

/// `ViewHistory` for one object: the text after the name line, or kubectl's error.
fn view(ctx: &Ctx, obj: &Object, revision: i64) -> Result<String, String> {
    // Keyed by revision; kubectl assumes numbers do not repeat (the last listed wins).
    let mut by_number: BTreeMap<i64, Arc<Object>> = BTreeMap::new();
    let mut listed = revisions::controlled(ctx, obj);
    listed.sort_by(|a, b| a.name().cmp(b.name()));
    for cr in listed {
        by_number.insert(revisions::number(&cr), cr);
    }
    if by_number.is_empty() {
        return Ok("No rollout history found.".into());
    }
    if revision > 0 {
        let cr = by_number
            .get(&revision)
            .ok_or("unable to find the specified revision")?;
        let template = revisions::template(cr)
            .ok_or_else(|| format!("unable to parse history {}", cr.name()))?;
        return Ok(crate::print::describe::pod_template_unaligned(&template));
    }
    let rows = by_number
        .iter()
        .map(|(n, cr)| {
            (
                *n,
                cr.meta()
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get(CHANGE_CAUSE).cloned()),
            )
        })
        .collect();
    Ok(table(&rows))
}

pub fn run(ctx: &mut Ctx, a: HistoryArgs) {
    let (found, failures) = resources::fetch(ctx, &a.targets, false, true);
    for f in &found {
        let obj = &f.object;
        if let Some(e) = revisions::unsupported(obj.kind(), "history viewer", "history") {
            ctx.fail(Failure::plain(e));
            continue;
        }
        match view(ctx, obj, a.revision) {
            Ok(text) => {
                let with = if a.revision > 0 {
                    format!("with revision #{}", a.revision)
                } else {
                    String::new()
                };
                ctx.line(format!(
                    "{}/{} {with}\n{text}",
                    obj.kind().qualified(),
                    obj.name()
                ));
            }
            Err(e) => ctx.fail(Failure::plain(e)),
        }
    }
    for f in failures {
        ctx.fail(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_table_pads_revision_by_two_and_shows_none_fact_102() {
        let rows = BTreeMap::from([
            (1, None),
            (2, Some("kubectl set image ds/x c=nginx:1.17".to_string())),
            (10, Some(String::new())),
        ]);
        assert_eq!(
            table(&rows),
            "REVISION  CHANGE-CAUSE\n1         <none>\n2         kubectl set image ds/x c=nginx:1.17\n10        <none>\n"
        );
    }
}
