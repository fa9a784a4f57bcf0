@go-live
Feature: Go-live: the test environment's unhappy paths
  Vipps MobilePay asks every integration to try, in the test environment, at least a card with
  insufficient funds, an expired card, an aborted payment and an expired payment. The failing
  cards are the test environment's test amounts (1.51 NOK and 1.86 NOK).

  @checklist-insufficient-funds @sim-choice
  Scenario: A card with insufficient funds is declined
    Given a payment has been created by a customer whose card has insufficient funds
    When the customer approves the payment
    Then the approval is rejected with error code 10010
    And the payment state is CREATED

  @checklist-expired-card @sim-choice
  Scenario: An expired card is declined
    Given a payment has been created by a customer whose card has expired
    When the customer approves the payment
    Then the approval is rejected with error code 10040
    And the payment state is CREATED

  @checklist-aborted-payment @sandbox
  Scenario: The customer aborts the payment
    Given a payment of 10.00 NOK has been created
    When the customer aborts the payment
    Then the abort succeeds
    And the payment state is ABORTED
    And the event log is in the order CREATED, ABORTED

  @checklist-expired-payment
  Scenario: Nobody approves the payment, and it expires
    Given a payment of 10.00 NOK has been created
    When the customer does nothing for 10 minutes
    Then the payment state is EXPIRED
    And the event log is in the order CREATED, EXPIRED
