Feature: Rate limits
  Each operation has a limit of its own, counted per payment: 5 creates, 5 captures, 5 cancels
  and 5 refunds a minute, and 120 of each read. The next call of that operation gets 429 with
  Retry-After, which the client honours: on the simulator (and a sandbox) the wait moves the
  scenario's clock and costs no real time; on a real environment the client waits for real.

  Scenario: A sixth capture within a minute waits for the rate limit
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 0.10 NOK 6 times
    Then the capture succeeds
    And 1 call got status 429
    And at least 1 minute has passed
    And the captured amount is 0.60 NOK

  Scenario: Four captures and two refunds within a minute all pass
    Given a payment of 10.00 NOK has been authorized
    When the merchant captures 1.00 NOK 4 times
    And the merchant refunds 0.50 NOK 2 times
    Then the refund succeeds
    And 0 calls got status 429
    And the aggregate is:
      | authorized | captured | cancelled | refunded |
      | 10.00 NOK  | 4.00 NOK | 0.00 NOK  | 1.00 NOK |
