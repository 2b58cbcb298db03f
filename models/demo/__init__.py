"""Demo data: a Dongcheng-shaped district with volunteers, needy households, elders and funds.

``load_demo`` fills an empty database (and does nothing to one that has a district), so a
development server can call it on every start. The data is deterministic from the seed; the
figures follow the seed document (see ``../shared/DOMAIN.md``): 17 streets, 182 communities,
182 + 47 + 4 + 20 volunteer stations, 18 charity funds spending 3,155,300 yuan a year, and at
district scale 7,491 dibao households and about 35,000 elders aged 80+.

Sizes: ``small`` is about 11,000 rows and loads in about a second; ``district`` is about
627,000 rows and took about 30 s on SQLite and 47 s on PostgreSQL on a 2-core machine.
"""

from models.demo.common import REFERENCE_DATE
from models.demo.load import (
    SCALES,
    DemoScale,
    DemoSummary,
    ScaleSpec,
    database_has_data,
    generate_demo,
    load_demo,
    reset_id_sequences,
)

__all__ = [
    "REFERENCE_DATE",
    "SCALES",
    "DemoScale",
    "DemoSummary",
    "ScaleSpec",
    "database_has_data",
    "generate_demo",
    "load_demo",
    "reset_id_sequences",
]
