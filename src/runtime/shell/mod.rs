//! klab's small shell: what `sh -c SCRIPT` in a container and `kubectl exec` run. A
//! tokenizer (`lexer`), a parser to a script tree (`parser`), a compiler to flat
//! operations (`compile`) and a machine that runs them (`machine`) against the container's
//! clock, files and processes (`sys::Sys`). Programs it knows are in `programs`.
//!
//! The flavour is busybox `sh` for the shell (`sh: foo: not found`, exit 127) and GNU
//! coreutils/procps for the programs, as in the book's Debian- and CentOS-based images.

pub mod arith;
pub mod compile;
pub mod lexer;
pub mod machine;
pub mod parser;
pub mod path;
pub mod programs;
pub mod regex;
pub mod sys;
pub mod vars;

pub use machine::{Block, Machine, Mode, Signalled, Start, Yield};
pub use parser::ParseError;
pub use sys::{DfRow, DirEntry, FsError, KillResult, ProcInfo, Stat, Sys};
pub use vars::Vars;

/// Operations a shell may run without waiting on anything before klab calls it a busy loop.
pub const STEP_BUDGET: u64 = 200_000;

/// The shells klab recognises as `argv[0]` of `sh -c SCRIPT`.
pub const SHELLS: &[&str] = &[
    "sh",
    "/bin/sh",
    "bash",
    "/bin/bash",
    "ash",
    "/bin/ash",
    "dash",
    "/bin/dash",
    "/usr/bin/bash",
];

/// How a command line runs: a script under a shell, or one program directly.
#[derive(Clone, Debug, PartialEq)]
pub enum Invocation {
    /// `sh -c SCRIPT [NAME ARGS…]`: the script and its positional parameters.
    Script {
        script: String,
        positional: Vec<String>,
    },
    /// Anything else: the argument vector as is.
    Argv(Vec<String>),
}

impl Invocation {
    pub fn of(argv: &[String]) -> Invocation {
        if argv.len() >= 2 && SHELLS.contains(&argv[0].as_str()) {
            // `sh -c`, also with flags before it (`sh -ec`, `bash -xc`).
            let flags = &argv[1];
            if flags.starts_with('-') && flags.contains('c') {
                let script = argv.get(2).cloned().unwrap_or_default();
                let mut positional: Vec<String> = argv.iter().skip(3).cloned().collect();
                if positional.is_empty() {
                    positional.push(argv[0].clone());
                }
                return Invocation::Script { script, positional };
            }
        }
        Invocation::Argv(argv.to_vec())
    }
}

#[cfg(test)]
pub(crate) mod testsys;
