//! The Rhai engine every script runs in: its limits, and no way to reach the wall clock,
//! the file system (except `read_file`) or other modules.

use rhai::module_resolvers::DummyModuleResolver;
use rhai::{Engine, EvalAltResult, OptimizationLevel, Position};

/// Bounds on what one script may do, so a runaway script ends with a message that names
/// the limit instead of hanging or exhausting memory. Shown in `klab --help`.
#[derive(Clone, Debug)]
pub struct ScriptLimits {
    /// Rhai operations per script run (per REPL input); `loop {}` stops here.
    pub max_operations: u64,
    /// Nested function calls.
    pub max_call_levels: usize,
    /// Expression nesting at the top level and inside functions.
    pub max_expr_depth: usize,
    pub max_function_expr_depth: usize,
    /// Bytes in one string.
    pub max_string_size: usize,
    /// Items in one array, entries in one map.
    pub max_array_size: usize,
    pub max_map_size: usize,
    /// Variables alive at once.
    pub max_variables: usize,
}

impl Default for ScriptLimits {
    fn default() -> Self {
        ScriptLimits {
            max_operations: 50_000_000,
            max_call_levels: 64,
            max_expr_depth: 64,
            max_function_expr_depth: 32,
            max_string_size: 16 * 1024 * 1024,
            // Rhai re-measures a container on every push/insert (linear in its size), so
            // filling one costs the square of its size: these bounds keep that under a
            // second or so while exceeding anything a lab lists (1000 nodes at most).
            max_array_size: 20_000,
            max_map_size: 20_000,
            max_variables: 10_000,
        }
    }
}

impl ScriptLimits {
    /// The limits as `klab --help` lists them.
    pub fn describe(&self) -> String {
        format!(
            "{} operations per script (REPL: per input), {} nested calls, expression depth {} ({} in functions), \
             strings up to {} MiB, arrays up to {} items, maps up to {} entries, {} variables",
            self.max_operations,
            self.max_call_levels,
            self.max_expr_depth,
            self.max_function_expr_depth,
            self.max_string_size / (1024 * 1024),
            self.max_array_size,
            self.max_map_size,
            self.max_variables
        )
    }
}

/// A Rhai engine with klab's limits. Time in klab is simulated, so Rhai's wall-clock
/// functions are absent (`timestamp` through the crate's `no_time` feature) or replaced
/// (`sleep` says to use `advance`). `import` finds nothing: a script is one file.
pub fn new_engine(limits: &ScriptLimits) -> Engine {
    let mut engine = Engine::new();
    engine
        .set_max_operations(limits.max_operations)
        .set_max_call_levels(limits.max_call_levels)
        .set_max_expr_depths(limits.max_expr_depth, limits.max_function_expr_depth)
        .set_max_string_size(limits.max_string_size)
        .set_max_array_size(limits.max_array_size)
        .set_max_map_size(limits.max_map_size)
        .set_max_variables(limits.max_variables)
        .set_module_resolver(DummyModuleResolver::new())
        // Never `Full`: it would call API functions (`__cell`, `get`, `now`) at compile time.
        .set_optimization_level(OptimizationLevel::Simple);
    // Functions registered on the engine shadow the standard packages' ones.
    engine.register_fn("sleep", |_: rhai::INT| -> Result<(), Box<EvalAltResult>> {
        Err(no_sleep())
    });
    engine.register_fn(
        "sleep",
        |_: rhai::FLOAT| -> Result<(), Box<EvalAltResult>> { Err(no_sleep()) },
    );
    engine
}

fn no_sleep() -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(
        "sleep() is not available: time in klab is simulated; use advance(\"10s\") or wait_for(...)".into(),
        Position::NONE,
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> ScriptLimits {
        ScriptLimits {
            max_operations: 10_000,
            ..ScriptLimits::default()
        }
    }

    #[test]
    fn an_endless_loop_stops_at_the_operation_limit() {
        let err = new_engine(&small()).run("loop {}").unwrap_err();
        assert!(
            matches!(*err, EvalAltResult::ErrorTooManyOperations(_)),
            "{err}"
        );
    }

    #[test]
    fn endless_recursion_stops_at_the_call_depth_limit() {
        let err = new_engine(&small())
            .run("fn f(n) { f(n + 1) } f(0)")
            .unwrap_err();
        let inner = err.unwrap_inner();
        assert!(
            matches!(inner, EvalAltResult::ErrorStackOverflow(_)),
            "{err}"
        );
    }

    #[test]
    fn wall_clock_functions_are_unavailable() {
        let engine = new_engine(&small());
        let err = engine.run("sleep(1)").unwrap_err().to_string();
        assert!(err.contains("simulated"), "{err}");
        let err = engine.run("sleep(0.5)").unwrap_err().to_string();
        assert!(err.contains("simulated"), "{err}");
        assert!(engine.run("let t = timestamp();").is_err());
    }

    #[test]
    fn imports_find_nothing() {
        let err = new_engine(&small())
            .run("import \"other\" as o;")
            .unwrap_err();
        assert!(
            matches!(*err, EvalAltResult::ErrorModuleNotFound(..)),
            "{err}"
        );
    }

    #[test]
    fn huge_strings_hit_the_size_limit() {
        let limits = ScriptLimits {
            max_string_size: 100,
            ..small()
        };
        let err = new_engine(&limits)
            .run("let s = \"x\"; loop { s += s; }")
            .unwrap_err();
        assert!(
            matches!(*err, EvalAltResult::ErrorDataTooLarge(..)),
            "{err}"
        );
    }
}
