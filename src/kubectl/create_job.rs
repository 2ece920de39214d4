//! `kubectl create job NAME --image=IMG [-- CMD…]` and `kubectl create job NAME
//! --from=cronjob/X`, building exactly the object kubectl 1.32's create_job.go sends
//! (facts 122–124): the server then defaults and validates it like any other Job.

use super::command::Targets;
use super::errors::Failure;
use super::parse::{flag, FlagKind, FlagSpec, Parsed};
use super::{resources, suggest, Ctx};
use crate::api::{defaults, validation, Kind, Object};
use k8s_openapi::api::batch::v1::{CronJob, Job, JobSpec};
use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use std::collections::BTreeMap;

/// Flags of `kubectl create job` klab implements.
pub const FLAGS: &[FlagSpec] = &[
    flag("image", None, FlagKind::Str),
    flag("from", None, FlagKind::Str),
    flag("output", Some('o'), FlagKind::Str),
    flag("dry-run", None, FlagKind::Str),
];

/// Real kubectl 1.32 flags of `create job` (from `--help`), for "not supported by klab".
pub const REAL_FLAGS: &str = "allow-missing-template-keys dry-run field-manager from image output save-config show-managed-fields template validate";

/// `--dry-run`: kubectl's three strategies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DryRun {
    None,
    Client,
    Server,
}

impl DryRun {
    /// `cmdutil.GetDryRunStrategy` (klab takes the explicit forms only).
    pub fn parse(p: &Parsed) -> Result<DryRun, String> {
        match p.value("dry-run") {
            None | Some("none") | Some("false") => Ok(DryRun::None),
            Some("client") => Ok(DryRun::Client),
            Some("server") => Ok(DryRun::Server),
            Some(other) => Err(format!(
                "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
            )),
        }
    }

    /// `PrintFlagsWithDryRunStrategy`: the suffix after `created`.
    pub fn suffix(self) -> &'static str {
        match self {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateJobArgs {
    pub name: String,
    pub image: Option<String>,
    pub from: Option<String>,
    /// Words after `--` (the container's command).
    pub command: Vec<String>,
    pub name_output: bool,
    pub dry_run: DryRun,
}

/// `-o name` or the default `… created` line; other printers are not in klab.
pub fn name_output(p: &Parsed) -> Result<bool, String> {
    match p.value("output") {
        None | Some("") => Ok(false),
        Some("name") => Ok(true),
        Some(other) => Err(format!(
            "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: name (klab)"
        )),
    }
}

/// The command-line checks of create_job.go (Complete, then Validate), in its order.
pub fn parse(p: &Parsed) -> Result<CreateJobArgs, String> {
    // NameFromCommandArgs: args after `--` are not positional arguments.
    let name = match p.args.as_slice() {
        [n] => n.clone(),
        other => {
            return Err(suggest::usage_error(
                &format!("exactly one NAME is required, got {}", other.len()),
                "kubectl create job",
            ))
        }
    };
    let dry_run = DryRun::parse(p)?;
    let name_output = name_output(p)?;
    let image = p.value("image").filter(|s| !s.is_empty()).map(String::from);
    let from = p.value("from").filter(|s| !s.is_empty()).map(String::from);
    if image.is_some() == from.is_some() {
        return Err("error: either --image or --from must be specified".into());
    }
    let command = p.dash.clone().unwrap_or_default();
    if !command.is_empty() && from.is_some() {
        return Err("error: cannot specify --from and command".into());
    }
    Ok(CreateJobArgs {
        name,
        image,
        from,
        command,
        name_output,
        dry_run,
    })
}

/// createJob: one container named after the Job, restartPolicy Never, nothing else.
pub fn job_from_image(name: &str, image: &str, command: &[String]) -> Job {
    Job {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..Default::default()
        },
        spec: Some(JobSpec {
            template: PodTemplateSpec {
                metadata: None,
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: name.into(),
                        image: Some(image.into()),
                        command: (!command.is_empty()).then(|| command.to_vec()),
                        ..Default::default()
                    }],
                    restart_policy: Some("Never".into()),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    }
}

/// createJobFromCronJob (1.31+): the jobTemplate's spec and labels, the `instantiate:
/// manual` annotation under the template's own, and a controller reference without
/// blockOwnerDeletion (fact 124).
pub fn job_from_cronjob(name: &str, cj: &CronJob) -> Job {
    let template = cj.spec.as_ref().map(|s| s.job_template.clone());
    let template_meta = template
        .as_ref()
        .and_then(|t| t.metadata.clone())
        .unwrap_or_default();
    let mut annotations = BTreeMap::from([(
        "cronjob.kubernetes.io/instantiate".to_string(),
        "manual".to_string(),
    )]);
    annotations.extend(template_meta.annotations.unwrap_or_default());
    Job {
        metadata: ObjectMeta {
            name: Some(name.into()),
            annotations: Some(annotations),
            labels: template_meta.labels,
            owner_references: Some(vec![OwnerReference {
                api_version: "batch/v1".into(),
                kind: "CronJob".into(),
                name: cj.metadata.name.clone().unwrap_or_default(),
                uid: cj.metadata.uid.clone().unwrap_or_default(),
                controller: Some(true),
                block_owner_deletion: None,
            }]),
            ..Default::default()
        },
        spec: template.and_then(|t| t.spec),
        status: None,
    }
}

/// The Go type kubectl names in `unknown object type %T`.
fn go_type(kind: Kind) -> String {
    let version = kind.info().version;
    let version = version.rsplit('/').next().unwrap_or(version);
    format!("*{version}.{}", kind.name())
}

/// Resolves `--from` the way the resource builder does (`cronjob/X`, a bare type lists).
fn source_cronjob(ctx: &mut Ctx, from: &str) -> Result<CronJob, Failure> {
    let targets = Targets {
        args: vec![from.to_string()],
        ..Default::default()
    };
    let (found, mut failures) = resources::fetch(ctx, &targets, false, true);
    if !failures.is_empty() {
        return Err(failures.remove(0));
    }
    let [one] = found.as_slice() else {
        return Err(Failure::plain("from must be an existing cronjob"));
    };
    match one.object.as_ref() {
        Object::CronJob(cj) => Ok(cj.clone()),
        other => Err(Failure::plain(format!(
            "unknown object type {}",
            go_type(other.kind())
        ))),
    }
}

/// Sends a client-built object as `create job`/`create cronjob` do: defaulting,
/// validation and admission on the server, its warnings, API errors wrapped as
/// `failed to create <what>: <message>`, and `<kind>/<name> created` on success.
pub fn send(ctx: &mut Ctx, mut obj: Object, what: &str, name_output: bool, dry_run: DryRun) {
    let kind = obj.kind();
    let shown = format!("{}/{}", kind.qualified(), obj.name());
    if dry_run == DryRun::Client {
        print_created(ctx, &shown, name_output, dry_run);
        return;
    }
    obj.meta_mut().namespace = Some(ctx.namespace.clone());
    let wrap = |e: crate::store::ApiError| {
        let (_, message) = super::errors::status(&e);
        Failure::plain(format!("failed to create {what}: {message}"))
    };
    if let Err(e) = super::apply::check_namespace(ctx, kind, &ctx.namespace) {
        ctx.fail(wrap(e));
        return;
    }
    defaults::apply_defaults(&mut obj);
    if let Err(e) = validation::validate_create(&obj) {
        ctx.fail(wrap(e));
        return;
    }
    let warnings = validation::warnings_on_create(&obj);
    if dry_run == DryRun::None {
        if let Err(e) = ctx.cluster.world.create(obj) {
            ctx.fail(wrap(e));
            return;
        }
    } else if ctx.cluster.world.store.get(&obj.key()).is_some() {
        ctx.fail(wrap(crate::store::ApiError::AlreadyExists {
            kind,
            name: obj.name().to_string(),
        }));
        return;
    }
    for w in warnings {
        ctx.line(w);
    }
    print_created(ctx, &shown, name_output, dry_run);
    if dry_run == DryRun::None {
        ctx.settle_instant();
    }
}

fn print_created(ctx: &mut Ctx, shown: &str, name_output: bool, dry_run: DryRun) {
    if name_output {
        ctx.line(shown);
    } else {
        ctx.line(format!("{shown} created{}", dry_run.suffix()));
    }
}

pub fn run(ctx: &mut Ctx, args: CreateJobArgs) {
    let job = if let Some(image) = &args.image {
        job_from_image(&args.name, image, &args.command)
    } else {
        // parse() guarantees --from when there is no --image.
        match source_cronjob(ctx, args.from.as_deref().unwrap_or_default()) {
            Ok(cj) => job_from_cronjob(&args.name, &cj),
            Err(f) => {
                ctx.fail(f);
                return;
            }
        }
    };
    send(ctx, Object::Job(job), "job", args.name_output, args.dry_run);
}

#[cfg(test)]
mod tests {
    use super::super::{run, Env};
    use crate::api::{Kind, Object};
    use crate::cluster::{Cluster, ClusterConfig};

    fn k(c: &mut Cluster, line: &str) -> Result<String, String> {
        run(c, line, &Env::default())
    }

    fn job(c: &Cluster, name: &str) -> k8s_openapi::api::batch::v1::Job {
        match c
            .world
            .store
            .get_named(Kind::Job, "default", name)
            .map(|o| o.as_ref())
        {
            Some(Object::Job(j)) => j.clone(),
            other => panic!("no job {name}: {other:?}"),
        }
    }

    #[test]
    fn create_job_builds_never_restart_container_named_after_job_fact_122() {
        let mut c = Cluster::new(ClusterConfig::default());
        assert_eq!(
            k(&mut c, "create job x --image=busybox -- sleep 30").unwrap(),
            "job.batch/x created\n"
        );
        let j = job(&c, "x");
        let spec = j.spec.unwrap();
        let pod = spec.template.spec.unwrap();
        assert_eq!(pod.restart_policy.as_deref(), Some("Never"));
        assert_eq!(pod.containers.len(), 1);
        assert_eq!(pod.containers[0].name, "x");
        assert_eq!(pod.containers[0].image.as_deref(), Some("busybox"));
        assert_eq!(
            pod.containers[0].command,
            Some(vec!["sleep".to_string(), "30".to_string()])
        );
        // Server defaults, not client choices.
        assert_eq!(spec.completions, Some(1));
        assert_eq!(spec.parallelism, Some(1));
        assert_eq!(spec.backoff_limit, Some(6));
        // Without a command the container has none (the image's default runs).
        k(&mut c, "create job y --image=busybox").unwrap();
        let y = job(&c, "y").spec.unwrap().template.spec.unwrap();
        assert_eq!(y.containers[0].command, None);
    }

    #[test]
    fn create_job_errors_are_kubectls_fact_123() {
        let mut c = Cluster::new(ClusterConfig::default());
        let cases = [
            ("create job x", "error: either --image or --from must be specified"),
            (
                "create job x --image=b --from=cronjob/y",
                "error: either --image or --from must be specified",
            ),
            (
                "create job x --from=cronjob/y -- sleep 1",
                "error: cannot specify --from and command",
            ),
            (
                "create job",
                "error: exactly one NAME is required, got 0\nSee 'kubectl create job -h' for help and examples",
            ),
            (
                "create job a b --image=x",
                "error: exactly one NAME is required, got 2\nSee 'kubectl create job -h' for help and examples",
            ),
            (
                "create job x --from=cronjob/nope",
                "Error from server (NotFound): cronjobs.batch \"nope\" not found",
            ),
            (
                "create job x --from=nope",
                "error: the server doesn't have a resource type \"nope\"",
            ),
            (
                "create job x --from=cronjob",
                "error: from must be an existing cronjob",
            ),
            (
                "create job x --image=b --restart=Never",
                "Error: unknown flag: --restart\nSee 'kubectl create job --help' for usage.",
            ),
            (
                "create jobo x",
                "error: Unexpected args: [jobo x]\nSee 'kubectl create -h' for help and examples",
            ),
        ];
        for (line, want) in cases {
            assert_eq!(k(&mut c, line).unwrap_err(), want, "{line}");
        }
        k(&mut c, "create job x --image=busybox").unwrap();
        assert_eq!(
            k(&mut c, "create job x --image=busybox").unwrap_err(),
            "error: failed to create job: jobs.batch \"x\" already exists"
        );
        assert!(k(&mut c, "create job Bad --image=busybox")
            .unwrap_err()
            .starts_with("error: failed to create job: Job.batch \"Bad\" is invalid: "),);
    }

    #[test]
    fn create_job_dry_run_sends_nothing_fact_123() {
        let mut c = Cluster::new(ClusterConfig::default());
        assert_eq!(
            k(&mut c, "create job x --image=busybox --dry-run=client").unwrap(),
            "job.batch/x created (dry run)\n"
        );
        assert_eq!(
            k(&mut c, "create job x --image=busybox --dry-run=server").unwrap(),
            "job.batch/x created (server dry run)\n"
        );
        assert!(c.world.store.get_named(Kind::Job, "default", "x").is_none());
        assert_eq!(
            k(&mut c, "create job x --image=busybox -o name").unwrap(),
            "job.batch/x\n"
        );
    }

    const CRONJOB: &str = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: '0 0 * * *'\n  jobTemplate:\n    metadata:\n      labels:\n        team: a\n      annotations:\n        note: kept\n    spec:\n      backoffLimit: 2\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n          - name: task\n            image: busybox\n            command: [\"sleep\", \"5\"]\n";

    #[test]
    fn create_job_from_cronjob_copies_template_with_controller_ref_fact_124() {
        let mut c = Cluster::new(ClusterConfig::default());
        let env = Env {
            stdin: Some(CRONJOB.into()),
            ..Default::default()
        };
        run(&mut c, "create -f -", &env).unwrap();
        let uid = c
            .world
            .store
            .get_named(Kind::CronJob, "default", "nightly")
            .unwrap()
            .meta()
            .uid
            .clone();
        assert_eq!(
            k(&mut c, "create job manual-1 --from=cronjob/nightly").unwrap(),
            "job.batch/manual-1 created\n"
        );
        let j = job(&c, "manual-1");
        let ann = j.metadata.annotations.clone().unwrap();
        assert_eq!(ann["cronjob.kubernetes.io/instantiate"], "manual");
        assert_eq!(ann["note"], "kept");
        assert_eq!(ann.len(), 2, "no scheduled-timestamp annotation: {ann:?}");
        assert_eq!(j.metadata.labels.clone().unwrap()["team"], "a");
        let owner = &j.metadata.owner_references.clone().unwrap()[0];
        assert_eq!(owner.kind, "CronJob");
        assert_eq!(owner.api_version, "batch/v1");
        assert_eq!(owner.name, "nightly");
        assert_eq!(Some(owner.uid.clone()), uid);
        assert_eq!(owner.controller, Some(true));
        assert_eq!(owner.block_owner_deletion, None, "1.31+ form");
        let spec = j.spec.unwrap();
        assert_eq!(spec.backoff_limit, Some(2));
        let pod = spec.template.spec.unwrap();
        assert_eq!(pod.containers[0].name, "task");
        assert_eq!(pod.restart_policy.as_deref(), Some("OnFailure"));
        // Another kind is resolved, then refused by type.
        k(&mut c, "create job m2 --image=busybox").unwrap();
        assert_eq!(
            k(&mut c, "create job m3 --from=job/m2").unwrap_err(),
            "error: unknown object type *v1.Job"
        );
    }

    #[test]
    fn create_cronjob_defaults_restart_on_failure_fact_125() {
        let mut c = Cluster::new(ClusterConfig::default());
        assert_eq!(
            k(
                &mut c,
                "create cj hello --image=busybox --schedule='*/1 * * * *' -- date"
            )
            .unwrap(),
            "cronjob.batch/hello created\n"
        );
        let cj = match c
            .world
            .store
            .get_named(Kind::CronJob, "default", "hello")
            .map(|o| o.as_ref())
        {
            Some(Object::CronJob(cj)) => cj.clone(),
            other => panic!("{other:?}"),
        };
        let spec = cj.spec.unwrap();
        assert_eq!(spec.schedule, "*/1 * * * *");
        let tmpl = spec.job_template;
        assert_eq!(tmpl.metadata.unwrap().name.as_deref(), Some("hello"));
        let pod = tmpl.spec.unwrap().template.spec.unwrap();
        assert_eq!(pod.restart_policy.as_deref(), Some("OnFailure"));
        assert_eq!(pod.containers[0].name, "hello");
        assert_eq!(pod.containers[0].command, Some(vec!["date".to_string()]));
        k(
            &mut c,
            "create cronjob n --image=busybox --schedule='0 * * * *' --restart=Never",
        )
        .unwrap();
        let cases = [
            (
                "create cronjob x --image=b",
                "error: required flag(s) \"schedule\" not set",
            ),
            (
                "create cronjob x",
                "error: required flag(s) \"image\", \"schedule\" not set",
            ),
        ];
        for (line, want) in cases {
            assert_eq!(k(&mut c, line).unwrap_err(), want, "{line}");
        }
        let bad = k(&mut c, "create cronjob x --image=b --schedule='* * *'").unwrap_err();
        assert!(
            bad.starts_with(
                "error: failed to create cronjob: CronJob.batch \"x\" is invalid: spec.schedule: Invalid value: \"* * *\": "
            ),
            "{bad}"
        );
    }
}
