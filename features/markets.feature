Feature: Currencies and sales units
  Each sales unit sells in one market, and the market decides the currencies it takes. On the
  simulator a scenario runs as a sales unit whose market takes the currency it is written in.

  # A remote target has the one sales unit it was given.
  @sim-only
  Scenario: A payment in Danish kroner at a Danish sales unit
    Given a payment of 10.00 DKK has been authorized
    When the merchant captures 2.50 DKK
    Then the capture succeeds
    And the aggregate is:
      | authorized | captured | cancelled | refunded |
      | 10.00 DKK  | 2.50 DKK | 0.00 DKK  | 0.00 DKK |

  Scenario: Swedish kronor are taken only with card passthrough
    When the merchant creates a payment of 10.00 SEK
    Then the payment creation is rejected with error code 5040

  Scenario: A payment in Norwegian kroner starts at 1.00 NOK
    When the merchant creates a payment of 0.99 NOK
    Then the payment creation is rejected with error code 6010

  # A remote target has the one sales unit it was given: the market cannot be chosen there.
  @sim-only
  Scenario: Euros at a Finnish sales unit, chosen
    Given the sales unit is in Finland
    And a payment of 10.00 EUR has been authorized
    When the merchant captures 10.00 EUR
    Then the capture succeeds
    And the captured amount is 10.00 EUR

  @sim-only
  Scenario: Euros at a Danish sales unit, chosen
    Given the sales unit is in Denmark
    And a payment of 1.00 EUR has been authorized
    Then the payment state is AUTHORIZED

  @sim-only
  Scenario: A Norwegian sales unit takes no euros
    Given the sales unit is in Norway
    When the merchant creates a payment of 10.00 EUR
    Then the payment creation is rejected with error code 5040
