//! A container's main command: server programs run until stopped; `sh -c SCRIPT` and the
//! programs the small shell knows (`sleep N`, `echo`, `date`, …) are run by the shell; a
//! program the model does not know runs until stopped, and a Warning event says so.

use super::behaviour::{MainProgram, Plan, SigTerm};
use super::shell::parser::{parse, Command, ParseError};
use super::shell::{programs, Invocation};
use crate::sim::{SimDuration, SimRng};

/// Server programs: they run until stopped and exit promptly on SIGTERM.
const SERVERS: &[&str] = &[
    "nginx",
    "httpd",
    "apache2",
    "redis-server",
    "memcached",
    "mysqld",
    "mariadbd",
    "postgres",
    "mongod",
    "haproxy",
    "envoy",
    "caddy",
];

fn base(program: &str) -> &str {
    program.rsplit('/').next().unwrap_or(program)
}

/// Whether a program is a server klab knows (runs until stopped, exits on SIGTERM).
pub fn is_server(program: &str) -> bool {
    SERVERS.contains(&base(program))
}

/// The warning for a program the model does not simulate.
pub fn not_simulated(what: &str) -> String {
    format!("klab does not simulate the command {what:?}; the container runs until stopped")
}

pub fn plan_command(argv: &[String], rng: &mut SimRng) -> Plan {
    let Some(program) = argv.first() else {
        return Plan::forever("no command: runs until stopped");
    };
    if is_server(program) {
        let mut p = Plan::forever("server command: runs until stopped, exits promptly on SIGTERM");
        p.cmdline = argv.join(" ");
        return p;
    }
    let invocation = Invocation::of(argv);
    let (rule, on_sigterm) = match &invocation {
        Invocation::Script { script, .. } => match parse(script) {
            Err(ParseError::Syntax(msg)) => {
                // sh refuses the script at once.
                return Plan {
                    run_for: Some(SimDuration::ZERO),
                    exit_code: 2,
                    on_sigterm: SigTerm::Ignore,
                    ready_after: SimDuration::ZERO,
                    output: format!("{}: syntax error: {msg}\n", base(program)),
                    rule: "sh -c SCRIPT: a syntax error ends the shell with 2".into(),
                    warning: None,
                    program: None,
                    cmdline: argv.join(" "),
                };
            }
            Err(ParseError::Unsupported(what)) => {
                let mut p = Plan::forever(
                    "sh -c SCRIPT the small shell does not simulate: runs until stopped",
                );
                p.on_sigterm = SigTerm::Ignore;
                p.cmdline = argv.join(" ");
                p.warning = Some(format!(
                    "klab's small shell does not simulate {what} in {script:?}; the container runs until stopped"
                ));
                return p;
            }
            Ok(tree) => {
                // `sh -c "nginx -g ..."`: the lone command replaces the shell as PID 1.
                let lone = match tree.items.as_slice() {
                    [item]
                        if item.rest.is_empty()
                            && item.first.cmds.len() == 1
                            && !item.first.negate =>
                    {
                        match &item.first.cmds[0] {
                            Command::Simple { words, .. } => {
                                words.first().and_then(|w| match w.parts.as_slice() {
                                    [super::shell::parser::XPart::Lit(s)] => Some(s.clone()),
                                    _ => None,
                                })
                            }
                            _ => None,
                        }
                    }
                    _ => None,
                };
                match lone {
                    Some(p) if is_server(&p) => {
                        let mut plan = Plan::forever(
                            "server command: runs until stopped, exits promptly on SIGTERM",
                        );
                        plan.cmdline = argv.join(" ");
                        return plan;
                    }
                    _ => (
                        "sh -c SCRIPT: the small shell; as PID 1 it ignores SIGTERM",
                        SigTerm::Ignore,
                    ),
                }
            }
        },
        Invocation::Argv(_) if base(program) == "sleep" => (
            "sleep N: runs N seconds, exits 0; as PID 1 it ignores SIGTERM",
            SigTerm::Ignore,
        ),
        Invocation::Argv(_) if programs::find(program).is_some() => {
            ("a program of the small shell", SigTerm::Ignore)
        }
        // Unknown programs run until stopped (the shell reports them); as servers usually
        // do, they are taken to exit on SIGTERM.
        Invocation::Argv(_) => ("unknown command: runs until stopped", SigTerm::Exit(0)),
    };
    Plan {
        run_for: None,
        exit_code: 0,
        on_sigterm,
        ready_after: SimDuration::ZERO,
        output: String::new(),
        rule: rule.into(),
        warning: None,
        program: Some(MainProgram {
            invocation,
            seed: rng.between(0, i64::MAX) as u64,
        }),
        cmdline: argv.join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(argv: &[&str]) -> Plan {
        plan_command(
            &argv.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            &mut SimRng::new(0),
        )
    }

    #[test]
    fn shells_and_sleep_ignore_sigterm_as_pid_1_fact_85() {
        assert_eq!(
            plan(&["sh", "-c", "$(sleep 3600)"]).on_sigterm,
            SigTerm::Ignore
        );
        assert_eq!(plan(&["sleep", "3600"]).on_sigterm, SigTerm::Ignore);
        assert!(plan(&["sleep", "3600"]).program.is_some());
    }

    #[test]
    fn servers_exit_on_sigterm_even_under_sh() {
        assert_eq!(
            plan(&["nginx", "-g", "daemon off;"]).on_sigterm,
            SigTerm::Exit(0)
        );
        let p = plan(&["sh", "-c", "nginx -g 'daemon off;'"]);
        assert_eq!(
            (p.on_sigterm, p.program.is_none()),
            (SigTerm::Exit(0), true)
        );
    }

    #[test]
    fn syntax_errors_exit_2_and_unsupported_scripts_run_until_stopped_with_a_warning() {
        let p = plan(&["sh", "-c", "if true; then"]);
        assert_eq!((p.run_for, p.exit_code), (Some(SimDuration::ZERO), 2));
        assert_eq!(
            p.output,
            "sh: syntax error: unexpected end of file (expecting \"fi\")\n"
        );
        let p = plan(&["sh", "-c", "sleep 10 &"]);
        assert_eq!(p.run_for, None);
        assert!(p.warning.unwrap().contains("background jobs"));
    }
}
