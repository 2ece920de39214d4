//! The fuzz targets: each takes arbitrary bytes, feeds them to one klab entry point, and
//! must return without panicking in bounded time. `klab-fuzz` (src/bin) drives them with a
//! seeded mutator; the same functions would sit behind `cargo fuzz` targets.

use klab::cluster::{Cluster, ClusterConfig};
use klab::kubectl::Env;
use klab::output::Output;
use klab::script::{ScriptLimits, Session, SessionOptions};

/// The targets by name, in the order `klab-fuzz all` runs them.
pub const TARGETS: &[(&str, fn(&[u8]))] = &[
    ("manifest", manifest),
    ("kubectl", kubectl),
    ("cron", cron),
    ("shell", shell),
    ("script", script),
];

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Manifest decode + apply: the bytes as `kubectl apply -f -` stdin on a fresh cluster,
/// then `get all` so printing runs over whatever was created.
pub fn manifest(data: &[u8]) {
    let mut cluster = Cluster::new(ClusterConfig::default());
    let env = Env {
        stdin: Some(text(data)),
        ..Env::default()
    };
    let _ = klab::kubectl::run(&mut cluster, "apply -f -", &env);
    let _ = klab::kubectl::run(&mut cluster, "get all -A -o wide", &Env::default());
    let _ = cluster.advance(klab::sim::SimDuration::from_secs(30));
}

/// The kubectl command-line parser, then the command itself on a fresh cluster (with a
/// pod to act on).
pub fn kubectl(data: &[u8]) {
    let line = text(data);
    let _ = klab::kubectl::command::parse_line(&line);
    let mut cluster = Cluster::new(ClusterConfig::default());
    let env = Env::default();
    let _ = klab::kubectl::run(&mut cluster, "run web --image=nginx", &env);
    // Commands that wait (`wait`, `rollout status`) are bounded by their own timeouts.
    let _ = klab::kubectl::run(&mut cluster, &line, &env);
}

/// The cron schedule parser and the next-time search.
pub fn cron(data: &[u8]) {
    let spec = text(data);
    let (schedule, tz) = match spec.split_once('\n') {
        Some((s, tz)) => (s.to_string(), Some(tz.to_string())),
        None => (spec, None),
    };
    let _ = klab::cron::validate(&schedule, tz.as_deref());
    if let Ok(s) = klab::cron::for_cronjob(&schedule, tz.as_deref()) {
        let start = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let _ = s.next_n(start, 5);
    }
}

/// The container shell's parser and compiler.
pub fn shell(data: &[u8]) {
    let src = text(data);
    if let Ok(script) = klab::runtime::shell::parser::parse(&src) {
        let _ = klab::runtime::shell::compile::compile(&script);
    }
}

/// Script evaluation through the API, with small limits so every input ends quickly.
pub fn script(data: &[u8]) {
    let dir = std::env::temp_dir().join("klab-fuzz-script");
    let _ = std::fs::create_dir_all(&dir);
    let mut options = SessionOptions::new(0, dir, Output::capture());
    options.limits = ScriptLimits {
        max_operations: 20_000,
        max_string_size: 1 << 16,
        max_array_size: 10_000,
        max_map_size: 10_000,
        ..ScriptLimits::default()
    };
    let mut session = Session::new(options);
    session.with_cluster(|c| c.limits.instants_per_call = 100_000);
    let _ = session.run("fuzz.rhai", &text(data));
}
