@sim-only
Feature: Webhooks
  The API tells the merchant what happened with signed webhooks.

  Scenario: A signed captured event arrives and verifies
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 2.50 NOK
    Then the capture succeeds
    And a webhook epayments.payment.captured.v1 is received for 2.50 NOK
    And a webhook epayments.payment.authorized.v1 is received for 10.00 NOK

  @sim-choice
  Scenario: A capture the API could not do is logged as failed, and the retry succeeds
    Given a payment of 10.00 NOK has been authorized
    And the API refuses the next capture with error code 6280
    When the merchant captures 2.50 NOK
    Then the capture succeeds
    And the event log shows a failed CAPTURED of 2.50 NOK
    And the event log shows CAPTURED of 2.50 NOK
    And the captured amount is 2.50 NOK
    And a webhook epayments.payment.captured.v1 is received for 2.50 NOK
    And a failed webhook epayments.payment.captured.v1 is received for 2.50 NOK

  Scenario: A failed webhook holds back the payment's later events until it is delivered
    Given a payment of 10.00 NOK has been created
    Then a webhook epayments.payment.created.v1 is received for 10.00 NOK
    Given the webhook receiver fails the next 1 delivery
    When the customer approves the payment
    And the merchant captures 2.50 NOK
    Then the webhook epayments.payment.captured.v1 is held back
    When 2 seconds pass
    Then a webhook epayments.payment.authorized.v1 is received for 10.00 NOK
    And a webhook epayments.payment.captured.v1 is received for 2.50 NOK

  Scenario: One clock move runs every retry that falls due in it
    Given a payment of 10.00 NOK has been authorized
    Then a webhook epayments.payment.authorized.v1 is received for 10.00 NOK
    Given the webhook receiver fails the next 2 deliveries
    When the merchant captures 2.50 NOK
    Then the webhook epayments.payment.captured.v1 is held back
    When 10 seconds pass
    Then a webhook epayments.payment.captured.v1 is received for 2.50 NOK

  Scenario: How many webhooks of a kind arrived, and one that never does
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 2.50 NOK
    And the merchant captures 2.50 NOK
    Then 2 webhooks epayments.payment.captured.v1 arrived
    And no webhook epayments.payment.refunded.v1 arrives
