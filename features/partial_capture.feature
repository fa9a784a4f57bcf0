Feature: Partial capture
  The merchant captures part of the authorized amount, as many times as needed, up to what
  was authorized. The state stays AUTHORIZED; progress shows in the aggregate.

  Scenario: Capture 2.50 NOK, then more, up to the authorized amount
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 2.50 NOK
    Then the capture succeeds
    And the aggregate is:
      | authorized | captured | cancelled | refunded |
      | 10.00 NOK  | 2.50 NOK | 0.00 NOK  | 0.00 NOK |
    When the merchant captures 2.50 NOK
    Then the captured amount is 5.00 NOK
    When the merchant captures 4.00 NOK
    Then the captured amount is 9.00 NOK
    When the merchant captures the remaining amount
    Then the capture succeeds
    And the aggregate is:
      | authorized | captured  | cancelled | refunded |
      | 10.00 NOK  | 10.00 NOK | 0.00 NOK  | 0.00 NOK |
    And the payment state is AUTHORIZED

  Scenario: Capturing more than is left is refused
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 7.50 NOK
    And the merchant captures 2.51 NOK
    Then the capture is rejected with error code 6090
    And the captured amount is 7.50 NOK

  Scenario Outline: Part captures of <first> and <second>
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures <first>
    And the merchant captures <second>
    Then the capture succeeds
    And the captured amount is <total>

    Examples:
      | first    | second   | total     |
      | 2.50 NOK | 2.50 NOK | 5.00 NOK  |
      | 0.01 NOK | 9.99 NOK | 10.00 NOK |

  @sim-only
  Scenario: A sales unit that allows only full capture refuses a part capture
    Given a payment of 10.00 NOK has been authorized
    And the sales unit allows only full capture
    When the merchant captures 2.50 NOK
    Then the capture is rejected with error code 6140
    When the merchant captures 10.00 NOK
    Then the capture succeeds
