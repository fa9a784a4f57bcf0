//! Profile sharing and Express checkout: what a payment may ask of the customer's profile,
//! and what the merchant learns once the customer consents (at approval).
//!
//! The simulator's test customer has one profile (name, e-mail, phone number, birth date and
//! an address in each Nordic market), so that answers repeat.

use std::collections::BTreeSet;

use epayment_api::epayment::types;
use epayment_vocabulary::ErrorCode;

use super::ApiError;

/// The scopes a payment may ask for.
pub(crate) const SCOPES: [&str; 6] = ["name", "address", "email", "phoneNumber", "birthDate", "nin"];

/// The scope an Express payment must ask for: exactly these.
pub(crate) const EXPRESS_SCOPE: [&str; 4] = ["name", "address", "email", "phoneNumber"];

/// The scopes of a `profile.scope` (space-separated), checked: an unknown one is 4080.
pub(crate) fn scopes(request: &types::CreatePaymentRequest) -> Result<BTreeSet<String>, ApiError> {
    let Some(scope) = request.profile.as_ref().and_then(|p| p.scope.as_deref()) else { return Ok(BTreeSet::new()) };
    let words: BTreeSet<String> = scope.split_whitespace().map(str::to_owned).collect();
    // fidelity: profile-scope
    if let Some(unknown) = words.iter().find(|w| !SCOPES.contains(&w.as_str())) {
        let refusal = ApiError::rule(
            ErrorCode::InvalidScope,
            format!("{unknown} is not a scope; the scopes are {}", SCOPES.join(", ")),
        );
        return Err(refusal.fidelity("profile-scope"));
    }
    Ok(words)
}

/// An Express payment's rules: exactly the Express scope, and either fixed or dynamic shipping
/// options (not both, not neither), fixed ones with an option each.
// fidelity: express-rules
pub(crate) fn check_express(shipping: &types::Shipping, scopes: &BTreeSet<String>) -> Result<(), ApiError> {
    let express: BTreeSet<String> = EXPRESS_SCOPE.iter().map(|s| (*s).to_owned()).collect();
    if *scopes != express {
        return Err(ApiError::rule(
            ErrorCode::InvalidScope,
            format!("an express payment asks for exactly the scope \"{}\"", EXPRESS_SCOPE.join(" ")),
        )
        .fidelity("express-rules"));
    }
    let refusal = match (&shipping.fixed_options, &shipping.dynamic_options) {
        (Some(_), Some(_)) => {
            ApiError::rule(ErrorCode::MissingParameter, "shipping has both fixedOptions and dynamicOptions; give one")
        }
        (None, None) => ApiError::rule(ErrorCode::MissingParameter, "shipping needs fixedOptions or dynamicOptions"),
        (Some(fixed), None) if fixed.0.is_empty() || fixed.0.iter().any(|g| g.options.is_empty()) => {
            ApiError::rule(ErrorCode::MissingParameter, "every fixed shipping group needs at least one option")
        }
        _ => return Ok(()),
    };
    Err(refusal.fidelity("express-rules"))
}

/// What the merchant learns when the customer consents.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Consent {
    pub(crate) user_details: Option<types::UserDetails>,
    pub(crate) shipping_details: Option<types::ShippingDetails>,
}

/// The test customer's addresses, one per market.
fn addresses() -> [types::Address; 3] {
    let address = |line: &str, city: &str, country: &str, post_code: &str| types::Address {
        address_line1: line.to_owned(),
        address_line2: None,
        city: city.to_owned(),
        country: country.to_owned(),
        post_code: post_code.to_owned(),
    };
    [
        address("Testveien 1", "Oslo", "NO", "0150"),
        address("Prøvevej 2", "København", "DK", "1050"),
        address("Testikatu 3", "Helsinki", "FI", "00100"),
    ]
}

/// What consenting to `scopes` shares, for an Express payment with `shipping` or not. The
/// user details come when the scope covers what the document requires of them (name, e-mail
/// and phone number); an Express customer chooses the first address in an allowed country
/// (none: the approval fails, 10010) and the default shipping option.
// fidelity: profile-consent
pub(crate) fn consent(scopes: &BTreeSet<String>, shipping: Option<&types::Shipping>) -> Result<Consent, ApiError> {
    let has = |scope: &str| scopes.contains(scope);
    let user_details = (has("name") && has("email") && has("phoneNumber")).then(|| types::UserDetails {
        addresses: if has("address") { addresses().to_vec() } else { Vec::new() },
        date_of_birth: has("birthDate").then(|| "1990-01-31".to_owned()),
        email: "ada.testesen@example.com".to_owned(),
        first_name: "Ada".to_owned(),
        last_name: "Testesen".to_owned(),
        mobile_number: "4712345678".to_owned(),
    });
    let shipping_details = match shipping {
        None => None,
        Some(shipping) => Some(shipping_details(shipping)?),
    };
    Ok(Consent { user_details, shipping_details })
}

fn shipping_details(shipping: &types::Shipping) -> Result<types::ShippingDetails, ApiError> {
    let allowed: Vec<&str> = shipping.allowed_countries.iter().map(|c| c.as_str()).collect();
    let address = addresses()
        .into_iter()
        .find(|a| allowed.is_empty() || allowed.contains(&a.country.as_str()))
        .ok_or_else(|| {
            ApiError::rule(
                ErrorCode::ForceApproveFailed,
                format!("the customer has no address in {}", allowed.join(", ")),
            )
            .fidelity("express-rules")
        })?;
    let address = types::ShippingDetailsAddress {
        address_line1: address.address_line1,
        address_line2: address.address_line2,
        city: address.city,
        country: address.country,
        post_code: address.post_code,
    };
    let groups = shipping.fixed_options.as_ref().map(|f| f.0.as_slice()).unwrap_or_default();
    let group = groups.iter().find(|g| g.is_default == Some(true)).or(groups.first());
    let chosen = group.and_then(|g| g.options.iter().find(|o| o.is_default == Some(true)).or(g.options.first()));
    Ok(match chosen {
        Some(option) => types::ShippingDetails {
            address,
            shipping_cost: option.amount.value,
            shipping_option_id: option.id.clone(),
            shipping_option_name: option.name.clone(),
        },
        // Dynamic options come from the merchant's callback, which the simulator does not call.
        None => types::ShippingDetails {
            address,
            shipping_cost: 0,
            shipping_option_id: "sim-dynamic".to_owned(),
            shipping_option_name: "Dynamic shipping (not called by the simulator)".to_owned(),
        },
    })
}
