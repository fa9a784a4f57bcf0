Feature: Idempotency
  The same Idempotency-Key with the same body makes the operation happen once, however many
  times it is sent. The same key with another body is refused.

  Scenario: A retry with the same key captures once
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 2.50 NOK with idempotency key "order-1-c1"
    And the merchant captures 2.50 NOK with idempotency key "order-1-c1"
    Then the capture succeeds
    And the captured amount is 2.50 NOK

  Scenario: The same key with another amount is refused
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 2.50 NOK with idempotency key "order-1-c1"
    And the merchant captures 3.00 NOK with idempotency key "order-1-c1"
    Then the capture is rejected with status 409
    And the capture is rejected with error code 4010
    And the captured amount is 2.50 NOK

  Scenario: A refund retried with the same key refunds once
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 5.00 NOK
    And the merchant refunds 1.00 NOK with idempotency key "order-1-r1"
    And the merchant refunds 1.00 NOK with idempotency key "order-1-r1"
    Then the refund succeeds
    And the refunded amount is 1.00 NOK

  @sim-only
  Scenario: A lost answer is retried by the client and captures once
    Given a payment of 10.00 NOK has been authorized
    And the API loses the answer to the next capture
    When the merchant captures 2.50 NOK
    Then the capture succeeds
    And the captured amount is 2.50 NOK

  @sim-only
  Scenario: A dropped connection is retried by the client and refunds once
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 5.00 NOK
    Given the API drops the connection of the next refund
    When the merchant refunds 1.00 NOK
    Then the refund succeeds
    And the refunded amount is 1.00 NOK

  @sim-only
  Scenario Outline: A <status> is retried with the same key
    Given a payment of 10.00 NOK has been authorized
    And the API fails the next capture with status <status>
    When the merchant captures 2.50 NOK
    Then the capture succeeds
    And the captured amount is 2.50 NOK

    Examples:
      | status |
      | 500    |
      | 503    |
      | 423    |

  Scenario: A capture refused before approval stays refused for its key
    Given a payment of 10.00 NOK has been created
    When the merchant captures 2.50 NOK with idempotency key "order-1-c1"
    Then the capture is rejected with error code 6080
    When the customer approves the payment
    And the merchant captures 2.50 NOK with idempotency key "order-1-c1"
    Then the capture is rejected with error code 6080
    When the merchant captures 2.50 NOK with idempotency key "order-1-c2"
    Then the capture succeeds
    And the captured amount is 2.50 NOK

  Scenario: A cancel retried with the same key cancels once
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 2.50 NOK
    And the merchant cancels the payment with idempotency key "order-1-x1"
    And the merchant cancels the payment with idempotency key "order-1-x1"
    Then the cancel succeeds
    And the event log is in the order CREATED, AUTHORIZED, CAPTURED, CANCELLED

  # The late answer costs real time (tokio's clock runs the client's attempt timeout, not the
  # scenario's): 250 ms here, enough that the retry is not timed out too on a busy machine.
  @sim-only
  Scenario: An answer later than the client's attempt timeout is retried and captures once
    Given a payment of 10.00 NOK has been authorized
    And the client gives up on an attempt after 250 ms
    And the API answers the next capture only after 750 ms
    When the merchant captures 2.50 NOK
    Then the capture succeeds
    And the capture was sent 2 times
    And the captured amount is 2.50 NOK
    And the event log is in the order CREATED, AUTHORIZED, CAPTURED

  @sim-only
  Scenario: An answer within the client's attempt timeout is taken as it comes
    Given a payment of 10.00 NOK has been authorized
    And the client gives up on an attempt after 2000 ms
    And the API answers the next capture only after 20 ms
    When the merchant captures 2.50 NOK
    Then the capture succeeds
    And the capture was sent 1 time
