@sim-only
Feature: Webhooks
  The API tells the merchant what happened with signed webhooks.

  Scenario: A signed captured event arrives and verifies
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 2.50 NOK
    Then the capture succeeds
    And a webhook epayments.payment.captured.v1 is received for 2.50 NOK
    And a webhook epayments.payment.authorized.v1 is received for 10.00 NOK
