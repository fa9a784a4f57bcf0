@go-live
Feature: Go-live: quality assurance
  The checklist's quality items a machine can check through the API: every state and the
  events CANCELLED, CAPTURED and REFUNDED seen and read back, and reservations that will not
  be captured released. The items about what a person sees (errors shown to customers and
  staff, order details, the browser side of returnUrl) are listed in the checklist as needing
  a person.

  @checklist-states
  Scenario: A new payment is CREATED
    When the merchant creates a payment of 10.00 NOK
    Then the payment state is CREATED

  @checklist-states
  Scenario: An approved payment is AUTHORIZED
    Given a payment of 10.00 NOK has been authorized
    Then the payment state is AUTHORIZED

  @checklist-states @sandbox
  Scenario: A payment the customer aborts is ABORTED
    Given a payment of 10.00 NOK has been created
    When the customer aborts the payment
    Then the payment state is ABORTED

  @checklist-states
  Scenario: A payment nobody approves is EXPIRED
    Given a payment of 10.00 NOK has been created
    When the customer does nothing for 10 minutes
    Then the payment state is EXPIRED

  @checklist-states
  Scenario: A payment cancelled before approval is TERMINATED
    Given a payment of 10.00 NOK has been created
    When the merchant cancels the payment
    Then the payment state is TERMINATED

  @checklist-events
  Scenario: The event log shows CAPTURED, REFUNDED and CANCELLED
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 4.00 NOK
    And the merchant refunds 1.00 NOK
    And the merchant cancels the payment
    Then the event log shows CAPTURED of 4.00 NOK
    And the event log shows REFUNDED of 1.00 NOK
    And the event log shows CANCELLED of 6.00 NOK

  @checklist-release-reservations
  Scenario: What will not be captured is cancelled, so the customer's money is released
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 7.50 NOK
    And the merchant cancels the payment
    Then the cancel succeeds
    And the aggregate is:
      | authorized | captured | cancelled | refunded |
      | 10.00 NOK  | 7.50 NOK | 2.50 NOK  | 0.00 NOK |
