@go-live
Feature: Go-live: the endpoints to integrate
  The checklist's first table: each ePayment endpoint a merchant integrates, and the reference of
  a payment it was used on. `cargo xtask go-live` runs these against the test environment (or a
  sandbox, as a rehearsal) and fills that table with the references and one dated request and
  response per endpoint.

  @checklist-create-payment
  Scenario: Create a payment
    When the merchant creates a payment of 10.00 NOK
    Then the create succeeds
    And the payment state is CREATED

  @checklist-get-payment
  Scenario: Get a payment
    Given a payment of 10.00 NOK has been authorized
    Then the payment state is AUTHORIZED

  @checklist-get-event-log
  Scenario: Get a payment's event log
    Given a payment of 10.00 NOK has been authorized
    Then the event log is in the order CREATED, AUTHORIZED

  @checklist-cancel
  Scenario: Cancel a payment
    Given a payment of 10.00 NOK has been authorized
    When the merchant cancels the payment
    Then the cancel succeeds
    And the cancelled amount is 10.00 NOK

  @checklist-capture-full
  Scenario: Capture the whole amount
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 10.00 NOK
    Then the capture succeeds
    And the captured amount is 10.00 NOK

  @checklist-capture-partial
  Scenario: Capture part of the amount
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 4.00 NOK
    Then the capture succeeds
    And the captured amount is 4.00 NOK

  @checklist-refund-full
  Scenario: Refund the whole captured amount
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 10.00 NOK
    And the merchant refunds 10.00 NOK
    Then the refund succeeds
    And the refunded amount is 10.00 NOK

  @checklist-refund-partial
  Scenario: Refund part of the captured amount
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 10.00 NOK
    And the merchant refunds 3.00 NOK
    Then the refund succeeds
    And the refunded amount is 3.00 NOK
