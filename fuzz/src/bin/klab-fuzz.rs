//! A plain fuzz driver (no libFuzzer, no nightly): for each target, mutates the seed corpus
//! with a seeded ChaCha generator (byte flips, inserts, deletions, dictionary tokens,
//! splices) for a time budget. A panic is saved to `artifacts/TARGET/crash-*`; an input
//! using more than `--hang-secs` of CPU time (process CPU time from /proc, so a fuzzer
//! starved under `nice -n 19` on a busy machine is not mistaken for a hang; wall time where
//! /proc is missing) is saved as `artifacts/TARGET/hang` and the process exits. The input under test is also kept in `artifacts/TARGET/current`, so an abort
//! (stack overflow) leaves it behind.
//!
//! Usage: klab-fuzz TARGET|all [--seconds N] [--seed S] [--hang-secs N]

use klab_fuzz::TARGETS;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const DICT_MANIFEST: &[&str] = &[
    "apiVersion: v1\n", "apiVersion: apps/v1\n", "apiVersion: batch/v1\n", "kind: Pod\n",
    "kind: Job\n", "kind: DaemonSet\n", "kind: StatefulSet\n", "kind: CronJob\n",
    "metadata:\n", "  name: x\n", "  labels:\n    a: b\n", "spec:\n", "---\n", "  replicas: 3\n",
    "  - name: c\n", "    image: busybox\n", "{", "}", "[", "]", ": ", "- ", "&a ", "*a",
    "<<: *a\n", "!!binary ", "\"\\u0000\"", "1e400", "-1", "9999999999999999999", "null", "~",
    "  schedule: \"*/1 * * * *\"\n", "    resources:\n      requests:\n        cpu: 1e9\n",
];
const DICT_KUBECTL: &[&str] = &[
    "get ", "describe ", "apply ", "create ", "delete ", "scale ", "label ", "patch ",
    "rollout ", "wait ", "logs ", "exec ", "cordon ", "drain ", "pods ", "pod/web ", "-o ",
    "json ", "yaml ", "wide ", "jsonpath={.items[*].metadata.name} ", "-l ", "a=b,c!=d ",
    "--replicas=", "-n ", "--all-namespaces ", "--timeout=", "-- ", "'", "\"", "\\", "=",
    "--for=condition=Ready ", "-w ", "custom-columns=A:.metadata.name ", "--field-selector ",
    "job web --image=busybox ", "cronjob c --schedule=* ", "--dry-run=client ",
];
const DICT_CRON: &[&str] = &[
    "*", "/", ",", "-", "?", "L", "W", "#", "@every ", "@hourly", "@yearly", "TZ=",
    "CRON_TZ=", "Asia/Seoul ", "0", "59", "60", "31", "12", "7", "MON", "JAN", "1h", "\n",
    "UTC", "99999999999999999999",
];
const DICT_SHELL: &[&str] = &[
    "echo ", "while true; do ", "done", "if ", "then ", "fi", "for i in ", "case ", "esac",
    "$(", ")", "`", "${", "}", "$((", "))", "<<EOF\n", "EOF\n", "|", "&&", "||", ";", "&",
    ">", ">>", "<", "2>&1", "'", "\"", "\\", "sleep 1", "$?", "$#", "${x:-y}", "{ ", " }",
    "( ", " )", "!", "#", "\n", "trap ", "exit ", "x=1 ", "shift ", "read ",
];
const DICT_SCRIPT: &[&str] = &[
    "kubectl(\"get pods\");", "apply(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox\n`);",
    "advance(\"10s\");", "advance(\"36500d\");", "settle();", "step();", "wait_for(|| false, \"1h\");",
    "pods()", "get(\"pod\", \"p\")", "list(\"pods\")", "events()", "logs(\"p\")", "exec(\"p\", \"ls\")",
    "cluster(#{nodes: 2});", "node_down(\"node-1\");", "kill(\"p\", \"c\");", "define_image(\"x\", #{});",
    "schedule_next(\"* * * * *\", 3)", "assert_eq(1, 1);", "expect_error(|| kubectl(\"get x\"));",
    "read_file(\"../x\")", "let x = ", "fn f(a) { a }", "[1, 2]", "#{a: 1}", "loop {", "}", "(", ")",
    "\"", "`", ";", "\n", "1e308", "-9223372036854775808", "now()",
];

fn dict(target: &str) -> &'static [&'static str] {
    match target {
        "manifest" => DICT_MANIFEST,
        "kubectl" => DICT_KUBECTL,
        "cron" => DICT_CRON,
        "shell" => DICT_SHELL,
        _ => DICT_SCRIPT,
    }
}

fn mutate(rng: &mut ChaCha8Rng, corpus: &[Vec<u8>], dict: &[&str]) -> Vec<u8> {
    let mut data = corpus[rng.gen_range(0..corpus.len())].clone();
    for _ in 0..rng.gen_range(1..6) {
        let len = data.len();
        match rng.gen_range(0..7) {
            0 if len > 0 => {
                let i = rng.gen_range(0..len);
                data[i] ^= 1 << rng.gen_range(0..8);
            }
            1 => {
                let i = rng.gen_range(0..=len);
                data.insert(i, rng.gen());
            }
            2 if len > 0 => {
                let i = rng.gen_range(0..len);
                let n = rng.gen_range(1..=(len - i).min(16));
                data.drain(i..i + n);
            }
            3 | 4 => {
                let i = rng.gen_range(0..=len);
                let token = dict[rng.gen_range(0..dict.len())].as_bytes();
                data.splice(i..i, token.iter().copied());
            }
            5 => {
                let other = &corpus[rng.gen_range(0..corpus.len())];
                if !other.is_empty() {
                    let a = rng.gen_range(0..other.len());
                    let b = rng.gen_range(a..=other.len());
                    let i = rng.gen_range(0..=len);
                    data.splice(i..i, other[a..b].iter().copied());
                }
            }
            _ if len > 1 => {
                // Repeat a slice: deep nesting and long names.
                let a = rng.gen_range(0..len);
                let b = rng.gen_range(a..len.min(a + 32) + 1).min(len);
                let piece = data[a..b].to_vec();
                for _ in 0..rng.gen_range(1..50) {
                    data.splice(a..a, piece.iter().copied());
                }
            }
            _ => {}
        }
    }
    data.truncate(64 * 1024);
    data
}

fn load_corpus(dir: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    let mut corpus: Vec<Vec<u8>> = files.iter().filter_map(|f| std::fs::read(f).ok()).collect();
    if corpus.is_empty() {
        corpus.push(Vec::new());
    }
    corpus
}

/// Milliseconds of CPU this process has used (utime + stime from /proc/self/stat, at the
/// usual 100 ticks per second), or wall time since `epoch` without /proc.
fn clock_ms(epoch: Instant) -> u64 {
    let cpu = std::fs::read_to_string("/proc/self/stat").ok().and_then(|s| {
        // Fields after the parenthesised command name; utime and stime are 14 and 15.
        let rest = &s[s.rfind(')')? + 2..];
        let f: Vec<&str> = rest.split(' ').collect();
        let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
        Some(ticks * 10)
    });
    cpu.unwrap_or_else(|| epoch.elapsed().as_millis() as u64)
}

fn run_target(root: &Path, name: &str, f: fn(&[u8]), seconds: u64, seed: u64, hang: u64) -> usize {
    let corpus = load_corpus(&root.join("corpus").join(name));
    let artifacts = root.join("artifacts").join(name);
    std::fs::create_dir_all(&artifacts).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    // The watchdog: the main loop stamps the start of each input (`clock_ms`).
    let epoch = Instant::now();
    let started = Arc::new(AtomicU64::new(u64::MAX));
    {
        let started = started.clone();
        let current = artifacts.join("current");
        let hang_file = artifacts.join("hang");
        let name = name.to_string();
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(500));
            let s = started.load(Ordering::SeqCst);
            if s != u64::MAX && clock_ms(epoch) > s + hang * 1000 {
                let _ = std::fs::copy(&current, &hang_file);
                eprintln!("[{name}] HANG (> {hang}s): input saved to {}", hang_file.display());
                std::process::exit(3);
            }
        });
    }
    std::panic::set_hook(Box::new(|_| {}));
    let (mut runs, mut crashes) = (0u64, 0usize);
    // Seeds first, unmutated.
    let mut queue: Vec<Vec<u8>> = corpus.clone();
    while Instant::now() < deadline {
        let input = queue.pop().unwrap_or_else(|| mutate(&mut rng, &corpus, dict(name)));
        let _ = std::fs::write(artifacts.join("current"), &input);
        started.store(clock_ms(epoch), Ordering::SeqCst);
        let result = std::panic::catch_unwind(|| f(&input));
        started.store(u64::MAX, Ordering::SeqCst);
        runs += 1;
        if result.is_err() {
            crashes += 1;
            let file = artifacts.join(format!("crash-{runs}"));
            let _ = std::fs::write(&file, &input);
            eprintln!("[{name}] CRASH: input saved to {}", file.display());
        }
    }
    let _ = std::panic::take_hook();
    let _ = std::fs::remove_file(artifacts.join("current"));
    println!("[{name}] {runs} inputs in {seconds}s, {crashes} crashes (seed {seed})");
    crashes
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: klab-fuzz TARGET|all [--seconds N] [--seed S] [--hang-secs N]";
    let Some(which) = args.first() else {
        eprintln!("{usage}\ntargets: {}", TARGETS.iter().map(|t| t.0).collect::<Vec<_>>().join(", "));
        std::process::exit(2);
    };
    let opt = |flag: &str, default: u64| -> u64 {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (seconds, seed, hang) = (opt("--seconds", 60), opt("--seed", 1), opt("--hang-secs", 20));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut crashes = 0;
    for (name, f) in TARGETS {
        if which == "all" || which == name {
            crashes += run_target(&root, name, *f, seconds, seed, hang);
        }
    }
    std::process::exit(if crashes > 0 { 1 } else { 0 });
}
