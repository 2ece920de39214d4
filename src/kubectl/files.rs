//! `-f FILE|DIR|-`: reading manifests as kubectl's resource builder does (a directory gives
//! its `.json`/`.yaml`/`.yml` files in lexical order, `-R` descends), then decoding each
//! document. Paths in messages are the ones the user typed.

use super::errors::Failure;
use super::Env;
use crate::api::manifest::{self, Decoded, DocError};
use crate::store::ApiError;
use std::path::{Path, PathBuf};

/// Extensions kubectl reads from a directory (`resource.FileExtensions`).
const EXTENSIONS: &[&str] = &["json", "yaml", "yml"];

/// One manifest source: the name kubectl shows (`x.yaml`, `dir/a.yaml`, `STDIN`) and its text.
#[derive(Clone, Debug)]
pub struct Source {
    pub name: String,
    pub text: String,
}

/// A decoded document and the source it came from.
#[derive(Clone, Debug)]
pub struct Doc {
    pub source: String,
    pub decoded: Decoded,
}

fn resolve(env: &Env, path: &str) -> PathBuf {
    let p = Path::new(path);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        env.base_dir.join(p)
    }
}

fn walk(
    dir: &Path,
    shown: &str,
    recursive: bool,
    out: &mut Vec<(PathBuf, String)>,
) -> Result<(), Failure> {
    let mut entries: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .map_err(|e| Failure::plain(format!("error reading {shown}: {e}")))?
        .filter_map(|e| e.ok())
        .map(|e| (e.file_name().to_string_lossy().to_string(), e.path()))
        .collect();
    entries.sort();
    for (name, path) in entries {
        let shown_child = format!("{}/{name}", shown.trim_end_matches('/'));
        // Like Go's filepath.Walk, a symlink to a directory is not followed: a link to a
        // parent would otherwise recurse forever.
        let is_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        if is_dir {
            if recursive {
                walk(&path, &shown_child, recursive, out)?;
            }
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if EXTENSIONS.contains(&ext) {
            out.push((path, shown_child));
        }
    }
    Ok(())
}

/// A manifest file's text, within the read policy and the size limit.
fn read_limited(env: &Env, path: &Path, shown: &str) -> Result<String, Failure> {
    env.reads
        .read_to_string(path, shown, crate::sandbox::MAX_READ_BYTES)
        .map_err(|e| Failure::plain(format!("error reading {shown}: {e}")))
}

/// Reads every `-f` argument into sources, in order.
pub fn read_sources(env: &Env, files: &[String], recursive: bool) -> Result<Vec<Source>, Failure> {
    let mut sources = Vec::new();
    for f in files {
        if f == "-" {
            let text = env
                .stdin
                .clone()
                .ok_or_else(|| Failure::plain("-f - reads standard input, and this command has none (in a script, use apply(yaml))"))?;
            sources.push(Source {
                name: "STDIN".into(),
                text,
            });
            continue;
        }
        if f.starts_with("http://") || f.starts_with("https://") {
            return Err(Failure::plain(format!(
                "klab cannot fetch {f}: it has no network; save the manifest to a file"
            )));
        }
        let path = resolve(env, f);
        if !path.exists() {
            return Err(Failure::plain(format!("the path \"{f}\" does not exist")));
        }
        // A script's `-f` stays under its folder; each file found is checked again, since
        // a symlink inside the folder may point outside it.
        env.reads.check(&path, f).map_err(Failure::plain)?;
        if path.is_dir() {
            let mut found = Vec::new();
            walk(&path, f, recursive, &mut found)?;
            for (p, shown) in found {
                let text = read_limited(env, &p, &shown)?;
                sources.push(Source { name: shown, text });
            }
        } else {
            let text = read_limited(env, &path, f)?;
            sources.push(Source {
                name: f.clone(),
                text,
            });
        }
    }
    Ok(sources)
}

/// One document of the input, in order: decoded, or refused by the server's strict decoding
/// (an unknown field, a wrong type), which kubectl reports when it sends that object.
#[derive(Clone, Debug)]
pub enum Item {
    Doc(Box<Doc>),
    Rejected {
        kind: crate::api::Kind,
        name: String,
        error: DocError,
    },
}

/// Reads and decodes every document. Client-side failures (unreadable YAML, a kind klab does
/// not serve) come back separately, as kubectl's builder reports them before acting; a
/// document after one that stops the stream is never read.
pub fn read_items(env: &Env, files: &[String], recursive: bool) -> (Vec<Item>, Vec<Failure>) {
    let sources = match read_sources(env, files, recursive) {
        Ok(s) => s,
        Err(f) => return (Vec::new(), vec![f]),
    };
    let mut items = Vec::new();
    let mut failures = Vec::new();
    for s in sources {
        for outcome in manifest::decode_each(&s.text, &s.name) {
            match outcome {
                Ok(d) => items.push(Item::Doc(Box::new(Doc {
                    source: s.name.clone(),
                    decoded: d,
                }))),
                Err(DocError::BadRequest {
                    kind,
                    name,
                    source,
                    reason,
                }) => items.push(Item::Rejected {
                    kind,
                    name: name.clone(),
                    error: DocError::BadRequest {
                        kind,
                        name,
                        source,
                        reason,
                    },
                }),
                // Without the `error: ` prefix: `errors::render` adds it when it stands alone.
                Err(e) => failures.push(Failure::plain(e.message("creating"))),
            }
        }
    }
    (items, failures)
}

/// The failure kubectl reports for a document the server refused, for the request it sent
/// (`creating`, `patching`).
pub fn rejected_failure(error: &DocError, verb: &str) -> Failure {
    match error {
        DocError::BadRequest { source, reason, .. } => Failure::api_with_source(
            ApiError::Other {
                reason: "BadRequest".into(),
                message: reason.clone(),
            },
            verb,
            source,
        ),
        other => Failure::plain(other.message(verb)),
    }
}

/// The namespace a decoded object goes to: its own, else `-n`, else `default`; kubectl
/// refuses a manifest whose namespace differs from an explicit `-n`.
pub fn namespace_for(
    obj: &crate::api::Object,
    ns: &str,
    explicit: bool,
) -> Result<String, Failure> {
    if !obj.kind().namespaced() {
        return Ok(String::new());
    }
    match obj.meta().namespace.as_deref().filter(|n| !n.is_empty()) {
        Some(own) if explicit && own != ns => Err(Failure::plain(format!(
            "the namespace from the provided object \"{own}\" does not match the namespace \"{ns}\". You must pass '--namespace={own}' to perform this operation."
        ))),
        Some(own) => Ok(own.to_string()),
        None => Ok(ns.to_string()),
    }
}
