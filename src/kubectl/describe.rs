//! `kubectl describe KIND [NAME…]`: each object through `print::describe`, separated by a
//! blank line. Like kubectl, `describe KIND PREFIX` with no exact match describes every
//! object whose name starts with PREFIX.

use super::command::DescribeArgs;
use super::errors::Failure;
use super::resources::{self, Found};
use super::Ctx;
use crate::print;
use crate::store::ApiError;

pub fn run(ctx: &mut Ctx, a: DescribeArgs) {
    let (mut found, mut failures) = resources::fetch(ctx, &a.targets, a.all_namespaces, true);
    // `describe pods web` with no pod named `web`: every pod whose name starts with it.
    if a.targets.args.len() == 2
        && !a.targets.args[0].contains('/')
        && found.is_empty()
        && failures.len() == 1
    {
        if let Failure::Api {
            err: ApiError::NotFound { kind, name },
            ..
        } = &failures[0]
        {
            let prefix = name.clone();
            let matching: Vec<Found> = resources::list(
                ctx,
                *kind,
                a.all_namespaces,
                &crate::api::selector::Selector::everything(),
            )
            .into_iter()
            .filter(|o| o.name().starts_with(&prefix))
            .map(|object| Found {
                object,
                source: String::new(),
            })
            .collect();
            if !matching.is_empty() {
                found = matching;
                failures.clear();
            }
        }
    }
    if found.is_empty() && failures.is_empty() {
        if a.all_namespaces {
            ctx.line("No resources found");
        } else {
            ctx.line(format!(
                "No resources found in {} namespace.",
                ctx.namespace
            ));
        }
        return;
    }
    for (i, f) in found.iter().enumerate() {
        let text = print::describe(&f.object, &ctx.cluster.world);
        if i > 0 {
            ctx.print("\n\n");
        }
        ctx.print(&text);
    }
    for f in failures {
        ctx.fail(f);
    }
}
