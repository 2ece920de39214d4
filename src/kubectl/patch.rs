//! `kubectl patch KIND NAME -p PATCH [--type=strategic|merge|json]`: the patch is applied
//! as the API server does (strategic merge by default), then defaulting and update
//! validation (immutable fields included) run. Prints `daemonset.apps/x patched` or
//! `… patched (no change)`.

use super::command::{PatchArgs, PatchType};
use super::errors::Failure;
use super::resources;
use super::{merge, strategic, Ctx};
use crate::api::{defaults, validation, Object};
use crate::store::ApiError;
use serde_json::Value;

fn read_patch(ctx: &Ctx, a: &PatchArgs) -> Result<Value, Failure> {
    let text = match (&a.patch, &a.patch_file) {
        (Some(p), _) => p.clone(),
        (None, Some(file)) => {
            let path = ctx.env.base_dir.join(file);
            if !path.exists() {
                return Err(Failure::plain(format!(
                    "unable to read patch file: open {file}: no such file or directory"
                )));
            }
            ctx.env
                .reads
                .read_to_string(&path, file, crate::sandbox::MAX_READ_BYTES)
                .map_err(|e| Failure::plain(format!("unable to read patch file: {e}")))?
        }
        (None, None) => {
            return Err(Failure::plain(
                "must specify --patch or --patch-file containing the contents of the patch",
            ))
        }
    };
    // kubectl converts the patch with yaml.ToJSON, so YAML is accepted too.
    serde_yaml::from_str::<Value>(&text)
        .map_err(|e| Failure::plain(format!("unable to parse \"{text}\": {e}")))
}

fn bad_request(message: String) -> Failure {
    Failure::api(ApiError::Other {
        reason: "BadRequest".into(),
        message,
    })
}

pub fn run(ctx: &mut Ctx, a: PatchArgs) {
    let patch = match read_patch(ctx, &a) {
        Ok(p) => p,
        Err(f) => return ctx.fail(f),
    };
    let (found, mut failures) = resources::fetch(ctx, &a.targets, false, false);
    for f in &found {
        let current = &f.object;
        let kind = current.kind();
        let live = current.to_json();
        let patched = match a.patch_type {
            PatchType::Merge => {
                if !patch.is_object() {
                    failures.push(bad_request("json: cannot unmarshal array into Go value of type map[string]interface {}".into()));
                    continue;
                }
                Ok(merge::merge_patch(&live, &patch))
            }
            // The API server answers a failed JSON patch with a bare 422 whose one cause has
            // no field: kubectl prints it as "The request is invalid: : <cause>".
            PatchType::Json => merge::json_patch(&live, &patch)
                .map_err(|m| Failure::Raw(format!("The request is invalid: : {m}"))),
            PatchType::Strategic => strategic::apply(&live, &patch, kind).map_err(bad_request),
        };
        let patched = match patched {
            Ok(p) => p,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let mut new = match Object::from_json(kind, patched) {
            Ok(o) => o,
            Err(m) => {
                failures.push(bad_request(m));
                continue;
            }
        };
        defaults::apply_defaults(&mut new);
        if let Err(e) = validation::validate_update(current, &new) {
            failures.push(Failure::api(e));
            continue;
        }
        let now = ctx.cluster.world.now;
        match ctx.cluster.world.store.replace(new, now) {
            Ok(after) => {
                let op = if after.meta().resource_version == current.meta().resource_version {
                    "patched (no change)"
                } else {
                    "patched"
                };
                ctx.line(format!("{}/{} {op}", kind.qualified(), current.name()));
            }
            Err(e) => failures.push(Failure::api(e)),
        }
    }
    ctx.settle_instant();
    for f in failures {
        ctx.fail(f);
    }
}
