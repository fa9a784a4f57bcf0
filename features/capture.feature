Feature: Full capture
  The merchant takes the whole authorized amount in one capture, as in the API guide's
  example: 10.00 NOK authorized, 10.00 NOK captured.

  Scenario: Capture the whole authorized amount
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 10.00 NOK
    Then the capture succeeds
    And the aggregate is:
      | authorized | captured  | cancelled | refunded |
      | 10.00 NOK  | 10.00 NOK | 0.00 NOK  | 0.00 NOK |
    And the payment state is AUTHORIZED
    And the event log shows CAPTURED of 10.00 NOK

  # Which code the API gives here is not documented: 6090 is the simulator's choice.
  @sim-choice
  Scenario: Nothing is left to capture after a full capture
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 10.00 NOK
    And the merchant captures 0.01 NOK
    Then the capture is rejected with error code 6090
    And the captured amount is 10.00 NOK
