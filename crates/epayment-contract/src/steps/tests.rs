//! The step tables are the one source: every step has an example that it, and it alone,
//! matches; every parameter is read as the type its name says; and nothing is registered
//! past the tables.

use std::collections::HashSet;

use cucumber::codegen::WorldInventory;
use cucumber::gherkin::{Feature, GherkinEnv};

use super::*;

/// The Rust types a parameter may be read as.
fn types_of(parameter: &str) -> &'static [&'static str] {
    match parameter {
        "money" => &["Money"],
        "period" => &["Period"],
        "action" => &["Action"],
        "total" => &["Total"],
        "int" => &["u16", "u32", "u64", "usize"],
        "string" => &["Quoted"],
        "word" => &["String"],
        "events" => &["EventNames"],
        "card" => &["CardTrouble"],
        "network" => &["Network"],
        "market" => &["MarketName"],
        _ => &[],
    }
}

#[test]
fn every_example_is_matched_by_its_own_step_and_no_other() {
    let steps = collection().expect("the step library builds");
    for def in all() {
        for keyword in def.keywords {
            let mut text =
                format!("Feature: catalog\n  Scenario: one step\n    {} {}\n", keyword.as_str(), def.example);
            if def.run.params == ["table"] {
                text.push_str("      | authorized | captured |\n      | 1.00 NOK | 0.00 NOK |\n");
            }
            let feature = Feature::parse(&text, GherkinEnv::default()).expect("the example parses as Gherkin");
            let step = &feature.scenarios[0].steps[0];
            match steps.find(step) {
                Ok(Some(_)) => {}
                Ok(None) => panic!("no step matches the example {:?}", step.value),
                Err(e) => panic!("the example {:?} is ambiguous: {e}", step.value),
            }
            let own = regex(def.pattern).expect("the pattern parses");
            assert!(own.is_match(def.example), "{:?} is not an example of {:?}", def.example, def.pattern);
        }
    }
}

#[test]
fn every_parameter_is_read_as_the_type_its_name_says() {
    for def in all() {
        let names = parameter_names(def.pattern);
        let read: Vec<&str> = def.run.params.iter().copied().filter(|p| *p != "table").collect();
        assert_eq!(names.len(), read.len(), "{:?} has {names:?} but its function reads {read:?}", def.pattern);
        for (name, ty) in names.iter().zip(&read) {
            assert!(types_of(name).contains(ty), "{:?}: {{{name}}} is read as {ty}", def.pattern);
        }
    }
}

#[test]
fn no_two_steps_share_a_keyword_and_pattern() {
    // cucumber keeps its steps in a map: a second row would replace the first without a word.
    let mut seen = HashSet::new();
    for def in all() {
        for keyword in def.keywords {
            assert!(seen.insert((keyword.as_str(), def.pattern)), "{} {} twice", keyword.as_str(), def.pattern);
        }
    }
}

#[test]
fn no_step_is_registered_past_the_tables() {
    // A `#[given]`, `#[when]` or `#[then]` attribute would register a step that no table lists
    // (and that `PaymentWorld::cucumber()` would run while the harness does not).
    let given = cucumber::codegen::inventory::iter::<<PaymentWorld as WorldInventory>::Given>.into_iter().count();
    let when = cucumber::codegen::inventory::iter::<<PaymentWorld as WorldInventory>::When>.into_iter().count();
    let then = cucumber::codegen::inventory::iter::<<PaymentWorld as WorldInventory>::Then>.into_iter().count();
    assert_eq!((given, when, then), (0, 0, 0), "steps registered by attribute: write them in a table of steps/");
}

#[test]
fn a_string_is_read_from_whichever_quotes_it_was_written_in() {
    let steps = collection().expect("the step library builds");
    for quoted in ["\"order-1-c1\"", "'order-1-c1'"] {
        let text = format!(
            "Feature: f\n  Scenario: s\n    When the merchant captures 2.50 NOK with idempotency key {quoted}\n"
        );
        let feature = Feature::parse(&text, GherkinEnv::default()).expect("parses");
        let Ok(Some((_, _, _, context))) = steps.find(&feature.scenarios[0].steps[0]) else { panic!("{quoted}") };
        let mut args = Args::new(&context);
        assert_eq!(args.next::<crate::steps::params::Money>().0, epayment::Amount::nok(250));
        assert_eq!(args.next::<crate::steps::params::Quoted>().0, "order-1-c1");
    }
}

#[test]
fn a_pattern_whose_parameters_are_not_one_group_each_is_refused() {
    // cucumber's own `{string}`: two groups, one per kind of quotes, named as it names them.
    let two_groups = regex::Regex::new(r#"^key (?:"(?P<__0_0>[^"]*)"|'(?P<__0_1>[^']*)')$"#).expect("a regex");
    let err = one_group_each("key {string}", &two_groups).expect_err("two groups for one parameter");
    assert!(err.contains("2 capture groups for 1 parameters"), "{err}");
    let own = regex("key {string} and {int} of {money}").expect("the harness's parameters");
    assert_eq!(own.captures_len(), 4, "the whole match and one group each: {own}");
}
