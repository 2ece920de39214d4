use super::super::testsys::MemSys;
use super::*;

fn start(mode: Mode, seed: u64) -> Start {
    Start {
        pid: 1,
        ppid: 0,
        cmdline: "sh -c test".into(),
        mode,
        env: Vars::from_pairs([
            ("PATH".to_string(), "/bin".to_string()),
            ("HOME".to_string(), "/root".to_string()),
        ]),
        cwd: "/".into(),
        positional: vec![],
        seed,
        started: SimTime(0),
    }
}

/// Runs a script to its end, sleeping through every wait. Returns status, stdout, stderr
/// and the simulated seconds it took (`None` if it waits forever).
fn run_in(
    sys: &mut MemSys,
    script: &str,
    mode: Mode,
    seed: u64,
) -> (i32, String, String, Option<i64>) {
    let mut st = start(mode, seed);
    if mode == Mode::Exec {
        // An exec'd process gets the namespace's next PID.
        st.pid = sys.spawn_pid();
    }
    let mut m = Machine::script(script, st).expect("parses");
    loop {
        match m.run(sys, 100_000) {
            Yield::Exited(code) => {
                let out = std::mem::take(&mut sys.out);
                let err = std::mem::take(&mut sys.err);
                return (code, out, err, Some(sys.now.secs()));
            }
            Yield::Blocked(b) => match b.duration {
                Some(d) => {
                    sys.now = sys.now + d;
                    m.resume(0, sys);
                }
                None => {
                    return (
                        -1,
                        std::mem::take(&mut sys.out),
                        std::mem::take(&mut sys.err),
                        None,
                    )
                }
            },
            Yield::Busy => return (-2, String::new(), String::new(), None),
        }
    }
}

fn run(script: &str) -> (i32, String, String) {
    let (c, o, e, _) = run_in(&mut MemSys::new(), script, Mode::Exec, 0);
    (c, o, e)
}

#[test]
fn echo_and_exit_codes() {
    assert_eq!(
        run("echo hello world"),
        (0, "hello world\n".into(), String::new())
    );
    assert_eq!(run("exit 3").0, 3);
    assert_eq!(run("false").0, 1);
    assert_eq!(run("true; false; true").0, 0);
    assert_eq!(run("exit 300").0, 44);
}

#[test]
fn unknown_programs_in_exec_are_not_found_with_127() {
    assert_eq!(
        run("foo bar"),
        (127, String::new(), "sh: foo: not found\n".into())
    );
    assert_eq!(
        run("foo || echo fallback; echo $?"),
        (0, "fallback\n0\n".into(), "sh: foo: not found\n".into())
    );
}

#[test]
fn unknown_programs_as_a_main_command_run_until_stopped() {
    let mut sys = MemSys::new();
    let mut m = Machine::script("echo start; myserver --port 80", start(Mode::Main, 0)).unwrap();
    match m.run(&mut sys, 1000) {
        Yield::Blocked(b) => {
            assert_eq!(b.duration, None);
            assert_eq!(b.unknown.as_deref(), Some("myserver --port 80"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(sys.out, "start\n");
}

#[test]
fn and_or_lists_follow_the_status() {
    assert_eq!(run("false && echo a || echo b").1, "b\n");
    assert_eq!(run("true && echo a || echo b").1, "a\n");
    assert_eq!(run("false || false && echo x; echo $?").1, "1\n");
}

#[test]
fn command_substitution_and_backticks() {
    assert_eq!(run("echo \"[$(echo a; echo b)]\"").1, "[a\nb]\n");
    assert_eq!(run("echo `echo x` $(echo $(echo nested))").1, "x nested\n");
    assert_eq!(run("X=$(exit 5); echo $?").1, "5\n");
    // Unquoted substitution splits into fields.
    assert_eq!(
        run("for w in $(echo 'a  b   c'); do echo \"<$w>\"; done").1,
        "<a>\n<b>\n<c>\n"
    );
}

#[test]
fn a_lone_command_substitution_runs_its_command_and_returns_its_status() {
    let (code, out, _, secs) = run_in(&mut MemSys::new(), "$(sleep 3600)", Mode::Main, 0);
    assert_eq!((code, out.as_str(), secs), (0, "", Some(3600)));
    assert_eq!(run("$(exit 7)").0, 7);
    // Its output would be a command name: `$(echo false)` runs false.
    assert_eq!(run("$(echo false)").0, 1);
}

#[test]
fn pipes_feed_each_stage_and_the_last_status_wins() {
    assert_eq!(run("echo abcdefghi | cut -c 9").1, "i\n");
    assert_eq!(run("printf 'a\\nb\\nc\\n' | head -n 2 | wc -l").1, "2\n");
    assert_eq!(run("echo x | false").0, 1);
    assert_eq!(run("false | true").0, 0);
    assert_eq!(run("! echo x | grep -q y").0, 0);
}

#[test]
fn the_first_edition_cronjob_line_waits_40s_then_succeeds_on_odd_nanoseconds() {
    let line = "sleep 40; date +'%N' | cut -c 9 | egrep '[1|3|5|7|9]'";
    let mut ok = 0;
    let n = 400;
    for seed in 0..n {
        let mut sys = MemSys::new();
        let (code, out, _, secs) = run_in(&mut sys, line, Mode::Main, seed);
        assert_eq!(secs, Some(40));
        match code {
            0 => {
                ok += 1;
                assert!(
                    matches!(out.as_str(), "1\n" | "3\n" | "5\n" | "7\n" | "9\n"),
                    "{out:?}"
                );
            }
            1 => assert_eq!(out, ""),
            other => panic!("exit {other}"),
        }
        // The same seed decides the same way.
        let again = run_in(&mut MemSys::new(), line, Mode::Main, seed).0;
        assert_eq!(again, code);
    }
    let share = ok as f64 / n as f64;
    assert!((0.35..=0.65).contains(&share), "{share}");
}

#[test]
fn redirections_write_append_and_read_files() {
    let mut sys = MemSys::new();
    let (code, out, err, _) = run_in(
        &mut sys,
        "echo one > /data/f; echo two >> /data/f; cat /data/f; wc -l < /data/f",
        Mode::Exec,
        0,
    );
    assert_eq!((code, out.as_str(), err.as_str()), (0, "one\ntwo\n2\n", ""));
    let (code, _, err, _) = run_in(&mut sys, "echo x > /nope/f", Mode::Exec, 0);
    assert_eq!(
        (code, err.as_str()),
        (1, "sh: can't create /nope/f: nonexistent directory\n")
    );
    let (_, out, err, _) = run_in(
        &mut sys,
        "cat /missing 2>&1; cat /missing 2>/dev/null; echo done",
        Mode::Exec,
        0,
    );
    assert_eq!(
        (out.as_str(), err.as_str()),
        ("cat: /missing: No such file or directory\ndone\n", "")
    );
    let (_, out, _, _) = run_in(
        &mut sys,
        "{ echo a; echo b; } > /tmp/g; cat /tmp/g",
        Mode::Exec,
        0,
    );
    assert_eq!(out, "a\nb\n");
}

#[test]
fn files_programs() {
    let mut sys = MemSys::new();
    let script = "mkdir -p /data/a/b && touch /data/a/b/x && ls /data/a/b && rm -r /data/a && ls /data; echo $?";
    let (_, out, err, _) = run_in(&mut sys, script, Mode::Exec, 0);
    assert_eq!((out.as_str(), err.as_str()), ("x\n0\n", ""));
    let (code, _, err, _) = run_in(&mut sys, "ls /nope", Mode::Exec, 0);
    assert_eq!(
        (code, err.as_str()),
        (2, "ls: cannot access '/nope': No such file or directory\n")
    );
    let (code, _, err, _) = run_in(&mut sys, "mkdir /x/y", Mode::Exec, 0);
    assert_eq!(
        (code, err.as_str()),
        (
            1,
            "mkdir: cannot create directory '/x/y': No such file or directory\n"
        )
    );
    let (_, out, _, _) = run_in(
        &mut sys,
        "touch /data/p.html /data/q.html /data/r.txt; ls /data/*.html",
        Mode::Exec,
        0,
    );
    assert_eq!(out, "/data/p.html\n/data/q.html\n");
}

#[test]
fn df_prints_gnu_columns_with_the_volume_size() {
    let (_, out, _) = run("df -h");
    assert_eq!(
        out,
        "Filesystem      Size  Used Avail Use% Mounted on\n\
         overlay         100G   12G   88G  12% /\n\
         /dev/sdb        954M     0  954M   0% /data\n"
    );
}

#[test]
fn control_flow() {
    assert_eq!(
        run("if [ 1 -lt 2 ]; then echo yes; else echo no; fi").1,
        "yes\n"
    );
    assert_eq!(
        run("if false; then echo a; elif true; then echo b; fi").1,
        "b\n"
    );
    assert_eq!(
        run("i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done").1,
        "0\n1\n2\n"
    );
    assert_eq!(
        run("for i in 1 2 3 4; do [ $i = 3 ] && break; echo $i; done").1,
        "1\n2\n"
    );
    assert_eq!(
        run("for i in 1 2 3; do [ $i = 2 ] && continue; echo $i; done").1,
        "1\n3\n"
    );
    assert_eq!(run("(exit 4); echo $?").1, "4\n");
    assert_eq!(run("X=1; (X=2); echo $X").1, "1\n");
    assert_eq!(run("until true; do echo never; done; echo $?").1, "0\n");
}

#[test]
fn a_loop_without_waits_is_busy() {
    let mut m = Machine::script("while true; do :; done", start(Mode::Main, 0)).unwrap();
    assert_eq!(m.run(&mut MemSys::new(), 10_000), Yield::Busy);
}

#[test]
fn text_programs() {
    assert_eq!(run("echo a:b:c | cut -d : -f 2,3").1, "b:c\n");
    assert_eq!(run("echo hello | cut -c2-4").1, "ell\n");
    assert_eq!(run("printf 'x\\ny\\nz\\n' | grep -v y").1, "x\nz\n");
    assert_eq!(run("echo abc | grep -q b; echo $?").1, "0\n");
    assert_eq!(run("echo abc | grep -c z; echo $?").1, "0\n1\n");
    assert_eq!(run("seq 3 | tail -n 1").1, "3\n");
    assert_eq!(run("echo 'a b c' | wc -w").1, "3\n");
    assert_eq!(run("printf 'b\\na\\n' | sort").1, "a\nb\n");
    assert_eq!(
        run("cut -c x").2,
        "cut: invalid field value 'x'\nTry 'cut --help' for more information.\n"
    );
}

#[test]
fn date_formats_the_simulated_clock() {
    let mut sys = MemSys::new();
    sys.now = crate::sim::SimTime::parse("2026-01-01T12:34:56Z").unwrap();
    let (_, out, _, _) = run_in(
        &mut sys,
        "date; date +%Y-%m-%dT%H:%M:%S; date +%s",
        Mode::Exec,
        0,
    );
    assert_eq!(
        out,
        "Thu Jan  1 12:34:56 UTC 2026\n2026-01-01T12:34:56\n1767270896\n"
    );
    let (_, out, _, _) = run_in(&mut sys, "date +%N", Mode::Exec, 0);
    assert_eq!(out.trim().len(), 9);
}

#[test]
fn sleep_waits_in_simulated_time_and_rejects_bad_intervals() {
    let (code, _, _, secs) = run_in(
        &mut MemSys::new(),
        "sleep 1m; sleep 1.5; sleep 0.5",
        Mode::Main,
        0,
    );
    assert_eq!((code, secs), (0, Some(62)));
    assert_eq!(
        run("sleep abc"),
        (
            1,
            String::new(),
            "sleep: invalid time interval 'abc'\nTry 'sleep --help' for more information.\n".into()
        )
    );
}

#[test]
fn killing_the_waited_child_makes_the_shell_go_on_with_128_plus_the_signal() {
    let mut sys = MemSys::new();
    let mut m = Machine::script("$(sleep 3600)", start(Mode::Main, 0)).unwrap();
    let Yield::Blocked(b) = m.run(&mut sys, 1000) else {
        panic!()
    };
    // The substitution's subshell runs sleep in its own place: PID 2, child of PID 1.
    assert_eq!(
        (b.child.pid, b.child.ppid, b.child.cmdline.as_str()),
        (2, 1, "sleep 3600")
    );
    assert_eq!(
        m.processes().iter().map(|p| p.pid).collect::<Vec<_>>(),
        vec![1, 2]
    );
    // PID 1 ignores signals from inside the container; the child does not.
    assert_eq!(m.signal(1, 15, &mut sys), Signalled::Ignored);
    assert_eq!(m.signal(2, 9, &mut sys), Signalled::Killed);
    assert_eq!(m.run(&mut sys, 1000), Yield::Exited(137));
}

#[test]
fn sleep_alone_is_pid_1() {
    let mut sys = MemSys::new();
    let mut m = Machine::script("sleep 3600", start(Mode::Main, 0)).unwrap();
    let Yield::Blocked(b) = m.run(&mut sys, 1000) else {
        panic!()
    };
    assert_eq!((b.child.pid, b.child.cmdline.as_str()), (1, "sleep 3600"));
    assert_eq!(m.signal(1, 15, &mut sys), Signalled::Ignored);
}

#[test]
fn kill_and_pgrep_reach_the_container_processes() {
    let mut sys = MemSys::new();
    sys.procs = vec![
        ProcInfo {
            pid: 1,
            ppid: 0,
            cmdline: "sh -c $(sleep 3600)".into(),
            started: SimTime(0),
        },
        ProcInfo {
            pid: 2,
            ppid: 1,
            cmdline: "sleep 3600".into(),
            started: SimTime(0),
        },
    ];
    sys.next_pid = 10;
    let (code, out, err, _) = run_in(&mut sys, "kill -9 `pgrep sleep`", Mode::Exec, 0);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    assert_eq!(sys.killed, vec![(2, 9)]);
    let (code, _, err, _) = run_in(&mut sys, "kill 99", Mode::Exec, 0);
    assert_eq!(
        (code, err.as_str()),
        (1, "sh: can't kill pid 99: No such process\n")
    );
    let (_, out, _, _) = run_in(&mut sys, "ps", Mode::Exec, 0);
    assert_eq!(
        out,
        "  PID TTY          TIME CMD\n    1 ?        00:00:00 sh\n    2 ?        00:00:00 sleep\n   13 ?        00:00:00 ps\n"
    );
}

#[test]
fn syntax_errors_are_reported() {
    assert!(matches!(
        Machine::script("if true; then", start(Mode::Exec, 0)),
        Err(ParseError::Syntax(_))
    ));
    assert!(matches!(
        Machine::script("echo 'x", start(Mode::Exec, 0)),
        Err(ParseError::Syntax(_))
    ));
}

#[test]
fn argv_commands_run_without_a_shell() {
    let mut sys = MemSys::new();
    let mut m = Machine::argv(
        &["echo".into(), "$HOME".into(), "a b".into()],
        start(Mode::Exec, 0),
    );
    assert_eq!(m.run(&mut sys, 1000), Yield::Exited(0));
    assert_eq!(sys.out, "$HOME a b\n");
}

#[test]
fn variables_and_parameters() {
    assert_eq!(
        run("A=1; B=\"$A 2\"; echo \"$B\" ${A}x $HOME").1,
        "1 2 1x /root\n"
    );
    assert_eq!(run("echo $$ $?").1, "2 0\n");
    assert_eq!(run("X=5 env | grep ^X=").1, "X=5\n");
    assert_eq!(run("echo $((2 * (3 + 4)))").1, "14\n");
    assert_eq!(run("cd /data; pwd; cd nope").1, "/data\n");
}

#[test]
fn random_scripts_never_panic() {
    use rand::{Rng, SeedableRng};
    let pieces = [
        "echo", " ", "a", "'b c'", "\"$X\"", "$(", ")", "`", ";", "&&", "||", "|", ">", ">>", "<",
        "2>&1", "/tmp/f", "cut -c", "-d", "grep", "-v", "[", "]", "(", "{", "}", "if", "then",
        "fi", "while", "do", "done", "for", "in", "sleep 1", "exit", "kill -9", "ps", "$((", "1+",
        "é", "\\", "\n", "#", "*", "?", "head -n", "wc -l", "date +%N", "ls", "cd ..", "!",
    ];
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    for _ in 0..3000 {
        let n = rng.gen_range(1..12);
        let script: String = (0..n)
            .map(|_| pieces[rng.gen_range(0..pieces.len())])
            .collect::<Vec<_>>()
            .join(" ");
        let mut sys = MemSys::new();
        if let Ok(mut m) = Machine::script(&script, start(Mode::Exec, 0)) {
            for _ in 0..20 {
                match m.run(&mut sys, 5_000) {
                    Yield::Blocked(b) if b.duration.is_some() => m.resume(0, &mut sys),
                    _ => break,
                }
            }
        }
    }
}
