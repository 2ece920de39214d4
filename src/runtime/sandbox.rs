//! A pod's sandbox on its node: its IP and its containers, each a small state machine over
//! virtual time (creating → running → terminated → backoff → running …) that follows the
//! kubelet's restart rules (restartPolicy, CrashLoopBackOff 10s doubling to 300s, reset
//! after 10 minutes; facts 81–82).

use super::behaviour::{plan_for, ImageRule, Plan, SigTerm};
use crate::sim::{SimDuration, SimRng, SimTime};
use k8s_openapi::api::core::v1::Container;

/// Kubelet constants: image pull + container create, crash backoff base and cap.
pub const START_LATENCY: SimDuration = SimDuration(1000);
pub const BACKOFF_BASE: SimDuration = SimDuration(10_000);
pub const BACKOFF_MAX: SimDuration = SimDuration(300_000);

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
    pub log: String,
    pub previous_log: String,
}

impl ContainerRun {
    pub fn is_ready(&self, now: SimTime) -> bool {
        matches!(self.state, RunState::Running { .. }) && self.ready_at.is_some_and(|t| t <= now)
    }
    pub fn is_running(&self) -> bool {
        matches!(self.state, RunState::Running { .. })
    }
}

/// Something the kubelet reports as an event while advancing (type, reason, message).
#[derive(Clone, Debug, PartialEq)]
pub struct KubeletEvent {
    pub type_: &'static str,
    pub reason: &'static str,
    pub message: String,
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

impl PodSandbox {
    pub fn new(
        pod_uid: &str,
        pod_name: &str,
        namespace: &str,
        node: &str,
        containers: &[Container],
        now: SimTime,
    ) -> Self {
        let containers = containers
            .iter()
            .map(|c| ContainerRun {
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

    /// Moves every container forward to `now`, applying restarts and backoff. Returns the
    /// kubelet's events in order and the next instant something changes by itself.
    pub fn advance(
        &mut self,
        now: SimTime,
        policy: RestartPolicy,
        specs: &[Container],
        images: &[ImageRule],
        rng: &mut SimRng,
    ) -> (Vec<KubeletEvent>, Option<SimTime>) {
        let mut events = Vec::new();
        let stopping = self.kill_deadline.is_some();
        let pod_ref = format!("{}_{}({})", self.pod_name, self.namespace, self.pod_uid);
        for i in 0..self.containers.len() {
            let spec = specs
                .iter()
                .find(|s| s.name == self.containers[i].name)
                .cloned()
                .unwrap_or_default();
            loop {
                let c = &mut self.containers[i];
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
                        start(c, &spec, until, images, rng, self.run_ids, &mut events);
                    }
                    RunState::Running {
                        since,
                        exit_at: Some(t),
                        exit_code,
                    } if t <= now => {
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
                        c.previous_log = std::mem::take(&mut c.log);
                        c.last = Some(term.clone());
                        c.ready_at = None;
                        if stopping || !policy.restarts_after(exit_code) {
                            c.state = RunState::Terminated(term);
                            continue;
                        }
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
                                events.push(KubeletEvent {
                                    type_: "Warning",
                                    reason: "BackOff",
                                    message: format!(
                                        "Back-off restarting failed container {} in pod {pod_ref}",
                                        c.name
                                    ),
                                });
                            }
                            _ => {
                                c.backoff = Some(Backoff {
                                    delay: BACKOFF_BASE,
                                    last_update: t,
                                });
                                c.restart_count += 1;
                                self.run_ids += 1;
                                start(c, &spec, t, images, rng, self.run_ids, &mut events);
                            }
                        }
                    }
                    RunState::BackOff { until, .. } if until <= now => {
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
                        start(c, &spec, until, images, rng, self.run_ids, &mut events);
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
                [state_time, c.ready_at.filter(|t| *t > now)]
            })
            .flatten()
            .min()
    }

    /// Deletion: SIGTERM now, SIGKILL at `deadline`. Processes that exit on SIGTERM stop at
    /// once; a PID-1 shell or sleep runs on until the deadline and dies with 137.
    pub fn begin_termination(&mut self, now: SimTime, deadline: SimTime) {
        if self.kill_deadline.is_some_and(|d| d <= deadline) {
            return;
        }
        self.kill_deadline = Some(deadline);
        for c in &mut self.containers {
            if let RunState::Running { since, exit_at, .. } = c.state.clone() {
                let on_sigterm = c.plan.as_ref().map_or(SigTerm::Exit(0), |p| p.on_sigterm);
                c.state = match on_sigterm {
                    SigTerm::Exit(code) => RunState::Running {
                        since,
                        exit_at: Some(now),
                        exit_code: code,
                    },
                    SigTerm::Ignore if exit_at.is_some_and(|t| t <= deadline) => c.state.clone(),
                    SigTerm::Ignore => RunState::Running {
                        since,
                        exit_at: Some(deadline),
                        exit_code: 137,
                    },
                };
            }
        }
    }

    /// The main process of a container dies now with `code` (`kill`, or SIGKILL from exec).
    pub fn kill(&mut self, container: &str, now: SimTime, code: i32) -> bool {
        match self.containers.iter_mut().find(|c| c.name == container) {
            Some(c) => match c.state {
                RunState::Running { since, .. } => {
                    c.state = RunState::Running {
                        since,
                        exit_at: Some(now),
                        exit_code: code,
                    };
                    true
                }
                _ => false,
            },
            None => false,
        }
    }
}

fn start(
    c: &mut ContainerRun,
    spec: &Container,
    at: SimTime,
    images: &[ImageRule],
    rng: &mut SimRng,
    run_id: u64,
    events: &mut Vec<KubeletEvent>,
) {
    let plan = plan_for(spec, images, rng);
    let probe_delay = spec
        .readiness_probe
        .as_ref()
        .map(|p| SimDuration::from_secs(p.initial_delay_seconds.unwrap_or(0) as i64))
        .unwrap_or(SimDuration::ZERO);
    c.ready_at = Some(at + plan.ready_after.max(probe_delay));
    c.state = RunState::Running {
        since: at,
        exit_at: plan.run_for.map(|d| at + d),
        exit_code: plan.exit_code,
    };
    c.run_id = run_id;
    c.log.push_str(&plan.output);
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
    c.plan = Some(plan);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crasher(secs: u32) -> Container {
        Container {
            name: "c".into(),
            image: Some("busybox".into()),
            command: Some(vec![
                "sh".into(),
                "-c".into(),
                format!("sleep {secs}; exit 1"),
            ]),
            ..Default::default()
        }
    }

    /// Restart instants of a container that crashes after 1s, under restartPolicy Always.
    fn restart_times(crash_after: u32, until_secs: i64) -> Vec<i64> {
        let spec = vec![crasher(crash_after)];
        let mut sb = PodSandbox::new("u", "p", "default", "node-1", &spec, SimTime(0));
        let mut rng = SimRng::new(0);
        let mut starts = vec![];
        let mut now = SimTime(0);
        while now.0 <= until_secs * 1000 {
            let (_, next) = sb.advance(now, RestartPolicy::Always, &spec, &[], &mut rng);
            if let RunState::Running { since, .. } = sb.containers[0].state {
                if starts.last() != Some(&since.secs()) {
                    starts.push(since.secs());
                }
            }
            match next {
                Some(t) => now = t,
                None => break,
            }
        }
        starts
    }

    #[test]
    fn crash_loop_restarts_immediately_then_10s_20s_40s_fact_82() {
        // Started at 1s, crashes every 1s of running: restarts at 2 (immediate), then waits
        // 10s after the crash at 3 → 13, 20s after 14 → 34, 40s after 35 → 75, 80s → 156.
        assert_eq!(restart_times(1, 160), vec![1, 2, 13, 34, 75, 156]);
    }

    #[test]
    fn crash_loop_backoff_caps_at_300s_fact_82() {
        let times = restart_times(1, 3000);
        let gaps: Vec<i64> = times.windows(2).map(|w| w[1] - w[0] - 1).collect();
        assert_eq!(&gaps[..8], &[0, 10, 20, 40, 80, 160, 300, 300]);
    }

    #[test]
    fn backoff_resets_after_ten_minutes_of_running_fact_82() {
        // Runs 700s each time: longer than 2 × 300s since the last restart, so every
        // restart is immediate.
        let times = restart_times(700, 3000);
        let gaps: Vec<i64> = times.windows(2).map(|w| w[1] - w[0] - 700).collect();
        assert!(gaps.iter().all(|g| *g == 0), "{gaps:?}");
    }

    #[test]
    fn never_policy_leaves_the_container_terminated() {
        let spec = vec![crasher(5)];
        let mut sb = PodSandbox::new("u", "p", "default", "node-1", &spec, SimTime(0));
        let mut rng = SimRng::new(0);
        sb.advance(SimTime(1000), RestartPolicy::Never, &spec, &[], &mut rng);
        sb.advance(SimTime(6000), RestartPolicy::Never, &spec, &[], &mut rng);
        assert!(sb.all_terminated());
        assert_eq!(sb.containers[0].restart_count, 0);
    }

    #[test]
    fn sleep_as_pid_1_ignores_sigterm_until_the_deadline_fact_85() {
        let spec = vec![Container {
            name: "c".into(),
            command: Some(vec!["sleep".into(), "3600".into()]),
            ..Default::default()
        }];
        let mut sb = PodSandbox::new("u", "p", "default", "node-1", &spec, SimTime(0));
        let mut rng = SimRng::new(0);
        sb.advance(SimTime(1000), RestartPolicy::Always, &spec, &[], &mut rng);
        sb.begin_termination(SimTime(2000), SimTime(32000));
        let (_, next) = sb.advance(SimTime(2000), RestartPolicy::Always, &spec, &[], &mut rng);
        assert_eq!(next, Some(SimTime(32000)));
        sb.advance(SimTime(32000), RestartPolicy::Always, &spec, &[], &mut rng);
        assert!(matches!(&sb.containers[0].state, RunState::Terminated(t) if t.exit_code == 137));
    }
}
