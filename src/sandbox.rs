//! What a script may read. A lesson is someone else's code: it reads files only under its
//! own folder (and folders the user widened with `--allow-read`), never writes, runs
//! processes or opens connections (the script API has no function for any of those, and
//! the Rhai engine is built without file, process or network packages — see
//! `script/engine.rs`). Paths are canonicalized before the check, so `..` and symlinks
//! cannot lead outside.

use std::path::{Path, PathBuf};

/// Largest file a script or `kubectl -f` may read (16 MiB), so a lesson cannot exhaust
/// memory by pointing at a huge file.
pub const MAX_READ_BYTES: u64 = 16 * 1024 * 1024;

/// The folders reads may come from; `None` places no restriction (the REPL's own typing).
#[derive(Clone, Debug, Default)]
pub struct ReadPolicy {
    roots: Option<Vec<PathBuf>>,
}

impl ReadPolicy {
    /// No restriction.
    pub fn unrestricted() -> Self {
        ReadPolicy { roots: None }
    }

    /// Reads only under `folders` (each canonicalized now; one that does not exist allows
    /// nothing).
    pub fn only_under<'a>(folders: impl IntoIterator<Item = &'a Path>) -> Self {
        let roots = folders
            .into_iter()
            .filter_map(|f| f.canonicalize().ok())
            .collect();
        ReadPolicy { roots: Some(roots) }
    }

    pub fn is_restricted(&self) -> bool {
        self.roots.is_some()
    }

    /// The real path of `path` if it may be read: it exists, and (when restricted) it lies
    /// under one of the allowed folders after resolving `..` and symlinks. `shown` is the
    /// path as the user wrote it, for messages.
    pub fn check(&self, path: &Path, shown: &str) -> Result<PathBuf, String> {
        let real = path
            .canonicalize()
            .map_err(|e| format!("cannot read {shown}: {e}"))?;
        if let Some(roots) = &self.roots {
            if !roots.iter().any(|r| real.starts_with(r)) {
                let allowed: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
                return Err(format!(
                    "cannot read {shown}: it is outside the script's folder ({}); a script may \
                     only read files under its folder (widen with --allow-read DIR)",
                    allowed.join(", ")
                ));
            }
        }
        Ok(real)
    }

    /// The text of the regular file at `path` (checked as in `check`), refusing devices,
    /// pipes and files over `max_bytes`, which could block or exhaust memory.
    pub fn read_to_string(
        &self,
        path: &Path,
        shown: &str,
        max_bytes: u64,
    ) -> Result<String, String> {
        let real = self.check(path, shown)?;
        let meta = std::fs::metadata(&real).map_err(|e| format!("cannot read {shown}: {e}"))?;
        if !meta.is_file() {
            return Err(format!("cannot read {shown}: not a regular file"));
        }
        if meta.len() > max_bytes {
            return Err(format!(
                "cannot read {shown}: the file has {} bytes, more than the limit of {max_bytes}",
                meta.len()
            ));
        }
        std::fs::read_to_string(&real).map_err(|e| format!("cannot read {shown}: {e}"))
    }
}
