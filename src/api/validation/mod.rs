//! Validation with the API server's messages (`pkg/apis/*/validation`).
//!
//! SKELETON: the manifest work replaces this body; the signatures are the contract.

use crate::api::Object;
use crate::store::ApiError;

/// Validation on create (after defaulting).
pub fn validate_create(obj: &Object) -> Result<(), ApiError> {
    let _ = obj;
    Ok(())
}

/// Validation on update, immutable fields included (after defaulting `new`).
pub fn validate_update(old: &Object, new: &Object) -> Result<(), ApiError> {
    let _ = (old, new);
    Ok(())
}
