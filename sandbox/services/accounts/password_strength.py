"""Password strength: weak and common passwords are refused, with the reason in the user's language.

zxcvbn estimates how many guesses an attacker needs, knowing the common passwords, words, names,
keyboard patterns, repeats, sequences and dates it ships with and the account's own details (e-mail,
names, enterprise), which the caller passes as `user_inputs`. A score below `MIN_SCORE` (3: "safely
unguessable: moderate protection from offline slow-hash scenario") is refused.

zxcvbn's feedback is English text. Every warning and suggestion it can give is listed here as a message
id, so the catalogs translate it; feedback a newer zxcvbn adds is left out rather than shown untranslated.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from zxcvbn import zxcvbn

from sandbox.errors import N_, Message, ValidationFailed

MIN_SCORE = 3
# zxcvbn refuses longer input (its matching grows quickly with length); the start decides the estimate.
ESTIMATED_LENGTH = 72

FEEDBACK = frozenset(
    {
        N_("Use a few words, avoid common phrases."),
        N_("No need for symbols, digits, or uppercase letters."),
        N_("Add another word or two. Uncommon words are better."),
        N_("Straight rows of keys are easy to guess."),
        N_("Short keyboard patterns are easy to guess."),
        N_("Use a longer keyboard pattern with more turns."),
        N_('Repeats like "aaa" are easy to guess.'),
        N_('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
        N_("Avoid repeated words and characters."),
        N_('Sequences like "abc" or "6543" are easy to guess.'),
        N_("Avoid sequences."),
        N_("Recent years are easy to guess."),
        N_("Avoid recent years."),
        N_("Avoid years that are associated with you."),
        N_("Dates are often easy to guess."),
        N_("Avoid dates and years that are associated with you."),
        N_("This is a top-10 common password."),
        N_("This is a top-100 common password."),
        N_("This is a very common password."),
        N_("This is similar to a commonly used password."),
        N_("A word by itself is easy to guess."),
        N_("Names and surnames by themselves are easy to guess."),
        N_("Common names and surnames are easy to guess."),
        N_("Capitalization doesn't help very much."),
        N_("All-uppercase is almost as easy to guess as all-lowercase."),
        N_("Reversed words aren't much harder to guess."),
        N_("Predictable substitutions like '@' instead of 'a' don't help very much."),
    }
)
TOO_WEAK = N_("This password is too easy to guess.")
PERSONAL = N_("Do not use your e-mail address, your name or your enterprise's name in the password.")

# zxcvbn keeps the user inputs of a call in a module-level dictionary: one estimate at a time, so
# parallel requests never measure a password against another account's details.
_estimating = threading.Lock()


def personal_words(*details: str | None) -> list[str]:
    """Return an account's details and their parts (an e-mail's local part and its words, and so on)."""
    words: list[str] = []
    for detail in filter(None, details):
        for piece in (detail, *detail.split("@")):
            words.append(piece)
            words.extend(re.split(r"[.\s_+\-]+", piece))
    return list(dict.fromkeys(word for word in words if len(word) >= 2))


def check_password_strength(password: str, *, user_inputs: Iterable[str], field: str = "password") -> None:
    """Refuse a password zxcvbn scores below MIN_SCORE, saying why; return nothing when it is strong."""
    with _estimating:
        result = zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=list(user_inputs))
    if result["score"] >= MIN_SCORE:
        return
    messages = [Message(TOO_WEAK)]
    if any(match.get("dictionary_name") == "user_inputs" for match in result["sequence"]):
        messages.append(Message(PERSONAL))
    feedback = result["feedback"]
    for text in (feedback["warning"], *feedback["suggestions"]):
        if text in FEEDBACK:
            messages.append(Message(text))
    raise ValidationFailed({field: messages})
