use super::*;

fn container(name: &str, command: &[&str]) -> Container {
    Container {
        name: name.into(),
        image: Some("busybox".into()),
        command: Some(command.iter().map(|s| s.to_string()).collect()),
        ..Default::default()
    }
}

fn crasher(secs: u32) -> Container {
    container("c", &["sh", "-c", &format!("sleep {secs}; exit 1")])
}

struct Rig {
    sb: PodSandbox,
    specs: Vec<Container>,
    rng: SimRng,
    files: Files,
}

impl Rig {
    fn new(specs: Vec<Container>) -> Rig {
        let views = specs
            .iter()
            .map(|c| ContainerView::bare("u", &c.name, "node-1", "p"))
            .collect();
        let sb = PodSandbox::new("u", "p", "default", "node-1", &specs, views, SimTime(0));
        Rig {
            sb,
            specs,
            rng: SimRng::new(0),
            files: Files::default(),
        }
    }
    fn advance(
        &mut self,
        now: SimTime,
        policy: RestartPolicy,
    ) -> (Vec<KubeletEvent>, Option<SimTime>) {
        let mut env = RunEnv {
            images: &[],
            rng: &mut self.rng,
            files: &mut self.files,
        };
        self.sb.advance(now, policy, &self.specs, &mut env)
    }
}

/// Restart instants of a container that crashes after `crash_after` seconds, under
/// restartPolicy Always, and the BackOff events' times.
fn restart_times(crash_after: u32, until_secs: i64) -> (Vec<i64>, Vec<i64>) {
    let mut rig = Rig::new(vec![crasher(crash_after)]);
    let mut starts = vec![];
    let mut backoffs = vec![];
    let mut now = SimTime(0);
    while now.0 <= until_secs * 1000 {
        let (events, next) = rig.advance(now, RestartPolicy::Always);
        backoffs.extend(
            events
                .iter()
                .filter(|e| e.reason == "BackOff")
                .map(|_| now.secs()),
        );
        if let RunState::Running { since, .. } = rig.sb.containers[0].state {
            if starts.last() != Some(&since.secs()) {
                starts.push(since.secs());
            }
        }
        match next {
            Some(t) => now = t,
            None => break,
        }
    }
    (starts, backoffs)
}

#[test]
fn crash_loop_restarts_immediately_then_10s_20s_40s_fact_82() {
    // Started at 1s, crashes every 1s of running: restarts at 2 (immediate), then waits
    // 10s after the crash at 3 → 13, 20s after 14 → 34, 40s after 35 → 75, 80s → 156.
    assert_eq!(restart_times(1, 160).0, vec![1, 2, 13, 34, 75, 156]);
}

#[test]
fn backoff_events_repeat_every_10s_while_waiting_fact_82() {
    // Crash at 3 (wait 10s): one event; crash at 14 (wait 20s): at 14 and 24.
    assert_eq!(restart_times(1, 40).1, vec![3, 14, 24, 35]);
}

#[test]
fn crash_loop_backoff_caps_at_300s_fact_82() {
    let times = restart_times(1, 3000).0;
    let gaps: Vec<i64> = times.windows(2).map(|w| w[1] - w[0] - 1).collect();
    assert_eq!(&gaps[..8], &[0, 10, 20, 40, 80, 160, 300, 300]);
}

#[test]
fn backoff_resets_after_ten_minutes_of_running_fact_82() {
    // Runs 700s each time: longer than 2 × 300s since the last restart, so every
    // restart is immediate.
    let times = restart_times(700, 3000).0;
    let gaps: Vec<i64> = times.windows(2).map(|w| w[1] - w[0] - 700).collect();
    assert!(gaps.iter().all(|g| *g == 0), "{gaps:?}");
}

#[test]
fn waiting_message_prints_the_backoff_as_go_does() {
    assert_eq!(go_duration(SimDuration::from_secs(10)), "10s");
    assert_eq!(go_duration(SimDuration::from_secs(80)), "1m20s");
    assert_eq!(go_duration(SimDuration::from_secs(300)), "5m0s");
    assert_eq!(go_duration(SimDuration::from_secs(3600)), "1h0m0s");
}

#[test]
fn never_policy_leaves_the_container_terminated() {
    let mut rig = Rig::new(vec![crasher(5)]);
    rig.advance(SimTime(1000), RestartPolicy::Never);
    rig.advance(SimTime(6000), RestartPolicy::Never);
    assert!(rig.sb.all_terminated());
    assert_eq!(rig.sb.containers[0].restart_count, 0);
    assert!(
        matches!(&rig.sb.containers[0].state, RunState::Terminated(t) if t.exit_code == 1 && t.reason == "Error")
    );
}

#[test]
fn sleep_as_pid_1_ignores_sigterm_until_the_deadline_fact_85() {
    let mut rig = Rig::new(vec![container("c", &["sleep", "3600"])]);
    rig.advance(SimTime(1000), RestartPolicy::Always);
    let events = rig.sb.begin_termination(SimTime(2000), SimTime(32000));
    assert_eq!(events[0].message, "Stopping container c");
    let (_, next) = rig.advance(SimTime(2000), RestartPolicy::Always);
    assert_eq!(next, Some(SimTime(32000)));
    rig.advance(SimTime(32000), RestartPolicy::Always);
    assert!(matches!(&rig.sb.containers[0].state, RunState::Terminated(t) if t.exit_code == 137));
}

#[test]
fn a_shell_that_finishes_before_the_deadline_exits_normally_fact_85() {
    let mut rig = Rig::new(vec![container("c", &["sh", "-c", "sleep 10; exit 3"])]);
    rig.advance(SimTime(1000), RestartPolicy::Never);
    rig.sb.begin_termination(SimTime(2000), SimTime(32000));
    let (_, next) = rig.advance(SimTime(2000), RestartPolicy::Never);
    assert_eq!(next, Some(SimTime(11000)));
    rig.advance(SimTime(11000), RestartPolicy::Never);
    assert!(matches!(&rig.sb.containers[0].state, RunState::Terminated(t) if t.exit_code == 3));
}

#[test]
fn a_server_exits_at_once_on_sigterm_fact_85() {
    let mut rig = Rig::new(vec![Container {
        name: "web".into(),
        image: Some("nginx:1.16".into()),
        ..Default::default()
    }]);
    rig.advance(SimTime(1000), RestartPolicy::Always);
    rig.sb.begin_termination(SimTime(5000), SimTime(35000));
    rig.advance(SimTime(5000), RestartPolicy::Always);
    assert!(
        matches!(&rig.sb.containers[0].state, RunState::Terminated(t) if t.exit_code == 0 && t.finished_at == SimTime(5000))
    );
}

#[test]
fn output_reaches_the_log_when_it_is_printed() {
    let mut rig = Rig::new(vec![container(
        "c",
        &["sh", "-c", "echo one; sleep 5; echo two; sleep 5"],
    )]);
    rig.advance(SimTime(1000), RestartPolicy::Never);
    assert_eq!(rig.sb.containers[0].log, "one\n");
    assert_eq!(rig.sb.containers[0].log_at(SimTime(6000)), "one\ntwo\n");
    rig.advance(SimTime(6000), RestartPolicy::Never);
    assert_eq!(rig.sb.containers[0].log, "one\ntwo\n");
}

#[test]
fn a_restart_keeps_the_previous_instance_log() {
    let mut rig = Rig::new(vec![container(
        "c",
        &["sh", "-c", "date +%s; sleep 5; exit 1"],
    )]);
    rig.advance(SimTime(1000), RestartPolicy::OnFailure);
    rig.advance(SimTime(6000), RestartPolicy::OnFailure);
    let c = &rig.sb.containers[0];
    assert_eq!(c.restart_count, 1);
    assert_eq!(c.previous_log, "1\n");
    assert_eq!(c.log, "6\n");
}

#[test]
fn unknown_commands_warn_and_run_until_stopped() {
    let mut rig = Rig::new(vec![container("c", &["python", "app.py"])]);
    let (events, next) = rig.advance(SimTime(1000), RestartPolicy::Always);
    let warning = events
        .iter()
        .find(|e| e.reason == "NotSimulated")
        .expect("a warning");
    assert_eq!(
        warning.message,
        "klab does not simulate the command \"python app.py\"; the container runs until stopped"
    );
    assert_eq!(next, None);
    assert_eq!(
        rig.sb.containers[0].processes(SimTime(1000))[0].cmdline,
        "python app.py"
    );
}

#[test]
fn a_script_that_execs_a_server_hands_pid_1_to_it_fact_85() {
    let mut rig = Rig::new(vec![container(
        "c",
        &[
            "sh",
            "-c",
            "echo ready > /tmp/x && exec nginx -g 'daemon off;'",
        ],
    )]);
    let (events, _) = rig.advance(SimTime(1000), RestartPolicy::Always);
    assert!(
        events.iter().all(|e| e.reason != "NotSimulated"),
        "{events:?}"
    );
    assert_eq!(
        rig.sb.containers[0].processes(SimTime(1000))[0].cmdline,
        "nginx -g daemon off;"
    );
    rig.sb.begin_termination(SimTime(2000), SimTime(32000));
    rig.advance(SimTime(2000), RestartPolicy::Always);
    assert!(
        matches!(&rig.sb.containers[0].state, RunState::Terminated(t) if t.finished_at == SimTime(2000) && t.exit_code == 0)
    );
}

#[test]
fn a_server_started_by_a_shell_leaves_the_shell_as_pid_1_which_ignores_sigterm() {
    let mut rig = Rig::new(vec![container(
        "c",
        &["sh", "-c", "echo start; nginx -g 'daemon off;'"],
    )]);
    rig.advance(SimTime(1000), RestartPolicy::Always);
    rig.sb.begin_termination(SimTime(2000), SimTime(32000));
    let (_, next) = rig.advance(SimTime(2000), RestartPolicy::Always);
    assert_eq!(next, Some(SimTime(32000)));
}
