Feature: Errors
  What the API refuses comes back with its status and error code; what the client can tell
  is wrong never leaves it.

  Scenario: Capture before the customer approves
    Given a payment of 10.00 NOK has been created
    When the merchant captures 2.50 NOK
    Then the capture is rejected with error code 6080
    And the payment state is CREATED

  Scenario: Capture of an unknown payment
    When the merchant captures 2.50 NOK of an unknown payment
    Then the capture is rejected with status 404

  Scenario Outline: An amount the API cannot take is refused before sending: <amount>
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures <amount>
    Then the capture is refused before sending
    And the captured amount is 0.00 NOK

    Examples:
      | amount        |
      | 650000.01 NOK |
      | -1.00 NOK     |
      | 1.00 XYZ      |

  Scenario: A reference the API cannot take is refused before sending
    When the merchant captures 2.50 NOK for reference "bad ref"
    Then the capture is refused before sending

  @sim-only
  Scenario: An expired token is renewed without the scenario noticing
    Given a payment of 10.00 NOK has been authorized
    And the access token has expired
    When the merchant captures 2.50 NOK
    Then the capture succeeds
    And the captured amount is 2.50 NOK

  @sandbox
  Scenario: A customer who aborts leaves nothing to capture
    Given a payment of 10.00 NOK has been created
    When the customer aborts the payment
    Then the abort succeeds
    And the payment state is ABORTED
    When the merchant captures 1.00 NOK
    Then the capture is rejected with error code 6200

  Scenario: Refund and cancel of an unknown payment
    When the merchant refunds 1.00 NOK of an unknown payment
    Then the refund is rejected with status 404
    And the refund is rejected with error code 5090
    When the merchant cancels an unknown payment
    Then the cancel is rejected with status 404
