//! The REPL as a person uses it: the real binary in a terminal (a tmux pane), keys sent,
//! the screen read back. Completion, multi-line input, history and kubectl lines.

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

struct Pane {
    name: String,
}

impl Pane {
    fn start(name: &str, state: &Path) -> Option<Pane> {
        Pane::start_sized(name, state, 120)
    }

    /// The REPL in a pane `columns` wide (no `COLUMNS` variable: klab asks the terminal).
    fn start_sized(name: &str, state: &Path, columns: u16) -> Option<Pane> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("tmux is not installed: the terminal tests need it");
            return None;
        }
        let _ = tmux(name).args(["kill-session", "-t", name]).output();
        let bin = env!("CARGO_BIN_EXE_klab");
        let cmd = format!(
            "cd {} && unset COLUMNS; XDG_STATE_HOME={} NO_COLOR=1 {bin}",
            env!("CARGO_MANIFEST_DIR"),
            state.display()
        );
        let ok = tmux(name)
            .args([
                "new-session",
                "-d",
                "-s",
                name,
                "-x",
                &columns.to_string(),
                "-y",
                "50",
                &cmd,
            ])
            .status()
            .ok()?
            .success();
        assert!(ok, "tmux could not start the REPL");
        let pane = Pane {
            name: name.to_string(),
        };
        pane.wait_for("klab 00:00:00>");
        Some(pane)
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
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// The screen with wrapped lines joined: a line longer than the pane was too wide.
    fn joined_screen(&self) -> String {
        let out = tmux(&self.name)
            .args(["capture-pane", "-p", "-J", "-t", &self.name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    fn wait_for(&self, text: &str) -> String {
        // Polls by count, not the wall clock (klab's clippy rules): 200 x 100ms.
        for _ in 0..200 {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            sleep(Duration::from_millis(100));
        }
        panic!("{text:?} never appeared; the screen:\n{}", self.screen());
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = tmux(&self.name)
            .args(["kill-session", "-t", &self.name])
            .output();
    }
}

fn state_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("klab-pty-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn tab_completes_functions_kubectl_words_and_live_names_in_a_terminal() {
    let state = state_dir("complete");
    let Some(p) = Pane::start("klab-pty-complete", &state) else {
        return;
    };
    // A unique function prefix completes to the call.
    p.keys(&["wait_f", "Tab"]);
    p.wait_for("klab 00:00:00> wait_for(");
    p.keys(&["C-u"]);
    // kubectl verb and kind, then a live node name.
    p.keys(&["kubectl dra", "Tab", "node-2", "C-u"]);
    p.keys(&["kubectl get nodes node-", "Tab", "Tab"]);
    let screen = p.wait_for("node-3");
    assert!(
        screen.contains("node-1") && screen.contains("node-2"),
        "{screen}"
    );
    p.keys(&["C-u", "kubectl get nod", "Tab", " ", "Enter"]);
    p.wait_for("node-3   Ready");
    // Inside a call's string: the kind's live objects.
    p.keys(&["get(\"no\", \"node-1", "Tab"]);
    p.keys(&["\").metadata.name", "Enter"]);
    p.wait_for("\nnode-1");
}

#[test]
fn multi_line_input_history_and_ctrl_c_in_a_terminal() {
    let state = state_dir("multiline");
    let Some(p) = Pane::start("klab-pty-multiline", &state) else {
        return;
    };
    p.keys(&["let n = 0;", "Enter"]);
    p.keys(&["for i in 0..3 {", "Enter"]);
    p.keys(&["n += i;", "Enter", "}", "Enter"]);
    p.keys(&["n * 10", "Enter"]);
    p.wait_for("\n30");
    // Ctrl-C drops the line; nothing runs.
    p.keys(&["advance(\"1h\")", "C-c"]);
    // The prompt shows simulated time.
    p.keys(&["advance(\"2m30s\")", "Enter"]);
    p.wait_for("klab 00:02:30>");
    // Up recalls the last input.
    p.keys(&["Up", "Enter"]);
    p.wait_for("klab 00:05:00>");
    p.keys(&[":quit", "Enter"]);
    sleep(Duration::from_millis(500));
    let history = std::fs::read_to_string(state.join("klab/history")).unwrap();
    assert!(history.contains("advance(\"2m30s\")"), "{history}");
    assert!(!history.contains("advance(\"1h\")"), "{history}");
}

#[test]
fn timeline_and_help_fit_a_narrow_terminal() {
    let state = state_dir("narrow");
    let Some(p) = Pane::start_sized("klab-pty-narrow", &state, 64) else {
        return;
    };
    p.keys(&["kubectl apply -f lessons/manifests/sample-ds.yaml", "Enter"]);
    p.wait_for("daemonset.apps/sample-ds created");
    p.keys(&["advance(30)", "Enter", ":timeline", "Enter"]);
    p.wait_for("failed");
    let screen = p.joined_screen();
    assert!(screen.contains("daemonset/sample-ds"), "{screen}");
    let picture = screen.split("> :timeline").nth(1).unwrap_or_default();
    let wide = picture.lines().find(|l| l.chars().count() > 64);
    assert_eq!(wide, None, "the timeline wrapped:\n{screen}");
    p.keys(&["C-l", ":help", "Enter"]);
    p.wait_for("Ctrl-D leaves");
    let screen = p.joined_screen();
    let wide = screen
        .lines()
        .filter(|l| !l.contains("define_image("))
        .find(|l| l.chars().count() > 80);
    assert_eq!(wide, None, ":help ran past the line:\n{screen}");
}

#[test]
fn history_persists_across_sessions_with_ctrl_r_search_and_ctrl_d_leaves() {
    let state = state_dir("history");
    {
        let Some(p) = Pane::start("klab-pty-history-1", &state) else {
            return;
        };
        // A `k ` line runs as kubectl; a Rhai error shows the input with a caret.
        p.keys(&["k get nodes node-2", "Enter"]);
        p.wait_for("node-2   Ready");
        p.keys(&["let z = 1 +* 2", "Enter"]);
        let screen = p.wait_for("Unexpected '*'");
        assert!(
            screen.contains("1 | let z = 1 +* 2\n  |            ^"),
            "{screen}"
        );
        p.keys(&["advance(\"7m\")", "Enter"]);
        p.wait_for("klab 00:07:00>");
        // Ctrl-D on an empty line leaves: klab exits and its pane closes.
        p.keys(&["C-d"]);
        let gone = (0..50).any(|_| {
            sleep(Duration::from_millis(100));
            !tmux(&p.name)
                .args(["has-session", "-t", &p.name])
                .status()
                .unwrap()
                .success()
        });
        assert!(gone, "Ctrl-D did not leave:\n{}", p.screen());
    }
    // A new session finds the last one's inputs: Ctrl-R searches them.
    let Some(p) = Pane::start("klab-pty-history-2", &state) else {
        return;
    };
    p.keys(&["C-r", "nodes"]);
    p.wait_for("(reverse-i-search)`nodes': k get nodes node-2");
    p.keys(&["Enter"]);
    p.wait_for("node-2   Ready");
    p.keys(&["C-r", "7m", "Enter"]);
    p.wait_for("klab 00:07:00>");
}
