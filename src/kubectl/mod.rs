//! kubectl: a command line → a `Command` (parse.rs, command.rs) → executed against the
//! cluster by one file per verb, output returned as text (never printed here).
//!
//! Output convention: `Ok` holds everything kubectl would print for a successful command,
//! stdout and stderr interleaved in the order kubectl prints them (warnings, and notices
//! such as `No resources found in default namespace.` that kubectl writes to stderr, are
//! included so learners see them), ending with a newline. `Err` holds the same transcript
//! up to the failure followed by kubectl's error text (no trailing newline): a command that
//! fails part-way (apply over several documents, delete of several names) still shows what
//! it did first.

pub mod command;
pub mod errors;
pub mod files;
pub mod parse;
pub mod resources;
pub mod suggest;

pub mod api_resources;
pub mod apply;
pub mod create;
pub mod create_cronjob;
pub mod create_job;
pub mod delete;
pub mod describe;
pub mod exec;
pub mod get;
pub mod label;
pub mod logs;
pub mod merge;
pub mod node_ops;
pub mod patch;
pub mod rollout;
pub mod scale;
pub mod set_image;
pub mod strategic;
pub mod wait;

#[cfg(test)]
mod tests;

use crate::cluster::Cluster;
use command::Command;
use errors::Failure;
use std::path::PathBuf;

/// Where a command runs from: relative `-f` paths resolve against `base_dir`; `stdin`
/// feeds `-f -`; `reads` says which files `-f` and `--patch-file` may open (a script's
/// folder only; unrestricted by default).
#[derive(Clone, Debug, Default)]
pub struct Env {
    pub base_dir: PathBuf,
    pub stdin: Option<String>,
    pub reads: crate::sandbox::ReadPolicy,
}

/// Runs one kubectl command line (with or without the leading `kubectl`). Ok is what kubectl
/// prints on stdout (warnings included, each on its own line); Err is what it prints on
/// failure (`Error from server (NotFound): …`, `error: …`).
pub fn run(cluster: &mut Cluster, line: &str, env: &Env) -> Result<String, String> {
    let invocation = command::parse_line(line)?;
    let mut ctx = Ctx::new(cluster, env, invocation.namespace);
    execute(&mut ctx, invocation.command);
    ctx.finish()
}

/// One `match` arm per verb: the extension point for verbs that arrive later.
fn execute(ctx: &mut Ctx, command: Command) {
    match command {
        Command::Apply(a) => apply::run(ctx, a),
        Command::Create {
            files,
            recursive,
            name_output,
        } => create::run_files(ctx, &files, recursive, name_output),
        Command::CreateNamespace { name } => create::run_namespace(ctx, &name),
        Command::CreateJob(a) => create_job::run(ctx, a),
        Command::CreateCronJob(a) => create_cronjob::run(ctx, a),
        Command::Get(a) => get::run(ctx, a),
        Command::Describe(a) => describe::run(ctx, a),
        Command::Delete(a) => delete::run(ctx, a),
        Command::Label(a) => label::run(ctx, a),
        Command::Patch(a) => patch::run(ctx, a),
        Command::Scale(a) => scale::run(ctx, a),
        Command::SetImage(a) => set_image::run(ctx, a),
        Command::RolloutRestart(t) => rollout::restart(ctx, t),
        Command::RolloutStatus(a) => rollout::status::run(ctx, a),
        Command::RolloutHistory(a) => rollout::history::run(ctx, a),
        Command::RolloutUndo(a) => rollout::undo::run(ctx, a),
        Command::Wait(a) => wait::run(ctx, a),
        Command::Logs(a) => logs::run(ctx, a),
        Command::Exec(a) => exec::run(ctx, a),
        Command::ApiResources(a) => api_resources::run(ctx, a),
        Command::Cordon {
            nodes,
            selector,
            cordon,
        } => node_ops::cordon(ctx, &nodes, selector.as_deref(), cordon),
        Command::Drain(a) => node_ops::drain(ctx, a),
        Command::Taint(a) => node_ops::taint(ctx, a),
        Command::NotYetAvailable { what } => ctx.fail(Failure::plain(format!(
            "{what} is not available yet in klab"
        ))),
    }
}

/// What a verb works with: the cluster, where it runs, the namespace in effect, and the
/// transcript being written.
pub struct Ctx<'a> {
    pub cluster: &'a mut Cluster,
    pub env: &'a Env,
    /// `-n`, else `default`.
    pub namespace: String,
    /// Whether `-n` was given (kubectl then rejects manifests naming another namespace).
    pub explicit_namespace: bool,
    out: String,
    failures: Vec<Failure>,
}

impl<'a> Ctx<'a> {
    pub fn new(cluster: &'a mut Cluster, env: &'a Env, namespace: Option<String>) -> Self {
        let explicit_namespace = namespace.is_some();
        Ctx {
            cluster,
            env,
            namespace: namespace.unwrap_or_else(|| "default".into()),
            explicit_namespace,
            out: String::new(),
            failures: Vec::new(),
        }
    }

    /// Appends text exactly as given.
    pub fn print(&mut self, text: &str) {
        self.out.push_str(text);
    }

    /// Appends one line (a newline is added).
    pub fn line(&mut self, text: impl AsRef<str>) {
        self.out.push_str(text.as_ref());
        self.out.push('\n');
    }

    /// Records a failure, rendered when the command ends (kubectl's CheckErr).
    pub fn fail(&mut self, failure: Failure) {
        self.failures.push(failure);
    }

    pub fn failed(&self) -> bool {
        !self.failures.is_empty()
    }

    /// Lets the controllers react to a change in the same instant, as a real control plane
    /// would before the next command.
    pub fn settle_instant(&mut self) {
        if let Err(e) = self.cluster.reconcile_now() {
            self.fail(Failure::plain(e.0));
        }
    }

    fn finish(self) -> Result<String, String> {
        if self.failures.is_empty() {
            Ok(self.out)
        } else {
            Err(format!("{}{}", self.out, errors::render(&self.failures)))
        }
    }
}
