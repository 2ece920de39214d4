//! klab: a Kubernetes workload lab in one binary. See ARCHITECTURE.md for the map.

pub mod api;
pub mod bench;
pub mod bootstrap;
pub mod chaos;
pub mod cluster;
pub mod controllers;
pub mod cron;
pub mod events;
pub mod html;
pub mod kubectl;
pub mod lesson;
pub mod output;
pub mod print;
pub mod prose;
pub mod repl;
pub mod runtime;
pub mod sandbox;
pub mod script;
pub mod sim;
pub mod store;
pub mod suite;
pub mod timeline;
pub mod world;

pub use cluster::{Cluster, ClusterConfig, SimError};
