Feature: Refund
  Captured money goes back to the customer, wholly or in parts, up to what was captured.

  Scenario: Refund part of a capture, then the rest
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 10.00 NOK
    And the merchant refunds 1.00 NOK
    Then the refund succeeds
    And the refunded amount is 1.00 NOK
    When the merchant refunds 9.00 NOK
    Then the aggregate is:
      | authorized | captured  | cancelled | refunded  |
      | 10.00 NOK  | 10.00 NOK | 0.00 NOK  | 10.00 NOK |
    And the event log shows REFUNDED of 9.00 NOK

  Scenario: Refunding one øre more than was captured is refused
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 2.50 NOK
    And the merchant refunds 2.51 NOK
    Then the refund is rejected with error code 6150
    And the refunded amount is 0.00 NOK

  Scenario: Refund before the payment is authorized
    Given a payment of 10.00 NOK has been created
    When the merchant refunds 1.00 NOK
    Then the refund is rejected with error code 6020
