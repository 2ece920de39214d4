//! `kubectl exec POD [-c C] -- CMD…`: runs the command through the runtime's small shell.
//! stdout then stderr are printed; a non-zero exit is kubectl's `command terminated with
//! exit code N` (printed without `error: `, exit status N).

use super::command::ExecArgs;
use super::errors::Failure;
use super::logs::{pick_container, resolve_pod};
use super::Ctx;
use crate::runtime;

pub fn run(ctx: &mut Ctx, a: ExecArgs) {
    let pod = match resolve_pod(ctx, &a.target) {
        Ok(p) => p,
        Err(f) => return ctx.fail(f),
    };
    let container = match pick_container(ctx, &pod, a.container.as_deref(), false) {
        Ok(c) => c,
        Err(f) => return ctx.fail(f),
    };
    match runtime::exec::exec(
        &mut ctx.cluster.world,
        &pod.key(),
        container.as_deref(),
        &a.argv,
    ) {
        Ok(out) => {
            ctx.print(&out.stdout);
            ctx.print(&out.stderr);
            if out.exit_code != 0 {
                ctx.fail(Failure::Raw(format!(
                    "command terminated with exit code {}",
                    out.exit_code
                )));
            }
        }
        Err(msg) => ctx.fail(Failure::Raw(msg)),
    }
    // What the command did (a killed process, a written file) is seen by the kubelet now.
    ctx.settle_instant();
}
