//! The step library: the vocabulary QA writes scenarios in, one file per concept (the
//! cucumber book's "modules" chapter): the payment and its customer, adjustments (capture,
//! refund, cancel), faults, time, webhooks, and assertions.
//!
//! Each file holds a table, [`StepDef`] by [`StepDef`]: keyword(s), pattern, example and the
//! function. That table is the one source: cucumber's steps are registered from it
//! ([`collection`]), and `features/STEPS.md` and the step hints are written from it, so a step
//! cannot exist without its example. (Cucumber's `#[given(expr = "...")]` attributes need the
//! pattern as a literal of their own, which would be a second copy of it.)

pub(crate) mod catalog;
pub(crate) mod hints;
pub(crate) mod params;

use std::str::FromStr;
use std::sync::LazyLock;

use cucumber::codegen::{Expression, ParametersProvider, Spanned};
use cucumber::gherkin::StepType;
use cucumber::step::{Collection, Context};

use crate::steps::params::PARAMETERS;
use crate::world::PaymentWorld;

mod adjustments;
mod assertions;
mod calls;
mod faults;
mod payment;
mod time;
mod webhooks;

/// A Gherkin keyword a step is written with (`And` and `But` repeat the one before them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keyword {
    /// What is already true.
    Given,
    /// What happens.
    When,
    /// What must then be true.
    Then,
}

impl Keyword {
    /// The keyword as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Given => "Given",
            Keyword::When => "When",
            Keyword::Then => "Then",
        }
    }

    /// The keyword of a parsed step.
    pub fn of(ty: StepType) -> Self {
        match ty {
            StepType::Given => Keyword::Given,
            StepType::When => Keyword::When,
            StepType::Then => Keyword::Then,
        }
    }
}

/// A step written only after `Given`.
pub const GIVEN: &[Keyword] = &[Keyword::Given];
/// A step written only after `When`.
pub const WHEN: &[Keyword] = &[Keyword::When];
/// A step written only after `Then`.
pub const THEN: &[Keyword] = &[Keyword::Then];
/// A step that reads as well after `Given` as after `When` (`15 days pass`).
pub const GIVEN_OR_WHEN: &[Keyword] = &[Keyword::Given, Keyword::When];

/// One step of the library.
#[derive(Clone, Copy, Debug)]
pub struct StepDef {
    /// The keywords it is written after; the first is its example's.
    pub keywords: &'static [Keyword],
    /// A cucumber expression: `{money}`, `{int}`, ... (see [`crate::steps::params::PARAMETERS`]),
    /// `(es)` for an optional ending, `has/have` for alternatives.
    pub pattern: &'static str,
    /// The step as a scenario writes it, without its keyword.
    pub example: &'static str,
    /// What runs it (made by `step!`).
    pub run: Glue,
}

impl StepDef {
    /// The example with its first keyword: `Given a payment of 10.00 NOK has been created`.
    pub fn example_line(&self) -> String {
        format!("{} {}", self.keywords.first().map_or("Given", |k| k.as_str()), self.example)
    }
}

/// A step's function behind the signature cucumber calls, with the types its parameters are
/// read as (checked against the pattern by a test, as cucumber's attributes would at compile
/// time).
#[derive(Clone, Copy)]
pub struct Glue {
    /// Reads the step's parameters and runs it.
    pub call: cucumber::Step<PaymentWorld>,
    /// The parameter types in order, as written (`Money`, `u16`); `table` for a data table.
    pub params: &'static [&'static str],
}

impl std::fmt::Debug for Glue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Glue").field("params", &self.params).finish_non_exhaustive()
    }
}

/// The glue of a step function: `step!(capture(Money))` reads one `{money}` and calls
/// `capture(world, money)`; `step!(aggregate_is(table))` passes the step's data table.
/// Every step first tells the world that it started (the report lists each exchange under
/// the step that made it).
macro_rules! step {
    ($function:ident) => {
        $crate::steps::Glue {
            call: |world, _context| {
                Box::pin(async move {
                    world.step_started().await;
                    $function(world).await
                })
            },
            params: &[],
        }
    };
    ($function:ident(table)) => {
        $crate::steps::Glue {
            call: |world, context| {
                Box::pin(async move {
                    world.step_started().await;
                    $function(world, context.step.table.as_ref()).await
                })
            },
            params: &["table"],
        }
    };
    ($function:ident($($param:ty),+)) => {
        $crate::steps::Glue {
            call: |world, context| {
                Box::pin(async move {
                    let mut args = $crate::steps::Args::new(&context);
                    world.step_started().await;
                    $function(world, $(args.next::<$param>()),+).await
                })
            },
            params: &[$(stringify!($param)),+],
        }
    };
}
use step;

/// A concept's steps, as STEPS.md groups them.
#[derive(Clone, Copy, Debug)]
pub struct Concept {
    /// The heading.
    pub title: &'static str,
    /// One or two sentences under it.
    pub about: &'static str,
    /// Its steps, in the order STEPS.md lists them.
    pub steps: &'static [StepDef],
}

/// Every step of the library, by concept.
pub const CONCEPTS: &[Concept] = &[
    Concept {
        title: "The payment and the customer",
        about: "Every scenario is about one payment, made on a sales unit whose market takes its currency.",
        steps: payment::STEPS,
    },
    Concept {
        title: "Capture, refund and cancel",
        about: "What the merchant does with an authorized payment; the outcome is kept for the `Then` steps.",
        steps: adjustments::STEPS,
    },
    Concept {
        title: "Faults",
        about: "What goes wrong on the way, injected into the simulator (tag the scenario `@sim-only`).",
        steps: faults::STEPS,
    },
    Concept {
        title: "Time",
        about: "The scenario's clock moves only when a step says so, or when the client waits.",
        steps: time::STEPS,
    },
    Concept {
        title: "Outcomes and the books",
        about: "What the API answered, and what the payment, its aggregate and its event log say.",
        steps: assertions::STEPS,
    },
    Concept {
        title: "Calls at once, and attempts",
        about: "Two calls sent together (the API takes them in an order of its own: the `Then` steps hold for \
                either), and how many times the client sent a call.",
        steps: calls::STEPS,
    },
    Concept {
        title: "Webhooks",
        about: "What the scenario's webhook receiver got, signed and verified (simulator only).",
        steps: webhooks::STEPS,
    },
];

/// Every step, concept by concept.
pub fn all() -> impl Iterator<Item = &'static StepDef> {
    CONCEPTS.iter().flat_map(|c| c.steps.iter())
}

/// The parameters of [`PARAMETERS`], each with the harness's regex, for cucumber-expressions.
#[derive(Clone, Copy)]
struct Parameters;

impl<'s> ParametersProvider<Spanned<'s>> for Parameters {
    type Item = char;
    type Value = &'static str;

    fn get(&self, input: &Spanned<'s>) -> Option<&'static str> {
        PARAMETERS.iter().find(|p| p.name == *input.fragment()).map(|p| p.regex)
    }
}

/// The regex cucumber matches a step pattern by: one capture group per parameter, in order
/// (checked, so that [`Args`] reads them by position).
pub fn regex(pattern: &str) -> Result<regex::Regex, String> {
    let regex =
        Expression::regex_with_parameters(pattern, Parameters).map_err(|e| format!("step pattern {pattern:?}: {e}"))?;
    one_group_each(pattern, &regex)?;
    Ok(regex)
}

/// The `{name}`s of a pattern, in order.
pub fn parameter_names(pattern: &str) -> Vec<&str> {
    pattern.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)).collect()
}

/// Whether `regex`, expanded from `pattern`, has one capture group for each parameter and no
/// other: what cucumber-expressions makes of a parameter whose regex captures nothing itself.
fn one_group_each(pattern: &str, regex: &regex::Regex) -> Result<(), String> {
    let (groups, parameters) = (regex.captures_len() - 1, parameter_names(pattern).len());
    if groups == parameters {
        return Ok(());
    }
    Err(format!(
        "step pattern {pattern:?}: {groups} capture groups for {parameters} parameters, so its parameters \
         cannot be read by position (a parameter's regex must capture nothing itself)"
    ))
}

/// The step library as cucumber runs it, built once.
pub fn collection() -> Result<Collection<PaymentWorld>, String> {
    static BUILT: LazyLock<Result<Collection<PaymentWorld>, String>> = LazyLock::new(|| {
        let mut steps = Collection::new();
        for def in all() {
            for keyword in def.keywords {
                let regex = regex(def.pattern)?;
                steps = match keyword {
                    Keyword::Given => steps.given(None, regex, def.run.call),
                    Keyword::When => steps.when(None, regex, def.run.call),
                    Keyword::Then => steps.then(None, regex, def.run.call),
                };
            }
        }
        Ok(steps)
    });
    BUILT.clone()
}

/// The parameters a matched step captured, read one at a time: the step's regex has one
/// capture group per parameter, in order ([`regex`]), so the `n`th group is the `n`th parameter.
pub struct Args<'c> {
    /// Each capture group's name and text, the whole match left out.
    captures: std::slice::Iter<'c, (Option<String>, String)>,
}

impl<'c> Args<'c> {
    /// The captures of `context`.
    pub fn new(context: &'c Context) -> Self {
        Self { captures: context.matches.get(1..).unwrap_or_default().iter() }
    }

    /// The next parameter, read as `T`. The pattern's regex already matched it, so a value
    /// that does not read is a step the library got wrong: the step fails saying why.
    pub fn next<T: FromStr>(&mut self) -> T
    where
        T::Err: std::fmt::Display,
    {
        let text = self.captures.next().map_or("", |(_, text)| text.as_str());
        text.parse().unwrap_or_else(|e| panic!("`{text}` cannot be read: {e}"))
    }
}

#[cfg(test)]
mod tests;
