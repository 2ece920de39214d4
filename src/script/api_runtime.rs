//! Script API: what runs in containers — `define_image(pattern, #{run, exit, ready_after,
//! on_sigterm})` and `kill(pod[, container[, code]])`, through `crate::runtime`.

use super::api::{fail, RhaiResult};
use super::convert::dynamic_to_json;
use super::Shared;
use crate::api::{Kind, ObjKey};
use crate::runtime::ImageRule;
use rhai::{Dynamic, Engine, INT};
use std::rc::Rc;

/// The exit code of a process killed with SIGKILL, `kill`'s default.
const SIGKILL_EXIT: INT = 137;

pub(super) fn register(engine: &mut Engine, shared: &Rc<Shared>) {
    let s = shared.clone();
    engine.register_fn(
        "define_image",
        move |pattern: &str, options: Dynamic| -> RhaiResult<()> {
            let options =
                dynamic_to_json(&options).map_err(|e| fail(format!("define_image: {e}")))?;
            let rule = ImageRule::from_options(pattern, &options).map_err(fail)?;
            s.cluster_mut()?.world.runtime.define_image(rule);
            Ok(())
        },
    );
    let s = shared.clone();
    engine.register_fn("kill", move |pod: &str| kill(&s, pod, None, SIGKILL_EXIT));
    let s = shared.clone();
    engine.register_fn("kill", move |pod: &str, container: &str| {
        kill(&s, pod, Some(container), SIGKILL_EXIT)
    });
    let s = shared.clone();
    engine.register_fn("kill", move |pod: &str, container: &str, code: INT| {
        kill(&s, pod, Some(container), code)
    });
}

/// The container's main process dies now with `code`; the kubelet reacts as time moves.
fn kill(shared: &Shared, pod: &str, container: Option<&str>, code: INT) -> RhaiResult<()> {
    let code = i32::try_from(code)
        .ok()
        .filter(|c| (0..=255).contains(c))
        .ok_or_else(|| fail(format!("kill: the exit code must be 0-255, got {code}")))?;
    let mut cluster = shared.cluster_mut()?;
    let key = ObjKey::new(Kind::Pod, super::api_objects::NAMESPACE, pod);
    crate::runtime::exec::kill(&mut cluster.world, &key, container, code).map_err(fail)?;
    cluster.reconcile_now().map_err(|e| fail(e.0))
}
