//! Script API: assertions — `assert`, `assert_eq`, `assert_ne`, `expect_error`. A failure
//! throws an error whose message shows the values involved; the report adds where and when.

use super::api::{fail, RhaiResult};
use super::report::error_message;
use super::Shared;
use rhai::{Dynamic, Engine, FnPtr, NativeCallContext};
use std::rc::Rc;

pub(super) fn register(engine: &mut Engine, shared: &Rc<Shared>) {
    engine.register_fn("assert", |cond: Dynamic| check(&cond, None));
    engine.register_fn("assert", |cond: Dynamic, msg: &str| check(&cond, Some(msg)));
    engine.register_fn(
        "assert_eq",
        |ctx: NativeCallContext, actual: Dynamic, expected: Dynamic| {
            compare(&ctx, &actual, &expected, true, None)
        },
    );
    engine.register_fn(
        "assert_eq",
        |ctx: NativeCallContext, actual: Dynamic, expected: Dynamic, msg: &str| {
            compare(&ctx, &actual, &expected, true, Some(msg))
        },
    );
    engine.register_fn(
        "assert_ne",
        |ctx: NativeCallContext, actual: Dynamic, expected: Dynamic| {
            compare(&ctx, &actual, &expected, false, None)
        },
    );
    engine.register_fn(
        "assert_ne",
        |ctx: NativeCallContext, actual: Dynamic, expected: Dynamic, msg: &str| {
            compare(&ctx, &actual, &expected, false, Some(msg))
        },
    );
    let max_operations = shared.limits.max_operations;
    engine.register_fn(
        "expect_error",
        move |ctx: NativeCallContext, f: FnPtr, text: &str| {
            expect_error(&ctx, &f, text, max_operations)
        },
    );
}

fn headline(what: &str, msg: Option<&str>) -> String {
    match msg {
        Some(m) if !m.is_empty() => format!("{what}: {m}"),
        _ => what.to_string(),
    }
}

fn check(cond: &Dynamic, msg: Option<&str>) -> RhaiResult<()> {
    match cond.as_bool() {
        Ok(true) => Ok(()),
        Ok(false) => Err(fail(headline("assertion failed", msg))),
        Err(t) => Err(fail(format!(
            "assert: the condition is {t}, not true or false"
        ))),
    }
}

/// Equality as Rhai's `==` sees it (so `1 == 1.0`, and maps and arrays compare by content).
fn equal(ctx: &NativeCallContext, a: &Dynamic, b: &Dynamic) -> bool {
    ctx.call_native_fn::<bool>("==", (a.clone(), b.clone()))
        .unwrap_or_else(|_| a.type_name() == b.type_name() && a.to_string() == b.to_string())
}

fn compare(
    ctx: &NativeCallContext,
    actual: &Dynamic,
    expected: &Dynamic,
    want_equal: bool,
    msg: Option<&str>,
) -> RhaiResult<()> {
    if equal(ctx, actual, expected) == want_equal {
        return Ok(());
    }
    Err(fail(if want_equal {
        format!(
            "{}\n  actual:   {actual:?}\n  expected: {expected:?}",
            headline("assert_eq failed", msg)
        )
    } else {
        format!(
            "{}\n  both are: {actual:?}",
            headline("assert_ne failed", msg)
        )
    }))
}

/// The closure must throw an error containing `text`; returns the error's message.
fn expect_error(
    ctx: &NativeCallContext,
    f: &FnPtr,
    text: &str,
    max_operations: u64,
) -> RhaiResult<String> {
    match f.call_within_context::<Dynamic>(ctx, ()) {
        Ok(value) => Err(fail(format!(
            "expect_error: expected an error containing {text:?}, but the closure returned {value:?}"
        ))),
        // Limits (operations, stack) are not the script's errors to expect.
        Err(err) if !err.unwrap_inner().is_catchable() => Err(err),
        Err(err) => {
            let message = error_message(&err, max_operations);
            if message.contains(text) {
                Ok(message)
            } else {
                Err(fail(format!(
                    "expect_error: the error does not contain {text:?}\n  error: {message}"
                )))
            }
        }
    }
}
