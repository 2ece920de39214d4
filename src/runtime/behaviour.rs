//! The behaviour model: what a container's image and command do once started. klab runs
//! no real processes; each container gets a `Plan` when it starts: how long it runs, its
//! exit code, how it reacts to SIGTERM, when it turns ready — or, for commands the small
//! shell runs (`sh -c …`, `sleep N`, `echo …`), the program whose simulated run decides.

use super::shell::{programs, Invocation};
use crate::sim::{parse_duration, SimDuration, SimRng};
use k8s_openapi::api::core::v1::Container;

/// How the main process reacts to SIGTERM.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SigTerm {
    /// Has a handler and exits at once with this code (nginx and most servers: 0).
    Exit(i32),
    /// Ignores it (a shell or `sleep` as PID 1 has no handler), so SIGKILL at the deadline
    /// ends it (137).
    Ignore,
}

/// A main process the small shell runs.
#[derive(Clone, Debug, PartialEq)]
pub struct MainProgram {
    pub invocation: Invocation,
    /// Seeds the shell's random stream (`date +%N`), drawn from the cluster's RNG.
    pub seed: u64,
}

/// What one container run will do.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// How long the main process runs; `None` = until stopped. Unused with `program`.
    pub run_for: Option<SimDuration>,
    pub exit_code: i32,
    pub on_sigterm: SigTerm,
    /// Time from start until the container reports ready.
    pub ready_after: SimDuration,
    /// What the process prints when it starts. Unused with `program`.
    pub output: String,
    /// Which rule of the model applied, for `describe` and `klab images`.
    pub rule: String,
    /// Set when the command is not modelled: a Warning event says so.
    pub warning: Option<String>,
    /// The small shell runs the process: its simulated run decides when it exits and
    /// what it prints.
    pub program: Option<MainProgram>,
    /// PID 1's command line, as `ps` shows it.
    pub cmdline: String,
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
            program: None,
            cmdline: String::new(),
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

impl ImageRule {
    /// A rule from `define_image(pattern, #{run, exit, ready_after, on_sigterm})`, the
    /// options as JSON: `run` a duration (`"30s"`, seconds as a number) or null for
    /// forever; `exit` 0–255; `ready_after` a duration; `on_sigterm` `"exit"` (exit 0),
    /// `"ignore"`, or an exit code. Every key is optional.
    pub fn from_options(pattern: &str, options: &serde_json::Value) -> Result<ImageRule, String> {
        if pattern.trim().is_empty() {
            return Err("define_image: the image pattern is empty".into());
        }
        let mut rule = ImageRule {
            pattern: pattern.to_string(),
            run: None,
            exit: 0,
            ready_after: SimDuration::ZERO,
            on_sigterm: SigTerm::Exit(0),
        };
        let map = match options {
            serde_json::Value::Null => return Ok(rule),
            serde_json::Value::Object(m) => m,
            other => {
                return Err(format!(
                    "define_image: options must be a map like #{{run: \"30s\"}}, not {other}"
                ))
            }
        };
        let duration = |key: &str, v: &serde_json::Value| -> Result<SimDuration, String> {
            let d = match v {
                serde_json::Value::String(s) => {
                    parse_duration(s).map_err(|e| format!("define_image: {key}: {e}"))?
                }
                serde_json::Value::Number(n) => match n.as_i64() {
                    Some(secs) => SimDuration::from_secs(secs),
                    None => {
                        return Err(format!(
                            "define_image: {key}: {n} is not a whole number of seconds"
                        ))
                    }
                },
                other => {
                    return Err(format!(
                        "define_image: {key}: want a duration such as \"30s\", not {other}"
                    ))
                }
            };
            if d.0 < 0 {
                return Err(format!("define_image: {key} must not be negative"));
            }
            Ok(d)
        };
        for (key, v) in map {
            match key.as_str() {
                "run" => rule.run = if v.is_null() { None } else { Some(duration("run", v)?) },
                "ready_after" => rule.ready_after = duration("ready_after", v)?,
                "exit" => {
                    rule.exit = v
                        .as_i64()
                        .filter(|c| (0..=255).contains(c))
                        .ok_or_else(|| format!("define_image: exit must be an exit code 0-255, not {v}"))? as i32
                }
                "on_sigterm" => {
                    rule.on_sigterm = match v {
                        serde_json::Value::String(s) if s == "exit" => SigTerm::Exit(0),
                        serde_json::Value::String(s) if s == "ignore" => SigTerm::Ignore,
                        serde_json::Value::Number(n) if n.as_i64().is_some_and(|c| (0..=255).contains(&c)) => {
                            SigTerm::Exit(n.as_i64().unwrap_or(0) as i32)
                        }
                        other => {
                            return Err(format!("define_image: on_sigterm must be \"exit\", \"ignore\" or an exit code, not {other}"))
                        }
                    }
                }
                other => {
                    return Err(format!("define_image: unknown option \"{other}\" (known: run, exit, ready_after, on_sigterm)"))
                }
            }
        }
        Ok(rule)
    }

    /// What the rule makes a container do, in words (`klab images`, `describe`).
    pub fn describe(&self) -> String {
        let run = match self.run {
            None => "runs until stopped".to_string(),
            Some(d) => format!("runs {d}, then exits {}", self.exit),
        };
        let ready = if self.ready_after == SimDuration::ZERO {
            String::new()
        } else {
            format!("; ready after {}", self.ready_after)
        };
        let term = match self.on_sigterm {
            SigTerm::Exit(0) => "exits at once on SIGTERM".to_string(),
            SigTerm::Exit(c) => format!("exits {c} at once on SIGTERM"),
            SigTerm::Ignore => {
                "ignores SIGTERM (killed at the grace period's end, 137)".to_string()
            }
        };
        format!("{run}{ready}; {term}")
    }
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

/// The image's repository without registry, tag or digest (`docker.io/library/nginx:1.16`
/// → `nginx`).
pub fn image_repo(image: &str) -> &str {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split(':').next().unwrap_or(last)
}

/// Images klab knows as servers, and the command line their PID 1 shows in `ps`.
const SERVER_IMAGES: &[(&str, &str)] = &[
    ("nginx", "nginx: master process nginx -g daemon off;"),
    ("httpd", "httpd -DFOREGROUND"),
    ("redis", "redis-server *:6379"),
    ("memcached", "memcached"),
    ("mysql", "mysqld"),
    ("mariadb", "mariadbd"),
    ("postgres", "postgres"),
    ("mongo", "mongod --bind_ip_all"),
    ("rabbitmq", "beam.smp"),
];

/// PID 1's command line for an image run without a command.
pub fn image_cmdline(image: &str) -> String {
    let repo = image_repo(image);
    SERVER_IMAGES
        .iter()
        .find(|(r, _)| *r == repo)
        .map(|(_, c)| c.to_string())
        .unwrap_or_else(|| repo.to_string())
}

/// The plan for a container starting now. Draws from the cluster RNG where the model is random.
pub fn plan_for(container: &Container, images: &[ImageRule], rng: &mut SimRng) -> Plan {
    let image = container.image.as_deref().unwrap_or("");
    let command = container.command.clone().unwrap_or_default();
    let args = container.args.clone().unwrap_or_default();

    // Without `command`, the image's entrypoint runs (with `args` as its arguments).
    if command.is_empty() {
        if let Some(rule) = images.iter().find(|r| glob_match(&r.pattern, image)) {
            return Plan {
                run_for: rule.run,
                exit_code: rule.exit,
                on_sigterm: rule.on_sigterm,
                ready_after: rule.ready_after,
                output: String::new(),
                rule: format!("define_image(\"{}\"): {}", rule.pattern, rule.describe()),
                warning: None,
                program: None,
                cmdline: image_cmdline(image),
            };
        }
        if glob_match("amsy810/random-exit:*", image) || image == "amsy810/random-exit" {
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
                program: None,
                cmdline: image_cmdline(image),
            };
        }
        if args.is_empty() || SERVER_IMAGES.iter().any(|(r, _)| *r == image_repo(image)) {
            let mut p =
                Plan::forever("server image: runs until stopped, exits promptly on SIGTERM");
            p.cmdline = image_cmdline(image);
            if !args.is_empty() {
                p.cmdline = format!("{} {}", p.cmdline, args.join(" "));
            }
            return p;
        }
        // An image without an entrypoint runs `args` as its command.
        return super::command::plan_command(&args, rng);
    }
    let mut argv = command;
    argv.extend(args);
    super::command::plan_command(&argv, rng)
}

/// The model's rules for `klab images` / `:images`: defined rules (newest first, they win),
/// then the built-in ones. Each is (what it matches, what it does).
pub fn describe_rules(images: &[ImageRule]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = images
        .iter()
        .map(|r| {
            (
                format!("define_image(\"{}\") (no command)", r.pattern),
                r.describe(),
            )
        })
        .collect();
    let programs: Vec<&str> = programs::PROGRAMS.iter().map(|p| p.name).collect();
    let builtin = [
        ("amsy810/random-exit:* (no command)", "runs a seeded random 5-30s, then exits 0 or 1 with probability 1/2 each".to_string()),
        (
            "server images (nginx, httpd, redis, ...) and any other image without a command",
            "runs until stopped; exits 0 at once on SIGTERM".to_string(),
        ),
        ("sleep N", "runs N seconds (s, m, h, d; infinity), exits 0; as PID 1 it ignores SIGTERM, so deletion takes the grace period".to_string()),
        (
            "sh -c SCRIPT, bash -c SCRIPT",
            "the small shell: ; && || | ! ( ) { } if while until for, $VAR $(...) `...` $((...)), > >> < 2>&1; \
             as PID 1 it ignores SIGTERM"
                .to_string(),
        ),
        ("programs of the small shell", programs.join(", ")),
        ("server commands (nginx, httpd, redis-server, ...)", "run until stopped; exit 0 at once on SIGTERM".to_string()),
        ("any other command", "runs until stopped; a Warning event NotSimulated says so".to_string()),
    ];
    out.extend(builtin.into_iter().map(|(a, b)| (a.to_string(), b)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn globs_match_like_shell_patterns() {
        assert!(glob_match("myapp:*", "myapp:v1"));
        assert!(glob_match("*", "nginx:1.16"));
        assert!(!glob_match("myapp:*", "nginx:1.16"));
        assert!(glob_match("ng?nx:*", "nginx:1"));
    }

    #[test]
    fn define_image_options_parse_with_defaults_and_clear_errors() {
        let r = ImageRule::from_options(
            "myapp:*",
            &json!({"run": "30s", "exit": 1, "ready_after": 5, "on_sigterm": "ignore"}),
        )
        .unwrap();
        assert_eq!(r.run, Some(SimDuration::from_secs(30)));
        assert_eq!(
            (r.exit, r.ready_after, r.on_sigterm),
            (1, SimDuration::from_secs(5), SigTerm::Ignore)
        );
        let forever = ImageRule::from_options("a", &json!({"run": null})).unwrap();
        assert_eq!((forever.run, forever.on_sigterm), (None, SigTerm::Exit(0)));
        assert_eq!(
            ImageRule::from_options("a", &json!({"on_sigterm": 143}))
                .unwrap()
                .on_sigterm,
            SigTerm::Exit(143)
        );
        assert!(ImageRule::from_options("a", &json!({"runn": "3s"}))
            .unwrap_err()
            .contains("unknown option \"runn\""));
        assert!(ImageRule::from_options("a", &json!({"exit": 300})).is_err());
        assert!(ImageRule::from_options("a", &json!({"run": "soon"})).is_err());
        assert!(ImageRule::from_options("", &json!({})).is_err());
    }

    #[test]
    fn a_defined_image_wins_over_the_built_in_model_without_a_command() {
        let rule = ImageRule::from_options("nginx:*", &json!({"run": "5s", "exit": 3})).unwrap();
        let c = Container {
            name: "c".into(),
            image: Some("nginx:1.16".into()),
            ..Default::default()
        };
        let p = plan_for(&c, &[rule], &mut SimRng::new(0));
        assert_eq!(
            (p.run_for, p.exit_code),
            (Some(SimDuration::from_secs(5)), 3)
        );
        assert_eq!(p.cmdline, "nginx: master process nginx -g daemon off;");
    }

    #[test]
    fn rules_are_listed_defined_first() {
        let rule = ImageRule::from_options("myapp:*", &json!({"run": "30s", "exit": 1})).unwrap();
        let rows = describe_rules(&[rule]);
        assert_eq!(rows[0].0, "define_image(\"myapp:*\") (no command)");
        assert_eq!(
            rows[0].1,
            "runs 30s, then exits 1; exits at once on SIGTERM"
        );
        assert!(rows.iter().any(|(k, _)| k == "sleep N"));
    }
}
