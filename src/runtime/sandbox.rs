//! A pod's sandbox on its node: its IP and its containers, each a small state machine over
//! virtual time (creating → running → terminated → backoff → running …) that follows the
//! kubelet's restart rules (restartPolicy, CrashLoopBackOff 10s doubling to 300s, reset
//! after 10 minutes; facts 81–82) and its graceful termination (SIGTERM per the model,
//! SIGKILL at the deadline; fact 85).

use super::behaviour::{plan_for, ImageRule, Plan, SigTerm};
use super::files::{ContainerView, Files};
use super::process::ShellProcess;
use super::shell::{Invocation, Machine, Mode, ProcInfo, Start};
use crate::sim::{SimDuration, SimRng, SimTime};
use k8s_openapi::api::core::v1::Container;

/// Kubelet constants: image pull + container create, crash backoff base and cap.
pub const START_LATENCY: SimDuration = SimDuration(1000);
pub const BACKOFF_BASE: SimDuration = SimDuration(10_000);
pub const BACKOFF_MAX: SimDuration = SimDuration(300_000);
/// How often the kubelet retries a pod whose container is in backoff (`backOffPeriod`):
/// each retry reports the `BackOff` event again.
pub const BACKOFF_RETRY: SimDuration = SimDuration(10_000);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartPolicy {
    Always,
    OnFailure,
    Never,
}

impl RestartPolicy {
    pub fn parse(s: Option<&str>) -> Self {
        match s {
            Some("OnFailure") => RestartPolicy::OnFailure,
            Some("Never") => RestartPolicy::Never,
            _ => RestartPolicy::Always,
        }
    }
    fn restarts_after(self, exit_code: i32) -> bool {
        match self {
            RestartPolicy::Always => true,
            RestartPolicy::OnFailure => exit_code != 0,
            RestartPolicy::Never => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Terminated {
    pub exit_code: i32,
    /// `Completed` (exit 0) or `Error`.
    pub reason: String,
    pub started_at: SimTime,
    pub finished_at: SimTime,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RunState {
    /// Pulling the image and creating the container.
    Creating {
        until: SimTime,
    },
    Running {
        since: SimTime,
        exit_at: Option<SimTime>,
        exit_code: i32,
    },
    /// CrashLoopBackOff until the backoff expires.
    BackOff {
        until: SimTime,
        delay: SimDuration,
    },
    Terminated(Terminated),
}

/// client-go's per-container backoff entry (`flowcontrol.Backoff`).
#[derive(Clone, Debug, PartialEq)]
pub struct Backoff {
    pub delay: SimDuration,
    pub last_update: SimTime,
}

#[derive(Clone, Debug)]
pub struct ContainerRun {
    pub name: String,
    pub image: String,
    pub state: RunState,
    pub restart_count: i32,
    pub last: Option<Terminated>,
    pub backoff: Option<Backoff>,
    pub plan: Option<Plan>,
    /// When the running container turns ready.
    pub ready_at: Option<SimTime>,
    /// A short id for `containerID`, new for each run.
    pub run_id: u64,
    /// What the current (or last) instance printed so far.
    pub log: String,
    /// What the instance before it printed (`logs --previous`).
    pub previous_log: String,
    /// What the container's processes see: mounts, hostname, environment.
    pub view: ContainerView,
    /// The main process, when the small shell runs it.
    pub shell: Option<ShellProcess>,
    /// PID 1 of a modelled main process (a server image).
    pub pid1: Option<ProcInfo>,
    /// The PID namespace's counter for processes `exec` starts.
    pub next_pid: u32,
    /// Programs already reported as not simulated in this run.
    warned: Vec<String>,
    /// The kubelet's next retry while in backoff (it reports `BackOff` each time).
    next_backoff_event: Option<SimTime>,
    /// When the main process ends by itself (a modelled run; a shell's comes from its timeline).
    natural_exit: Option<(SimTime, i32)>,
    /// An end imposed from outside: SIGTERM handled, SIGKILL at the deadline, `kill()`.
    forced_exit: Option<(SimTime, i32)>,
}

impl ContainerRun {
    pub fn is_ready(&self, now: SimTime) -> bool {
        matches!(self.state, RunState::Running { .. }) && self.ready_at.is_some_and(|t| t <= now)
    }
    pub fn is_running(&self) -> bool {
        matches!(self.state, RunState::Running { .. })
    }
    /// The processes of the container at `now`, PID 1 first.
    pub fn processes(&self, now: SimTime) -> Vec<ProcInfo> {
        if !self.is_running() {
            return Vec::new();
        }
        match (&self.shell, &self.pid1) {
            (Some(s), _) => s.processes(now),
            (None, Some(p)) => vec![p.clone()],
            (None, None) => Vec::new(),
        }
    }
    /// The log as it stands at `now` (output due by then included).
    pub fn log_at(&self, now: SimTime) -> String {
        let mut log = self.log.clone();
        if let Some(s) = &self.shell {
            log.push_str(&s.pending_output(now));
        }
        log
    }
}

/// Something the kubelet reports as an event while advancing (type, reason, message).
#[derive(Clone, Debug, PartialEq)]
pub struct KubeletEvent {
    pub type_: &'static str,
    pub reason: &'static str,
    pub message: String,
}

/// What advancing a sandbox needs from the world.
pub struct RunEnv<'a> {
    pub images: &'a [ImageRule],
    pub rng: &'a mut SimRng,
    pub files: &'a mut Files,
}

#[derive(Clone, Debug)]
pub struct PodSandbox {
    pub pod_uid: String,
    pub pod_name: String,
    pub namespace: String,
    pub node: String,
    pub ip: Option<String>,
    pub created: SimTime,
    pub containers: Vec<ContainerRun>,
    /// Set once deletion began: SIGTERM was sent, SIGKILL comes at this deadline.
    pub kill_deadline: Option<SimTime>,
    run_ids: u64,
}

/// Go's `time.Duration` text, as the kubelet prints the backoff (`10s`, `1m20s`, `5m0s`).
pub fn go_duration(d: SimDuration) -> String {
    let ms = d.0.max(0);
    let (h, m, s, frac) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    let secs = if frac > 0 {
        format!("{s}.{}", format!("{frac:03}").trim_end_matches('0'))
    } else {
        s.to_string()
    };
    if h > 0 {
        format!("{h}h{m}m{secs}s")
    } else if m > 0 {
        format!("{m}m{secs}s")
    } else if ms == 0 {
        "0s".into()
    } else if ms < 1000 {
        format!("{ms}ms")
    } else {
        format!("{secs}s")
    }
}

impl PodSandbox {
    /// A sandbox for `containers`; `views[i]` is what container i sees.
    pub fn new(
        pod_uid: &str,
        pod_name: &str,
        namespace: &str,
        node: &str,
        containers: &[Container],
        views: Vec<ContainerView>,
        now: SimTime,
    ) -> Self {
        let containers = containers
            .iter()
            .zip(views)
            .map(|(c, view)| ContainerRun {
                name: c.name.clone(),
                image: c.image.clone().unwrap_or_default(),
                state: RunState::Creating {
                    until: now + START_LATENCY,
                },
                restart_count: 0,
                last: None,
                backoff: None,
                plan: None,
                ready_at: None,
                run_id: 0,
                log: String::new(),
                previous_log: String::new(),
                view,
                shell: None,
                pid1: None,
                next_pid: 2,
                warned: Vec::new(),
                next_backoff_event: None,
                natural_exit: None,
                forced_exit: None,
            })
            .collect();
        PodSandbox {
            pod_uid: pod_uid.into(),
            pod_name: pod_name.into(),
            namespace: namespace.into(),
            node: node.into(),
            ip: None,
            created: now,
            containers,
            kill_deadline: None,
            run_ids: 0,
        }
    }

    /// Every container has stopped for good.
    pub fn all_terminated(&self) -> bool {
        self.containers
            .iter()
            .all(|c| matches!(c.state, RunState::Terminated(_)))
    }

    fn pod_ref(&self) -> String {
        format!("{}_{}({})", self.pod_name, self.namespace, self.pod_uid)
    }

    /// Moves every container forward to `now`, applying restarts and backoff. Returns the
    /// kubelet's events in order and the next instant something changes by itself.
    pub fn advance(
        &mut self,
        now: SimTime,
        policy: RestartPolicy,
        specs: &[Container],
        env: &mut RunEnv,
    ) -> (Vec<KubeletEvent>, Option<SimTime>) {
        let mut events = Vec::new();
        let stopping = self.kill_deadline.is_some();
        let pod_ref = self.pod_ref();
        for i in 0..self.containers.len() {
            let spec = specs
                .iter()
                .find(|s| s.name == self.containers[i].name)
                .cloned()
                .unwrap_or_default();
            loop {
                let c = &mut self.containers[i];
                sync_shell(c, now, env.files, &mut events);
                match c.state.clone() {
                    RunState::Creating { until } if until <= now => {
                        if stopping {
                            c.state = RunState::Terminated(Terminated {
                                exit_code: 0,
                                reason: "Completed".into(),
                                started_at: until,
                                finished_at: until,
                            });
                            continue;
                        }
                        events.push(KubeletEvent {
                            type_: "Normal",
                            reason: "Pulled",
                            message: format!(
                                "Container image \"{}\" already present on machine",
                                c.image
                            ),
                        });
                        self.run_ids += 1;
                        start(c, &spec, until, env, self.run_ids, &mut events);
                    }
                    RunState::Running {
                        since,
                        exit_at: Some(t),
                        exit_code,
                    } if t <= now => {
                        if let Some(mut sh) = c.shell.take() {
                            c.log.push_str(&sh.finish(t, env.files, &c.view));
                        }
                        let term = Terminated {
                            exit_code,
                            reason: if exit_code == 0 {
                                "Completed".into()
                            } else {
                                "Error".into()
                            },
                            started_at: since,
                            finished_at: t,
                        };
                        c.last = Some(term.clone());
                        c.ready_at = None;
                        if stopping || !policy.restarts_after(exit_code) {
                            c.state = RunState::Terminated(term);
                            continue;
                        }
                        c.previous_log = std::mem::take(&mut c.log);
                        // kubelet doBackOff: in backoff unless the entry is missing or expired.
                        let expired =
                            |b: &Backoff| t - b.last_update > SimDuration(BACKOFF_MAX.0 * 2);
                        match &c.backoff {
                            Some(b) if !expired(b) => {
                                let delay = b.delay;
                                c.state = RunState::BackOff {
                                    until: t + delay,
                                    delay,
                                };
                                c.next_backoff_event = Some(t);
                            }
                            _ => {
                                c.backoff = Some(Backoff {
                                    delay: BACKOFF_BASE,
                                    last_update: t,
                                });
                                c.restart_count += 1;
                                self.run_ids += 1;
                                start(c, &spec, t, env, self.run_ids, &mut events);
                            }
                        }
                    }
                    RunState::BackOff { until, .. } if until <= now => {
                        c.next_backoff_event = None;
                        if stopping {
                            let last = c
                                .last
                                .clone()
                                .expect("a container in backoff has terminated before");
                            c.state = RunState::Terminated(last);
                            continue;
                        }
                        let b = c.backoff.get_or_insert(Backoff {
                            delay: BACKOFF_BASE,
                            last_update: until,
                        });
                        b.delay = SimDuration((b.delay.0 * 2).min(BACKOFF_MAX.0));
                        b.last_update = until;
                        c.restart_count += 1;
                        self.run_ids += 1;
                        start(c, &spec, until, env, self.run_ids, &mut events);
                    }
                    RunState::BackOff { until, .. } => {
                        // Each kubelet retry during the wait reports the backoff again.
                        if let Some(t) = c.next_backoff_event.filter(|t| *t <= now) {
                            events.push(KubeletEvent {
                                type_: "Warning",
                                reason: "BackOff",
                                message: format!(
                                    "Back-off restarting failed container {} in pod {pod_ref}",
                                    c.name
                                ),
                            });
                            let next = t + BACKOFF_RETRY;
                            c.next_backoff_event = (next < until && !stopping).then_some(next);
                            continue;
                        }
                        break;
                    }
                    _ => break,
                }
            }
        }
        (events, self.next_change(now))
    }

    /// The next instant at which a container changes state by itself.
    pub fn next_change(&self, now: SimTime) -> Option<SimTime> {
        self.containers
            .iter()
            .flat_map(|c| {
                let state_time = match &c.state {
                    RunState::Creating { until } => Some(*until),
                    RunState::Running { exit_at, .. } => *exit_at,
                    RunState::BackOff { until, .. } => Some(*until),
                    RunState::Terminated(_) => None,
                };
                [
                    state_time,
                    c.ready_at.filter(|t| *t > now),
                    c.next_backoff_event,
                ]
            })
            .flatten()
            .min()
    }

    /// When a running shell's timeline must be extended (bookkeeping, nobody waits for it).
    pub fn next_frontier(&self) -> Option<SimTime> {
        self.containers
            .iter()
            .filter(|c| c.is_running())
            .filter_map(|c| c.shell.as_ref()?.frontier())
            .min()
    }

    /// Deletion: SIGTERM now, SIGKILL at `deadline`. Processes that exit on SIGTERM stop at
    /// once; a PID-1 shell or sleep runs on until the deadline and dies with 137. Returns
    /// the kubelet's `Killing` events when termination begins.
    pub fn begin_termination(&mut self, now: SimTime, deadline: SimTime) -> Vec<KubeletEvent> {
        if self.kill_deadline.is_some_and(|d| d <= deadline) {
            return Vec::new();
        }
        let first = self.kill_deadline.is_none();
        self.kill_deadline = Some(deadline);
        let mut events = Vec::new();
        for c in &mut self.containers {
            c.next_backoff_event = None;
            if !c.is_running() {
                continue;
            }
            if first {
                events.push(KubeletEvent {
                    type_: "Normal",
                    reason: "Killing",
                    message: format!("Stopping container {}", c.name),
                });
            }
            let forced = match c.on_sigterm(now) {
                SigTerm::Exit(code) if first => (now, code),
                _ => (deadline, 137),
            };
            c.force_exit(forced.0, forced.1);
        }
        events
    }

    /// The main process of a container dies now with `code` (`kill`, or a signal).
    pub fn kill(&mut self, container: &str, now: SimTime, code: i32) -> bool {
        match self.containers.iter_mut().find(|c| c.name == container) {
            Some(c) if c.is_running() => {
                c.force_exit(now, code);
                true
            }
            _ => false,
        }
    }
}

impl ContainerRun {
    /// How PID 1 takes SIGTERM now: the plan's answer, unless the shell has since
    /// replaced itself with a server (`exec nginx …`), which handles it.
    pub fn on_sigterm(&self, now: SimTime) -> SigTerm {
        if self.shell.is_some() {
            if let Some(p1) = self.processes(now).first() {
                if super::command::is_server(p1.comm()) {
                    return SigTerm::Exit(0);
                }
            }
        }
        self.plan
            .as_ref()
            .map_or(SigTerm::Exit(0), |p| p.on_sigterm)
    }

    /// Hands the shell's output and file changes due by `now` over (no events).
    pub fn sync_output(&mut self, now: SimTime, files: &mut Files) {
        if !self.is_running() {
            return;
        }
        if let Some(sh) = self.shell.as_mut() {
            let flushed = sh.flush(now, files, &self.view);
            self.log.push_str(&flushed.output);
            self.refresh();
        }
    }

    /// Ends the main process at `at` with `code` unless it ends earlier by itself.
    pub fn force_exit(&mut self, at: SimTime, code: i32) {
        if self.forced_exit.is_none_or(|(t, _)| at < t) {
            self.forced_exit = Some((at, code));
        }
        self.refresh();
    }

    /// The running state's exit: the earlier of the natural end and the forced one (the
    /// natural end wins a tie).
    pub fn refresh(&mut self) {
        let RunState::Running { since, .. } = self.state else {
            return;
        };
        let natural = match &self.shell {
            Some(sh) => sh.exit(),
            None => self.natural_exit,
        };
        let exit = match (natural, self.forced_exit) {
            (Some(n), Some(f)) => Some(if f.0 < n.0 { f } else { n }),
            (n, f) => n.or(f),
        };
        self.state = RunState::Running {
            since,
            exit_at: exit.map(|e| e.0),
            exit_code: exit.map_or(0, |e| e.1),
        };
    }
}

/// Brings a running shell's timeline to `now`: its output joins the log, its file
/// changes land, and its exit time is taken again (a timeline may have been extended or
/// cut by `exec`).
fn sync_shell(
    c: &mut ContainerRun,
    now: SimTime,
    files: &mut Files,
    events: &mut Vec<KubeletEvent>,
) {
    if !c.is_running() {
        return;
    }
    let Some(sh) = c.shell.as_mut() else { return };
    let flushed = sh.flush(now, files, &c.view);
    c.log.push_str(&flushed.output);
    report_unknown(c, events);
    c.refresh();
}

/// A Warning event for each program the model does not simulate, once per run.
fn report_unknown(c: &mut ContainerRun, events: &mut Vec<KubeletEvent>) {
    let Some(sh) = c.shell.as_ref() else { return };
    for u in &sh.unknown {
        let program = u.split(' ').next().unwrap_or("");
        if super::command::is_server(program) {
            continue; // a server: running until stopped is what it does
        }
        if !c.warned.contains(u) {
            events.push(KubeletEvent {
                type_: "Warning",
                reason: "NotSimulated",
                message: super::command::not_simulated(u),
            });
            c.warned.push(u.clone());
        }
    }
    if sh.busy && !c.warned.iter().any(|w| w == "\0busy") {
        events.push(KubeletEvent {
            type_: "Warning",
            reason: "NotSimulated",
            message:
                "klab stopped simulating a loop that never waits; the container runs until stopped"
                    .into(),
        });
        c.warned.push("\0busy".into());
    }
}

fn start(
    c: &mut ContainerRun,
    spec: &Container,
    at: SimTime,
    env: &mut RunEnv,
    run_id: u64,
    events: &mut Vec<KubeletEvent>,
) {
    let plan = plan_for(spec, env.images, env.rng);
    let probe_delay = spec
        .readiness_probe
        .as_ref()
        .map(|p| SimDuration::from_secs(p.initial_delay_seconds.unwrap_or(0) as i64))
        .unwrap_or(SimDuration::ZERO);
    c.ready_at = Some(at + plan.ready_after.max(probe_delay));
    c.run_id = run_id;
    c.warned.clear();
    c.next_pid = 2;
    c.forced_exit = None;
    c.natural_exit = None;
    // A new container: a fresh root filesystem from the image (volumes are kept).
    env.files.prepare_container(&c.view, &c.image, at);
    events.push(KubeletEvent {
        type_: "Normal",
        reason: "Created",
        message: format!("Created container {}", c.name),
    });
    events.push(KubeletEvent {
        type_: "Normal",
        reason: "Started",
        message: format!("Started container {}", c.name),
    });
    if let Some(w) = &plan.warning {
        events.push(KubeletEvent {
            type_: "Warning",
            reason: "NotSimulated",
            message: w.clone(),
        });
    }
    match &plan.program {
        Some(program) => {
            let (cmdline, positional) = match &program.invocation {
                Invocation::Script { positional, .. } => (plan.cmdline.clone(), positional.clone()),
                Invocation::Argv(_) => (plan.cmdline.clone(), Vec::new()),
            };
            let start = Start {
                pid: 1,
                ppid: 0,
                cmdline,
                mode: Mode::Main,
                env: c.view.env.clone(),
                cwd: c.view.cwd.clone(),
                positional,
                seed: program.seed,
                started: at,
            };
            let machine = match &program.invocation {
                Invocation::Script { script, .. } => Machine::script(script, start.clone())
                    .unwrap_or_else(|_| Machine::argv(&[], start)),
                Invocation::Argv(argv) => Machine::argv(argv, start),
            };
            c.shell = Some(ShellProcess::start(machine, at, env.files, &c.view));
            c.pid1 = None;
            c.state = RunState::Running {
                since: at,
                exit_at: None,
                exit_code: 0,
            };
            // Output due at the start goes to the log at once.
            sync_shell(c, at, env.files, events);
        }
        None => {
            c.shell = None;
            c.pid1 = Some(ProcInfo {
                pid: 1,
                ppid: 0,
                cmdline: plan.cmdline.clone(),
                started: at,
            });
            c.natural_exit = plan.run_for.map(|d| (at + d, plan.exit_code));
            c.state = RunState::Running {
                since: at,
                exit_at: None,
                exit_code: 0,
            };
            c.refresh();
            c.log.push_str(&plan.output);
        }
    }
    c.plan = Some(plan);
}

#[cfg(test)]
mod tests;
