Feature: Refunds
  The scenario README's QA walk-through writes first; its run's report is docs/report.png.

  Rule: The API takes five refunds a minute of one payment

    Scenario: A sixth refund within a minute waits for the rate limit
      Given a payment of 10.00 NOK has been authorized
      When the merchant captures 10.00 NOK
      And the merchant refunds 1.00 NOK 6 times
      Then the refund is answered with status 429
      And 0 calls got status 429
      And the refunded amount is 6.00 NOK

    Scenario Outline: A refund of <amount> after a pause
      Given a payment of 10.00 NOK has been authorized
      When the merchant captures 10.00 NOK
      And 2 minutes pass
      And the merchant refunds <amount>
      Then the refunded amount is <amount>

      Examples:
        | amount   |
        | 2.50 NOK |
