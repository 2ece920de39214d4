//! StatefulSet controller tests: the decision table, and whole-cluster scenarios that pin
//! the reference facts (sections I–N) and traps T8–T12, T16, T17.

mod decide_table;
mod history_rollback;
mod invariant;
mod scaling;
mod storage_claims;
mod support;
mod updates;
