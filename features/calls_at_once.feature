Feature: Calls sent at once
  Two calls the merchant sends together reach the API in an order of its own choosing. Whichever
  it takes first, one outcome wins and the books add up. These scenarios keep no snapshot: their
  exchanges come in another order from run to run (the contract checks still apply).

  Scenario: A full capture racing a cancel: exactly one of them wins
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 10.00 NOK and cancels the payment at the same time
    Then exactly one of the capture and the cancel succeeds
    And the aggregate adds up
    And the aggregate is one of:
      | authorized | captured  | cancelled | refunded |
      | 10.00 NOK  | 10.00 NOK | 0.00 NOK  | 0.00 NOK |
      | 10.00 NOK  | 0.00 NOK  | 10.00 NOK | 0.00 NOK |

  Scenario: A part capture racing a cancel: the cancel always succeeds and the books add up
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 2.50 NOK and cancels the payment at the same time
    Then the cancel succeeds
    And the aggregate adds up
    And the aggregate is one of:
      | authorized | captured | cancelled | refunded |
      | 10.00 NOK  | 2.50 NOK | 7.50 NOK  | 0.00 NOK |
      | 10.00 NOK  | 0.00 NOK | 10.00 NOK | 0.00 NOK |
