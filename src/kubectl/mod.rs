//! kubectl: a command line → a `Command` → executed against the cluster, output returned as
//! text (never printed here). One file per verb.
//!
//! SKELETON: the kubectl work replaces this body; the signatures are the contract.

use crate::cluster::Cluster;
use std::path::PathBuf;

/// Where a command runs from: relative `-f` paths resolve against `base_dir`; `stdin`
/// feeds `-f -`.
#[derive(Clone, Debug, Default)]
pub struct Env {
    pub base_dir: PathBuf,
    pub stdin: Option<String>,
}

/// Runs one kubectl command line (with or without the leading `kubectl`). Ok is what kubectl
/// prints on stdout (warnings included, each on its own line); Err is what it prints on
/// failure (`Error from server (NotFound): …`, `error: …`).
pub fn run(cluster: &mut Cluster, line: &str, env: &Env) -> Result<String, String> {
    let _ = (cluster, line, env);
    Err("error: kubectl is not implemented yet".into())
}
