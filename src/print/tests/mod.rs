//! Printing tests: objects built directly (k8s-openapi structs) in a small World, output
//! compared byte for byte. Expected strings are derived from the kubectl / k/k 1.32 sources
//! named in each test (printers.go, describe.go, tabwriter semantics), not captured from a
//! live cluster unless a test says so.

mod describe_node;
mod describe_pod;
mod describe_workloads;
mod fixtures;
mod output;
mod pods;
mod tables;
