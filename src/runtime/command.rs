//! A container's main command: `sleep N`, `sh -c SCRIPT` / `bash -c SCRIPT` (through the
//! small shell), or a program the model does not know (runs until stopped, with a warning).

use super::behaviour::{Plan, SigTerm};
use crate::sim::{SimDuration, SimRng};

const SHELLS: &[&str] = &["sh", "/bin/sh", "bash", "/bin/bash", "ash", "/bin/ash"];

pub fn plan_command(argv: &[String], rng: &mut SimRng) -> Plan {
    let program = argv[0].as_str();
    if program == "sleep" || program == "/bin/sleep" {
        return match argv.get(1).and_then(|a| parse_sleep(a)) {
            Some(d) => Plan {
                run_for: Some(d),
                exit_code: 0,
                on_sigterm: SigTerm::Ignore,
                ready_after: SimDuration::ZERO,
                output: String::new(),
                rule: "sleep N: runs N seconds, exits 0; as PID 1 it ignores SIGTERM".into(),
                warning: None,
            },
            None => Plan {
                run_for: Some(SimDuration::ZERO),
                exit_code: 1,
                on_sigterm: SigTerm::Ignore,
                ready_after: SimDuration::ZERO,
                output: "sleep: invalid time interval\n".into(),
                rule: "sleep N".into(),
                warning: None,
            },
        };
    }
    if SHELLS.contains(&program) && argv.get(1).map(String::as_str) == Some("-c") {
        let script = argv.get(2).cloned().unwrap_or_default();
        let run = super::shell::run_script(&script, rng);
        return Plan {
            run_for: run.duration,
            exit_code: run.exit_code,
            on_sigterm: SigTerm::Ignore,
            ready_after: SimDuration::ZERO,
            output: run.stdout,
            rule: "sh -c SCRIPT: the small shell; as PID 1 it ignores SIGTERM".into(),
            warning: run.unknown.map(|p| {
                format!(
                    "klab does not simulate the command {p:?}; the container runs until stopped"
                )
            }),
        };
    }
    let mut plan = Plan::forever("unknown command: runs until stopped");
    plan.warning = Some(format!(
        "klab does not simulate the command {:?}; the container runs until stopped",
        argv.join(" ")
    ));
    plan
}

/// `sleep`'s argument: seconds, optionally with a unit suffix (`30`, `1.5`, `2m`, `1h`).
pub fn parse_sleep(arg: &str) -> Option<SimDuration> {
    let (number, unit) = match arg.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&arg[..i], &arg[i..]),
        None => (arg, "s"),
    };
    let n: f64 = number.parse().ok()?;
    let scale = match unit {
        "s" => 1000.0,
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        "d" => 86_400_000.0,
        _ => return None,
    };
    let ms = n * scale;
    (ms.is_finite() && (0.0..1e15).contains(&ms)).then(|| SimDuration::from_millis(ms as i64))
}
