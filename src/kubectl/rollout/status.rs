//! `kubectl rollout status KIND/NAME [--watch=false] [--timeout=D]` (`cmd/rollout/
//! rollout_status.go`; fact 101): prints the status viewer's message for the object, then
//! follows it as the simulated cluster advances, printing the message again whenever a new
//! version of the object changes it, until the viewer says done.
//!
//! Where klab differs, and why: kubectl prints on every watch event, so a status write that
//! leaves the message unchanged repeats the line; klab prints a message only when it
//! differs from the last one, because how many status writes a real controller makes is
//! not something the simulation reproduces. kubectl with no `--timeout` waits forever; klab
//! stops when nothing is left that could change the object (no pending work), or after an
//! hour of simulated time, with an error saying so.

use super::viewer;
use super::StatusArgs;
use crate::api::{ObjKey, Object};
use crate::kubectl::errors::Failure;
use crate::kubectl::wait::step_bounded;
use crate::kubectl::{resources, Ctx};
use crate::sim::SimDuration;
use crate::store::WatchType;
use std::sync::Arc;

/// How long klab follows a rollout when kubectl would wait forever (as `get -w`).
const WATCH_CAP: SimDuration = SimDuration(3_600_000);

/// The one object `rollout status` follows (`SingleResourceType`, exactly one found).
fn target(ctx: &Ctx, a: &StatusArgs) -> Result<Arc<Object>, Failure> {
    let requests = resources::parse_args(&a.targets, true)?;
    let mut kinds: Vec<_> = requests
        .iter()
        .map(|r| match r {
            resources::Request::Named { kind, .. } | resources::Request::List { kind } => *kind,
        })
        .collect();
    kinds.dedup();
    if kinds.len() > 1 {
        return Err(Failure::plain(
            "you may only specify a single resource type",
        ));
    }
    let (mut found, failures) = resources::fetch(ctx, &a.targets, false, true);
    if let Some(f) = failures.into_iter().next() {
        return Err(f);
    }
    if found.len() != 1 {
        return Err(Failure::plain(format!(
            "rollout status is only supported on individual resources and resource collections - {} resources were found",
            found.len()
        )));
    }
    Ok(found.remove(0).object)
}

/// Why following the object ended without the rollout being done.
enum Stop {
    Done,
    Failed(Failure),
    /// No pending work could change the object before the deadline.
    Idle,
}

pub fn run(ctx: &mut Ctx, a: StatusArgs) {
    let obj = match target(ctx, &a) {
        Ok(o) => o,
        Err(f) => return ctx.fail(f),
    };
    let (message, done) = match viewer::view(&obj) {
        Ok(v) => v,
        Err(e) => return ctx.fail(Failure::plain(e)),
    };
    ctx.print(&message);
    if done || !a.watch {
        return;
    }
    let stop = follow(ctx, &obj, message, a.timeout_ms);
    match stop {
        Stop::Done => {}
        Stop::Failed(f) => ctx.fail(f),
        // `follow` has let the clock run to the deadline, as kubectl waits until it.
        Stop::Idle if a.timeout_ms > 0 => {
            ctx.fail(Failure::plain("timed out waiting for the condition"))
        }
        Stop::Idle => {
            let pending = ctx.cluster.world.timers.next_work_time().is_some();
            let why = if pending {
                format!("the rollout has not finished after {WATCH_CAP} of simulated time")
            } else {
                "nothing pending in the cluster can change it".to_string()
            };
            ctx.fail(Failure::plain(format!(
                "klab stopped following the rollout of {}/{} at {}: {why} (kubectl would keep waiting; pass --timeout to bound the wait)",
                obj.kind().qualified(),
                obj.name(),
                ctx.cluster.now()
            )));
        }
    }
}

/// Advances the cluster instant by instant, printing each new message of the followed
/// object (every version of it in the watch log, not only the last of each instant).
fn follow(ctx: &mut Ctx, obj: &Arc<Object>, mut last: String, timeout_ms: i64) -> Stop {
    let key: ObjKey = obj.key();
    let uid = obj.uid().to_string();
    let bounded = timeout_ms > 0;
    let span = if bounded {
        SimDuration::from_millis(timeout_ms)
    } else {
        WATCH_CAP
    };
    let deadline = ctx.cluster.now() + span;
    let start = ctx.cluster.open_watch();
    let mut cursor = start;
    let mut steps = 0;
    let stop = loop {
        let end = ctx.cluster.world.store.log_end();
        let versions: Vec<(WatchType, Arc<Object>)> = ctx
            .cluster
            .world
            .store
            .changes_since(cursor)
            .iter()
            .filter(|c| c.object.key() == key)
            .map(|c| (c.kind, c.object.clone()))
            .collect();
        cursor = ctx.cluster.move_watch(cursor, end);
        if let Some(stop) = show(ctx, &versions, &uid, &mut last) {
            break stop;
        }
        // With a timeout every timer counts (kubectl's clock runs to it); without one,
        // only pending work can still change the object.
        let next = if bounded {
            ctx.cluster.world.timers.next_time()
        } else {
            ctx.cluster.world.timers.next_work_time()
        };
        match next {
            Some(t) if t <= deadline => {
                if let Err(f) = step_bounded(ctx, &mut steps) {
                    break Stop::Failed(f);
                }
            }
            _ => break Stop::Idle,
        }
    };
    ctx.cluster.close_watch(cursor);
    if matches!(stop, Stop::Idle) && bounded {
        let left = deadline - ctx.cluster.now();
        if left.0 > 0 {
            if let Err(e) = ctx.cluster.advance(left) {
                return Stop::Failed(Failure::plain(e.0));
            }
        }
    }
    stop
}

/// Prints the messages of new versions of the object; `Some` when following ends.
fn show(
    ctx: &mut Ctx,
    versions: &[(WatchType, Arc<Object>)],
    uid: &str,
    last: &mut String,
) -> Option<Stop> {
    for (kind, version) in versions {
        // A deleted (or deleted and re-created) object is not the one being followed.
        if *kind == WatchType::Deleted || version.uid() != uid {
            return Some(Stop::Failed(Failure::plain("object has been deleted")));
        }
        match viewer::view(version) {
            Err(e) => return Some(Stop::Failed(Failure::plain(e))),
            Ok((message, done)) => {
                if message != *last {
                    ctx.print(&message);
                    *last = message;
                }
                if done {
                    return Some(Stop::Done);
                }
            }
        }
    }
    None
}
