//! `kubectl create cronjob NAME --image=IMG --schedule=S [--restart=P] [-- CMD…]` (alias
//! `cj`): the object kubectl 1.32's create_cronjob.go sends (fact 125). The schedule and
//! restart policy are not checked here; the server's validation answers.

use super::create_job::{self, DryRun};
use super::parse::{flag, FlagKind, FlagSpec, Parsed};
use super::{suggest, Ctx};
use crate::api::Object;
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

pub const FLAGS: &[FlagSpec] = &[
    flag("image", None, FlagKind::Str),
    flag("schedule", None, FlagKind::Str),
    flag("restart", None, FlagKind::Str),
    flag("output", Some('o'), FlagKind::Str),
    flag("dry-run", None, FlagKind::Str),
];

/// Real kubectl 1.32 flags of `create cronjob` (from `--help`).
pub const REAL_FLAGS: &str = "allow-missing-template-keys dry-run field-manager image output restart save-config schedule show-managed-fields template validate";

#[derive(Clone, Debug, PartialEq)]
pub struct CreateCronJobArgs {
    pub name: String,
    pub image: String,
    pub schedule: String,
    pub restart: String,
    pub command: Vec<String>,
    pub name_output: bool,
    pub dry_run: DryRun,
}

/// Cobra's required-flag check comes first, then NameFromCommandArgs.
pub fn parse(p: &Parsed) -> Result<CreateCronJobArgs, String> {
    let missing: Vec<String> = ["image", "schedule"]
        .iter()
        .filter(|f| !p.has(f))
        .map(|f| format!("\"{f}\""))
        .collect();
    if !missing.is_empty() {
        // kubectl logs this through klog (timestamp and pid first); klab prints the error.
        return Err(format!(
            "error: required flag(s) {} not set",
            missing.join(", ")
        ));
    }
    let name = match p.args.as_slice() {
        [n] => n.clone(),
        other => {
            return Err(suggest::usage_error(
                &format!("exactly one NAME is required, got {}", other.len()),
                "kubectl create cronjob",
            ))
        }
    };
    Ok(CreateCronJobArgs {
        name,
        image: p.value("image").unwrap_or_default().to_string(),
        schedule: p.value("schedule").unwrap_or_default().to_string(),
        restart: p
            .value("restart")
            .filter(|r| !r.is_empty())
            .unwrap_or("OnFailure")
            .to_string(),
        command: p.dash.clone().unwrap_or_default(),
        dry_run: DryRun::parse(p)?,
        name_output: create_job::name_output(p)?,
    })
}

/// createCronJob: the jobTemplate carries the name too; one container named NAME.
pub fn cronjob_object(a: &CreateCronJobArgs) -> CronJob {
    CronJob {
        metadata: ObjectMeta {
            name: Some(a.name.clone()),
            ..Default::default()
        },
        spec: Some(CronJobSpec {
            schedule: a.schedule.clone(),
            job_template: JobTemplateSpec {
                metadata: Some(ObjectMeta {
                    name: Some(a.name.clone()),
                    ..Default::default()
                }),
                spec: Some(JobSpec {
                    template: PodTemplateSpec {
                        metadata: None,
                        spec: Some(PodSpec {
                            containers: vec![Container {
                                name: a.name.clone(),
                                image: (!a.image.is_empty()).then(|| a.image.clone()),
                                command: (!a.command.is_empty()).then(|| a.command.clone()),
                                ..Default::default()
                            }],
                            restart_policy: Some(a.restart.clone()),
                            ..Default::default()
                        }),
                    },
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    }
}

pub fn run(ctx: &mut Ctx, args: CreateCronJobArgs) {
    let obj = Object::CronJob(cronjob_object(&args));
    create_job::send(ctx, obj, "cronjob", args.name_output, args.dry_run);
}
