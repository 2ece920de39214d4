//! `kubectl scale KIND/NAME --replicas=N`: sets `spec.replicas` through the scale
//! subresource (`statefulset.apps/web scaled`, fact 100). Of klab's kinds only StatefulSets
//! have one; for anything else the API server answers 404 for `…/scale`.

use super::command::ScaleArgs;
use super::errors::Failure;
use super::resources;
use super::Ctx;
use crate::api::Kind;
use crate::store::ApiError;

pub fn run(ctx: &mut Ctx, a: ScaleArgs) {
    let (found, mut failures) = resources::fetch(ctx, &a.targets, false, a.targets.all);
    if found.is_empty() && failures.is_empty() {
        return ctx.fail(Failure::plain("no objects passed to scale"));
    }
    for f in &found {
        let obj = &f.object;
        if obj.kind() != Kind::StatefulSet {
            // No `/scale` subresource: the API server answers a plain 404 and client-go words
            // it with the verb and resource (checked against kubectl 1.32.5).
            ctx.fail(Failure::api(ApiError::Other {
                reason: "NotFound".into(),
                message: format!(
                    "the server could not find the requested resource (patch {} {})",
                    obj.kind().plural(),
                    obj.name()
                ),
            }));
            break;
        }
        let current = obj
            .stateful_set()
            .and_then(|s| s.spec.as_ref())
            .and_then(|s| s.replicas)
            .unwrap_or(1) as i64;
        if a.current_replicas != -1 && a.current_replicas != current {
            ctx.fail(Failure::plain(format!(
                "Expected replicas to be {}, was {current}",
                a.current_replicas
            )));
            break;
        }
        let now = ctx.cluster.world.now;
        let replicas = a.replicas as i32;
        let res = ctx.cluster.world.store.modify(&obj.key(), now, |o| {
            if let Some(spec) = o.stateful_set_mut().and_then(|s| s.spec.as_mut()) {
                spec.replicas = Some(replicas);
            }
        });
        if let Err(e) = res {
            ctx.fail(Failure::api(e));
            break;
        }
        ctx.line(format!("{}/{} scaled", obj.kind().qualified(), obj.name()));
        ctx.settle_instant();
    }
    for f in failures.drain(..) {
        ctx.fail(f);
    }
}
