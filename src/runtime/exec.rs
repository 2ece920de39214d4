//! `kubectl exec`, `logs` and `kill`: reaching into a running container.
//!
//! SKELETON: the runtime work replaces these bodies; the signatures are the contract.

use crate::api::ObjKey;
use crate::world::World;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExecOutput {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
}

/// Runs `argv` in a container of the pod (`container: None` = the first) through the small
/// shell. Err is kubectl's message when exec cannot start (no such pod, container not
/// running, …).
pub fn exec(
    world: &mut World,
    pod: &ObjKey,
    container: Option<&str>,
    argv: &[String],
) -> Result<ExecOutput, String> {
    let _ = (world, pod, container, argv);
    Err("error: exec is not implemented yet".into())
}

/// The container's log (`previous`: the last terminated instance's).
pub fn logs(
    world: &World,
    pod: &ObjKey,
    container: Option<&str>,
    previous: bool,
) -> Result<String, String> {
    let sb = world.runtime.pods.get(pod).ok_or_else(|| {
        format!(
            "Error from server (NotFound): pods \"{}\" not found",
            pod.name
        )
    })?;
    let c = match container {
        Some(name) => sb.containers.iter().find(|c| c.name == name),
        None => sb.containers.first(),
    }
    .ok_or_else(|| "error: container not found".to_string())?;
    Ok(if previous {
        c.previous_log.clone()
    } else {
        c.log.clone()
    })
}
