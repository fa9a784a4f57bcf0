Feature: Force approve as a test customer
  In the test environment a test customer approves without the app by force approve, given their
  phone number. The simulator and a sandbox take any valid number; the test environment only the
  numbers of the merchant's own test users.

  Scenario: The test customer approves with their phone number
    Given a payment of 10.00 NOK has been created
    When the test customer with phone number "4712345678" approves the payment
    Then the approval succeeds
    And the payment state is AUTHORIZED

  Scenario: A phone number that is no number is refused before sending
    Given a payment of 10.00 NOK has been created
    When the test customer with phone number "call me" approves the payment
    Then the approval is refused before sending
    And the payment state is CREATED
