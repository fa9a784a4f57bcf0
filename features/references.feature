Feature: References and a second payment
  A reference names one payment of a sales unit for good: the merchant may choose it, and the API
  refuses one it has seen. On a remote target a chosen reference is followed by `-run-` and 12
  hex digits, since a sandbox and the test environment keep every reference for good.

  Scenario: A payment with a reference of the merchant's choosing
    When the merchant creates a payment of 10.00 NOK with reference "acme-order-1002"
    Then the payment creation succeeds
    And the payment state is CREATED

  Scenario: A reference already taken is refused
    Given a payment of 10.00 NOK has been created
    When the merchant creates a payment of 5.00 NOK with the reference already taken
    Then the payment creation is rejected with status 409
    And the payment creation is rejected with error code 4150
    And the payment state is CREATED

  Scenario: A second payment leaves the first as it was
    Given a payment of 10.00 NOK has been authorized
    And a second payment of 5.00 NOK has been authorized
    When the merchant captures 5.00 NOK
    Then the captured amount is 5.00 NOK
    And the first payment's state is AUTHORIZED
