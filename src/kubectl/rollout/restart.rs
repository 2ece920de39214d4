//! `kubectl rollout restart KIND/NAME`: stamps the pod template with the annotation
//! `kubectl.kubernetes.io/restartedAt` (the simulated time), so the controller rolls every
//! pod (fact 100: `daemonset.apps/NAME restarted`).

use crate::api::Object;
use crate::kubectl::command::Targets;
use crate::kubectl::errors::Failure;
use crate::kubectl::resources;
use crate::kubectl::Ctx;
use k8s_openapi::api::core::v1::PodTemplateSpec;

const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

fn template_mut(o: &mut Object) -> Option<&mut PodTemplateSpec> {
    match o {
        Object::DaemonSet(ds) => ds.spec.as_mut().map(|s| &mut s.template),
        Object::StatefulSet(sts) => sts.spec.as_mut().map(|s| &mut s.template),
        _ => None,
    }
}

pub fn restart(ctx: &mut Ctx, targets: Targets) {
    let (found, mut failures) = resources::fetch(ctx, &targets, false, targets.all);
    for f in &found {
        let obj = &f.object;
        let mut copy = (**obj).clone();
        if template_mut(&mut copy).is_none() {
            ctx.fail(Failure::plain(format!(
                "restarting is not supported for {}/{}",
                obj.kind().qualified(),
                obj.name()
            )));
            continue;
        }
        let now = ctx.cluster.world.now;
        let stamp = now.rfc3339();
        let res = ctx.cluster.world.store.modify(&obj.key(), now, |o| {
            if let Some(t) = template_mut(o) {
                let meta = t.metadata.get_or_insert_with(Default::default);
                meta.annotations
                    .get_or_insert_with(Default::default)
                    .insert(RESTARTED_AT.to_string(), stamp.clone());
            }
        });
        if let Err(e) = res {
            ctx.fail(Failure::api(e));
            continue;
        }
        ctx.line(format!(
            "{}/{} restarted",
            obj.kind().qualified(),
            obj.name()
        ));
        ctx.settle_instant();
    }
    for f in failures.drain(..) {
        ctx.fail(f);
    }
}
