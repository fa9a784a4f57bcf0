//! The payment a scenario is about, the sales unit it is made on, and its customer.

use epayment::{Amount, Error, Reference, UserFlow};

use super::{GIVEN, StepDef, WHEN, step};
use crate::steps::params::{Action, CardTrouble, MarketName, Money, Network, Quoted};
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
        pattern: "a second payment of {money} has been authorized",
        example: "a second payment of 5.00 NOK has been authorized",
        run: step!(second_payment_authorized(Money)),
    },
    StepDef {
        keywords: GIVEN,
        pattern: "the sales unit is in {market}",
        example: "the sales unit is in Finland",
        run: step!(sales_unit_in(MarketName)),
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
        pattern: "the merchant creates a payment of {money} with reference {string}",
        example: "the merchant creates a payment of 10.00 NOK with reference \"order-1002\"",
        run: step!(merchant_creates_with_reference(Money, Quoted)),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the merchant creates a payment of {money} with the reference already taken",
        example: "the merchant creates a payment of 10.00 NOK with the reference already taken",
        run: step!(merchant_creates_with_taken_reference(Money)),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the customer approves the payment",
        example: "the customer approves the payment",
        run: step!(customer_approves),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the test customer with phone number {string} approves the payment",
        example: "the test customer with phone number \"4712345678\" approves the payment",
        run: step!(force_approve_as(Quoted)),
    },
    StepDef {
        keywords: WHEN,
        pattern: "the customer aborts the payment",
        example: "the customer aborts the payment",
        run: step!(customer_aborts),
    },
];

async fn payment_created(w: &mut PaymentWorld, money: Money) {
    let reference = w.next_reference();
    create(w, reference, money.0).await.unwrap_or_else(|e| panic!("creating the payment: {e}"));
}

/// Another payment, which later steps act on; the earlier one stays as it is.
async fn second_payment_authorized(w: &mut PaymentWorld, money: Money) {
    let first = w.reference();
    payment_authorized(w, money).await;
    w.earlier_payments.push(first);
}

async fn sales_unit_in(w: &mut PaymentWorld, market: MarketName) {
    w.choose_market(market.0);
    w.note(NoteKind::Setup, &format!("the sales unit is in {}", market.name()));
}

/// A payment with the reference the scenario chose, which later steps act on.
async fn merchant_creates_with_reference(w: &mut PaymentWorld, money: Money, Quoted(written): Quoted) {
    let chosen = w.chosen_reference(&written);
    let result = match Reference::new(chosen) {
        Ok(reference) => create(w, reference, money.0).await,
        Err(e) => Err(e.into()),
    };
    w.keep_outcome(Action::Create, result);
}

/// A payment with the reference of the scenario's payment, which stays the one later steps
/// act on: the API refuses a reference it has seen (`create-reference-taken`).
async fn merchant_creates_with_taken_reference(w: &mut PaymentWorld, money: Money) {
    let taken = w.reference();
    let result = send_create(w, &taken, money.0).await.map(drop);
    w.keep_outcome(Action::Create, result);
}

/// Force approve as the test customer `phone` on every target (the simulator included, where
/// `the customer approves` approves in the app): a number the client cannot send is refused
/// before sending, one the target does not know is its answer.
async fn force_approve_as(w: &mut PaymentWorld, Quoted(phone): Quoted) {
    let result = w.client().force_approve(&w.reference(), &phone).await;
    w.note(NoteKind::Customer, &format!("the test customer {phone} approves the payment (force approve)"));
    w.keep_outcome(Action::Approve, result);
}

async fn payment_authorized(w: &mut PaymentWorld, money: Money) {
    let reference = w.next_reference();
    create(w, reference, money.0).await.unwrap_or_else(|e| panic!("creating the payment: {e}"));
    approve(w).await.unwrap_or_else(|e| panic!("approving the payment: {e}"));
}

/// The test environment's failing amount for that trouble, in NOK (1.51 NOK for insufficient
/// funds): the same scenario fails the same way on the simulator and in the test environment.
async fn payment_with_card_trouble(w: &mut PaymentWorld, trouble: CardTrouble) {
    let reference = w.next_reference();
    create(w, reference, Amount::nok(trouble.minor_units))
        .await
        .unwrap_or_else(|e| panic!("creating the payment: {e}"));
}

/// The card is the customer's when the payment is created (the simulator keeps it with the
/// payment), so the step must come before the payment.
async fn customer_pays_with(w: &mut PaymentWorld, network: Network) {
    let sim = w.sim();
    assert!(
        w.reference.is_none(),
        "the customer's card is chosen when the payment is created: write `Given the customer pays with a {} card` \
         before the payment's step",
        network.0.name()
    );
    sim.set_card_network(network.0);
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

/// The capture guarantee is fixed when the customer approves, from the sales unit's settings
/// then, so the step must come before the approval (the deadline alone would move after it).
async fn late_capture(w: &mut PaymentWorld) {
    assert!(
        !w.is_approved(),
        "late capture must be set before the customer approves: the capture guarantee is fixed at approval; write \
         `Given the sales unit has late capture` before `a payment of ... has been authorized`"
    );
    w.set_up_sales_unit(|unit| unit.late_capture(true));
    w.note(NoteKind::Setup, "the sales unit has late capture");
}

async fn merchant_creates(w: &mut PaymentWorld, money: Money) {
    let reference = w.next_reference();
    let result = create(w, reference, money.0).await;
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

/// Creates the scenario's payment as `reference`, on a sales unit whose market takes its
/// currency (or the one a market step chose).
async fn create(w: &mut PaymentWorld, reference: Reference, amount: Amount) -> Result<(), Error> {
    w.use_sales_unit_for(amount.currency());
    w.reference = Some(reference.clone());
    w.amount = Some(amount.clone());
    w.redirect_url = send_create(w, &reference, amount).await?.redirect_url;
    Ok(())
}

/// The create request the scenarios send.
async fn send_create(
    w: &PaymentWorld,
    reference: &Reference,
    amount: Amount,
) -> Result<epayment::CreatedPayment, Error> {
    w.client()
        .create_payment(reference, amount)
        .user_flow(UserFlow::WebRedirect)
        .return_url("https://shop.example/return")
        .description("Contract test payment")
        .send()
        .await
}

/// The customer approves: in the app on the simulator, by force approve on a remote target.
async fn approve(w: &mut PaymentWorld) -> Result<(), Error> {
    let result = w.customer_approves().await;
    w.note(NoteKind::Customer, "the customer approves the payment");
    result
}
