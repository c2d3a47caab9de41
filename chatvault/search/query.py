"""The search query language, parsed into an FTS5 expression we write ourselves.

    contract invoice      both words (AND)
    contr*                a word starting with "contr"
    "signed the contract" the words in this order
    pdf OR docx           either (OR binds tighter than the implicit AND: `a OR b c` = (a|b) & c)
    -draft  -"old copy"   without this word / phrase
    合同 PDF               mixed: Chinese is matched as an exact substring, Latin as words

User text never reaches FTS5 syntax: every term is reduced to its tokens (letters, digits,
CJK characters, symbols) and written as a double-quoted FTS5 string, so `NEAR(`, `*`, `:`, `^`,
quotes and SQL fragments are only ever searched for as text. The expression itself is passed to
SQLite as a bound parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chatvault.errors import QueryError
from chatvault.search.text import tokens

MAX_QUERY_CHARS = 1000
MAX_TERMS = 64


@dataclass(frozen=True)
class Term:
    text: str                 # as the user typed it (without quotes, minus and star)
    tokens: tuple[str, ...]   # what FTS5 will match, in order
    prefix: bool = False
    negated: bool = False
    quoted: bool = False

    def fts(self) -> str:
        body = '"' + " ".join(self.tokens).replace('"', '""') + '"'
        return body + " *" if self.prefix else body


@dataclass(frozen=True)
class Query:
    groups: tuple[tuple[Term, ...], ...] = ()   # AND of groups; each group is an OR of terms
    excluded: tuple[Term, ...] = ()
    text: str = ""

    @property
    def empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def positive_terms(self) -> list[Term]:
        return [t for g in self.groups for t in g]

    def positive_fts(self) -> str | None:
        """FTS5 expression for the positive part, with NOTs for the exclusions; None if only exclusions."""
        if not self.groups:
            return None
        parts = []
        for group in self.groups:
            inner = " OR ".join(t.fts() for t in group)
            parts.append(f"({inner})" if len(group) > 1 else inner)
        expr = " AND ".join(parts)
        if self.excluded:
            expr = f"({expr})" + "".join(f" NOT {t.fts()}" for t in self.excluded)
        return expr

    def excluded_fts(self) -> str | None:
        """FTS5 expression matching any excluded term (used when there is nothing positive)."""
        if not self.excluded:
            return None
        return " OR ".join(t.fts() for t in self.excluded)


@dataclass
class _Lexeme:
    kind: str                  # "word", "phrase", "or"
    text: str = ""
    negated: bool = False
    prefix: bool = False
    pos: int = 0
    extra: dict = field(default_factory=dict)


def _lex(q: str) -> list[_Lexeme]:
    out: list[_Lexeme] = []
    i, n = 0, len(q)
    while i < n:
        ch = q[i]
        if ch.isspace():
            i += 1
            continue
        start = i
        negated = False
        if ch == "-" and i + 1 < n and not q[i + 1].isspace():
            negated = True
            i += 1
            ch = q[i]
        elif ch == "-":
            raise QueryError(
                f"A minus sign at position {i + 1} has nothing after it.",
                hint='Write -word to leave out messages with that word, or "-" in quotes to search for it.',
            )
        if ch == '"':
            end = q.find('"', i + 1)
            if end < 0:
                raise QueryError(
                    f"The quote at position {i + 1} is never closed.",
                    hint='Close the phrase with a second " or remove the quote.',
                )
            text = q[i + 1:end]
            i = end + 1
            prefix = False
            if i < n and q[i] == "*":
                prefix = True
                i += 1
            out.append(_Lexeme("phrase", text, negated, prefix, start))
            continue
        j = i
        while j < n and not q[j].isspace() and q[j] != '"':
            j += 1
        word = q[i:j]
        i = j
        if word == "OR" and not negated:
            out.append(_Lexeme("or", word, pos=start))
            continue
        prefix = word.endswith("*") and len(word.rstrip("*")) > 0
        out.append(_Lexeme("word", word.rstrip("*") if prefix else word, negated, prefix, start))
    return out


def parse(q: str) -> Query:
    """Parse a user query. Raises QueryError with a readable message when it cannot be understood."""
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"The query is {len(q)} characters long; the limit is {MAX_QUERY_CHARS}.")
    lexemes = _lex(q)
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = False
    last_was_term = False
    for lx in lexemes:
        if lx.kind == "or":
            if not last_was_term or pending_or:
                raise QueryError(
                    f"OR at position {lx.pos + 1} needs a word on each side.",
                    hint='Write a OR b; to search for the word "or" itself, write it in lower case.',
                )
            pending_or = True
            continue
        toks = tuple(tokens(lx.text))
        if not toks:
            # Pure punctuation ("!", "*", "...") has nothing FTS can match: ignore it, unless it
            # was the one thing the user asked for (checked below) or it is joined by OR.
            if pending_or:
                raise QueryError(f"\"{lx.text}\" after OR has no letters, digits or symbols to search for.")
            continue
        term = Term(lx.text, toks, prefix=lx.prefix, negated=lx.negated, quoted=lx.kind == "phrase")
        if term.negated:
            if pending_or:
                raise QueryError(
                    f"-{lx.text} cannot be one side of an OR.",
                    hint="Put exclusions on their own: a OR b -c.",
                )
            excluded.append(term)
            last_was_term = False
            continue
        if pending_or:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
        last_was_term = True
    if pending_or:
        raise QueryError("The query ends with OR.", hint="Add the other word, or remove OR.")
    if len(excluded) + sum(len(g) for g in groups) > MAX_TERMS:
        raise QueryError(f"The query has more than {MAX_TERMS} terms.", hint="Use fewer words.")
    if not groups and not excluded and q.strip():
        raise QueryError(
            f"\"{q.strip()}\" has no letters, digits or symbols to search for.",
            hint="Type a word, a number, Chinese characters or an emoji.",
        )
    return Query(tuple(tuple(g) for g in groups), tuple(excluded), q)
