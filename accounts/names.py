"""What makes a username (docs/api.md): pure rules, no I/O.

Two names are one when they are equal after NFKC normalisation and case folding: `Alice`, `alice` and
a full-width `alice` look alike on every board, so only the first of them may be registered. The
database holds that key in a unique column (accounts.User.username_key), so that no race and no
path around the API's checks can make a second one.
"""

from __future__ import annotations

import re
import unicodedata

USERNAME_MIN_LENGTH = 3
USERNAME_MAX_LENGTH = 30
# Letters and digits of any script (Python's \w is Unicode-aware), `_` and `-`, on the NFKC form.
USERNAME_PATTERN = re.compile(rf"[\w-]{{{USERNAME_MIN_LENGTH},{USERNAME_MAX_LENGTH}}}")
USERNAME_RULE = f"{USERNAME_MIN_LENGTH} to {USERNAME_MAX_LENGTH} letters, digits, _ or -."


def username_normal_form(name: str) -> str:
    """The name as stored and shown: NFKC, so that full-width or compatibility letters become plain ones."""
    return unicodedata.normalize("NFKC", name)


def username_key(name: str) -> str:
    """The form two names are compared in: NFKC, case-folded, NFKC again (folding can undo NFKC)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def username_is_valid(name: str) -> bool:
    """Whether a (normal-form) name may be registered."""
    return USERNAME_PATTERN.fullmatch(name) is not None


def collision_keys(keys_by_account: list[tuple[str, str]]) -> dict[str, str]:
    """Unique keys for accounts in the order given (oldest first): the first account of a key keeps it,
    each later one gets `key#account`, so accounts that collided before the rule keep working.
    Returns only the accounts whose key had to change."""
    taken: set[str] = set()
    changed: dict[str, str] = {}
    for account, key in keys_by_account:
        if key in taken:
            changed[account] = f"{key}#{account}"
        else:
            taken.add(key)
    return changed
