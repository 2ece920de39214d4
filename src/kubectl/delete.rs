//! `kubectl delete`: sends each delete (`pod "x" deleted`, fact 99), then by default waits —
//! advancing simulated time — until every deleted object is gone (a pod running `sleep`
//! takes its whole grace period; foreground deletion waits for dependents).

use super::command::{Cascade, DeleteArgs};
use super::errors::Failure;
use super::resources::{self, Want};
use super::wait::{advance_until, timeout_failure};
use super::Ctx;
use crate::api::ObjKey;
use crate::sim::SimDuration;
use crate::store::{ApiError, DeleteOptions, Propagation};

/// How long klab follows the cluster for a `delete` without `--timeout` (kubectl would wait
/// a week; a simulated hour is more than any grace period or finalizer here needs).
const DEFAULT_WAIT_CAP_SECS: i64 = 3600;

/// `<kind>[.<group>] "<name>"` as kubectl's delete printer writes it.
fn deleted_line(key: &ObjKey, a: &DeleteArgs) -> String {
    if a.name_output {
        return format!("{}/{}", key.kind.qualified(), key.name);
    }
    let op = if a.grace_period == 0 {
        "force deleted"
    } else {
        "deleted"
    };
    format!("{} \"{}\" {op}", key.kind.qualified(), key.name)
}

pub fn run(ctx: &mut Ctx, a: DeleteArgs) {
    // kubectl defaults --ignore-not-found to true with --all or -l.
    let ignore_not_found = a.ignore_not_found || a.targets.all || a.targets.selector.is_some();
    if a.force && a.grace_period == 0 {
        ctx.line("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
    }
    let (wants, mut failures) = match resources::wants(ctx, &a.targets, a.all_namespaces, false) {
        Ok(w) => w,
        Err(f) => return ctx.fail(f),
    };
    let selector = match resources::parse_selector(&a.targets) {
        Ok(s) => s,
        Err(f) => return ctx.fail(f),
    };
    let mut targets: Vec<(ObjKey, String)> = Vec::new();
    for w in wants {
        match w {
            Want::Key { key, source } => targets.push((key, source)),
            Want::List { kind } => {
                for o in resources::list(ctx, kind, a.all_namespaces, &selector) {
                    targets.push((o.key(), String::new()));
                }
            }
        }
    }
    let opts = DeleteOptions {
        grace_period: (a.grace_period >= 0).then_some(a.grace_period),
        propagation: Some(match a.cascade {
            Cascade::Background => Propagation::Background,
            Cascade::Foreground => Propagation::Foreground,
            Cascade::Orphan => Propagation::Orphan,
        }),
    };
    let mut deleted: Vec<(ObjKey, String)> = Vec::new();
    for (key, source) in targets {
        let uid = ctx
            .cluster
            .world
            .store
            .get(&key)
            .map(|o| o.uid().to_string());
        let now = ctx.cluster.world.now;
        match ctx.cluster.world.store.delete(&key, &opts, now) {
            Ok(_) => {
                ctx.line(deleted_line(&key, &a));
                deleted.push((key, uid.unwrap_or_default()));
            }
            Err(ApiError::NotFound { .. }) if ignore_not_found => {}
            Err(e) => failures.push(Failure::api_with_source(e, "deleting", &source)),
        }
    }
    ctx.settle_instant();
    let found_any = !deleted.is_empty();
    if !found_any && failures.is_empty() {
        ctx.line("No resources found");
    }
    if found_any && a.wait && failures.is_empty() {
        let cap = if a.timeout_ms > 0 {
            a.timeout_ms
        } else {
            DEFAULT_WAIT_CAP_SECS * 1000
        };
        let deadline = ctx.cluster.now() + SimDuration::from_millis(cap);
        for (key, uid) in &deleted {
            let gone = |ctx: &Ctx| {
                ctx.cluster
                    .world
                    .store
                    .get(key)
                    .is_none_or(|o| o.uid() != uid)
            };
            match advance_until(ctx, deadline, gone) {
                Ok(true) => {}
                Ok(false) => {
                    failures.push(timeout_failure(key.kind, &key.name));
                    break;
                }
                Err(f) => {
                    failures.push(f);
                    break;
                }
            }
        }
    }
    for f in failures {
        ctx.fail(f);
    }
}
