//! Discriminators: the property whose value says which branch of a `oneOf`/`anyOf` a value
//! is, and the mapping from values to branches. A value added is one more a client may send
//! (fine) or may receive (not decoded); a value gone is one a client sends refused (breaking)
//! or one answers no longer hold (fine). Another property name, or a value mapped to another
//! schema, changes how every value is read. A discriminator added or removed leaves the values
//! as they are (the property stays in the branches), so it is reported, not breaking.
//!
//! Emits `discriminator-added`, `discriminator-removed`, `discriminator-changed`,
//! `request-discriminator-mapping-added`,
//! `request-discriminator-mapping-removed`, `response-discriminator-mapping-added` and
//! `response-discriminator-mapping-removed`.

use serde_json::{Map, Value};

use super::super::checks::Check;
use super::super::schema::{members, show};
use super::{Finding, Flow, finding};

/// A discriminator's `propertyName`.
fn name(discriminator: Option<&Value>) -> Option<&Value> {
    discriminator?.get("propertyName")
}

/// The discriminators of two schemas (either may have none).
pub fn compare(at: &str, old: &Value, new: &Value, flow: Flow, out: &mut Vec<Finding>) {
    let (od, nd) = (old.get("discriminator"), new.get("discriminator"));
    if od == nd {
        return;
    }
    let here = format!("{at}/discriminator");
    let (Some(od), Some(nd)) = (od, nd) else {
        let (check, what) = match od {
            None => (Check::DiscriminatorAdded, "added"),
            Some(_) => (Check::DiscriminatorRemoved, "removed"),
        };
        let names = format!("{} -> {}", show(name(od)), show(name(nd)));
        out.push(finding(check, &here, format!("discriminator {what} ({names}); the values stay as they are")));
        return;
    };
    if name(Some(od)) != name(Some(nd)) {
        out.push(finding(
            Check::DiscriminatorChanged,
            &format!("{here}/propertyName"),
            format!(
                "propertyName {} -> {}: values name their branch in another property",
                show(name(Some(od))),
                show(name(Some(nd)))
            ),
        ));
    }
    let empty = Map::new();
    let (om, nm) = (members(od, "mapping", &empty), members(nd, "mapping", &empty));
    for (value, target) in om {
        let at = format!("{here}/mapping/{value}");
        match nm.get(value) {
            Some(t) if t != target => out.push(finding(
                Check::DiscriminatorChanged,
                &at,
                format!(
                    "{value} maps to {} -> {}: such values are read as another schema",
                    show(Some(target)),
                    show(Some(t))
                ),
            )),
            Some(_) => {}
            None => out.push(match flow {
                Flow::Request => finding(
                    Check::RequestDiscriminatorMappingRemoved,
                    &at,
                    format!("{value} is no longer mapped: clients that send it are refused"),
                ),
                Flow::Response => {
                    finding(Check::ResponseDiscriminatorMappingRemoved, &at, format!("{value} is no longer answered"))
                }
            }),
        }
    }
    for value in nm.keys().filter(|v| !om.contains_key(*v)) {
        let at = format!("{here}/mapping/{value}");
        out.push(match flow {
            Flow::Request => finding(Check::RequestDiscriminatorMappingAdded, &at, format!("{value} may now be sent")),
            Flow::Response => finding(
                Check::ResponseDiscriminatorMappingAdded,
                &at,
                format!("{value} may now be answered: clients that do not know it cannot decode it"),
            ),
        });
    }
}
