"""The former single room of database writes and reads, now split by subject; these names stay
importable from here for callers written before the split. New code imports the subject module:

- `models.scans`: record a scan stored or quarantined; what is finished; scan lists.
- `models.documents`: documents, their indexed columns, the review queue and corrections.
- `models.dossiers`: dossiers known from scans and their digitization facts.
- `models.reuse`: reuse links between documents of different dossiers.
- `models.search`: documents by identifier or page text.
- `models.events`: the append-only event log.
- `models.offices`, `models.register`: the office registry and the dossier register import.
"""

from models.documents import INDEXED_FIELDS, apply_review
from models.dossiers import UnknownOffice, ensure_dossier, refresh_facts
from models.events import log_event
from models.offices import (
    BadRow,
    OfficeImport,
    ensure_office,
    import_offices_csv,
    insert_ignore,
    seed_provinces,
)
from models.register import RegisterImport, import_register
from models.reuse import MAX_REUSE_LINKS, link_reuse
from models.scans import finished, record_quarantine, record_scan
from models.search import search_documents

__all__ = [
    "INDEXED_FIELDS",
    "MAX_REUSE_LINKS",
    "BadRow",
    "OfficeImport",
    "RegisterImport",
    "UnknownOffice",
    "apply_review",
    "ensure_dossier",
    "ensure_office",
    "finished",
    "import_offices_csv",
    "import_register",
    "insert_ignore",
    "link_reuse",
    "log_event",
    "record_quarantine",
    "record_scan",
    "refresh_facts",
    "search_documents",
    "seed_provinces",
]
