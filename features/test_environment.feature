Feature: The test environment's failing cards
  The test environment declines a payment on purpose when its amount is one of its test
  amounts (1.51 NOK for a card with insufficient funds, say), so that every integration can try
  its failure paths; Vipps MobilePay asks each to test at least insufficient funds, an expired
  card, an aborted payment and an expired one. The simulator declines the same amounts, so these
  scenarios run unchanged on the simulator, a standalone sandbox and the test environment. The
  error codes are the simulator's choice: the guides say the payment fails, not with which code.

  @sim-choice
  Scenario: A card with insufficient funds is declined, and the payment waits for the customer
    Given a payment has been created by a customer whose card has insufficient funds
    When the customer approves the payment
    Then the approval is rejected with error code 10010
    And the payment state is CREATED

  @sim-choice
  Scenario: An expired card is declined
    Given a payment has been created by a customer whose card has expired
    When the customer approves the payment
    Then the approval is rejected with error code 10040
    And the payment state is CREATED

  @sandbox
  Scenario: A payment the customer aborts ends aborted
    Given a payment of 10.00 NOK has been created
    When the customer aborts the payment
    Then the abort succeeds
    And the payment state is ABORTED
    And the event log is in the order CREATED, ABORTED

  Scenario: A payment nobody approves expires after 10 minutes
    Given a payment of 10.00 NOK has been created
    When the customer does nothing for 10 minutes
    Then the payment state is EXPIRED
    And the event log is in the order CREATED, EXPIRED

  @sim-choice
  Scenario: A refund to a customer who cannot receive one is refused
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 10.00 NOK
    And the merchant refunds 1.23 NOK
    Then the refund is rejected with error code 5100
