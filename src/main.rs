//! The `klab` command: arguments and exit codes only; the work is in the library.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use klab::lesson::{run_file_cells, run_file_session, CellRun, RunOptions};
use klab::output::Output;
use klab::script::ScriptLimits;
use klab::suite::{self, SuiteOptions};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// A Kubernetes 1.32 workload lab: a simulated cluster in virtual time, driven by Rhai.
#[derive(Parser)]
#[command(name = "klab", version)]
struct Cli {
    /// Seed of the default cluster (pod name suffixes, uids, scheduling ties, random images).
    #[arg(long, global = true, default_value_t = 0, value_name = "N")]
    seed: u64,
    /// Rhai operations a script (or one REPL input) may run before it is stopped.
    #[arg(long, global = true, value_name = "N", default_value_t = ScriptLimits::default().max_operations)]
    max_operations: u64,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run scripts or lessons, each in a fresh cluster
    ///
    /// Prints each lesson cell's prose, then the output of its code (kubectl, print).
    /// Stops at the first file that fails. --step walks through a lesson cell by cell,
    /// --then-repl explores its final state, --timeline draws its pods' lives, --html
    /// writes it as a web page.
    Run {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Print only errors.
        #[arg(long)]
        quiet: bool,
        /// Before each lesson cell show its prose and code and wait: Enter runs it, r opens
        /// the REPL on the lesson's cluster (:quit returns), q quits. Only on a terminal.
        #[arg(long)]
        step: bool,
        /// Also let scripts read files under DIR (repeatable); by default a script reads
        /// only under its own folder.
        #[arg(long, value_name = "DIR")]
        allow_read: Vec<PathBuf>,
        /// Plain text: prose as written, ASCII pictures, no colour (what tests snapshot).
        #[arg(long)]
        plain: bool,
        /// After each file, draw its pods' lives as swimlanes.
        #[arg(long)]
        timeline: bool,
        /// After the (last) file, open the REPL on its final state.
        #[arg(long)]
        then_repl: bool,
        /// Also write the lesson as a self-contained HTML page: each cell's prose, code,
        /// output and an SVG timeline of its pods (one FILE only).
        #[arg(long, value_name = "PAGE")]
        html: Option<PathBuf>,
    },
    /// List the lessons (under `lessons/`, or the given folder) with titles and sections
    Lessons {
        #[arg(value_name = "DIR", default_value = "lessons")]
        dir: PathBuf,
    },
    /// Run every .rhai file under the paths as a test
    ///
    /// Files are found recursively and run in sorted order, each in a fresh cluster. One
    /// line per file (`ok   FILE` / `FAIL FILE` with the transcript tail and the error), then
    /// `N passed, M failed`. Wall times per file are printed only when stdout is a
    /// terminal, so captured output is reproducible.
    Test {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Also let scripts read files under DIR (repeatable); by default a script reads
        /// only under its own folder.
        #[arg(long, value_name = "DIR")]
        allow_read: Vec<PathBuf>,
    },
    /// Run scale scenarios (scripts/bench/*.rhai) and print what each cost
    ///
    /// One line per file: wall time, simulated time, instants, reconciles, store changes,
    /// objects left and peak memory. With several files each runs in its own process, so
    /// peak memory is the scenario's own.
    Bench {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Size factor the scenario reads as the constant SCALE (1, 2, 4 for linear growth).
        #[arg(long, default_value_t = 1, value_name = "K")]
        scale: i64,
    },
    /// Randomized simulation testing: random workloads and operations, invariants checked
    ///
    /// Each seed is a scenario of random DaemonSets, StatefulSets, Jobs and CronJobs and
    /// random operations (scale, set image, pod deletions, container kills, nodes down, up,
    /// added, removed, suspend, partition) with random advances; the invariants are checked
    /// at every instant. Each seed runs twice and must give the same trace hash. A violation
    /// prints the seed and a minimal script that reproduces it with `klab run`.
    Chaos {
        /// Seeds to run, `A..B` (B excluded) or one seed.
        #[arg(long, value_name = "A..B", default_value = "0..50")]
        seeds: String,
        /// Random operations per scenario.
        #[arg(long, default_value_t = 30, value_name = "N")]
        steps: usize,
    },
}

/// Exit codes of `klab`.
const OK: u8 = 0;
const FAILED: u8 = 1;
const USAGE: u8 = 2;

fn after_help() -> String {
    format!(
        "Without a command, klab starts the REPL.\n\n\
         Exit codes:\n  0  success\n  1  a script failed (assertion, uncaught error, limit) or a test failed\n  \
         2  usage error (bad arguments, unreadable file)\n\n\
         Script limits (--max-operations changes the first): {}.\n\
         Sandbox: a script reads files (read_file, kubectl -f, --patch-file) only under its own\n         folder and --allow-read folders (paths are resolved, so `..` and symlinks cannot leave\n         them); it cannot write files, run processes or use the network.\n         Scripts have no wall clock: time is simulated and moves only through advance, step,\n\
         settle, wait_for and kubectl commands that wait.",
        ScriptLimits::default().describe()
    )
}

fn main() -> ExitCode {
    let matches = Cli::command().after_help(after_help()).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let limits = ScriptLimits {
        max_operations: cli.max_operations,
        ..ScriptLimits::default()
    };
    let code = match cli.command {
        None => repl(cli.seed, limits),
        Some(Command::Run {
            files,
            quiet,
            step,
            plain,
            timeline,
            then_repl,
            allow_read,
            html,
        }) => run(
            &files,
            cli.seed,
            limits,
            &RunFlags {
                quiet,
                step,
                plain,
                timeline,
                then_repl,
                allow_read,
                html,
            },
        ),
        Some(Command::Lessons { dir }) => lessons(&dir),
        Some(Command::Test { paths, allow_read }) => test(&paths, cli.seed, limits, allow_read),
        Some(Command::Bench { files, scale }) => bench(&files, cli.seed, scale),
        Some(Command::Chaos { seeds, steps }) => chaos(&seeds, steps),
    };
    ExitCode::from(code)
}

fn repl(seed: u64, limits: ScriptLimits) -> u8 {
    match klab::repl::run(&klab::repl::ReplOptions { seed, limits }) {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("error: {e}");
            USAGE
        }
    }
}

struct RunFlags {
    quiet: bool,
    step: bool,
    plain: bool,
    timeline: bool,
    then_repl: bool,
    /// `--allow-read`: folders scripts may read besides their own.
    allow_read: Vec<PathBuf>,
    /// `--html PAGE`: where to write the notebook page.
    html: Option<PathBuf>,
}

fn run(files: &[PathBuf], seed: u64, limits: ScriptLimits, flags: &RunFlags) -> u8 {
    let (quiet, step) = (flags.quiet, flags.step);
    if let Some(bad) = flags.allow_read.iter().find(|d| !d.is_dir()) {
        eprintln!("error: --allow-read {}: no such directory", bad.display());
        return USAGE;
    }
    if let Some(missing) = files.iter().find(|f| !f.is_file()) {
        eprintln!("error: cannot read {}: no such file", missing.display());
        return USAGE;
    }
    if flags.html.is_some() && files.len() != 1 {
        eprintln!("error: --html writes one page: give exactly one FILE");
        return USAGE;
    }
    // An unwritable page is a usage error found before the run, not after it.
    if let Some(page) = &flags.html {
        if let Err(e) = std::fs::File::create(page) {
            eprintln!("error: cannot write {}: {e}", page.display());
            return USAGE;
        }
    }
    let output = if quiet {
        Output::quiet()
    } else {
        Output::terminal()
    };
    if flags.plain {
        output.set_plain(true);
    }
    let options = RunOptions {
        seed,
        output: output.clone(),
        limits,
        step,
        allow_read: flags.allow_read.clone(),
    };
    for (i, file) in files.iter().enumerate() {
        let run = match &flags.html {
            Some(_) => run_file_cells(file, &options).map(|(s, r, cells)| (s, r, Some(cells))),
            None => run_file_session(file, &options).map(|(s, r)| (s, r, None)),
        };
        let (mut session, result, cells) = match run {
            Ok(run) => run,
            Err(failure) => {
                output.error(&failure.to_string());
                return USAGE;
            }
        };
        if let (Some(page), Some(cells)) = (&flags.html, cells) {
            if let Err(e) = write_page(page, file, seed, &cells, result.as_ref().err()) {
                eprintln!("error: {e}");
                return USAGE;
            }
        }
        if flags.timeline {
            let _ = session.eval_input("timeline()");
        }
        // `q` in `--step` is the learner's choice, not a failure.
        if result.is_err() && session.stopped_by_learner() {
            output.error("stopped: you quit the lesson (q)");
            return OK;
        }
        if let Err(failure) = result {
            output.error(&failure.to_string());
            if !flags.then_repl {
                return FAILED;
            }
        }
        if flags.then_repl && i + 1 == files.len() {
            if let Err(e) = klab::repl::run_session(session) {
                eprintln!("error: {e}");
                return USAGE;
            }
        }
    }
    OK
}

/// Writes the HTML notebook of one run (`--html`).
fn write_page(
    page: &std::path::Path,
    file: &std::path::Path,
    seed: u64,
    cells: &[CellRun],
    failure: Option<&klab::script::Failure>,
) -> Result<(), String> {
    let source = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let failure = failure.map(|f| f.to_string());
    let html = klab::html::page(&klab::html::Notebook {
        file: &file.display().to_string(),
        source: &source,
        seed,
        cells,
        failure: failure.as_deref(),
    });
    std::fs::write(page, html).map_err(|e| format!("cannot write {}: {e}", page.display()))
}

fn chaos(seeds: &str, steps: usize) -> u8 {
    let range = match klab::chaos::parse_seeds(seeds) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    if klab::chaos::sweep(range, steps, &mut std::io::stdout()) {
        OK
    } else {
        FAILED
    }
}

fn lessons(dir: &std::path::Path) -> u8 {
    let files = match suite::collect(&[dir.to_path_buf()]) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    for file in files {
        let Ok(source) = std::fs::read_to_string(&file) else {
            continue;
        };
        let (title, sections) = klab::lesson::outline(&source);
        println!(
            "{}  {}",
            file.display(),
            title.as_deref().unwrap_or("(no title)")
        );
        for s in sections {
            println!("    {s}");
        }
    }
    OK
}

fn bench(files: &[PathBuf], seed: u64, scale: i64) -> u8 {
    if let [file] = files {
        return match klab::bench::run(file, scale, seed) {
            Ok(figures) => {
                println!("{}", figures.line(&file.display().to_string(), scale));
                OK
            }
            Err(e) => {
                eprintln!("error: {e}");
                FAILED
            }
        };
    }
    // One process per scenario, so each peak-memory figure is its own.
    let Ok(exe) = std::env::current_exe() else {
        eprintln!("error: cannot find the klab executable to run each scenario");
        return USAGE;
    };
    let mut code = OK;
    for file in files {
        let status = std::process::Command::new(&exe)
            .args([
                "--seed",
                &seed.to_string(),
                "bench",
                "--scale",
                &scale.to_string(),
            ])
            .arg(file)
            .status();
        if !matches!(status, Ok(s) if s.success()) {
            code = FAILED;
        }
    }
    code
}

fn test(paths: &[PathBuf], seed: u64, limits: ScriptLimits, allow_read: Vec<PathBuf>) -> u8 {
    if let Some(bad) = allow_read.iter().find(|d| !d.is_dir()) {
        eprintln!("error: --allow-read {}: no such directory", bad.display());
        return USAGE;
    }
    let files = match suite::collect(paths) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    let options = SuiteOptions {
        seed,
        limits,
        timing: std::io::stdout().is_terminal(),
        allow_read,
    };
    let summary = suite::run(&files, &options, &Output::terminal());
    if summary.failed > 0 {
        FAILED
    } else {
        OK
    }
}
