//! `kubectl set image KIND/NAME CONTAINER=IMAGE…`: sets container images in a DaemonSet's or
//! StatefulSet's pod template (`daemonset.apps/NAME image updated`). `*` names every
//! container. A container name the template lacks is kubectl's client-side error.

use super::command::SetImageArgs;
use super::errors::Failure;
use super::resources;
use super::Ctx;
use crate::api::Object;
use k8s_openapi::api::core::v1::PodTemplateSpec;

fn template_mut(o: &mut Object) -> Option<&mut PodTemplateSpec> {
    match o {
        Object::DaemonSet(ds) => ds.spec.as_mut().map(|s| &mut s.template),
        Object::StatefulSet(sts) => sts.spec.as_mut().map(|s| &mut s.template),
        _ => None,
    }
}

/// Applies `images` to the template; the first container name not found is the error.
fn set_images(t: &mut PodTemplateSpec, images: &[(String, String)]) -> Result<(), String> {
    let Some(spec) = t.spec.as_mut() else {
        return Err("error: the object has no pod template".into());
    };
    for (name, image) in images {
        let mut found = false;
        let inits = spec.init_containers.iter_mut().flatten();
        for c in spec.containers.iter_mut().chain(inits) {
            if name == "*" || &c.name == name {
                c.image = Some(image.clone());
                found = true;
            }
        }
        if !found {
            return Err(format!("error: unable to find container named \"{name}\""));
        }
    }
    Ok(())
}

pub fn run(ctx: &mut Ctx, a: SetImageArgs) {
    let (found, mut failures) = resources::fetch(ctx, &a.targets, false, a.targets.all);
    for f in &found {
        let obj = &f.object;
        // Check on a copy first so a bad container name changes nothing.
        let mut copy = (**obj).clone();
        let Some(t) = template_mut(&mut copy) else {
            ctx.fail(Failure::plain(format!(
                "error: {}/{} has no pod template klab can set images in",
                obj.kind().qualified(),
                obj.name()
            )));
            continue;
        };
        if let Err(e) = set_images(t, &a.images) {
            ctx.fail(Failure::plain(e.trim_start_matches("error: ").to_string()));
            continue;
        }
        let now = ctx.cluster.world.now;
        let images = a.images.clone();
        let res = ctx.cluster.world.store.modify(&obj.key(), now, |o| {
            if let Some(t) = template_mut(o) {
                let _ = set_images(t, &images);
            }
        });
        if let Err(e) = res {
            ctx.fail(Failure::api(e));
            continue;
        }
        ctx.line(format!(
            "{}/{} image updated",
            obj.kind().qualified(),
            obj.name()
        ));
        ctx.settle_instant();
    }
    for f in failures.drain(..) {
        ctx.fail(f);
    }
}
