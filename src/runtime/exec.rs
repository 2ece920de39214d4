//! `kubectl exec`, `logs` and the script API's `kill`: reaching into a container. Errors
//! are what kubectl 1.32 prints: kubectl's own checks (`cannot exec into a container in a
//! completed pod`), the API server's (`container c is not valid for pod p`, `pod p does not
//! have a host assigned`) and the kubelet's (`container not found ("c")`,
//! `previous terminated container "c" in pod "p" not found`).

use super::container_sys::{ContainerSys, SignalTargets};
use super::sandbox::{ContainerRun, RunState};
use super::shell::{Invocation, Machine, Mode, Start, Yield, STEP_BUDGET};
use super::SigTerm;
use crate::api::{Kind, ObjKey, Object};
use crate::sim::{SimDuration, TimerClass};
use crate::world::World;
use std::sync::Arc;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExecOutput {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
    /// Simulated time the command took (its `sleep`s); kubectl would have waited this long.
    pub duration: SimDuration,
}

fn not_found(pod: &ObjKey) -> String {
    format!(
        "Error from server (NotFound): pods \"{}\" not found",
        pod.name
    )
}

/// The pod and the container a command addresses (`None` = the first container).
fn target(
    world: &World,
    pod: &ObjKey,
    container: Option<&str>,
) -> Result<(Arc<Object>, String), String> {
    let obj = world
        .store
        .get(pod)
        .cloned()
        .ok_or_else(|| not_found(pod))?;
    let spec = obj.pod().and_then(|p| p.spec.clone()).unwrap_or_default();
    let name = match container {
        None => spec
            .containers
            .first()
            .map(|c| c.name.clone())
            .ok_or_else(|| {
                format!(
                    "Error from server (BadRequest): a container name must be specified for pod {}",
                    pod.name
                )
            })?,
        Some(c) => {
            let known = spec
                .containers
                .iter()
                .chain(spec.init_containers.iter().flatten())
                .any(|x| x.name == c);
            if !known {
                return Err(format!(
                    "Error from server (BadRequest): container {c} is not valid for pod {}",
                    pod.name
                ));
            }
            c.to_string()
        }
    };
    Ok((obj, name))
}

fn node_of(obj: &Object) -> Option<String> {
    obj.pod()?
        .spec
        .as_ref()?
        .node_name
        .clone()
        .filter(|n| !n.is_empty())
}

fn node_ip(world: &World, node: &str) -> String {
    world
        .store
        .get(&ObjKey::new(Kind::Node, "", node))
        .and_then(|n| n.node()?.status.as_ref()?.addresses.clone())
        .and_then(|a| a.into_iter().find(|a| a.type_ == "InternalIP"))
        .map(|a| a.address)
        .unwrap_or_else(|| node.to_string())
}

/// Hands every running shell's output and file changes due by now over, so what `exec`
/// and `logs` see is current.
pub fn sync_all(world: &mut World) {
    let now = world.now;
    let rt = &mut world.runtime;
    for sb in rt.pods.values_mut() {
        for c in &mut sb.containers {
            c.sync_output(now, &mut rt.files);
        }
    }
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
    if argv.is_empty() {
        return Err("error: you must specify at least one command for the container".into());
    }
    let (obj, cname) = target(world, pod, container)?;
    let phase = obj
        .pod()
        .and_then(|p| p.status.as_ref()?.phase.clone())
        .unwrap_or_default();
    if phase == "Succeeded" || phase == "Failed" {
        return Err(format!(
            "error: cannot exec into a container in a completed pod; current phase is {phase}"
        ));
    }
    let Some(node) = node_of(&obj) else {
        return Err(format!(
            "Error from server (BadRequest): pod {} does not have a host assigned",
            pod.name
        ));
    };
    if !world.runtime.node_is_up(&node) {
        let ip = node_ip(world, &node);
        return Err(format!("Error from server: error dialing backend: dial tcp {ip}:10250: connect: connection refused"));
    }
    let running = world
        .runtime
        .pods
        .get(pod)
        .filter(|sb| sb.pod_uid == obj.uid())
        .and_then(|sb| sb.containers.iter().find(|c| c.name == cname))
        .is_some_and(ContainerRun::is_running);
    if !running {
        return Err(format!(
            "error: unable to upgrade connection: container not found (\"{cname}\")"
        ));
    }
    sync_all(world);
    let now = world.now;
    let seed = world.rng.between(0, i64::MAX) as u64;
    let rt = &mut world.runtime;
    let sb = rt.pods.get_mut(pod).expect("checked above");
    let c = sb
        .containers
        .iter_mut()
        .find(|c| c.name == cname)
        .expect("checked above");
    let view = c.view.clone();
    let mut next_pid = c.next_pid;
    if let Some(sh) = &c.shell {
        next_pid = next_pid.max(sh.next_pid_at(now));
    }
    let pid = next_pid;
    let start = Start {
        pid,
        ppid: 0,
        cmdline: argv.join(" "),
        mode: Mode::Exec,
        env: view.env.clone(),
        cwd: view.cwd.clone(),
        positional: Vec::new(),
        seed,
        started: now,
    };
    let mut machine = match Invocation::of(argv) {
        Invocation::Script { script, positional } => match Machine::script(
            &script,
            Start {
                positional,
                ..start
            },
        ) {
            Ok(m) => m,
            Err(e) => {
                let msg = match e {
                    super::shell::ParseError::Syntax(m) => format!("sh: syntax error: {m}\n"),
                    super::shell::ParseError::Unsupported(w) => {
                        format!("sh: klab's small shell does not support {w}\n")
                    }
                };
                return Ok(ExecOutput {
                    stderr: msg,
                    exit_code: 2,
                    ..Default::default()
                });
            }
        },
        Invocation::Argv(a) => Machine::argv(&a, start),
    };
    let mut targets = match &c.shell {
        Some(sh) => sh.signal_targets(now),
        None => SignalTargets::default(),
    };
    targets.pid1_handles_term = matches!(c.on_sigterm(now), SigTerm::Exit(_));
    let others = c.processes(now);
    let mut sys = ContainerSys::new(&mut rt.files, &view, now, pid + 1);
    sys.others = others;
    sys.targets = targets;
    let exit_code = loop {
        match machine.run(&mut sys, STEP_BUDGET) {
            Yield::Exited(code) => break code,
            Yield::Blocked(b) => match b.duration {
                Some(d) => {
                    sys.now = sys.now + d;
                    machine.resume(0, &mut sys);
                }
                None => {
                    return Err(format!(
                        "klab: `{}` runs until it is stopped; exec in klab cannot wait for it (what it printed before: {:?})",
                        b.child.cmdline,
                        sys.stdout_text()
                    ))
                }
            },
            Yield::Busy => return Err(format!("klab: `{}` loops without waiting; exec in klab cannot wait for it", argv.join(" "))),
        }
    };
    let out = ExecOutput {
        stdout: sys.stdout_text(),
        stderr: sys.stderr_text(),
        exit_code,
        duration: sys.now - now,
    };
    let wrote = !sys.ops.is_empty();
    let signals = std::mem::take(&mut sys.signals);
    let used_pids = sys.next_pid;
    c.next_pid = used_pids;
    // Signals reach the main process tree.
    for (target, signal) in signals {
        if target == 1 {
            let code = match c.on_sigterm(now) {
                SigTerm::Exit(code) => code,
                SigTerm::Ignore => 128 + signal,
            };
            c.force_exit(now, code);
        } else if let Some(sh) = c.shell.as_mut() {
            sh.signal(target, signal, now, &mut rt.files, &view);
        }
    }
    // The shell's future is worked out again: PIDs were used, files may have changed.
    if let Some(sh) = c.shell.as_mut() {
        sh.rerun_from(now, used_pids, &mut rt.files, &view);
    }
    c.refresh();
    let mut woken = vec![pod.clone()];
    if wrote {
        for (key, other) in rt.pods.iter_mut() {
            for oc in &mut other.containers {
                if oc.is_running() && oc.shell.is_some() && (key != pod || oc.name != cname) {
                    let v = oc.view.clone();
                    if let Some(sh) = oc.shell.as_mut() {
                        sh.rerun_from(now, 0, &mut rt.files, &v);
                    }
                    oc.refresh();
                    woken.push(key.clone());
                }
            }
        }
    }
    woken.sort();
    woken.dedup();
    for key in woken {
        world.wake(
            now,
            TimerClass::Work,
            crate::controllers::kubelet::NAME,
            key,
        );
    }
    Ok(out)
}

/// The container's log (`previous`: the last terminated instance's), as the kubelet
/// serves it.
pub fn logs(
    world: &World,
    pod: &ObjKey,
    container: Option<&str>,
    previous: bool,
) -> Result<String, String> {
    let (obj, cname) = target(world, pod, container)?;
    let Some(node) = node_of(&obj) else {
        return Ok(String::new());
    };
    if !world.runtime.node_is_up(&node) {
        let ip = node_ip(world, &node);
        return Err(format!(
            "Error from server: Get \"https://{ip}:10250/containerLogs/{}/{}/{cname}\": dial tcp {ip}:10250: connect: connection refused",
            pod.namespace, pod.name
        ));
    }
    let c = world
        .runtime
        .pods
        .get(pod)
        .filter(|sb| sb.pod_uid == obj.uid())
        .and_then(|sb| sb.containers.iter().find(|c| c.name == cname));
    let bad = |what: String| Err(format!("Error from server (BadRequest): {what}"));
    let Some(c) = c else {
        return bad(format!(
            "container \"{cname}\" in pod \"{}\" is waiting to start: ContainerCreating",
            pod.name
        ));
    };
    // The kubelet reports lastState only once the container has been restarted (or while
    // it waits to be).
    let has_last =
        c.last.is_some() && (c.restart_count > 0 || !matches!(c.state, RunState::Terminated(_)));
    if previous {
        return if has_last {
            Ok(c.previous_log.clone())
        } else {
            bad(format!(
                "previous terminated container \"{cname}\" in pod \"{}\" not found",
                pod.name
            ))
        };
    }
    match &c.state {
        RunState::Running { .. } => Ok(c.log_at(world.now)),
        RunState::Terminated(_) => Ok(c.log.clone()),
        RunState::BackOff { .. } => Ok(c.previous_log.clone()),
        RunState::Creating { .. } if has_last => Ok(c.previous_log.clone()),
        RunState::Creating { .. } => bad(format!(
            "container \"{cname}\" in pod \"{}\" is waiting to start: ContainerCreating",
            pod.name
        )),
    }
}

/// The script API's `kill(pod[, container[, code]])`: the container's main process dies
/// now with `code` (137 for SIGKILL by default), and the kubelet reacts.
pub fn kill(
    world: &mut World,
    pod: &ObjKey,
    container: Option<&str>,
    code: i32,
) -> Result<(), String> {
    let (obj, cname) = target(world, pod, container)?;
    let now = world.now;
    let Some(sb) = world
        .runtime
        .pods
        .get_mut(pod)
        .filter(|sb| sb.pod_uid == obj.uid())
    else {
        return Err(format!(
            "container \"{cname}\" of pod \"{}\" is not running",
            pod.name
        ));
    };
    if !sb.kill(&cname, now, code) {
        return Err(format!(
            "container \"{cname}\" of pod \"{}\" is not running",
            pod.name
        ));
    }
    world.wake(
        now,
        TimerClass::Work,
        crate::controllers::kubelet::NAME,
        pod.clone(),
    );
    Ok(())
}

/// The same, for a whole cluster: after reaching in, the instant is run to its end so the
/// kubelet reacts at once (a killed process's container exits now, not at the next step).
impl crate::cluster::Cluster {
    pub fn exec(
        &mut self,
        pod: &ObjKey,
        container: Option<&str>,
        argv: &[String],
    ) -> Result<ExecOutput, String> {
        let out = exec(&mut self.world, pod, container, argv)?;
        self.advance(SimDuration::ZERO).map_err(|e| e.to_string())?;
        Ok(out)
    }

    pub fn logs(
        &self,
        pod: &ObjKey,
        container: Option<&str>,
        previous: bool,
    ) -> Result<String, String> {
        logs(&self.world, pod, container, previous)
    }

    pub fn kill(&mut self, pod: &ObjKey, container: Option<&str>, code: i32) -> Result<(), String> {
        kill(&mut self.world, pod, container, code)?;
        self.advance(SimDuration::ZERO).map_err(|e| e.to_string())
    }
}
