//! klab: a Kubernetes workload lab in one binary. See ARCHITECTURE.md for the map.

pub mod api;
pub mod bootstrap;
pub mod cluster;
pub mod controllers;
pub mod cron;
pub mod events;
pub mod kubectl;
pub mod print;
pub mod runtime;
pub mod sim;
pub mod store;
pub mod world;

pub use cluster::{Cluster, ClusterConfig, SimError};
