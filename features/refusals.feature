Feature: What each refusal answers once a payment has ended or been cancelled
  Each scenario pins one FIDELITY.md rule's answer, or the edge of its limit, that no scenario
  pinned before: `cargo xtask contract --mutate` listed these rules as noticed by no scenario.

  Scenario: A payment cancelled before approval cannot be captured
    Given a payment of 10.00 NOK has been created
    When the merchant cancels the payment
    And the merchant captures 1.00 NOK
    Then the capture is rejected with error code 6070

  Scenario: A second cancel finds nothing left to release
    Given a payment of 10.00 NOK has been authorized
    When the merchant cancels the payment
    Then the cancel succeeds
    When the merchant cancels the payment
    Then the cancel is rejected with error code 6190

  Scenario: A payment cancelled before approval cannot be cancelled again
    Given a payment of 10.00 NOK has been created
    When the merchant cancels the payment
    Then the cancel succeeds
    When the merchant cancels the payment
    Then the cancel is rejected with error code 6190

  @sandbox
  Scenario: An aborted payment cannot be refunded
    Given a payment of 10.00 NOK has been created
    When the customer aborts the payment
    And the merchant refunds 1.00 NOK
    Then the refund is rejected with error code 6210

  @sandbox
  Scenario: An aborted payment cannot be cancelled
    Given a payment of 10.00 NOK has been created
    When the customer aborts the payment
    And the merchant cancels the payment
    Then the cancel is rejected with error code 6050

  @sandbox
  Scenario: An aborted payment cannot be approved afterwards
    Given a payment of 10.00 NOK has been created
    When the customer aborts the payment
    And the customer approves the payment
    Then the approval is rejected with error code 10010
    And the payment state is ABORTED

  @sandbox
  Scenario: An approved payment cannot be aborted afterwards
    Given a payment of 10.00 NOK has been authorized
    When the customer aborts the payment
    Then the abort is rejected with error code 10010
    And the payment state is AUTHORIZED

  @sim-only @sim-choice
  Scenario: A Visa capture the second the guarantee ends fails when the issuer released the reservation
    Given the issuer releases the reservation when the capture guarantee ends
    And a payment of 10.00 NOK has been authorized
    When 7 days pass
    And the merchant captures 10.00 NOK
    Then the capture is rejected with error code 6260

  @sim-only
  Scenario: After four quick retries a failed webhook waits a minute
    Given a payment of 10.00 NOK has been authorized
    Then a webhook epayments.payment.authorized.v1 is received for 10.00 NOK
    Given the webhook receiver fails the next 5 deliveries
    When the merchant captures 2.50 NOK
    And 10 seconds pass
    Then no webhook epayments.payment.captured.v1 arrives
    When 60 seconds pass
    Then a webhook epayments.payment.captured.v1 is received for 2.50 NOK
