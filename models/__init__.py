"""Database side of sohoa, all of its SQL, grouped by subject: tables (`models.tables`), engines
and migrations (`models.db`), scans and what is finished (`models.scans`), documents and review
(`models.documents`), dossiers and their facts (`models.dossiers`), reuse links (`models.reuse`),
search (`models.search`), the event log (`models.events`), the register import
(`models.register`), the office registry (`models.offices`, `models.provinces`), codes
(`models.codes`) and rates (`models.rates`). No Prefect, storage or application here."""
