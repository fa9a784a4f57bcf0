@go-live-production
Feature: Go-live: production verification
  One complete order in production, checked through the API, as the checklist asks: a person
  approves the payment in the app, the merchant captures half and refunds it, and cancels the
  rest, so that the order ends with AUTHORIZED, CAPTURED, REFUNDED and CANCELLED. 2 NOK, not 1:
  some payment systems deprioritise the lowest amount. `cargo xtask go-live --production` runs
  this order, written again for the amount it is given (`--amount 2.00 DKK`).

  @checklist-production-order
  Scenario: One complete order of 2.00 NOK
    Given a payment of 2.00 NOK has been authorized
    When the merchant captures 1.00 NOK
    And the merchant refunds 1.00 NOK
    And the merchant cancels the payment
    Then the event log shows AUTHORIZED of 2.00 NOK
    And the event log shows CAPTURED of 1.00 NOK
    And the event log shows REFUNDED of 1.00 NOK
    And the event log shows CANCELLED of 1.00 NOK
