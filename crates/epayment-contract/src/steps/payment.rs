//! The payment a scenario is about, the sales unit it is made on, and its customer.

use epayment::{Amount, Error, UserFlow};

use super::{GIVEN, StepDef, WHEN, step};
use crate::steps::params::{Action, CardTrouble, Money, Network};
use crate::world::PaymentWorld;
use crate::world::trail::NoteKind;

pub(super) const STEPS: &[StepDef] = &[
    StepDef {
        keywords: GIVEN,
        pattern: "a payment of {money} has been created",
        example: "a payment of 10.00 NOK has been created",
        run: step!(payment_created(Money)),
    },
    StepDef {
        keywords: GIVEN,
        pattern: "a payment of {money} has been authorized",
        example: "a payment of 10.00 NOK has been authorized",
        run: step!(payment_authorized(Money)),
    },
    StepDef {
        keywords: GIVEN,
        pattern: "a payment has been created by a customer whose card {card}",
        example: "a payment has been created by a customer whose card has insufficient funds",
        run: step!(payment_with_card_trouble(CardTrouble)),
    },
    StepDef {
        keywords: GIVEN,
        pattern: "the customer pays with a {network} card",
        example: "the customer pays with a Mastercard card",
        run: step!(customer_pays_with(Network)),
    },
    StepDef {
        keywords: GIVEN,
        pattern: "the issuer releases the reservation when the capture guarantee ends",
        example: "the issuer releases the reservation when the capture guarantee ends",
        run: step!(issuer_releases),
    },
    StepDef {
        keywords: GIVEN,
        pattern: "the sales unit allows only full capture",
        example: "the sales unit allows only full capture",
        run: step!(full_capture_only),
    },
    StepDef {
        keywords: GIVEN,
        pattern: "the sales unit has late capture",
        example: "the sales unit has late capture",
        run: step!(late_capture),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the merchant creates a payment of {money}",
        example: "the merchant creates a payment of 10.00 SEK",
        run: step!(merchant_creates(Money)),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the customer approves the payment",
        example: "the customer approves the payment",
        run: step!(customer_approves),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the customer aborts the payment",
        example: "the customer aborts the payment",
        run: step!(customer_aborts),
    },
];

async fn payment_created(w: &mut PaymentWorld, money: Money) {
    create(w, money.0).await.unwrap_or_else(|e| panic!("creating the payment: {e}"));
}

async fn payment_authorized(w: &mut PaymentWorld, money: Money) {
    create(w, money.0).await.unwrap_or_else(|e| panic!("creating the payment: {e}"));
    approve(w).await.unwrap_or_else(|e| panic!("approving the payment: {e}"));
}

/// The test environment's failing amount for that trouble, in NOK (1.51 NOK for insufficient
/// funds): the same scenario fails the same way on the simulator and in the test environment.
async fn payment_with_card_trouble(w: &mut PaymentWorld, trouble: CardTrouble) {
    create(w, Amount::nok(trouble.minor_units)).await.unwrap_or_else(|e| panic!("creating the payment: {e}"));
}

async fn customer_pays_with(w: &mut PaymentWorld, network: Network) {
    w.sim().set_card_network(network.0);
    w.note(NoteKind::Customer, &format!("the customer pays with a {} card", network.0.name()));
}

async fn issuer_releases(w: &mut PaymentWorld) {
    w.sim().set_issuer_releases_reservations(true);
    w.note(NoteKind::Setup, "the issuer releases the reservation when the capture guarantee ends");
}

async fn full_capture_only(w: &mut PaymentWorld) {
    w.set_up_sales_unit(|unit| unit.full_capture_only(true));
    w.note(NoteKind::Setup, "the sales unit allows only full capture");
}

async fn late_capture(w: &mut PaymentWorld) {
    w.set_up_sales_unit(|unit| unit.late_capture(true));
    w.note(NoteKind::Setup, "the sales unit has late capture");
}

async fn merchant_creates(w: &mut PaymentWorld, money: Money) {
    let result = create(w, money.0).await;
    w.keep_outcome(Action::Create, result);
}

async fn customer_approves(w: &mut PaymentWorld) {
    let result = approve(w).await;
    w.keep_outcome(Action::Approve, result);
}

async fn customer_aborts(w: &mut PaymentWorld) {
    let result = w.customer_aborts().await;
    w.note(NoteKind::Customer, "the customer aborts the payment");
    w.keep_outcome(Action::Abort, result);
}

/// Creates the scenario's payment, on a sales unit whose market takes its currency.
async fn create(w: &mut PaymentWorld, amount: Amount) -> Result<(), Error> {
    w.use_sales_unit_for(amount.currency());
    let reference = w.next_reference();
    w.reference = Some(reference.clone());
    w.amount = Some(amount.clone());
    let created = w
        .client()
        .create_payment(&reference, amount)
        .user_flow(UserFlow::WebRedirect)
        .return_url("https://shop.example/return")
        .description("Contract test payment")
        .send()
        .await?;
    w.redirect_url = created.redirect_url;
    Ok(())
}

/// The customer approves: in the app on the simulator, by force approve on a remote target.
async fn approve(w: &mut PaymentWorld) -> Result<(), Error> {
    let result = w.customer_approves().await;
    w.note(NoteKind::Customer, "the customer approves the payment");
    result
}
