//! The Job's generated selector (facts 6 and 53): the store writes it while creating the Job,
//! right after assigning the uid (`api::strategy::prepare_for_create`), as the API server's
//! Job strategy does; the Job controller keeps a fallback for Jobs that reach it without one.

use k8s_openapi::api::batch::v1::Job;

pub use super::defaults::generate_job_selector as generate_selector;
pub use super::defaults::{
    CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL,
};

/// A Job whose selector the server generates (`manualSelector` not true) and that has none yet.
pub fn needs_selector(job: &Job) -> bool {
    let Some(spec) = job.spec.as_ref() else {
        return false;
    };
    spec.manual_selector != Some(true) && spec.selector.is_none()
}
