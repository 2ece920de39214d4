//! The programs klab's small shell knows, each a function from arguments, standard input
//! and the container's `Sys` to output and an exit status (or a wait: `sleep`). Messages
//! follow GNU coreutils and procps, as in the Debian/CentOS-based images of the book.

use super::sys::{ProcInfo, Sys};
use super::vars::Vars;
use crate::sim::SimDuration;
use rand_chacha::ChaCha8Rng;

mod files;
pub mod signals;
mod system;
mod test;
mod text;

/// What a program sees.
pub struct Ctx<'a> {
    pub sys: &'a mut dyn Sys,
    /// The shell's random stream (seeded per container start).
    pub rng: &'a mut ChaCha8Rng,
    pub env: &'a Vars,
    pub cwd: &'a str,
    pub stdin: &'a str,
    /// The calling shell's own live processes (for `ps`), the program itself last.
    pub own: Vec<ProcInfo>,
}

impl Ctx<'_> {
    /// `path` made absolute against the working directory.
    pub fn abs(&self, path: &str) -> String {
        super::path::absolute(self.cwd, path)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

impl Output {
    pub fn ok(stdout: String) -> Output {
        Output {
            stdout,
            stderr: String::new(),
            status: 0,
        }
    }
    pub fn err(stderr: String, status: i32) -> Output {
        Output {
            stdout: String::new(),
            stderr,
            status,
        }
    }
    pub fn status(status: i32) -> Output {
        Output {
            status,
            ..Default::default()
        }
    }
}

pub enum Outcome {
    Done(Output),
    /// The program runs for `duration` (`None`: until killed), then exits 0.
    Block {
        duration: Option<SimDuration>,
    },
}

impl From<Output> for Outcome {
    fn from(o: Output) -> Outcome {
        Outcome::Done(o)
    }
}

pub type Run = fn(&[String], &mut Ctx) -> Outcome;

#[derive(Clone, Copy)]
pub struct Program {
    pub name: &'static str,
    /// Built into the shell: runs without a process of its own.
    pub builtin: bool,
    pub run: Run,
    /// One line for `klab images` / `:images`.
    pub summary: &'static str,
}

const fn prog(name: &'static str, builtin: bool, run: Run, summary: &'static str) -> Program {
    Program {
        name,
        builtin,
        run,
        summary,
    }
}

/// Every program, builtins first. Shell-internal builtins (`exit`, `cd`, `export`, `unset`,
/// `kill`, `break`, `continue`, `wait`, `exec`) live in the machine.
pub const PROGRAMS: &[Program] = &[
    prog("true", true, |_, _| Output::status(0).into(), "exit 0"),
    prog("false", true, |_, _| Output::status(1).into(), "exit 1"),
    prog(":", true, |_, _| Output::status(0).into(), "exit 0"),
    prog("echo", true, text::echo, "echo [-n] [-e] ARGS"),
    prog(
        "printf",
        true,
        text::printf,
        "printf FORMAT ARGS (%s %d %%, \\n \\t)",
    ),
    prog(
        "pwd",
        true,
        |_, c| Output::ok(format!("{}\n", c.cwd)).into(),
        "the working directory",
    ),
    prog(
        "test",
        true,
        test::test,
        "test EXPR: -e -f -d -z -n = != -eq -ne -lt -le -gt -ge !",
    ),
    prog("[", true, test::bracket, "[ EXPR ]"),
    prog(
        "sleep",
        false,
        system::sleep,
        "sleep N[s|m|h|d] | infinity: waits in simulated time",
    ),
    prog(
        "date",
        false,
        system::date,
        "date [+FORMAT] (%N draws nanoseconds from the seeded random stream)",
    ),
    prog("hostname", false, system::hostname, "the pod's hostname"),
    prog(
        "env",
        false,
        system::env,
        "env [NAME=VALUE… [CMD]]: the container's environment",
    ),
    prog("printenv", false, system::printenv, "printenv [NAME]"),
    prog(
        "ps",
        false,
        system::ps,
        "ps [-ef|aux]: PID 1 and its children, exec'd processes",
    ),
    prog("pgrep", false, system::pgrep, "pgrep [-l|-a] PATTERN"),
    prog("uname", false, system::uname, "uname [-a|-n|-r|-s|-m]"),
    prog(
        "whoami",
        false,
        |_, _| Output::ok("root\n".into()).into(),
        "root",
    ),
    prog(
        "id",
        false,
        |_, _| Output::ok("uid=0(root) gid=0(root) groups=0(root)\n".into()).into(),
        "root",
    ),
    prog(
        "cut",
        false,
        text::cut,
        "cut -c LIST | -d DELIM -f LIST [FILE…]",
    ),
    prog(
        "grep",
        false,
        text::grep,
        "grep [-E -F -v -q -i -c -n] PATTERN [FILE…]",
    ),
    prog("egrep", false, text::egrep, "grep -E"),
    prog("fgrep", false, text::fgrep, "grep -F"),
    prog("head", false, text::head, "head [-n N] [FILE…]"),
    prog("tail", false, text::tail, "tail [-n N] [FILE…]"),
    prog("wc", false, text::wc, "wc [-l -w -c] [FILE…]"),
    prog("seq", false, text::seq, "seq [FIRST [STEP]] LAST"),
    prog("sort", false, text::sort, "sort [-r -n -u] [FILE…]"),
    prog("cat", false, files::cat, "cat [FILE…]"),
    prog("ls", false, files::ls, "ls [-l -a -1 -d] [PATH…]"),
    prog("touch", false, files::touch, "touch FILE…"),
    prog("rm", false, files::rm, "rm [-r -f] PATH…"),
    prog("mkdir", false, files::mkdir, "mkdir [-p] DIR…"),
    prog(
        "df",
        false,
        files::df,
        "df [-h]: the container's mounts, PVs at their size",
    ),
];

/// The program a command name runs (`/bin/sleep` is `sleep`).
pub fn find(name: &str) -> Option<&'static Program> {
    let base = match name.rsplit_once('/') {
        Some((dir, base))
            if ["/bin", "/usr/bin", "/sbin", "/usr/sbin", "/usr/local/bin"].contains(&dir) =>
        {
            base
        }
        Some(_) => return None,
        None => name,
    };
    PROGRAMS.iter().find(|p| p.name == base)
}
