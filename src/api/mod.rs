//! Kubernetes objects as klab understands them: kinds and their names, the typed object,
//! manifests in (decode, defaults, validation), label selectors and quantities.

pub mod defaults;
pub mod job_selector;
pub mod kinds;
pub mod manifest;
pub mod names;
pub mod object;
pub mod quantity;
pub mod selector;
pub mod strategy;
pub mod validation;

pub use kinds::Kind;
pub use object::{ObjKey, Object};
