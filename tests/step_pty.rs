//! `klab run --step` as a learner uses it: the real binary in a terminal (a tmux pane),
//! keys sent, the screen read back. Before each cell its prose and code show and the run
//! waits: Enter runs the cell, `r` opens the REPL on the lesson's cluster (`:quit` returns
//! to the lesson), `q` stops the lesson.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::sleep;
use std::time::Duration;

/// tmux on a server of this pane's own (`-L`): tests run in parallel threads and test
/// binaries one after another, and a shared server that exits when its last session is
/// killed can refuse the next test's `new-session`.
fn tmux(session: &str) -> Command {
    let mut c = Command::new("tmux");
    c.args(["-L", &format!("{session}-{}", std::process::id())]);
    c
}

const LESSON: &str = "//! # Stepping
//! The first cell.
print(\"one ran\");

//! The second cell makes a pod.
apply(`apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: c
    image: nginx
`);
print(\"two ran\");

//! The third cell.
print(`three ran at ${elapsed()}s`);
";

const PROMPT: &str = "-- Enter: run this cell, r: explore in the REPL, q: quit --";

struct Pane {
    name: String,
}

impl Pane {
    /// `klab run --step` on `file` in a fresh pane; the pane stays after klab exits and
    /// shows its exit code.
    fn start(name: &str, file: &Path, state: &Path) -> Option<Pane> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("tmux is not installed: the terminal tests need it");
            return None;
        }
        let _ = tmux(name).args(["kill-session", "-t", name]).output();
        let cmd = format!(
            "XDG_STATE_HOME={} NO_COLOR=1 {} run --step {}; echo \"exit=$?\"; sleep 60",
            state.display(),
            env!("CARGO_BIN_EXE_klab"),
            file.display()
        );
        let ok = tmux(name)
            .args([
                "new-session",
                "-d",
                "-s",
                name,
                "-x",
                "120",
                "-y",
                "60",
                &cmd,
            ])
            .status()
            .ok()?
            .success();
        assert!(ok, "tmux could not start klab");
        Some(Pane {
            name: name.to_string(),
        })
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            tmux(&self.name)
                .args(["send-keys", "-t", &self.name, k])
                .status()
                .unwrap();
            sleep(Duration::from_millis(60));
        }
    }

    fn screen(&self) -> String {
        let out = tmux(&self.name)
            .args(["capture-pane", "-p", "-S", "-200", "-t", &self.name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Waits until `text` shows `times` times (polling by count, not the wall clock).
    fn wait_for_n(&self, text: &str, times: usize) -> String {
        for _ in 0..200 {
            let screen = self.screen();
            if screen.matches(text).count() >= times {
                return screen;
            }
            sleep(Duration::from_millis(100));
        }
        panic!(
            "{text:?} never appeared {times} times; the screen:\n{}",
            self.screen()
        );
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = tmux(&self.name)
            .args(["kill-session", "-t", &self.name])
            .output();
    }
}

fn lesson(name: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("klab-step-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("step.rhai");
    std::fs::write(&file, LESSON).unwrap();
    (file, dir)
}

#[test]
fn enter_runs_each_cell_after_showing_its_prose_and_code() {
    let (file, dir) = lesson("enter");
    let Some(p) = Pane::start("klab-step-enter", &file, &dir) else {
        return;
    };
    // The first cell's prose and code show; nothing ran yet.
    let screen = p.wait_for_n(PROMPT, 1);
    assert!(screen.contains("The first cell.\n"), "{screen}");
    assert!(screen.contains("│ print(\"one ran\");"), "{screen}");
    assert!(!screen.contains("one ran\n"), "{screen}");
    p.keys(&["Enter"]);
    let screen = p.wait_for_n(PROMPT, 2);
    assert!(screen.contains("\none ran\n"), "{screen}");
    assert!(screen.contains("│ print(\"two ran\");"), "{screen}");
    assert!(!screen.contains("\ntwo ran"), "{screen}");
    p.keys(&["Enter"]);
    p.wait_for_n(PROMPT, 3);
    p.keys(&["Enter"]);
    let screen = p.wait_for_n("exit=0", 1);
    assert!(screen.contains("\nthree ran at 0s\n"), "{screen}");
}

#[test]
fn r_opens_the_repl_on_the_lessons_cluster_and_quit_returns_to_the_lesson() {
    let (file, dir) = lesson("repl");
    let Some(p) = Pane::start("klab-step-repl", &file, &dir) else {
        return;
    };
    p.wait_for_n(PROMPT, 1);
    p.keys(&["Enter"]);
    p.wait_for_n(PROMPT, 2);
    p.keys(&["Enter"]);
    p.wait_for_n(PROMPT, 3);
    // Before the third cell: the pod the second made is in the REPL's cluster.
    p.keys(&["r", "Enter"]);
    p.wait_for_n("klab 00:00:00>", 1);
    p.keys(&["kubectl get pods", "Enter"]);
    p.wait_for_n("web    0/1     ContainerCreating", 1);
    // Time moved in the REPL is the lesson's time.
    p.keys(&["advance(\"1m\")", "Enter"]);
    p.wait_for_n("klab 00:01:00>", 1);
    p.keys(&[":quit", "Enter"]);
    p.wait_for_n(PROMPT, 4);
    p.keys(&["Enter"]);
    let screen = p.wait_for_n("exit=0", 1);
    assert!(screen.contains("\nthree ran at 60s\n"), "{screen}");
}

#[test]
fn q_stops_the_lesson_without_running_the_cell() {
    let (file, dir) = lesson("quit");
    let Some(p) = Pane::start("klab-step-quit", &file, &dir) else {
        return;
    };
    p.wait_for_n(PROMPT, 1);
    p.keys(&["Enter"]);
    p.wait_for_n(PROMPT, 2);
    p.keys(&["q", "Enter"]);
    let screen = p.wait_for_n("exit=0", 1);
    assert!(
        screen.contains("stopped: you quit the lesson (q)\n"),
        "{screen}"
    );
    assert!(screen.contains("\none ran\n"), "{screen}");
    assert!(
        !screen.contains("two ran\n") && !screen.contains("pod/web created"),
        "{screen}"
    );
}
