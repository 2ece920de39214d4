//! Scripts: the only module that knows Rhai. A `Session` is one Rhai engine with the script
//! API registered, a scope that persists between inputs (for the REPL), and the current
//! cluster, which every registered function shares and `cluster(...)` replaces.
//!
//! Files: `engine.rs` (limits, no wall clock), `api*.rs` (the script API of DESIGN.md),
//! `convert.rs` (JSON ↔ Rhai values), `report.rs` (how failures read).

pub mod api;
mod api_assert;
mod api_cluster;
mod api_cron;
mod api_objects;
mod api_runtime;
mod api_timeline;
pub mod convert;
pub mod docs;
pub mod engine;
pub mod report;

pub use engine::ScriptLimits;
pub use report::Failure;

use crate::cluster::{Cluster, ClusterConfig};
use crate::lesson::Lesson;
use crate::output::Output;
use crate::sim::{SimDuration, SimTime};
use rhai::{Dynamic, Engine, Scope, AST};
use std::cell::{RefCell, RefMut};
use std::path::PathBuf;
use std::rc::Rc;

/// How a session starts.
#[derive(Clone)]
pub struct SessionOptions {
    /// Seeds the default cluster (and any `cluster(...)` that names no seed).
    pub seed: u64,
    /// Where relative paths (`read_file`, `kubectl apply -f`) resolve: the script's folder,
    /// or the working directory in the REPL. `read_file` stays under it.
    pub base_dir: PathBuf,
    pub output: Output,
    pub limits: ScriptLimits,
    /// `klab run --step`: wait for Enter before each lesson cell.
    pub step: bool,
    /// Folders beyond `base_dir` that `read_file` and `kubectl -f` may read (`--allow-read`).
    pub allow_read: Vec<PathBuf>,
}

impl SessionOptions {
    pub fn new(seed: u64, base_dir: impl Into<PathBuf>, output: Output) -> Self {
        SessionOptions {
            seed,
            base_dir: base_dir.into(),
            output,
            limits: ScriptLimits::default(),
            step: false,
            allow_read: Vec::new(),
        }
    }

    /// What this session's scripts may read: `base_dir` and the `allow_read` folders.
    pub fn read_policy(&self) -> crate::sandbox::ReadPolicy {
        let folders = std::iter::once(self.base_dir.as_path())
            .chain(self.allow_read.iter().map(PathBuf::as_path));
        crate::sandbox::ReadPolicy::only_under(folders)
    }
}

/// What the registered functions share: the current cluster and where output goes.
pub(crate) struct Shared {
    pub cluster: RefCell<Cluster>,
    pub output: Output,
    pub seed: u64,
    /// Changes only while `:load` runs a file from another folder.
    pub base_dir: RefCell<PathBuf>,
    pub limits: ScriptLimits,
    pub step: bool,
    /// Which files `read_file` and `kubectl -f` may open.
    pub reads: crate::sandbox::ReadPolicy,
    /// The running lesson's prose blocks, and which were shown already.
    pub prose: RefCell<Vec<(String, bool)>>,
    /// Each prose block's code, shown before it runs in `klab run --step`.
    pub cell_code: RefCell<Vec<String>>,
    /// The learner pressed `q` in `klab run --step`: the run stopped on purpose.
    pub quit: std::cell::Cell<bool>,
    /// Cell boundaries, kept only for `klab run --html` (`Session::record_cells`).
    pub cells: RefCell<Option<crate::lesson::CellLog>>,
}

impl Shared {
    /// The current cluster, or an error if it is in use (a script function called back
    /// into the API while holding it — a bug, reported instead of a panic).
    pub fn cluster_mut(&self) -> Result<RefMut<'_, Cluster>, Box<rhai::EvalAltResult>> {
        self.cluster.try_borrow_mut().map_err(|_| {
            api::fail("internal error: the cluster is in use by another script function")
        })
    }

    /// A fresh cluster as `cluster()` makes it: the default one, seeded by the session.
    pub fn default_config(&self) -> ClusterConfig {
        ClusterConfig {
            seed: self.seed,
            ..ClusterConfig::default()
        }
    }
}

/// One script run or one REPL session.
pub struct Session {
    engine: Engine,
    scope: Scope<'static>,
    /// Functions defined by earlier REPL inputs.
    functions: AST,
    shared: Rc<Shared>,
}

impl Session {
    /// A session with a fresh default cluster seeded by `options.seed`.
    pub fn new(options: SessionOptions) -> Session {
        let reads = options.read_policy();
        let shared = Rc::new(Shared {
            cluster: RefCell::new(Cluster::new(ClusterConfig {
                seed: options.seed,
                ..ClusterConfig::default()
            })),
            output: options.output,
            seed: options.seed,
            base_dir: RefCell::new(options.base_dir),
            limits: options.limits,
            step: options.step,
            reads,
            prose: RefCell::new(Vec::new()),
            cell_code: RefCell::new(Vec::new()),
            quit: std::cell::Cell::new(false),
            cells: RefCell::new(None),
        });
        let mut engine = engine::new_engine(&shared.limits);
        api::register(&mut engine, &shared);
        Session {
            engine,
            scope: Scope::new(),
            functions: AST::empty(),
            shared,
        }
    }

    /// A session with its own engine and scope on an existing cluster (`r` in
    /// `klab run --step`: the REPL on the lesson's current state).
    pub(crate) fn attached(shared: Rc<Shared>) -> Session {
        let mut engine = engine::new_engine(&shared.limits);
        api::register(&mut engine, &shared);
        Session {
            engine,
            scope: Scope::new(),
            functions: AST::empty(),
            shared,
        }
    }

    /// From now on, keep what each lesson cell prints and its pods' lanes (the HTML
    /// notebook); the code before the first prose block is a cell of its own.
    pub fn record_cells(&self) {
        let mut log = crate::lesson::CellLog::default();
        let written = self.shared.output.written();
        log.enter(
            None,
            written,
            written,
            &self.shared.cluster.borrow(),
            &self.shared.output,
        );
        *self.shared.cells.borrow_mut() = Some(log);
    }

    /// The cells recorded since `record_cells`, the last one closed now.
    pub fn take_cells(&self) -> Vec<crate::lesson::CellRun> {
        let Some(mut log) = self.shared.cells.borrow_mut().take() else {
            return Vec::new();
        };
        log.finish(&self.shared.cluster.borrow(), &self.shared.output);
        log.cells
    }

    /// Whether the learner stopped the lesson (`q` in `klab run --step`).
    pub fn stopped_by_learner(&self) -> bool {
        self.shared.quit.get()
    }

    pub fn output(&self) -> &Output {
        &self.shared.output
    }

    pub fn seed(&self) -> u64 {
        self.shared.seed
    }

    /// The current simulated time.
    pub fn now(&self) -> SimTime {
        self.shared.cluster.borrow().now()
    }

    /// Simulated time since the current cluster started.
    pub fn elapsed(&self) -> SimDuration {
        let cluster = self.shared.cluster.borrow();
        cluster.now() - cluster.world.start
    }

    /// Direct access to the current cluster (tools and tests).
    pub fn with_cluster<R>(&self, f: impl FnOnce(&mut Cluster) -> R) -> R {
        f(&mut self.shared.cluster.borrow_mut())
    }

    /// Runs a whole script (a lesson or a plain Rhai file) named `file` in this session:
    /// prose cells are printed as execution reaches them. A failure carries the location,
    /// the simulated time and the command that replays it.
    pub fn run(&mut self, file: &str, source: &str) -> Result<Dynamic, Failure> {
        let lesson = Lesson::parse(source);
        let ast = self.compile_lesson(file, source, &lesson)?;
        *self.shared.prose.borrow_mut() = lesson
            .prose
            .iter()
            .map(|p| (p.text.clone(), false))
            .collect();
        *self.shared.cell_code.borrow_mut() = lesson.cell_code(source).1;
        let result = self
            .engine
            .eval_ast_with_scope::<Dynamic>(&mut self.scope, &ast);
        result.map_err(|err| {
            let failure = Failure::from_eval(&err, file, source, self.shared.limits.max_operations);
            Failure {
                time: Some((self.now(), self.elapsed())),
                replay: Some(report::replay_command(file, self.shared.seed)),
                ..failure
            }
        })
    }

    /// Compiles a lesson. Its prose lines became `__cell(N);` calls on the same lines, so
    /// positions in code lines are the user's. A syntax error on a prose line means the
    /// script is broken anyway (reported as the user wrote it) or a prose block sits
    /// inside an expression (reported as such).
    fn compile_lesson(&self, file: &str, source: &str, lesson: &Lesson) -> Result<AST, Failure> {
        match self.engine.compile(&lesson.code) {
            Ok(ast) => Ok(ast),
            Err(err) => {
                let on_prose = err
                    .1
                    .line()
                    .and_then(|l| lesson.prose.iter().find(|p| p.lines.contains(&l)));
                let Some(block) = on_prose else {
                    return Err(Failure::from_parse(&err, file, source));
                };
                if let Err(original) = self.engine.compile(source) {
                    return Err(Failure::from_parse(&original, file, source));
                }
                let column = source
                    .lines()
                    .nth(block.lines.start() - 1)
                    .map_or(1, |l| l.len() - l.trim_start().len() + 1);
                Err(Failure {
                    location: Some(Box::new(report::Location {
                        file: file.to_string(),
                        line: *block.lines.start(),
                        column,
                        source_line: source
                            .lines()
                            .nth(block.lines.start() - 1)
                            .map(str::to_string),
                    })),
                    ..Failure::message(
                        "a prose block (`//!` lines) sits inside an expression or a statement; \
                         prose may only stand between statements",
                    )
                })
            }
        }
    }

    /// Evaluates one REPL input: variables and functions persist between inputs.
    pub fn eval_input(&mut self, input: &str) -> Result<Dynamic, Failure> {
        let ast = self
            .engine
            .compile_with_scope(&self.scope, input)
            .map_err(|err| Failure::from_parse(&err, "<repl>", input))?;
        let combined = self.functions.merge(&ast);
        let result = self
            .engine
            .eval_ast_with_scope::<Dynamic>(&mut self.scope, &combined);
        self.functions = combined.clone_functions_only();
        result.map_err(|err| {
            let failure =
                Failure::from_eval(&err, "<repl>", input, self.shared.limits.max_operations);
            Failure {
                time: Some((self.now(), self.elapsed())),
                ..failure
            }
        })
    }

    /// Defines a constant every later script or input sees (`klab bench` passes `SCALE`).
    pub fn set_constant(&mut self, name: &str, value: rhai::INT) {
        self.scope.push_constant(name.to_string(), value);
    }

    /// The engine, to register tool-only functions (`klab bench` adds `lap`).
    pub fn engine_mut(&mut self) -> &mut Engine {
        &mut self.engine
    }

    /// Runs a kubectl command line against the current cluster; prints its output.
    pub fn kubectl(&mut self, line: &str) -> Result<String, String> {
        api::run_kubectl(&self.shared, line, None)
    }

    /// Every function a script can call, as signatures (`name(params) -> type`): the
    /// script API plus Rhai's standard library. The sandbox tests check it holds nothing
    /// that reaches files, processes or the network.
    pub fn function_signatures(&self) -> Vec<String> {
        self.engine.gen_fn_signatures(true)
    }

    /// A fresh default cluster and an empty scope (`:reset`).
    pub fn reset(&mut self) {
        *self.shared.cluster.borrow_mut() = Cluster::new(self.shared.default_config());
        self.scope = Scope::new();
        self.functions = AST::empty();
        self.shared.prose.borrow_mut().clear();
    }

    /// `:reset nodes`: a fresh default cluster with `nodes` nodes and an empty scope.
    pub fn reset_with_nodes(&mut self, nodes: usize) {
        self.reset();
        *self.shared.cluster.borrow_mut() = Cluster::new(ClusterConfig {
            nodes: (1..=nodes).map(|i| format!("node-{i}")).collect(),
            ..self.shared.default_config()
        });
    }

    /// Names of the script functions registered on this session's engine (sorted, unique,
    /// internal `__` helpers left out): what `:help` and completion must cover.
    pub fn function_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .engine
            .gen_fn_signatures(false)
            .iter()
            .filter_map(|sig| sig.split('(').next())
            .map(|n| n.trim_start_matches("fn ").trim().to_string())
            .filter(|n| !n.starts_with("__") && !n.is_empty())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Names of the variables in the REPL's scope (for completion).
    pub fn variable_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.scope.iter().map(|(n, _, _)| n.to_string()).collect();
        names.sort();
        names.dedup();
        names
    }

    /// Where relative paths resolve.
    pub fn base_dir(&self) -> PathBuf {
        self.shared.base_dir.borrow().clone()
    }

    /// `:load FILE`: runs a lesson or script into this session (its variables stay in the
    /// scope), with its paths relative to its own folder for the run.
    pub fn load(&mut self, path: &std::path::Path) -> Result<(), Failure> {
        let path = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.base_dir().join(path)
        };
        let source = std::fs::read_to_string(&path)
            .map_err(|e| Failure::message(format!("cannot read {}: {e}", path.display())))?;
        let folder = path
            .parent()
            .map(PathBuf::from)
            .unwrap_or_else(|| self.base_dir());
        let saved = self.shared.base_dir.replace(folder);
        let result = self.run(&path.display().to_string(), &source);
        *self.shared.base_dir.borrow_mut() = saved;
        result.map(|_| ())
    }

    /// Whether `input` is an unfinished Rhai block (an open brace, bracket, parenthesis or
    /// backtick string at the end), so the REPL should read another line.
    pub fn is_incomplete(&self, input: &str) -> bool {
        is_incomplete(&self.engine, input)
    }
}

/// See `Session::is_incomplete`; usable with any engine (the REPL's line validator).
pub fn is_incomplete(engine: &Engine, input: &str) -> bool {
    let Err(err) = engine.compile(input) else {
        return false;
    };
    let Some(line) = err.1.line() else {
        return false;
    };
    let column = err.1.position().unwrap_or(1);
    use rhai::{LexError, ParseErrorType};
    match &*err.0 {
        // An open backtick string may continue on the next line; a quoted one may not.
        ParseErrorType::BadInput(LexError::UnterminatedString) => {
            input
                .lines()
                .nth(line - 1)
                .and_then(|l| l.chars().nth(column - 1))
                == Some('`')
        }
        ParseErrorType::UnexpectedEOF | ParseErrorType::MissingToken(..) => {
            at_end(input, line, column)
        }
        _ => false,
    }
}

/// Whether (line, column) is at or past the last non-blank character of `input`.
fn at_end(input: &str, line: usize, column: usize) -> bool {
    let trimmed = input.trim_end();
    let last_line = trimmed.lines().count().max(1);
    let last_len = trimmed.lines().last().map_or(0, |l| l.chars().count());
    line > last_line || (line == last_line && column > last_len)
}

#[cfg(test)]
mod tests;
