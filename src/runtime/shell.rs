//! The small shell (first cut): runs a `sh -c` script against virtual time. Supports
//! `sleep N`, `exit N`, `true`, `false`, `echo`, `;`, `&&`, `||` and `$(…)` around those.

use super::command::parse_sleep;
use crate::sim::{SimDuration, SimRng};

/// What running a script does: how long it takes (`None` = forever), its exit status and
/// what it printed, and the first program the shell did not know.
pub struct ScriptRun {
    pub duration: Option<SimDuration>,
    pub exit_code: i32,
    pub stdout: String,
    pub unknown: Option<String>,
}

pub fn run_script(script: &str, _rng: &mut SimRng) -> ScriptRun {
    let mut run = ScriptRun {
        duration: Some(SimDuration::ZERO),
        exit_code: 0,
        stdout: String::new(),
        unknown: None,
    };
    let mut elapsed = SimDuration::ZERO;
    let mut status = 0;
    // Split on `;` then `&&` / `||`, left to right.
    for statement in script.split([';', '\n']) {
        let mut skip_next = false;
        let mut pending_op: Option<&str> = None;
        for (i, part) in split_logic(statement).into_iter().enumerate() {
            if i > 0 {
                skip_next = match pending_op {
                    Some("&&") => status != 0,
                    Some("||") => status == 0,
                    _ => false,
                };
            }
            let (cmd, op) = part;
            pending_op = op;
            if skip_next {
                continue;
            }
            let words: Vec<String> = cmd
                .trim()
                .trim_start_matches("$(")
                .trim_end_matches(')')
                .split_whitespace()
                .map(|w| w.trim_matches(|c| c == '"' || c == '\'').to_string())
                .collect();
            let Some(program) = words.first() else {
                continue;
            };
            match program.as_str() {
                "sleep" => match words.get(1).and_then(|a| parse_sleep(a)) {
                    Some(d) => {
                        elapsed = elapsed + d;
                        status = 0;
                    }
                    None => status = 1,
                },
                "exit" => {
                    run.duration = Some(elapsed);
                    run.exit_code = words
                        .get(1)
                        .and_then(|c| c.parse::<i32>().ok())
                        .unwrap_or(status)
                        & 0xff;
                    return run;
                }
                "true" => status = 0,
                "false" => status = 1,
                "echo" => {
                    run.stdout.push_str(&words[1..].join(" "));
                    run.stdout.push('\n');
                    status = 0;
                }
                other => {
                    run.unknown.get_or_insert_with(|| other.to_string());
                    run.duration = None;
                    return run;
                }
            }
        }
    }
    run.duration = Some(elapsed);
    run.exit_code = status;
    run
}

/// Splits `a && b || c` into `[(a, Some("&&")), (b, Some("||")), (c, None)]`.
fn split_logic(statement: &str) -> Vec<(&str, Option<&'static str>)> {
    let mut out = Vec::new();
    let mut rest = statement;
    loop {
        let and = rest.find("&&");
        let or = rest.find("||");
        let next = match (and, or) {
            (Some(a), Some(o)) if a < o => Some((a, "&&")),
            (Some(_), Some(o)) => Some((o, "||")),
            (Some(a), None) => Some((a, "&&")),
            (None, Some(o)) => Some((o, "||")),
            (None, None) => None,
        };
        match next {
            Some((i, op)) => {
                out.push((&rest[..i], Some(op)));
                rest = &rest[i + 2..];
            }
            None => {
                out.push((rest, None));
                return out;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> ScriptRun {
        run_script(s, &mut SimRng::new(0))
    }

    #[test]
    fn sleep_then_exit_takes_the_sleep_and_returns_the_code() {
        let r = run("sleep 3; exit 2");
        assert_eq!(r.duration, Some(SimDuration::from_secs(3)));
        assert_eq!(r.exit_code, 2);
    }

    #[test]
    fn command_substitution_of_sleep_is_a_sleep() {
        let r = run("$(sleep 3600)");
        assert_eq!(r.duration, Some(SimDuration::from_secs(3600)));
        assert_eq!(r.exit_code, 0);
    }

    #[test]
    fn and_or_follow_the_status() {
        assert_eq!(run("false && exit 3; exit 4").exit_code, 4);
        assert_eq!(run("false || exit 3").exit_code, 3);
    }
}
