"""``bangfu keys``: make a key, see which keys the stored identifiers are under, rotate them.

Rotation (README, "Keys"): add the new key to ``BANGFU_DATA_KEYS`` (or ``BANGFU_LOOKUP_KEYS``),
make it current, restart the servers and workers, run ``bangfu keys rotate``; when it reports
every value under the new key, remove the old one.
"""

from __future__ import annotations

import json
import sys

from tqdm import tqdm

from access.crypto import generate_key
from models.db import make_engine, make_session_factory
from models.key_rotation import count_rows, rotate_keys
from settings import Settings


def generate_from_cli() -> int:
    """Print a new random key (base64 of 32 bytes) for BANGFU_DATA_KEYS or BANGFU_LOOKUP_KEYS."""
    print(generate_key())
    return 0


async def rotate_from_cli(
    settings: Settings, *, batch_size: int, dry_run: bool, progress: bool
) -> int:
    """Rotate (or, with ``dry_run``, count); the report as JSON on stdout. Exit status 1 when
    some values could not be read (a key that wrote them is missing)."""
    engine = make_engine(settings.database_url)
    try:
        factory = make_session_factory(engine)
        total = await count_rows(factory) if progress else 0
        with tqdm(
            total=total, desc="keys", unit="row", file=sys.stderr, disable=not progress
        ) as bar:
            rotation = await rotate_keys(
                factory, batch_size=batch_size, dry_run=dry_run, progress=bar.update
            )
    finally:
        await engine.dispose()
    print(json.dumps(rotation.as_dict(), ensure_ascii=False, indent=2))
    if not rotation.complete:
        print(
            "keys: some values could not be read (see each field's problem); nothing was lost: "
            "add the missing key back to BANGFU_DATA_KEYS and run again.",
            file=sys.stderr,
        )
        return 1
    return 0
