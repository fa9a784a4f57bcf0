@sandbox
Feature: Time
  The API lives in time: a customer has ten minutes to act, and captures, cancels and refunds
  have deadlines. On the simulator each scenario has a clock of its own, which moves only when a
  step says time passes or when the client waits; a standalone sandbox moves its clock on
  request. A real environment cannot skip days, so these scenarios are @sandbox.

  @sim-only
  Scenario: A payment the customer leaves alone expires after 10 minutes
    Given a payment of 10.00 NOK has been created
    When the customer does nothing for 10 minutes
    Then the payment state is EXPIRED
    And the event log shows EXPIRED of 10.00 NOK
    And a webhook epayments.payment.expired.v1 is received for 10.00 NOK

  Scenario: Nine minutes are not too late to approve
    Given a payment of 10.00 NOK has been created
    When the customer does nothing for 9 minutes
    And the customer approves the payment
    Then the approval succeeds
    And the payment state is AUTHORIZED

  Scenario: A Norwegian payment cannot be captured or cancelled 180 days after approval
    Given a payment of 10.00 NOK has been authorized
    When 179 days pass
    And the merchant captures 2.50 NOK
    Then the capture succeeds
    When 1 day passes
    And the merchant captures 2.50 NOK
    Then the capture is rejected with error code 6100
    When the merchant cancels the payment
    Then the cancel is rejected with error code 6030

  @sim-only
  Scenario: A Danish payment cannot be captured 14 days after approval
    Given a payment of 10.00 DKK has been authorized
    When 14 days pass
    And the merchant captures 2.50 DKK
    Then the capture is rejected with error code 6100

  @sim-only
  Scenario: A Danish sales unit with late capture may capture for 180 days
    Given the sales unit has late capture
    And a payment of 10.00 DKK has been authorized
    When 179 days pass
    And the merchant captures 2.50 DKK
    Then the capture succeeds
    When 1 day passes
    And the merchant captures 2.50 DKK
    Then the capture is rejected with error code 6100
    When the merchant cancels the payment
    Then the cancel is rejected with error code 6030

  @sim-choice
  Scenario: A refund 365 days after approval is refused
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 10.00 NOK
    And 365 days pass
    And the merchant refunds 1.00 NOK
    Then the refund is rejected with error code 6220

  @sim-only @sim-choice
  Scenario: A Visa capture after the guarantee fails when the issuer released the reservation
    Given the issuer releases the reservation when the capture guarantee ends
    And a payment of 10.00 NOK has been authorized
    Then the capture guarantee lasts 7 days
    When 8 days pass
    And the merchant captures 10.00 NOK
    Then the capture is rejected with error code 6260

  @sim-only
  Scenario: A Mastercard capture is guaranteed for 30 days
    Given the customer pays with a Mastercard card
    And the issuer releases the reservation when the capture guarantee ends
    And a payment of 10.00 NOK has been authorized
    Then the capture guarantee lasts 30 days
    When 8 days pass
    And the merchant captures 10.00 NOK
    Then the capture succeeds
