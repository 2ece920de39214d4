//! The notebook side of `klab` as a learner runs it: `klab lessons`, `--timeline` with
//! `--plain`, `--then-repl`, and colour only on a terminal without `NO_COLOR`.

use assert_cmd::Command;
use std::process::Command as Process;
use std::thread::sleep;
use std::time::Duration;

/// tmux on a server of this pane's own (`-L`): tests run in parallel threads and test
/// binaries one after another, and a shared server that exits when its last session is
/// killed can refuse the next test's `new-session`.
fn tmux(session: &str) -> Process {
    let mut c = Process::new("tmux");
    c.args(["-L", &format!("{session}-{}", std::process::id())]);
    c
}

fn klab() -> Command {
    let mut cmd = Command::cargo_bin("klab").expect("the klab binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

#[test]
fn lessons_lists_every_lesson_with_its_title_and_sections() {
    let out = klab().arg("lessons").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for line in [
        "lessons/5.5-daemonset.rhai  5.5 DaemonSets",
        "    5.5.2 DaemonSet update strategies",
        "lessons/5.6-statefulset.rhai  5.6 StatefulSets",
        "    5.6.6 Deleting a StatefulSet",
        "lessons/5.7-job.rhai  5.7 Jobs",
        "    5.7.6 Creating a Job without a manifest",
        "lessons/5.8-cronjob.rhai  5.8 CronJob",
        "    5.8.7 Creating a CronJob without a manifest",
    ] {
        assert!(text.contains(line), "{line:?} missing:\n{text}");
    }
}

#[test]
fn run_timeline_plain_draws_ascii_lanes_within_the_width() {
    let out = klab()
        .env("COLUMNS", "72")
        .args(["run", "--plain", "--timeline", "lessons/5.5-daemonset.rhai"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let picture = &text[text.rfind("daemonset/").expect("a DaemonSet lane group")..];
    assert!(picture.is_ascii(), "{picture}");
    assert!(picture.contains("# ready"), "{picture}");
    let wide = picture.lines().find(|l| l.chars().count() > 72);
    assert_eq!(wide, None, "{picture}");
}

#[test]
fn then_repl_opens_the_repl_on_the_lessons_final_state() {
    let out = klab()
        .args([
            "run",
            "--plain",
            "lessons/5.5-daemonset.rhai",
            "--then-repl",
        ])
        .write_stdin("kubectl get ds -o name\n:time\n")
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    // The REPL's answers come after the lesson's last output, on its cluster and clock.
    let repl = &text[text
        .rfind("daemonset.apps/sample-ds-ondelete")
        .expect("ds named")..];
    assert!(repl.contains("(00:05:"), "{repl}");
}

/// `klab run` in a terminal (a tmux pane), `env` set first; the screen with its escapes.
fn run_in_terminal(name: &str, env: &str) -> Option<String> {
    if Process::new("tmux").arg("-V").output().is_err() {
        eprintln!("tmux is not installed: the terminal tests need it");
        return None;
    }
    let cmd = format!(
        "cd {} && {env} {} run lessons/5.7-job.rhai; echo done; sleep 60",
        env!("CARGO_MANIFEST_DIR"),
        env!("CARGO_BIN_EXE_klab")
    );
    let _ = tmux(name).args(["kill-session", "-t", name]).output();
    tmux(name)
        .args(["new-session", "-d", "-s", name, "-x", "120", "-y", "40"])
        .arg(&cmd)
        .status()
        .ok()?;
    let mut screen = String::new();
    for _ in 0..200 {
        let out = tmux(name)
            .args(["capture-pane", "-p", "-e", "-S", "-", "-t", name])
            .output()
            .unwrap();
        screen = String::from_utf8_lossy(&out.stdout).to_string();
        if screen.contains("done") {
            break;
        }
        sleep(Duration::from_millis(100));
    }
    let _ = tmux(name).args(["kill-session", "-t", name]).output();
    Some(screen)
}

#[test]
fn prose_is_coloured_on_a_terminal_unless_no_color_or_plain() {
    let Some(coloured) = run_in_terminal("klab-nb-colour", "") else {
        return;
    };
    assert!(coloured.contains("5.7 Jobs"), "{coloured}");
    assert!(
        coloured.contains('\x1b'),
        "no colour on a terminal:\n{coloured}"
    );
    let no_color = run_in_terminal("klab-nb-nocolor", "NO_COLOR=1").unwrap();
    assert!(no_color.contains("5.7 Jobs"), "{no_color}");
    assert!(
        !no_color.contains('\x1b'),
        "colour with NO_COLOR:\n{no_color}"
    );
    // Off a terminal (piped) there is no colour either.
    let out = klab()
        .args(["run", "lessons/5.7-job.rhai"])
        .assert()
        .success();
    assert!(!out.get_output().stdout.contains(&0x1b));
}
