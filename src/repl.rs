//! The interactive loop (`klab`): kubectl lines and Rhai over one script session.
//!
//! Lines starting with `kubectl ` or `k ` run as kubectl commands; `:help`, `:reset` and
//! `:quit` control the session; anything else is Rhai, evaluated in a scope that persists.
//! An unfinished block (an open brace, bracket or backtick string) continues on the next
//! line. The prompt shows the simulated time since the cluster started.

use crate::output::Output;
use crate::script::{convert, ScriptLimits, Session, SessionOptions};
use rhai::Dynamic;
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Completer, Editor, Helper, Highlighter, Hinter};
use std::path::PathBuf;

pub const HELP: &str = "\
klab REPL — a simulated Kubernetes 1.32 cluster in virtual time.

  kubectl get pods        run a kubectl command (also: k get pods)
  apply(read_file(\"x.yaml\"))   any Rhai expression using the script API:
      cluster() add_node() remove_node() node_down() node_up() kubectl() apply()
      exec() get() list() pods() events() logs() read_file() kill() define_image()
      now() elapsed() advance(\"30s\") step() settle() wait_for(|| cond, \"5m\")
      schedule_next() assert() assert_eq() assert_ne() expect_error()
  :reset                  a fresh default cluster and an empty scope
  :help                   this text
  :quit                   leave (or Ctrl-D); Ctrl-C clears the line

The prompt shows simulated time since the cluster started; it moves only when you
advance it (advance, settle, wait_for, or kubectl commands that wait).";

#[derive(Clone)]
pub struct ReplOptions {
    pub seed: u64,
    pub limits: ScriptLimits,
}

/// What the loop does after a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

/// Handles one complete input: a command, a kubectl line or Rhai. Errors are shown, never
/// raised; a panic (a bug) is reported and the session goes on.
pub fn handle_line(session: &mut Session, input: &str) -> Flow {
    let out = session.output().clone();
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Flow::Continue;
    }
    let result =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| dispatch(session, trimmed)));
    match result {
        Ok(flow) => flow,
        Err(_) => {
            out.error("internal error (a bug in klab): the command panicked; the session goes on");
            Flow::Continue
        }
    }
}

fn dispatch(session: &mut Session, input: &str) -> Flow {
    let out = session.output().clone();
    match input {
        ":quit" | ":q" | ":exit" => return Flow::Quit,
        ":help" | ":h" => {
            out.text(HELP);
            return Flow::Continue;
        }
        ":reset" => {
            session.reset();
            out.text("a fresh default cluster; the scope is empty");
            return Flow::Continue;
        }
        _ => {}
    }
    if input.starts_with(':') {
        out.error(&format!("error: unknown command {input} (try :help)"));
        return Flow::Continue;
    }
    if let Some(line) = kubectl_line(input) {
        if let Err(e) = session.kubectl(line) {
            out.error(&e);
        }
        return Flow::Continue;
    }
    let before = out.written();
    match session.eval_input(input) {
        Ok(value) => {
            // A string that was just printed (kubectl(...) returns what it printed) is not
            // shown twice.
            let printed = out.written() != before;
            if !(value.is_unit() || printed && value.is_string()) {
                out.text(&render_value(&value));
            }
        }
        Err(failure) => out.error(&failure.to_string()),
    }
    Flow::Continue
}

/// `kubectl get pods` / `k get pods` → `get pods`.
fn kubectl_line(input: &str) -> Option<&str> {
    ["kubectl ", "k "]
        .iter()
        .find_map(|p| input.strip_prefix(p))
        .or((input == "kubectl").then_some(""))
}

/// A value as the REPL shows it: maps and arrays as indented JSON, strings as they are.
pub fn render_value(value: &Dynamic) -> String {
    if value.is_string() {
        return value.clone().into_string().unwrap_or_default();
    }
    if value.is_map() || value.is_array() {
        if let Ok(json) = convert::dynamic_to_json(value) {
            if let Ok(text) = serde_json::to_string_pretty(&json) {
                return text;
            }
        }
    }
    value.to_string()
}

/// `klab 00:02:30> `: hours, minutes and seconds since the cluster started.
pub fn prompt(session: &Session) -> String {
    let secs = session.elapsed().secs().max(0);
    format!(
        "klab {:02}:{:02}:{:02}> ",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Where the history lives: `$XDG_STATE_HOME/klab/history`, or `~/.local/state/klab/history`.
pub fn history_path() -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(state.join("klab").join("history"))
}

/// The line editor's helper: asks for another line while the Rhai input is unfinished.
#[derive(Completer, Helper, Highlighter, Hinter)]
struct ReplHelper {
    parser: rhai::Engine,
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        let input = ctx.input();
        if needs_more(&self.parser, input) {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}

fn needs_more(parser: &rhai::Engine, input: &str) -> bool {
    let trimmed = input.trim_start();
    !(trimmed.starts_with(':') || kubectl_line(trimmed).is_some())
        && crate::script::is_incomplete(parser, input)
}

/// Runs the REPL on the terminal until `:quit` or Ctrl-D.
pub fn run(options: &ReplOptions) -> Result<(), String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let mut session_options = SessionOptions::new(options.seed, cwd, Output::terminal());
    session_options.limits = options.limits.clone();
    let mut session = Session::new(session_options);
    let mut editor: Editor<ReplHelper, DefaultHistory> =
        Editor::new().map_err(|e| format!("cannot start the line editor: {e}"))?;
    editor.set_helper(Some(ReplHelper {
        parser: rhai::Engine::new_raw(),
    }));
    let history = history_path();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    session
        .output()
        .text("klab — type :help for help, :quit to leave");
    let parser = rhai::Engine::new_raw();
    let mut pending = String::new();
    loop {
        let prompt = if pending.is_empty() {
            prompt(&session)
        } else {
            "...> ".to_string()
        };
        match editor.readline(&prompt) {
            Ok(line) => {
                // Without a terminal the editor does not validate: gather unfinished input here.
                pending.push_str(&line);
                if needs_more(&parser, &pending) {
                    pending.push('\n');
                    continue;
                }
                let input = std::mem::take(&mut pending);
                if !input.trim().is_empty() {
                    let _ = editor.add_history_entry(input.as_str());
                }
                if handle_line(&mut session, &input) == Flow::Quit {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => pending.clear(),
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                session
                    .output()
                    .error(&format!("error: cannot read input: {e}"));
                break;
            }
        }
    }
    if let Some(path) = &history {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = editor.save_history(path);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session::new(SessionOptions::new(
            0,
            std::env::temp_dir(),
            Output::capture(),
        ))
    }

    #[test]
    fn the_prompt_shows_simulated_time_since_start() {
        let mut s = session();
        assert_eq!(prompt(&s), "klab 00:00:00> ");
        handle_line(&mut s, "advance(\"2m30s\")");
        assert_eq!(prompt(&s), "klab 00:02:30> ");
        handle_line(&mut s, "advance(\"25h\")");
        assert_eq!(prompt(&s), "klab 25:02:30> ");
    }

    #[test]
    fn values_are_shown_and_errors_reported_without_stopping() {
        let mut s = session();
        assert_eq!(handle_line(&mut s, "let x = 20;"), Flow::Continue);
        handle_line(&mut s, "x * 2");
        handle_line(&mut s, "assert_eq(x, 3)");
        handle_line(&mut s, "[1, #{a: \"b\"}]");
        let t = s.output().transcript();
        assert!(
            t.starts_with("40\nerror: assert_eq failed\n  actual:   20\n  expected: 3\n"),
            "{t}"
        );
        assert!(t.contains("<repl>:1:1"), "{t}");
        assert!(
            t.ends_with("[\n  1,\n  {\n    \"a\": \"b\"\n  }\n]\n"),
            "{t}"
        );
    }

    #[test]
    fn commands_reset_quit_and_reject_unknown_ones() {
        let mut s = session();
        handle_line(&mut s, "advance(60)");
        handle_line(&mut s, ":reset");
        assert_eq!(s.elapsed().secs(), 0);
        handle_line(&mut s, ":frobnicate");
        assert!(s
            .output()
            .transcript()
            .contains("error: unknown command :frobnicate (try :help)"));
        assert_eq!(handle_line(&mut s, ":quit"), Flow::Quit);
    }

    #[test]
    fn kubectl_lines_are_recognised_with_either_prefix() {
        assert_eq!(kubectl_line("kubectl get pods"), Some("get pods"));
        assert_eq!(kubectl_line("k get pods"), Some("get pods"));
        assert_eq!(kubectl_line("kubectl"), Some(""));
        assert_eq!(kubectl_line("kubectl(\"get pods\")"), None);
        assert_eq!(kubectl_line("kx = 1"), None);
    }

    #[test]
    fn unfinished_rhai_asks_for_more_but_commands_never_do() {
        let parser = rhai::Engine::new_raw();
        assert!(needs_more(&parser, "if true {"));
        assert!(!needs_more(&parser, "kubectl get pods -l 'app in (a,b'"));
        assert!(!needs_more(&parser, ":help"));
    }
}
