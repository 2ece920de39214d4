//! The behaviour model: what a container's image and command do once started. klab runs
//! no real processes; each container gets a `Plan` when it starts (how long it runs, its exit
//! code, how it reacts to SIGTERM, when it turns ready, what it prints).

use crate::sim::{SimDuration, SimRng};
use k8s_openapi::api::core::v1::Container;

/// How the main process reacts to SIGTERM.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SigTerm {
    /// Exits at once with this code (nginx and most servers: 0).
    Exit(i32),
    /// Ignores it (a shell or `sleep` as PID 1), so SIGKILL at the deadline ends it (137).
    Ignore,
}

/// What one container run will do.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// How long the main process runs; `None` = until stopped.
    pub run_for: Option<SimDuration>,
    pub exit_code: i32,
    pub on_sigterm: SigTerm,
    /// Time from start until the container reports ready.
    pub ready_after: SimDuration,
    /// What the process prints (its log), written when it runs.
    pub output: String,
    /// Which rule of the model applied, for `describe` and `klab images`.
    pub rule: String,
    /// Set when the command is not modelled: a Warning event says so.
    pub warning: Option<String>,
}

impl Plan {
    pub fn forever(rule: &str) -> Plan {
        Plan {
            run_for: None,
            exit_code: 0,
            on_sigterm: SigTerm::Exit(0),
            ready_after: SimDuration::ZERO,
            output: String::new(),
            rule: rule.into(),
            warning: None,
        }
    }
}

/// Behaviour for images matching a glob, from the script API's `define_image`.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageRule {
    pub pattern: String,
    /// `None` = runs until stopped.
    pub run: Option<SimDuration>,
    pub exit: i32,
    pub ready_after: SimDuration,
    pub on_sigterm: SigTerm,
}

/// Glob match with `*` (any run of characters) and `?` (one character).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    fn go(p: &[char], t: &[char]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    go(&p, &t)
}

/// The plan for a container starting now. Draws from the cluster RNG where the model is random.
pub fn plan_for(container: &Container, images: &[ImageRule], rng: &mut SimRng) -> Plan {
    let image = container.image.as_deref().unwrap_or("");
    let mut argv: Vec<String> = container.command.clone().unwrap_or_default();
    argv.extend(container.args.clone().unwrap_or_default());

    if let Some(rule) = images.iter().find(|r| glob_match(&r.pattern, image)) {
        if argv.is_empty() {
            return Plan {
                run_for: rule.run,
                exit_code: rule.exit,
                on_sigterm: rule.on_sigterm,
                ready_after: rule.ready_after,
                output: String::new(),
                rule: format!("define_image(\"{}\")", rule.pattern),
                warning: None,
            };
        }
    }
    if argv.is_empty() {
        if glob_match("amsy810/random-exit:*", image) {
            let secs = rng.between(5, 30);
            let code = if rng.chance(0.5) { 0 } else { 1 };
            return Plan {
                run_for: Some(SimDuration::from_secs(secs)),
                exit_code: code,
                on_sigterm: SigTerm::Exit(143),
                ready_after: SimDuration::ZERO,
                output: String::new(),
                rule: "amsy810/random-exit: runs a seeded random 5-30s, then exits 0 or 1".into(),
                warning: None,
            };
        }
        return Plan::forever("server image: runs until stopped, exits promptly on SIGTERM");
    }
    super::command::plan_command(&argv, rng)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_shell_patterns() {
        assert!(glob_match("myapp:*", "myapp:v1"));
        assert!(glob_match("*", "nginx:1.16"));
        assert!(!glob_match("myapp:*", "nginx:1.16"));
        assert!(glob_match("ng?nx:*", "nginx:1"));
    }
}
