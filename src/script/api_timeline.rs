//! Script API: `timeline()` / `timeline(#{width, plain, group})` — the pods' lives as
//! swimlanes (crate::timeline), printed and returned.

use super::api::{check_keys, fail, RhaiResult};
use super::Shared;
use crate::timeline::{self, Group, Style};
use rhai::{Engine, Map};
use std::rc::Rc;

/// Width when the options name none: the terminal's (`COLUMNS`), else 100.
fn default_width() -> usize {
    crate::repl::terminal_width()
}

pub(super) fn register(engine: &mut Engine, shared: &Rc<Shared>) {
    let s = shared.clone();
    engine.register_fn("timeline", move || draw(&s, &Map::new()));
    let s = shared.clone();
    engine.register_fn("timeline", move |options: Map| draw(&s, &options));
}

fn draw(shared: &Shared, options: &Map) -> RhaiResult<String> {
    check_keys("timeline", options, &["width", "plain", "group"])?;
    let mut style = Style {
        width: default_width(),
        plain: shared.output.is_plain(),
        colour: shared.output.colour(),
        group: Group::Owner,
    };
    if let Some(w) = options.get("width") {
        let w = w
            .as_int()
            .map_err(|_| fail("timeline: `width` must be a number of columns"))?;
        style.width = usize::try_from(w)
            .ok()
            .filter(|w| (20..=1000).contains(w))
            .ok_or_else(|| fail(format!("timeline: `width` must be 20 to 1000, got {w}")))?;
    }
    if let Some(p) = options.get("plain") {
        style.plain = p
            .as_bool()
            .map_err(|_| fail("timeline: `plain` must be true or false"))?;
        style.colour &= !style.plain;
    }
    if let Some(g) = options.get("group") {
        style.group = match g.clone().into_string().as_deref() {
            Ok("owner") => Group::Owner,
            Ok("node") => Group::Node,
            _ => return Err(fail("timeline: `group` must be \"owner\" or \"node\"")),
        };
    }
    let text = {
        let cluster = shared.cluster_mut()?;
        timeline::render(
            &cluster.timeline,
            cluster.world.start,
            cluster.now(),
            &style,
        )
    };
    shared.output.text(&text);
    Ok(text)
}
