"""Database side of sohoa: tables (`models.tables`), engines and migrations (`models.db`),
what the flows call (`models.repository`), the register import (`models.register`), the office
registry (`models.offices`, `models.provinces`), codes (`models.codes`) and rates
(`models.rates`). No Prefect here."""
