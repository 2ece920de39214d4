//! 1.32 defaulting for every kind klab serves (`pkg/apis/*/v1/defaults.go`).
//!
//! SKELETON: the manifest work replaces this body; the signature is the contract.

use super::Object;

/// Fills in what the API server defaults on create and update.
pub fn apply_defaults(obj: &mut Object) {
    let _ = obj;
}
