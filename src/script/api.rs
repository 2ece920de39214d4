//! The script API (DESIGN.md "Script API (v1 — stable)"): registration, and the argument
//! conversions every function shares. The functions themselves live by theme in
//! `api_cluster.rs` (clusters, nodes, time), `api_objects.rs` (kubectl, objects, events,
//! files), `api_runtime.rs` (`define_image`, `kill`), `api_assert.rs` (assertions) and
//! `api_cron.rs` (`schedule_next`).

use super::Shared;
use crate::api::Kind;
use crate::sim::{parse_duration, SimDuration};
use rhai::{Dynamic, Engine, EvalAltResult, Position, INT};
use std::io::BufRead;
use std::rc::Rc;

pub(crate) type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

/// An error a script can catch (`expect_error`) or that stops it with `message`.
pub(crate) fn fail(message: impl Into<String>) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(message.into().into(), Position::NONE).into()
}

/// Registers the whole script API on `engine`, acting on `shared`'s cluster.
pub(crate) fn register(engine: &mut Engine, shared: &Rc<Shared>) {
    let out = shared.output.clone();
    engine.on_print(move |text| out.text(text));
    let out = shared.output.clone();
    engine.on_debug(move |text, _, _| out.text(text));

    super::api_cluster::register(engine, shared);
    super::api_objects::register(engine, shared);
    super::api_assert::register(engine, shared);
    super::api_cron::register(engine);
    super::api_runtime::register(engine, shared);
    super::api_timeline::register(engine, shared);

    // A lesson's prose block N, shown when execution first reaches it (see lesson.rs).
    let s = shared.clone();
    engine.register_fn("__cell", move |n: INT| show_cell(&s, n));
}

fn show_cell(shared: &Rc<Shared>, n: INT) -> RhaiResult<()> {
    let text = {
        let mut prose = shared.prose.borrow_mut();
        match usize::try_from(n).ok().and_then(|i| prose.get_mut(i)) {
            Some((text, shown)) if !*shown => {
                *shown = true;
                text.clone()
            }
            _ => return Ok(()),
        }
    };
    let before = shared.output.written();
    shared.output.prose(&text);
    if let Some(log) = shared.cells.borrow_mut().as_mut() {
        let cluster = shared.cluster.try_borrow().map_err(|_| {
            fail("internal error: the cluster is in use by another script function")
        })?;
        let after = shared.output.written();
        log.enter(
            usize::try_from(n).ok(),
            before,
            after,
            &cluster,
            &shared.output,
        );
    }
    // `klab run --step`: the cell's prose and code, then wait. Without a terminal there
    // is no one to wait for.
    use std::io::IsTerminal;
    if shared.step && std::io::stdin().is_terminal() {
        let code = usize::try_from(n)
            .ok()
            .and_then(|i| shared.cell_code.borrow().get(i).cloned())
            .unwrap_or_default();
        step_pause(shared, &code)?;
    }
    Ok(())
}

/// Shows a cell's code (on stderr: it is not the lesson's output) and waits: Enter runs
/// the cell, `r` opens the REPL on the lesson's cluster, `q` stops the lesson.
fn step_pause(shared: &Rc<Shared>, code: &str) -> RhaiResult<()> {
    let colour = shared.output.colour();
    for line in code.lines() {
        if colour {
            eprintln!("\x1b[2m│\x1b[0m {line}");
        } else {
            eprintln!("│ {line}");
        }
    }
    loop {
        eprint!("-- Enter: run this cell, r: explore in the REPL, q: quit -- ");
        let mut line = String::new();
        if std::io::stdin().lock().read_line(&mut line).unwrap_or(0) == 0 {
            return Ok(());
        }
        match line.trim() {
            "" => return Ok(()),
            "q" => {
                shared.quit.set(true);
                return Err(fail("stopped: the learner quit the lesson (q)"));
            }
            "r" => {
                // The REPL acts on the lesson's cluster; leaving it returns here.
                let session = super::Session::attached(shared.clone());
                session.output().text(
                    "the REPL on the lesson's current cluster; :quit (or Ctrl-D) returns to the lesson",
                );
                if let Err(e) = crate::repl::run_session(session) {
                    shared.output.error(&format!("error: {e}"));
                }
            }
            other => eprintln!("(unknown answer {other:?})"),
        }
    }
}

/// Runs a kubectl line on the current cluster and prints what it printed. Err is kubectl's
/// error text.
pub(crate) fn run_kubectl(
    shared: &Shared,
    line: &str,
    stdin: Option<String>,
) -> Result<String, String> {
    let env = crate::kubectl::Env {
        base_dir: shared.base_dir.borrow().clone(),
        stdin,
        reads: shared.reads.clone(),
    };
    let result = {
        let mut cluster = shared
            .cluster
            .try_borrow_mut()
            .map_err(|_| "internal error: the cluster is in use".to_string())?;
        crate::kubectl::run(&mut cluster, line, &env)
    };
    if let Ok(text) = &result {
        shared.output.text(text);
    }
    result
}

/// A duration argument: a string such as `"90s"`, `"5m"`, `"1h30m"`, or whole seconds.
pub(crate) fn duration_arg(function: &str, value: &Dynamic) -> RhaiResult<SimDuration> {
    let d = if let Ok(secs) = value.as_int() {
        SimDuration::from_secs(secs)
    } else if value.is_string() {
        let text = value.clone().into_string().unwrap_or_default();
        parse_duration(&text).map_err(|e| fail(format!("{function}: {e}")))?
    } else {
        return Err(fail(format!(
            "{function}: expected a duration such as \"90s\" or a number of seconds, got {}",
            value.type_name()
        )));
    };
    if d.0 < 0 {
        return Err(fail(format!(
            "{function}: the duration must not be negative ({d})"
        )));
    }
    Ok(d)
}

/// A kind as kubectl names it (`pods`, `po`, `sts`, `statefulset.apps`, …).
pub(crate) fn kind_arg(text: &str) -> RhaiResult<Kind> {
    Kind::parse(text).ok_or_else(|| {
        fail(format!(
            "error: the server doesn't have a resource type \"{text}\""
        ))
    })
}

/// A string option from an options map, if present.
pub(crate) fn string_option(function: &str, key: &str, value: &Dynamic) -> RhaiResult<String> {
    if value.is_string() {
        Ok(value.clone().into_string().unwrap_or_default())
    } else if let Ok(i) = value.as_int() {
        Ok(i.to_string())
    } else {
        Err(fail(format!(
            "{function}: `{key}` must be a string, got {}",
            value.type_name()
        )))
    }
}

/// Rejects keys an options map does not know, naming the known ones.
pub(crate) fn check_keys(function: &str, map: &rhai::Map, known: &[&str]) -> RhaiResult<()> {
    match map.keys().find(|k| !known.contains(&k.as_str())) {
        Some(unknown) => Err(fail(format!(
            "{function}: unknown option `{unknown}` (known: {})",
            known.join(", ")
        ))),
        None => Ok(()),
    }
}
