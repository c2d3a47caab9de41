"""One passphrase, every form: normalisation, the forms older vaults were made with, and the strength floor.

The same passphrase reaches us as NFC from one keyboard and NFD from another (macOS, some IMEs,
pasted text), with a BOM and a newline from a file written by Notepad, with a no-break space from a
password manager. `normalize` maps all of these to one string, following RFC 8265's OpaqueString
profile (PRECIS: non-ASCII spaces become U+0020, then NFC) plus two rules of our own: a leading BOM
and surrounding white space are not part of a passphrase.

Vaults made before this rule wrapped the key under the passphrase exactly as it was typed; for
those (`legacy_forms`) the typed form and its NFC/NFD variants are tried too, and the header is
re-wrapped under the normalised form after the first successful unlock (vault.py).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from chatvault.errors import UsageError

# The header's name for this rule: a header that names it wraps the key under `normalize(text)` only.
NORM_ID = "precis-opaque+trim/v1"

BOM = "\ufeff"
# zxcvbn's score 3 = at least 10^8 guesses ("safely unguessable: moderate protection from an offline
# slow-hash attack"), which is our threat: a copied vault folder attacked with Argon2id at 256 MiB.
MIN_SCORE = 3
_MEASURED_CHARS = 100  # zxcvbn's time grows fast with length; 100 characters already score 4


class WeakPassphrase(UsageError):
    """A new passphrase below the strength floor; the user may still choose it knowingly."""

    code = "weak_passphrase"


def normalize(text: str) -> str:
    """The canonical form of a passphrase or a line read from a secret file."""
    if text.startswith(BOM):
        text = text.lstrip(BOM)
    mapped = "".join(" " if ch != " " and unicodedata.category(ch) == "Zs" else ch for ch in text)
    return unicodedata.normalize("NFC", mapped).strip()


def legacy_forms(text: str) -> list[str]:
    """Forms an older vault may have been wrapped under, best guess first, without duplicates:
    the normalised form, the text exactly as given, its NFC and NFD spellings, and the text behind a
    BOM (the old `--passphrase-file` reader kept a BOM as part of the passphrase). At most 5."""
    forms: list[str] = []
    nfc, nfd = unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)
    for form in (normalize(text), text, nfc, nfd, text if text.startswith(BOM) else BOM + text):
        if form not in forms:
            forms.append(form)
    return forms


def check_usable(text: str) -> str:
    """The normalised passphrase, or `UsageError` if it can never be a passphrase: empty, only
    white space, or holding control characters (which cannot be typed the same way twice)."""
    norm = normalize(text)
    if not norm:
        raise UsageError(
            "The passphrase is empty or only spaces." if not text else
            "The passphrase is only white space, which ChatVault ignores around a passphrase.",
            hint="Choose a passphrase of several words.",
        )
    bad = next((ch for ch in norm if unicodedata.category(ch) in ("Cc", "Cs")), None)
    if bad is not None:
        raise UsageError(
            f"The passphrase contains a control character (U+{ord(bad):04X}), which cannot be typed reliably.",
            hint="Choose a passphrase of letters, digits, punctuation and spaces.",
        )
    return norm


@dataclass(frozen=True)
class Strength:
    score: int              # zxcvbn 0..4
    guesses_log10: float
    warning: str
    suggestions: tuple[str, ...]

    @property
    def enough(self) -> bool:
        return self.score >= MIN_SCORE


def strength(text: str, user_inputs: list[str] | None = None) -> Strength:
    """zxcvbn's estimate for the normalised passphrase; `user_inputs` (vault folder name, user name)
    count as guessable words."""
    import zxcvbn

    norm = normalize(text)
    if not norm:
        return Strength(0, 0.0, "", ())
    result = zxcvbn.zxcvbn(norm[:_MEASURED_CHARS], user_inputs=[u for u in (user_inputs or []) if u])
    feedback = result.get("feedback") or {}
    return Strength(int(result["score"]), float(result["guesses_log10"]), str(feedback.get("warning") or ""),
                    tuple(str(s) for s in feedback.get("suggestions") or ()))


def check_new(text: str, *, allow_weak: bool = False, user_inputs: list[str] | None = None,
              override_hint: str = "pass --allow-weak-passphrase") -> str:
    """Validate a passphrase chosen now (init, passwd, recover): returns its normalised form.

    Empty/white-space-only/control characters are always refused; a guessable one is refused with
    `WeakPassphrase` unless `allow_weak` (the user saw the warning and chose it anyway)."""
    norm = check_usable(text)
    if allow_weak:
        return norm
    s = strength(norm, user_inputs)
    if not s.enough:
        why = " ".join(p for p in (s.warning, *s.suggestions) if p)
        raise WeakPassphrase(
            f"This passphrase is too easy to guess (about 10^{s.guesses_log10:.0f} guesses; ChatVault asks for "
            f"at least 10^8, as anyone who copies the vault folder can try guesses offline)."
            + (f" {why}" if why else ""),
            hint=f"Choose a longer one (four or more unrelated words), or {override_hint} to use it anyway.",
        )
    return norm
