//! `klab bench`: runs scale scenarios (`scripts/bench/*.rhai`) and reports what they cost —
//! wall time, simulated time, the loop's work (`cluster.stats`), objects left in the store
//! and peak memory. Wall time is measured here, outside the simulation, and never feeds it.
//!
//! A scenario reads the constant `SCALE` (1, 2, 4 … from `--scale`) to size itself, so the
//! same file gives the linear-growth check. `lap("name")` (bench runs only) ends a timed
//! section, so a scenario can report its setup and its measured part apart.

use crate::output::Output;
use crate::script::{Session, SessionOptions};
use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;
use std::time::Instant;

/// What one scenario run cost.
#[derive(Clone, Debug)]
pub struct Figures {
    pub wall_ms: f64,
    pub simulated_secs: i64,
    pub instants: u64,
    pub reconciles: u64,
    pub changes: u64,
    pub objects: usize,
    /// Peak resident memory of the process (VmHWM), if the OS reports it.
    pub peak_kib: Option<u64>,
    /// Sections ended by `lap(name)`: name and wall milliseconds since the previous lap.
    pub laps: Vec<(String, f64)>,
}

impl Figures {
    /// One line, `key=value` pairs, for tables and scripts.
    pub fn line(&self, file: &str, scale: i64) -> String {
        let peak = self.peak_kib.map_or("n/a".to_string(), |k| {
            format!("{:.1}MiB", k as f64 / 1024.0)
        });
        let laps: String = self
            .laps
            .iter()
            .map(|(name, ms)| format!(" {name}={ms:.1}ms"))
            .collect();
        format!(
            "{file} scale={scale} wall={:.1}ms simulated={}s instants={} reconciles={} changes={} objects={} peak={peak}{laps}",
            self.wall_ms, self.simulated_secs, self.instants, self.reconciles, self.changes, self.objects
        )
    }
}

/// Runs one scenario file in a fresh session (seed `seed`, quiet output).
// Wall time is what a benchmark measures; it is read here, around the script, never inside
// the simulation.
#[allow(clippy::disallowed_methods)]
pub fn run(path: &Path, scale: i64, seed: u64) -> Result<Figures, String> {
    let source = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let start = Instant::now();
    let mut session = Session::new(SessionOptions::new(seed, base, Output::quiet()));
    session.set_constant("SCALE", scale);
    let laps: Rc<RefCell<Vec<(String, f64)>>> = Rc::default();
    let last = Rc::new(RefCell::new(start));
    let recorded = laps.clone();
    session.engine_mut().register_fn("lap", move |name: &str| {
        let now = Instant::now();
        let ms = (now - *last.borrow()).as_secs_f64() * 1000.0;
        *last.borrow_mut() = now;
        recorded.borrow_mut().push((name.to_string(), ms));
    });
    session
        .run(&path.display().to_string(), &source)
        .map(drop)
        .map_err(|f| f.to_string())?;
    let wall_ms = start.elapsed().as_secs_f64() * 1000.0;
    let (simulated_secs, stats, objects) =
        session.with_cluster(|c| (c.elapsed(), c.stats, c.world.store.total_objects()));
    Ok(Figures {
        wall_ms,
        simulated_secs,
        instants: stats.instants,
        reconciles: stats.reconciles,
        changes: stats.changes,
        objects,
        peak_kib: peak_memory_kib(),
        laps: laps.take(),
    })
}

/// VmHWM from /proc/self/status (Linux); None elsewhere.
pub fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
