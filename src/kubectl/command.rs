//! A command line → a `Command`: the verb found (with cobra's "did you mean"), its flags
//! parsed and checked, and the client-side validation kubectl does before talking to the
//! server (`error: at least one label update is required`, …). Nothing here touches the
//! cluster.

use super::parse::{self, flag, FlagKind, FlagSpec, Parsed, GLOBAL_FLAGS};
use super::suggest;

/// How `-f`/`-l`/`--all` and positional arguments name the objects a verb acts on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Targets {
    /// `TYPE [NAME…]`, `TYPE/NAME…`, `TYPE1,TYPE2`.
    pub args: Vec<String>,
    pub files: Vec<String>,
    pub recursive: bool,
    pub selector: Option<String>,
    pub all: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ApplyArgs {
    pub files: Vec<String>,
    pub recursive: bool,
    /// `-o name`.
    pub name_output: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GetArgs {
    pub targets: Targets,
    pub output: Output,
    pub show_labels: bool,
    pub no_headers: bool,
    pub watch: bool,
    pub all_namespaces: bool,
    pub ignore_not_found: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    Table,
    Wide,
    Yaml,
    Json,
    Name,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DescribeArgs {
    pub targets: Targets,
    pub all_namespaces: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cascade {
    Background,
    Foreground,
    Orphan,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DeleteArgs {
    pub targets: Targets,
    pub all_namespaces: bool,
    pub cascade: Cascade,
    /// After kubectl's rules: `-1` = the object's default; `--grace-period=0` without
    /// `--force` is 1; `--force` alone is 0; `--now` is 1.
    pub grace_period: i64,
    pub force: bool,
    pub wait: bool,
    /// `--timeout` in ms; 0 = kubectl's "a week".
    pub timeout_ms: i64,
    pub ignore_not_found: bool,
    pub name_output: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LabelArgs {
    /// `annotate` rather than `label`.
    pub annotate: bool,
    pub targets: Targets,
    pub all_namespaces: bool,
    pub set: Vec<(String, String)>,
    pub remove: Vec<String>,
    pub overwrite: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchType {
    Strategic,
    Merge,
    Json,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PatchArgs {
    pub targets: Targets,
    pub patch: Option<String>,
    pub patch_file: Option<String>,
    pub patch_type: PatchType,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SetImageArgs {
    pub targets: Targets,
    /// `CONTAINER=IMAGE` pairs in the order given; `*` names every container.
    pub images: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ScaleArgs {
    pub targets: Targets,
    pub replicas: i64,
    pub current_replicas: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum WaitFor {
    Delete,
    /// `condition=Ready`, `condition=Ready=false`.
    Condition {
        name: String,
        value: String,
    },
    /// `jsonpath={.status.phase}=Running` (value `None`: the path must merely exist).
    JsonPath {
        path: String,
        value: Option<String>,
    },
    Create,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WaitArgs {
    pub targets: Targets,
    pub all_namespaces: bool,
    pub for_: WaitFor,
    pub timeout_ms: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LogsArgs {
    pub target: String,
    pub container: Option<String>,
    pub previous: bool,
    pub tail: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExecArgs {
    pub target: String,
    pub container: Option<String>,
    pub argv: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ApiResourcesArgs {
    pub namespaced: Option<bool>,
    pub output: Option<String>,
    pub no_headers: bool,
    pub api_group: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DrainArgs {
    pub node: String,
    pub ignore_daemonsets: bool,
    pub force: bool,
    pub delete_emptydir_data: bool,
    pub disable_eviction: bool,
    pub grace_period: i64,
    pub timeout_ms: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TaintArgs {
    pub nodes: Vec<String>,
    pub selector: Option<String>,
    pub all: bool,
    /// `key=value:Effect` / `key:Effect` to add.
    pub add: Vec<String>,
    /// `key:Effect-` / `key-` to remove (the text without the trailing `-`).
    pub remove: Vec<String>,
    pub overwrite: bool,
}

/// A parsed, validated kubectl command.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Apply(ApplyArgs),
    Create {
        files: Vec<String>,
        recursive: bool,
        name_output: bool,
    },
    CreateNamespace {
        name: String,
    },
    CreateJob(super::create_job::CreateJobArgs),
    CreateCronJob(super::create_cronjob::CreateCronJobArgs),
    Get(GetArgs),
    Describe(DescribeArgs),
    Delete(DeleteArgs),
    Label(LabelArgs),
    Patch(PatchArgs),
    Scale(ScaleArgs),
    SetImage(SetImageArgs),
    RolloutRestart(Targets),
    RolloutStatus(super::rollout::StatusArgs),
    RolloutHistory(super::rollout::HistoryArgs),
    RolloutUndo(super::rollout::UndoArgs),
    Wait(WaitArgs),
    Logs(LogsArgs),
    Exec(ExecArgs),
    ApiResources(ApiResourcesArgs),
    Cordon {
        nodes: Vec<String>,
        selector: Option<String>,
        cordon: bool,
    },
    Drain(DrainArgs),
    Taint(TaintArgs),
    /// A kubectl command klab parses but whose controller support comes later
    /// (`rollout pause`, `set env`).
    NotYetAvailable {
        what: String,
    },
}

/// A command plus the namespace flag (`-n`), if given.
#[derive(Clone, Debug, PartialEq)]
pub struct Invocation {
    pub command: Command,
    pub namespace: Option<String>,
}

// ---- flag tables ---------------------------------------------------------------------

use FlagKind::{Bool, Duration, Int, Str, StrSlice};

const FILENAME: FlagSpec = flag("filename", Some('f'), StrSlice);
const RECURSIVE: FlagSpec = flag("recursive", Some('R'), Bool);
const SELECTOR: FlagSpec = flag("selector", Some('l'), Str);
const ALL_NAMESPACES: FlagSpec = flag("all-namespaces", Some('A'), Bool);
const OUTPUT: FlagSpec = flag("output", Some('o'), Str);
const ALL: FlagSpec = flag("all", None, Bool);
const OVERWRITE: FlagSpec = flag("overwrite", None, Bool);

const APPLY_FLAGS: &[FlagSpec] = &[FILENAME, RECURSIVE, OUTPUT];
const CREATE_FLAGS: &[FlagSpec] = &[FILENAME, RECURSIVE, OUTPUT];
const GET_FLAGS: &[FlagSpec] = &[
    FILENAME,
    RECURSIVE,
    SELECTOR,
    ALL_NAMESPACES,
    OUTPUT,
    flag("watch", Some('w'), Bool),
    flag("show-labels", None, Bool),
    flag("no-headers", None, Bool),
    flag("ignore-not-found", None, Bool),
];
const DESCRIBE_FLAGS: &[FlagSpec] = &[FILENAME, RECURSIVE, SELECTOR, ALL_NAMESPACES];
const DELETE_FLAGS: &[FlagSpec] = &[
    FILENAME,
    RECURSIVE,
    SELECTOR,
    ALL_NAMESPACES,
    ALL,
    OUTPUT,
    FlagSpec {
        long: "cascade",
        short: None,
        kind: Str,
        no_opt_default: Some("background"),
    },
    flag("grace-period", None, Int),
    flag("force", None, Bool),
    flag("wait", None, Bool),
    flag("now", None, Bool),
    flag("timeout", None, Duration),
    flag("ignore-not-found", None, Bool),
];
const LABEL_FLAGS: &[FlagSpec] = &[
    FILENAME,
    RECURSIVE,
    SELECTOR,
    ALL_NAMESPACES,
    ALL,
    OVERWRITE,
];
const PATCH_FLAGS: &[FlagSpec] = &[
    FILENAME,
    RECURSIVE,
    flag("patch", Some('p'), Str),
    flag("patch-file", None, Str),
    flag("type", None, Str),
];
const SCALE_FLAGS: &[FlagSpec] = &[
    FILENAME,
    RECURSIVE,
    SELECTOR,
    ALL,
    flag("replicas", None, Int),
    flag("current-replicas", None, Int),
];
const WAIT_FLAGS: &[FlagSpec] = &[
    FILENAME,
    RECURSIVE,
    SELECTOR,
    ALL_NAMESPACES,
    ALL,
    flag("for", None, Str),
    flag("timeout", None, Duration),
];
const LOGS_FLAGS: &[FlagSpec] = &[
    flag("container", Some('c'), Str),
    flag("previous", Some('p'), Bool),
    flag("tail", None, Int),
];
const EXEC_FLAGS: &[FlagSpec] = &[
    flag("container", Some('c'), Str),
    // Accepted for `kubectl exec -it POD -- CMD`: klab runs the command non-interactively,
    // which prints the same output for commands that do not read a terminal.
    flag("stdin", Some('i'), Bool),
    flag("tty", Some('t'), Bool),
];
const API_RESOURCES_FLAGS: &[FlagSpec] = &[
    flag("namespaced", None, Bool),
    OUTPUT,
    flag("no-headers", None, Bool),
    flag("api-group", None, Str),
];
const CORDON_FLAGS: &[FlagSpec] = &[SELECTOR];
const DRAIN_FLAGS: &[FlagSpec] = &[
    flag("ignore-daemonsets", None, Bool),
    flag("force", None, Bool),
    flag("delete-emptydir-data", None, Bool),
    flag("disable-eviction", None, Bool),
    flag("grace-period", None, Int),
    flag("timeout", None, Duration),
];
const TAINT_FLAGS: &[FlagSpec] = &[SELECTOR, ALL, OVERWRITE];
const CREATE_NAMESPACE_FLAGS: &[FlagSpec] = &[];
const SET_IMAGE_FLAGS: &[FlagSpec] = &[SELECTOR, ALL];
const NO_FLAGS: &[FlagSpec] = &[];

/// Flags real kubectl 1.32 has for a command (from `kubectl <cmd> --help`). A flag klab does
/// not implement but kubectl has gets "not supported by klab" instead of "unknown flag".
const REAL_FLAGS: &[(&str, &str)] = &[
    ("apply", "all allow-missing-template-keys cascade dry-run field-manager filename force force-conflicts grace-period kustomize openapi-patch output overwrite prune prune-allowlist recursive selector server-side show-managed-fields subresource template timeout validate wait"),
    ("create", "allow-missing-template-keys dry-run edit field-manager filename kustomize output raw recursive save-config selector show-managed-fields template validate windows-line-endings"),
    ("get", "all-namespaces allow-missing-template-keys chunk-size field-selector filename ignore-not-found kustomize label-columns no-headers output output-watch-events raw recursive selector server-print show-kind show-labels show-managed-fields sort-by subresource template watch watch-only"),
    ("describe", "all-namespaces chunk-size filename kustomize recursive selector show-events"),
    ("delete", "all all-namespaces cascade dry-run field-selector filename force grace-period ignore-not-found interactive kustomize now output raw recursive selector timeout wait"),
    ("label", "all all-namespaces allow-missing-template-keys dry-run field-manager field-selector filename kustomize list local output overwrite recursive resource-version selector show-managed-fields template"),
    ("annotate", "all all-namespaces allow-missing-template-keys dry-run field-manager field-selector filename kustomize list local output overwrite recursive resource-version selector show-managed-fields template"),
    ("patch", "allow-missing-template-keys dry-run field-manager filename kustomize local output patch patch-file recursive show-managed-fields subresource template type"),
    ("scale", "all allow-missing-template-keys current-replicas dry-run filename kustomize output recursive replicas resource-version selector show-managed-fields template timeout"),
    ("wait", "all all-namespaces allow-missing-template-keys field-selector filename for local output recursive selector show-managed-fields template timeout"),
    ("logs", "all-containers all-pods container follow ignore-errors insecure-skip-tls-verify-backend limit-bytes max-log-requests pod-running-timeout prefix previous selector since since-time tail timestamps"),
    ("exec", "container filename pod-running-timeout quiet stdin tty"),
    ("api-resources", "api-group cached categories namespaced no-headers output sort-by verbs"),
    ("cordon", "dry-run selector"),
    ("uncordon", "dry-run selector"),
    ("drain", "chunk-size delete-emptydir-data disable-eviction dry-run force grace-period ignore-daemonsets pod-selector selector skip-wait-for-delete-timeout timeout"),
    ("taint", "all allow-missing-template-keys dry-run field-manager output overwrite selector show-managed-fields template validate"),
    ("create namespace", "allow-missing-template-keys dry-run field-manager output save-config show-managed-fields template validate"),
    ("create job", super::create_job::REAL_FLAGS),
    ("create cronjob", super::create_cronjob::REAL_FLAGS),
    ("rollout status", super::rollout::STATUS_REAL_FLAGS),
    ("rollout history", super::rollout::HISTORY_REAL_FLAGS),
    ("rollout undo", super::rollout::UNDO_REAL_FLAGS),
];

fn flags_for(path: &str) -> &'static [FlagSpec] {
    match path {
        "apply" => APPLY_FLAGS,
        "create" => CREATE_FLAGS,
        "get" => GET_FLAGS,
        "describe" => DESCRIBE_FLAGS,
        "delete" => DELETE_FLAGS,
        "label" | "annotate" => LABEL_FLAGS,
        "patch" => PATCH_FLAGS,
        "scale" => SCALE_FLAGS,
        "wait" => WAIT_FLAGS,
        "logs" => LOGS_FLAGS,
        "exec" => EXEC_FLAGS,
        "api-resources" => API_RESOURCES_FLAGS,
        "cordon" | "uncordon" => CORDON_FLAGS,
        "drain" => DRAIN_FLAGS,
        "taint" => TAINT_FLAGS,
        "create namespace" => CREATE_NAMESPACE_FLAGS,
        "create job" => super::create_job::FLAGS,
        "create cronjob" => super::create_cronjob::FLAGS,
        "set image" | "rollout restart" => SET_IMAGE_FLAGS,
        "rollout status" => super::rollout::STATUS_FLAGS,
        "rollout history" => super::rollout::HISTORY_FLAGS,
        "rollout undo" => super::rollout::UNDO_FLAGS,
        _ => NO_FLAGS,
    }
}

/// Parses the words after the verb for `path` (`get`, `create namespace`).
fn parse_for(path: &str, words: &[String]) -> Result<Parsed, String> {
    parse::parse_flags(words, &[flags_for(path), GLOBAL_FLAGS]).map_err(|e| {
        let cmd = format!("kubectl {path}");
        if let Some(name) = e.0.strip_prefix("unknown flag: --") {
            let real = REAL_FLAGS
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, f)| *f)
                .unwrap_or("");
            if real.split(' ').any(|f| f == name) {
                return format!("error: klab does not support the --{name} flag of {cmd}");
            }
        }
        suggest::flag_error(&e.0, &cmd)
    })
}

/// Where subcommand lookup starts: the first word that is not a flag or a flag's value.
fn first_positional(words: &[String]) -> Option<usize> {
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if w == "--" {
            return None;
        }
        if !w.starts_with('-') || w == "-" {
            return Some(i);
        }
        // `-n ns`, `-f file`, `-o x`: these take the next word.
        if matches!(
            w.as_str(),
            "-n" | "--namespace" | "-f" | "--filename" | "-o" | "--output" | "-l" | "--selector"
        ) {
            i += 1;
        }
        i += 1;
    }
    None
}

/// Parses one kubectl command line.
pub fn parse_line(line: &str) -> Result<Invocation, String> {
    let words = parse::tokenize(line)?;
    let (rest, globals) =
        parse::split_leading_globals(&words).map_err(|e| suggest::flag_error(&e.0, "kubectl"))?;
    let Some(verb) = rest.first().cloned() else {
        return Err("error: no command given (for example: kubectl get pods)".into());
    };
    let mut tail: Vec<String> = globals;
    tail.extend(rest[1..].iter().cloned());
    let command_words = &tail;

    let (command, parsed) = match verb.as_str() {
        "apply" => {
            let p = parse_for("apply", command_words)?;
            (build_apply(&p)?, p)
        }
        "create" => return parse_create(command_words),
        "get" => {
            let p = parse_for("get", command_words)?;
            (build_get(&p)?, p)
        }
        "describe" => {
            let p = parse_for("describe", command_words)?;
            (build_describe(&p)?, p)
        }
        "delete" => {
            let p = parse_for("delete", command_words)?;
            (build_delete(&p)?, p)
        }
        "label" | "annotate" => {
            let p = parse_for(&verb, command_words)?;
            (build_label(&p, verb == "annotate")?, p)
        }
        "patch" => {
            let p = parse_for("patch", command_words)?;
            (build_patch(&p)?, p)
        }
        "scale" => {
            let p = parse_for("scale", command_words)?;
            (build_scale(&p)?, p)
        }
        "wait" => {
            let p = parse_for("wait", command_words)?;
            (build_wait(&p)?, p)
        }
        "logs" => {
            let p = parse_for("logs", command_words)?;
            (build_logs(&p)?, p)
        }
        "exec" => {
            let p = parse_for("exec", command_words)?;
            (build_exec(&p)?, p)
        }
        "api-resources" => {
            let p = parse_for("api-resources", command_words)?;
            (build_api_resources(&p)?, p)
        }
        "cordon" | "uncordon" => {
            let p = parse_for(&verb, command_words)?;
            (build_cordon(&p, verb == "cordon")?, p)
        }
        "drain" => {
            let p = parse_for("drain", command_words)?;
            (build_drain(&p)?, p)
        }
        "taint" => {
            let p = parse_for("taint", command_words)?;
            (build_taint(&p)?, p)
        }
        "rollout" => return parse_rollout(command_words),
        "set" if first_positional(command_words).is_some_and(|i| command_words[i] == "image") => {
            let mut rest = command_words.clone();
            rest.remove(first_positional(command_words).unwrap_or(0));
            let p = parse_for("set image", &rest)?;
            (build_set_image(&p)?, p)
        }
        "set" => {
            return parse_later(
                command_words,
                "set",
                &[
                    "env",
                    "image",
                    "resources",
                    "selector",
                    "serviceaccount",
                    "subject",
                ],
            )
        }
        v if suggest::KUBECTL_COMMANDS.contains(&v) => {
            return Err(format!("error: kubectl {v} is not available in klab"));
        }
        v => {
            return Err(suggest::unknown_command(
                v,
                "kubectl",
                suggest::KUBECTL_COMMANDS,
            ))
        }
    };
    Ok(Invocation {
        command,
        namespace: parsed.value("namespace").map(|s| s.to_string()),
    })
}

/// `create -f` or `create SUBCOMMAND …`.
fn parse_create(words: &[String]) -> Result<Invocation, String> {
    const SUBCOMMANDS: &[&str] = &[
        "clusterrole",
        "clusterrolebinding",
        "configmap",
        "cronjob",
        "deployment",
        "ingress",
        "job",
        "namespace",
        "poddisruptionbudget",
        "priorityclass",
        "quota",
        "role",
        "rolebinding",
        "secret",
        "service",
        "serviceaccount",
        "token",
    ];
    if let Some(i) = first_positional(words) {
        let sub = words[i].as_str();
        let canonical = match sub {
            "ns" => "namespace",
            "cj" => "cronjob",
            "deploy" => "deployment",
            "cm" => "configmap",
            "svc" => "service",
            "sa" => "serviceaccount",
            "pdb" => "poddisruptionbudget",
            "pc" => "priorityclass",
            "resourcequota" => "quota",
            "ing" => "ingress",
            s => s,
        };
        if SUBCOMMANDS.contains(&canonical) {
            let mut rest = words.to_vec();
            rest.remove(i);
            return match canonical {
                "namespace" => {
                    let p = parse_for("create namespace", &rest)?;
                    let name = match p.args.as_slice() {
                        [n] => n.clone(),
                        other => {
                            return Err(suggest::usage_error(
                                &format!("exactly one NAME is required, got {}", other.len()),
                                "kubectl create namespace",
                            ))
                        }
                    };
                    Ok(Invocation {
                        command: Command::CreateNamespace { name },
                        namespace: p.value("namespace").map(Into::into),
                    })
                }
                "job" => {
                    let p = parse_for("create job", &rest)?;
                    Ok(Invocation {
                        command: Command::CreateJob(super::create_job::parse(&p)?),
                        namespace: p.value("namespace").map(Into::into),
                    })
                }
                "cronjob" => {
                    let p = parse_for("create cronjob", &rest)?;
                    Ok(Invocation {
                        command: Command::CreateCronJob(super::create_cronjob::parse(&p)?),
                        namespace: p.value("namespace").map(Into::into),
                    })
                }
                other => Err(format!(
                    "error: kubectl create {other} is not available in klab"
                )),
            };
        }
    }
    let p = parse_for("create", words)?;
    if !p.args.is_empty() {
        return Err(suggest::usage_error(
            &format!("Unexpected args: [{}]", p.args.join(" ")),
            "kubectl create",
        ));
    }
    let files = p.values("filename");
    if files.is_empty() {
        return Err("error: must specify one of -f and -k".into());
    }
    let name_output = check_name_output(&p)?;
    Ok(Invocation {
        command: Command::Create {
            files,
            recursive: p.bool("recursive"),
            name_output,
        },
        namespace: p.value("namespace").map(Into::into),
    })
}

/// `rollout restart|status|history|undo …`; `pause`/`resume` (Deployments only) come later.
fn parse_rollout(words: &[String]) -> Result<Invocation, String> {
    const SUBCOMMANDS: &[&str] = &["history", "pause", "restart", "resume", "status", "undo"];
    let at = first_positional(words);
    let sub = at.map(|i| words[i].as_str());
    let (Some(i), Some(sub @ ("restart" | "status" | "history" | "undo"))) = (at, sub) else {
        return parse_later(words, "rollout", SUBCOMMANDS);
    };
    let path = format!("rollout {sub}");
    let mut rest = words.to_vec();
    rest.remove(i);
    let p = parse_for(&path, &rest)?;
    let t = targets(&p);
    let command = match sub {
        "restart" => Command::RolloutRestart(super::rollout::parse_restart(t)?),
        "status" => Command::RolloutStatus(super::rollout::parse_status(&p, t)?),
        "history" => Command::RolloutHistory(super::rollout::parse_history(&p, t)?),
        _ => Command::RolloutUndo(super::rollout::parse_undo(&p, t)?),
    };
    Ok(Invocation {
        command,
        namespace: p.value("namespace").map(Into::into),
    })
}

/// `rollout …` / `set …`: parsed so the command tree is complete; run later.
fn parse_later(words: &[String], verb: &str, subs: &[&str]) -> Result<Invocation, String> {
    let Some(i) = first_positional(words) else {
        return Err(format!(
            "error: kubectl {verb} needs a subcommand: {}",
            subs.join(", ")
        ));
    };
    let sub = words[i].as_str();
    if !subs.contains(&sub) {
        return Err(suggest::unknown_command(
            sub,
            &format!("kubectl {verb}"),
            subs,
        ));
    }
    Ok(Invocation {
        command: Command::NotYetAvailable {
            what: format!("{verb} {sub}"),
        },
        namespace: None,
    })
}

fn targets(p: &Parsed) -> Targets {
    Targets {
        args: p.args.clone(),
        files: p.values("filename"),
        recursive: p.bool("recursive"),
        selector: p.value("selector").map(|s| s.to_string()),
        all: p.bool("all"),
    }
}

fn check_name_output(p: &Parsed) -> Result<bool, String> {
    match p.value("output") {
        None | Some("") => Ok(false),
        Some("name") => Ok(true),
        Some(other) => Err(format!(
            "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: name (klab)"
        )),
    }
}

fn build_apply(p: &Parsed) -> Result<Command, String> {
    let files = p.values("filename");
    if files.is_empty() {
        return Err("error: must specify one of -f and -k".into());
    }
    if !p.args.is_empty() {
        return Err(suggest::usage_error(
            &format!("Unexpected args: [{}]", p.args.join(" ")),
            "kubectl apply",
        ));
    }
    Ok(Command::Apply(ApplyArgs {
        files,
        recursive: p.bool("recursive"),
        name_output: check_name_output(p)?,
    }))
}

/// The builder's usage error when no resources are named.
const NO_RESOURCES: &str = "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

const OUTPUT_FORMATS: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

fn build_get(p: &Parsed) -> Result<Command, String> {
    let output = match p.value("output").unwrap_or("") {
        "" => Output::Table,
        "wide" => Output::Wide,
        "yaml" => Output::Yaml,
        "json" => Output::Json,
        "name" => Output::Name,
        f if OUTPUT_FORMATS.split(',').any(|x| f == x || f.starts_with(&format!("{x}="))) => {
            return Err(format!("error: klab does not support -o {f} (it prints wide, yaml, json and name)"))
        }
        f => {
            return Err(format!(
                "error: unable to match a printer suitable for the output format \"{f}\", allowed formats are: {OUTPUT_FORMATS}"
            ))
        }
    };
    if p.bool("show-labels") && !matches!(output, Output::Table | Output::Wide) {
        return Err(format!(
            "error: --show-labels option cannot be used with {} printer",
            p.value("output").unwrap_or("")
        ));
    }
    let t = targets(p);
    if t.args.is_empty() && t.files.is_empty() {
        return Err("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples".into());
    }
    Ok(Command::Get(GetArgs {
        targets: t,
        output,
        show_labels: p.bool("show-labels"),
        no_headers: p.bool("no-headers"),
        watch: p.bool("watch"),
        all_namespaces: p.bool("all-namespaces"),
        ignore_not_found: p.bool("ignore-not-found"),
    }))
}

fn build_describe(p: &Parsed) -> Result<Command, String> {
    let t = targets(p);
    if t.args.is_empty() && t.files.is_empty() {
        return Err("error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.".into());
    }
    Ok(Command::Describe(DescribeArgs {
        targets: t,
        all_namespaces: p.bool("all-namespaces"),
    }))
}

fn build_delete(p: &Parsed) -> Result<Command, String> {
    let cascade = match p.value("cascade").unwrap_or("background") {
        "background" | "true" => Cascade::Background,
        "foreground" => Cascade::Foreground,
        "orphan" | "false" => Cascade::Orphan,
        other => {
            return Err(format!(
                "error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""
            ))
        }
    };
    let name_output = match p.value("output") {
        None | Some("") => false,
        Some("name") => true,
        Some(other) => {
            return Err(format!(
                "error: unexpected -o output mode: {other}. We only support '-o name'"
            ))
        }
    };
    let force = p.bool("force");
    let mut grace = p.int("grace-period").unwrap_or(-1);
    if p.bool("now") {
        if grace != -1 {
            return Err("error: --now and --grace-period cannot be specified together".into());
        }
        grace = 1;
    }
    if grace == 0 && !force {
        // kubectl: "To preserve backwards compatibility, but prevent accidental data loss".
        grace = 1;
    }
    if force && grace < 0 {
        grace = 0;
    }
    let t = targets(p);
    if t.all && t.selector.is_some() {
        return Err("error: cannot set --all and --selector at the same time".into());
    }
    if force && grace > 0 {
        return Err(
            "error: --force and --grace-period greater than 0 cannot be specified together".into(),
        );
    }
    if t.args.is_empty() && t.files.is_empty() {
        return Err(NO_RESOURCES.into());
    }
    let wait = p.value("wait").map(|v| v == "true").unwrap_or(true);
    Ok(Command::Delete(DeleteArgs {
        targets: t,
        all_namespaces: p.bool("all-namespaces"),
        cascade,
        grace_period: grace,
        force,
        wait,
        timeout_ms: p
            .value("timeout")
            .and_then(|v| parse::parse_go_duration(v).ok())
            .unwrap_or(0),
        ignore_not_found: p.bool("ignore-not-found"),
        name_output,
    }))
}

/// kubectl's `GetResourcesAndPairs`: arguments up to the first `k=v`/`k-` are resources.
fn split_pairs(args: &[String], what: &str) -> Result<(Vec<String>, Vec<String>), String> {
    let mut resources = Vec::new();
    let mut pairs = Vec::new();
    let mut first_pair = false;
    for a in args {
        let is_pair = a.contains('=') || a.ends_with('-');
        if is_pair {
            first_pair = true;
            pairs.push(a.clone());
        } else if first_pair {
            return Err(format!(
                "error: all resources must be specified before {what} changes: {a}"
            ));
        } else {
            resources.push(a.clone());
        }
    }
    Ok((resources, pairs))
}

fn build_label(p: &Parsed, annotate: bool) -> Result<Command, String> {
    let what = if annotate { "annotation" } else { "label" };
    let (resources, pairs) = split_pairs(&p.args, what)?;
    let mut set: Vec<(String, String)> = Vec::new();
    let mut remove = Vec::new();
    for spec in &pairs {
        if let Some((k, v)) = spec.split_once('=') {
            if annotate {
                if k.is_empty() {
                    return Err(format!("error: invalid annotation format: {spec}"));
                }
            } else {
                if v.contains('=') {
                    return Err(format!("error: invalid label spec: {spec}"));
                }
                if let Some(problem) = label_value_problem(v) {
                    return Err(format!("error: invalid label value: \"{spec}\": {problem}"));
                }
            }
            set.retain(|(key, _)| key != k);
            set.push((k.to_string(), v.to_string()));
        } else if let Some(k) = spec.strip_suffix('-') {
            remove.push(k.to_string());
        } else {
            return Err(format!("error: unknown {what} spec: {spec}"));
        }
    }
    let both: Vec<&String> = remove
        .iter()
        .filter(|r| set.iter().any(|(k, _)| k == *r))
        .collect();
    if !both.is_empty() {
        return Err(if annotate {
            format!(
                "error: can not both modify and remove the following annotation(s) in the same command: {}",
                both.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            )
        } else {
            "error: can not both modify and remove a label in the same command".into()
        });
    }
    let t = Targets {
        args: resources,
        ..targets(p)
    };
    if t.all && t.selector.is_some() {
        return Err("error: cannot set --all and --selector at the same time".into());
    }
    if t.args.is_empty() && t.files.is_empty() {
        return Err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>".into());
    }
    if set.is_empty() && remove.is_empty() {
        return Err(format!("error: at least one {what} update is required"));
    }
    Ok(Command::Label(LabelArgs {
        annotate,
        targets: t,
        all_namespaces: p.bool("all-namespaces"),
        set,
        remove,
        overwrite: p.bool("overwrite"),
    }))
}

/// `validation.IsValidLabelValue`.
pub fn label_value_problem(v: &str) -> Option<String> {
    let mut errs = Vec::new();
    if v.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    let ok_chars = v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    let ok_ends = v.is_empty()
        || (v.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && v.chars().last().is_some_and(|c| c.is_ascii_alphanumeric()));
    if !ok_chars || !ok_ends {
        errs.push("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".to_string());
    }
    (!errs.is_empty()).then(|| errs.join(";"))
}

fn build_patch(p: &Parsed) -> Result<Command, String> {
    let patch_type = match p.value("type").unwrap_or("strategic") {
        "strategic" => PatchType::Strategic,
        "merge" => PatchType::Merge,
        "json" => PatchType::Json,
        other => {
            return Err(format!(
                "error: --type must be one of [json merge strategic], not \"{other}\""
            ))
        }
    };
    let patch = p.value("patch").map(|s| s.to_string());
    let patch_file = p.value("patch-file").map(|s| s.to_string());
    if patch.is_some() && patch_file.is_some() {
        return Err("error: cannot specify --patch and --patch-file together".into());
    }
    if patch.as_deref().unwrap_or("").is_empty() && patch_file.is_none() {
        return Err(
            "error: must specify --patch or --patch-file containing the contents of the patch"
                .into(),
        );
    }
    let t = targets(p);
    if t.args.is_empty() && t.files.is_empty() {
        return Err(NO_RESOURCES.into());
    }
    Ok(Command::Patch(PatchArgs {
        targets: t,
        patch,
        patch_file,
        patch_type,
    }))
}

fn build_scale(p: &Parsed) -> Result<Command, String> {
    if !p.has("replicas") {
        return Err("error: required flag(s) \"replicas\" not set".into());
    }
    let replicas = p.int("replicas").unwrap_or(0);
    if replicas < 0 {
        return Err("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0".into());
    }
    let current = p.int("current-replicas").unwrap_or(-1);
    if current < -1 {
        return Err(
            "error: The --current-replicas must specify an integer of -1 or greater".into(),
        );
    }
    let t = targets(p);
    if t.args.is_empty() && t.files.is_empty() {
        return Err(NO_RESOURCES.into());
    }
    Ok(Command::Scale(ScaleArgs {
        targets: t,
        replicas,
        current_replicas: current,
    }))
}

/// `set image (-f FILE | TYPE NAME | TYPE/NAME) CONTAINER=IMAGE…`: the words with `=` are
/// the images, the others the targets.
fn build_set_image(p: &Parsed) -> Result<Command, String> {
    let mut t = targets(p);
    let (pairs, args): (Vec<String>, Vec<String>) =
        t.args.iter().cloned().partition(|a| a.contains('='));
    t.args = args;
    if pairs.is_empty() {
        return Err(suggest::usage_error(
            "at least one image update is required",
            "kubectl set image",
        ));
    }
    let images = pairs
        .iter()
        .map(|w| {
            let (c, i) = w.split_once('=').unwrap_or((w, ""));
            (c.to_string(), i.to_string())
        })
        .collect();
    Ok(Command::SetImage(SetImageArgs { targets: t, images }))
}

fn build_wait(p: &Parsed) -> Result<Command, String> {
    let spec = p.value("for").unwrap_or("");
    let lower = spec.to_ascii_lowercase();
    let for_ = if lower == "delete" {
        WaitFor::Delete
    } else if lower == "create" {
        WaitFor::Create
    } else if lower.starts_with("condition=") {
        let cond = &spec["condition=".len()..];
        let (name, value) = match cond.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => match cond.strip_prefix('!') {
                Some(n) => (n.to_string(), "false".to_string()),
                None => (cond.to_string(), "true".to_string()),
            },
        };
        WaitFor::Condition { name, value }
    } else if lower.starts_with("jsonpath=") {
        let expr = &spec["jsonpath=".len()..];
        let (path, value) = split_jsonpath_condition(expr)?;
        WaitFor::JsonPath { path, value }
    } else {
        return Err(format!("error: unrecognized condition: \"{spec}\""));
    };
    let t = targets(p);
    if t.args.is_empty() && t.files.is_empty() {
        return Err(NO_RESOURCES.into());
    }
    let timeout_ms = match p.value("timeout") {
        Some(v) => parse::parse_go_duration(v).unwrap_or(30_000),
        None => 30_000,
    };
    Ok(Command::Wait(WaitArgs {
        targets: t,
        all_namespaces: p.bool("all-namespaces"),
        for_,
        timeout_ms,
    }))
}

/// `{.status.phase}=Running` → (`.status.phase`, `Some("Running")`); kubectl's
/// `processJSONPathInput`.
fn split_jsonpath_condition(expr: &str) -> Result<(String, Option<String>), String> {
    let (path, value) = match expr.find("}=") {
        Some(i) => (&expr[..=i], Some(expr[i + 2..].to_string())),
        None => (expr, None),
    };
    let inner = path
        .strip_prefix('{')
        .and_then(|p| p.strip_suffix('}'))
        .unwrap_or(path);
    if inner.is_empty() {
        return Err("error: jsonpath expression cannot be empty".into());
    }
    if let Some(v) = &value {
        if v.is_empty() {
            return Err("error: jsonpath wait has to have a value after equal sign".into());
        }
    }
    let inner = if inner.starts_with('.') {
        inner.to_string()
    } else {
        format!(".{inner}")
    };
    Ok((inner, value))
}

fn build_logs(p: &Parsed) -> Result<Command, String> {
    let usage = "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples";
    let (target, container) = match p.args.as_slice() {
        [pod] => (pod.clone(), p.value("container").map(Into::into)),
        [pod, c] if !p.has("container") => (pod.clone(), Some(c.clone())),
        [_, _] => {
            return Err("error: only one of -c or an inline [CONTAINER] arg is allowed".into())
        }
        _ => return Err(usage.into()),
    };
    Ok(Command::Logs(LogsArgs {
        target,
        container,
        previous: p.bool("previous"),
        tail: p.int("tail").unwrap_or(-1),
    }))
}

fn build_exec(p: &Parsed) -> Result<Command, String> {
    let Some(target) = p.args.first().cloned() else {
        return Err("error: pod, type/name or --filename must be specified".into());
    };
    let mut argv: Vec<String> = p.args[1..].to_vec();
    if !argv.is_empty() {
        // kubectl 1.32 rejects `exec POD CMD` without `--`.
        return Err("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples".into());
    }
    argv.extend(p.dash.clone().unwrap_or_default());
    if argv.is_empty() {
        return Err("error: you must specify at least one command for the container".into());
    }
    Ok(Command::Exec(ExecArgs {
        target,
        container: p.value("container").map(Into::into),
        argv,
    }))
}

fn build_api_resources(p: &Parsed) -> Result<Command, String> {
    if !p.args.is_empty() {
        return Err(suggest::usage_error(
            &format!("unexpected arguments: {:?}", p.args),
            "kubectl api-resources",
        ));
    }
    let output = p.value("output").map(|s| s.to_string());
    if let Some(o) = &output {
        if o != "wide" && o != "name" {
            return Err(format!("error: --output {o} is not available"));
        }
    }
    Ok(Command::ApiResources(ApiResourcesArgs {
        namespaced: p.has("namespaced").then(|| p.bool("namespaced")),
        output,
        no_headers: p.bool("no-headers"),
        api_group: p.value("api-group").map(Into::into),
    }))
}

fn build_cordon(p: &Parsed, cordon: bool) -> Result<Command, String> {
    let verb = if cordon { "cordon" } else { "uncordon" };
    let selector = p.value("selector").map(|s| s.to_string());
    if p.args.is_empty() && selector.is_none() {
        return Err(suggest::usage_error(
            &format!("USAGE: {verb} NODE [flags]"),
            &format!("kubectl {verb}"),
        ));
    }
    if !p.args.is_empty() && selector.is_some() {
        return Err(suggest::usage_error(
            "cannot specify both a node name and a --selector option",
            &format!("kubectl {verb}"),
        ));
    }
    Ok(Command::Cordon {
        nodes: p.args.clone(),
        selector,
        cordon,
    })
}

fn build_drain(p: &Parsed) -> Result<Command, String> {
    let node = match p.args.as_slice() {
        [n] => n.clone(),
        _ => {
            return Err(suggest::usage_error(
                "USAGE: drain NODE [flags]",
                "kubectl drain",
            ))
        }
    };
    Ok(Command::Drain(DrainArgs {
        node,
        ignore_daemonsets: p.bool("ignore-daemonsets"),
        force: p.bool("force"),
        delete_emptydir_data: p.bool("delete-emptydir-data"),
        disable_eviction: p.bool("disable-eviction"),
        grace_period: p.int("grace-period").unwrap_or(-1),
        timeout_ms: p
            .value("timeout")
            .and_then(|v| parse::parse_go_duration(v).ok())
            .unwrap_or(0),
    }))
}

fn build_taint(p: &Parsed) -> Result<Command, String> {
    // `taint node NAME… SPEC…`; the resource type must be nodes.
    let is_spec = |a: &String| a.contains(':') || a.contains('=') || a.ends_with('-');
    let resources: Vec<String> = p.args.iter().take_while(|a| !is_spec(a)).cloned().collect();
    let specs: Vec<String> = p.args[resources.len()..].to_vec();
    if resources.is_empty() && p.value("selector").is_none() && !p.bool("all") {
        return Err("error: one or more resources must be specified as <resource> <name>".into());
    }
    let mut nodes = Vec::new();
    if let Some((kind, names)) = resources.split_first() {
        let (kind, first) = match kind.split_once('/') {
            Some((k, n)) => (k.to_string(), Some(n.to_string())),
            None => (kind.clone(), None),
        };
        if !matches!(kind.as_str(), "node" | "nodes" | "no") {
            return Err(format!(
                "error: invalid resource type {kind}, only node types are supported"
            ));
        }
        nodes.extend(first);
        nodes.extend(names.iter().cloned());
    }
    if nodes.is_empty() && p.value("selector").is_none() && !p.bool("all") {
        return Err(
            "error: at least one resource name must be specified since 'all' parameter is not set"
                .into(),
        );
    }
    let mut add = Vec::new();
    let mut remove = Vec::new();
    for s in specs {
        if let Some(r) = s.strip_suffix('-') {
            remove.push(r.to_string());
        } else {
            add.push(s);
        }
    }
    if add.is_empty() && remove.is_empty() {
        return Err("error: at least one taint update is required".into());
    }
    Ok(Command::Taint(TaintArgs {
        nodes,
        selector: p.value("selector").map(Into::into),
        all: p.bool("all"),
        add,
        remove,
        overwrite: p.bool("overwrite"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(line: &str) -> Command {
        parse_line(line).unwrap().command
    }

    #[test]
    fn get_parses_kinds_names_and_output() {
        match cmd("kubectl get pods web-0 -o wide -n kube-system") {
            Command::Get(g) => {
                assert_eq!(g.targets.args, ["pods", "web-0"]);
                assert_eq!(g.output, Output::Wide);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            parse_line("get pods -n kube-system")
                .unwrap()
                .namespace
                .as_deref(),
            Some("kube-system")
        );
        assert_eq!(
            parse_line("-n x get pods").unwrap().namespace.as_deref(),
            Some("x")
        );
        assert!(matches!(
            cmd("k get sts -o=yaml"),
            Command::Get(GetArgs {
                output: Output::Yaml,
                ..
            })
        ));
    }

    #[test]
    fn unknown_verbs_get_cobra_suggestions() {
        assert_eq!(
            parse_line("kubectl gte pods").unwrap_err(),
            "error: unknown command \"gte\" for \"kubectl\"\n\nDid you mean this?\n\tget\n"
        );
        assert_eq!(
            parse_line("kubectl rollout statsu ds/x").unwrap_err(),
            "error: unknown command \"statsu\" for \"kubectl rollout\"\n\nDid you mean this?\n\tstatus\n"
        );
    }

    #[test]
    fn unknown_flags_name_the_command_path() {
        assert_eq!(
            parse_line("get pods --foo").unwrap_err(),
            "Error: unknown flag: --foo\nSee 'kubectl get --help' for usage."
        );
        assert_eq!(
            parse_line("delete --grace-period=abc").unwrap_err(),
            "Error: invalid argument \"abc\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax\nSee 'kubectl delete --help' for usage."
        );
        assert!(parse_line("apply -f x.yaml --dry-run=client")
            .unwrap_err()
            .contains("klab does not support the --dry-run flag"));
    }

    #[test]
    fn client_side_usage_errors_match_kubectl() {
        assert_eq!(
            parse_line("create").unwrap_err(),
            "error: must specify one of -f and -k"
        );
        assert_eq!(
            parse_line("create jobo").unwrap_err(),
            "error: Unexpected args: [jobo]\nSee 'kubectl create -h' for help and examples"
        );
        assert_eq!(
            parse_line("scale sts/web").unwrap_err(),
            "error: required flag(s) \"replicas\" not set"
        );
        assert_eq!(
            parse_line("label pod x").unwrap_err(),
            "error: at least one label update is required"
        );
        assert_eq!(
            parse_line("annotate pod x").unwrap_err(),
            "error: at least one annotation update is required"
        );
        assert_eq!(
            parse_line("patch pod x").unwrap_err(),
            "error: must specify --patch or --patch-file containing the contents of the patch"
        );
        assert_eq!(
            parse_line("wait pod/x").unwrap_err(),
            "error: unrecognized condition: \"\""
        );
        assert_eq!(
            parse_line("exec x").unwrap_err(),
            "error: you must specify at least one command for the container"
        );
        assert_eq!(
            parse_line("cordon").unwrap_err(),
            "error: USAGE: cordon NODE [flags]\nSee 'kubectl cordon -h' for help and examples"
        );
        assert_eq!(
            parse_line("taint node x").unwrap_err(),
            "error: at least one taint update is required"
        );
        assert_eq!(
            parse_line("delete pod x --now --grace-period=3").unwrap_err(),
            "error: --now and --grace-period cannot be specified together"
        );
        assert!(parse_line("get")
            .unwrap_err()
            .starts_with("You must specify the type of resource to get."));
    }

    #[test]
    fn delete_grace_period_follows_kubectl_rules() {
        let grace = |line: &str| match cmd(line) {
            Command::Delete(d) => d.grace_period,
            other => panic!("{other:?}"),
        };
        assert_eq!(grace("delete pod x"), -1);
        assert_eq!(grace("delete pod x --grace-period=0"), 1);
        assert_eq!(grace("delete pod x --grace-period=0 --force"), 0);
        assert_eq!(grace("delete pod x --force"), 0);
        assert_eq!(grace("delete pod x --now"), 1);
        assert_eq!(grace("delete pod x --grace-period=10"), 10);
    }

    #[test]
    fn wait_conditions_parse() {
        match cmd("wait --for=condition=Ready=false pod/x") {
            Command::Wait(w) => assert_eq!(
                w.for_,
                WaitFor::Condition {
                    name: "Ready".into(),
                    value: "false".into()
                }
            ),
            other => panic!("{other:?}"),
        }
        match cmd("wait --for=jsonpath={.status.phase}=Running pod/x --timeout=1m") {
            Command::Wait(w) => {
                assert_eq!(
                    w.for_,
                    WaitFor::JsonPath {
                        path: ".status.phase".into(),
                        value: Some("Running".into())
                    }
                );
                assert_eq!(w.timeout_ms, 60_000);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            cmd("wait --for=delete pod/x"),
            Command::Wait(WaitArgs {
                for_: WaitFor::Delete,
                ..
            })
        ));
    }

    #[test]
    fn exec_takes_the_command_after_double_dash() {
        match cmd("exec -it web-0 -c nginx -- sh -c 'ls /'") {
            Command::Exec(e) => {
                assert_eq!(e.target, "web-0");
                assert_eq!(e.container.as_deref(), Some("nginx"));
                assert_eq!(e.argv, ["sh", "-c", "ls /"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn label_pairs_follow_resources() {
        match cmd("label pod web app=x tier- --overwrite") {
            Command::Label(l) => {
                assert_eq!(l.targets.args, ["pod", "web"]);
                assert_eq!(l.set, [("app".to_string(), "x".to_string())]);
                assert_eq!(l.remove, ["tier"]);
                assert!(l.overwrite);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            parse_line("label pod web a=1 a-").unwrap_err(),
            "error: can not both modify and remove a label in the same command"
        );
    }

    #[test]
    fn later_verbs_parse_to_not_yet_available() {
        assert_eq!(
            cmd("rollout pause ds/x"),
            Command::NotYetAvailable {
                what: "rollout pause".into()
            }
        );
        assert_eq!(
            cmd("set env ds/x A=b"),
            Command::NotYetAvailable {
                what: "set env".into()
            }
        );
    }

    #[test]
    fn taint_parses_adds_and_removals() {
        match cmd("taint node node-1 dedicated=gpu:NoSchedule other:NoExecute-") {
            Command::Taint(t) => {
                assert_eq!(t.nodes, ["node-1"]);
                assert_eq!(t.add, ["dedicated=gpu:NoSchedule"]);
                assert_eq!(t.remove, ["other:NoExecute"]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            parse_line("taint pod x a:NoSchedule").unwrap_err(),
            "error: invalid resource type pod, only node types are supported"
        );
    }
}
