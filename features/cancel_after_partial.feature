Feature: Cancel after a partial capture
  A cancel releases whatever is not captured, for good. The state stays AUTHORIZED.

  Scenario: Capture 2.50 NOK of 10.00, then cancel the rest
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 2.50 NOK
    And the merchant cancels the payment
    Then the cancel succeeds
    And the aggregate is:
      | authorized | captured | cancelled | refunded |
      | 10.00 NOK  | 2.50 NOK | 7.50 NOK  | 0.00 NOK |
    And the payment state is AUTHORIZED
    And the event log shows CANCELLED of 7.50 NOK

  Scenario: No capture after a cancel
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 2.50 NOK
    And the merchant cancels the payment
    And the merchant captures 1.00 NOK
    Then the capture is rejected with error code 6070
    And the captured amount is 2.50 NOK

  Scenario: A fully captured payment cannot be cancelled
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 10.00 NOK
    And the merchant cancels the payment
    Then the cancel is rejected with error code 6040

  Scenario: Cancel before approval ends the payment
    Given a payment of 10.00 NOK has been created
    When the merchant cancels the payment
    Then the cancel succeeds
    And the payment state is TERMINATED
    And the cancelled amount is 10.00 NOK

  Scenario: Cancel only if not authorized leaves an authorized payment alone
    Given a payment of 10.00 NOK has been authorized
    When the merchant cancels the payment only if it is not authorized
    Then the cancel is rejected with error code 6060
    And the cancelled amount is 0.00 NOK
