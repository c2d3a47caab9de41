"""Full-text search: CJK substring exactness, Latin words, syntax, filters, sorting, paging,
snippets, context, errors and injection attempts, on a real SQLCipher vault."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from chatvault.compliance.deletion import delete_messages
from chatvault.errors import QueryError
from chatvault.search.api import SearchFilters, context, parse_date, search, search_ids
from chatvault.search.index import index_messages, reindex_all, status, unindex_messages
from chatvault.search.query import parse
from tests.search_data import BASE_TS, HANZI, populate


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from chatvault.vault.vault import create_vault

    v, _ = create_vault(tmp_path_factory.mktemp("s") / "vault", "pw for search tests")
    conn = v.connect()
    msgs = populate(conn, 4000)
    yield conn, msgs
    conn.close()
    v.lock()


def ids_of(conn, q, filters=None, sort="newest"):
    total, ids = search_ids(conn, q, filters, sort=sort, limit=10_000)
    assert total == len(ids)
    return ids


def fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s.casefold()) if not unicodedata.combining(c))


def test_cjk_substring_is_exact_against_brute_force(corpus) -> None:
    conn, msgs = corpus
    rnd = random.Random(5)
    texts = [(m.id, m.text or "") for m in msgs]
    queries = set()
    for _ in range(1500):
        queries.add("".join(rnd.choices(HANZI, k=rnd.choice([1, 1, 2, 2, 2, 3, 3, 4]))))
    # Substrings taken from real messages as well, so long queries have hits too.
    for _ in range(500):
        t = rnd.choice(texts)[1]
        runs = [r for r in "".join(c if c in HANZI else " " for c in t).split() if r]
        if runs:
            r = rnd.choice(runs)
            a = rnd.randrange(len(r))
            queries.add(r[a:a + rnd.randint(1, 5)])
    with_hits = 0
    for q in sorted(queries):
        expected = {i for i, t in texts if q in t}
        total, _ = search_ids(conn, q, limit=0)
        assert total == len(expected), q
        with_hits += bool(expected)
    for q in sorted(queries)[:300]:
        assert set(ids_of(conn, q)) == {i for i, t in texts if q in t}, q
    assert with_hits > 600


def test_punctuation_or_space_between_hanzi_is_not_a_match(vault) -> None:
    conn = vault.connect()
    populate(conn, 0)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO messages(id, conversation_id, source_key, ts, text) VALUES (?, 1, ?, ?, ?)",
                     [(1, "a", BASE_TS, "合，同"), (2, "b", BASE_TS, "合 同"), (3, "c", BASE_TS, "签合同了"),
                      (4, "d", BASE_TS, "合\n同")])
    index_messages(conn, [(1, "合，同"), (2, "合 同"), (3, "签合同了"), (4, "合\n同")])
    conn.execute("COMMIT")
    assert ids_of(conn, "合同") == [3]
    assert set(ids_of(conn, '"合，同"')) == {1, 2, 4}  # any separator run, as typed
    assert set(ids_of(conn, "合 同")) == {1, 2, 3, 4}   # two terms: both characters anywhere


def brute(msgs, pred):
    return {m.id for m in msgs if m.text and pred(m.text)}


_WORD = re.compile(r"[\u4e00-\u9fff]|[\U0001F000-\U0001FAFF\u2600-\u27bf]|[^\W_\u4e00-\u9fff]+")


def words_of(text: str) -> list[str]:
    """An independent model of the tokens: hanzi and emoji one each, other letter/digit runs whole."""
    return [fold(w) for w in _WORD.findall(text)]


def test_latin_case_accent_prefix_phrase_or_exclude(corpus) -> None:
    conn, msgs = corpus
    assert set(ids_of(conn, "CAFE")) == brute(msgs, lambda t: "cafe" in words_of(t))
    assert set(ids_of(conn, "café")) == set(ids_of(conn, "cafe"))
    assert set(ids_of(conn, "resume")) == brute(msgs, lambda t: "resume" in words_of(t))
    assert set(ids_of(conn, "contr*")) == brute(msgs, lambda t: any(w.startswith("contr") for w in words_of(t)))
    assert set(ids_of(conn, "contract")) == brute(msgs, lambda t: "contract" in words_of(t))
    phrase = brute(msgs, lambda t: any(w[i:i + 2] == ["the", "deal"] for w in [words_of(t)] for i in range(len(w))))
    assert set(ids_of(conn, '"the deal"')) == phrase
    assert phrase and phrase < set(ids_of(conn, "the deal"))
    assert set(ids_of(conn, "pdf OR invoice")) == brute(msgs, lambda t: {"pdf", "invoice"} & set(words_of(t)))
    assert set(ids_of(conn, "hello -dinner")) == brute(
        msgs, lambda t: "hello" in words_of(t) and "dinner" not in words_of(t))
    assert set(ids_of(conn, "pdf OR invoice hello")) == brute(
        msgs, lambda t: bool({"pdf", "invoice"} & set(words_of(t))) and "hello" in words_of(t))


def test_mixed_emoji_numbers(corpus) -> None:
    conn, msgs = corpus
    assert set(ids_of(conn, "合同 PDF")) == brute(msgs, lambda t: "合同" in t and "pdf" in words_of(t))
    assert set(ids_of(conn, "🎂")) == brute(msgs, lambda t: "🎂" in t)
    assert set(ids_of(conn, "👍")) == brute(msgs, lambda t: "👍" in t)  # skin tones included
    assert set(ids_of(conn, "🧧 合同")) == brute(msgs, lambda t: "🧧" in t and "合同" in t)
    assert set(ids_of(conn, "13812345678")) == brute(msgs, lambda t: "13812345678" in words_of(t))
    assert set(ids_of(conn, "138-1234-5678")) == brute(
        msgs, lambda t: any(w[i:i + 3] == ["138", "1234", "5678"] for w in [words_of(t)] for i in range(len(w))))
    assert set(ids_of(conn, "A12345")) == brute(msgs, lambda t: "a12345" in words_of(t))
    assert set(ids_of(conn, "1381*")) == brute(msgs, lambda t: any(w.startswith("1381") for w in words_of(t)))


def test_only_exclusions_and_filters_without_text(corpus) -> None:
    conn, msgs = corpus
    assert set(ids_of(conn, "-hello")) == {m.id for m in msgs if not (m.text and "hello" in words_of(m.text))}
    f = SearchFilters(kinds=["payment"], conversations=["Work chat"])
    assert set(ids_of(conn, "", f)) == {m.id for m in msgs if m.kind == "payment" and m.conversation_id == 2}


def test_filters_with_text(corpus) -> None:
    conn, msgs = corpus
    base = {m.id: m for m in msgs}
    hits = set(ids_of(conn, "合"))
    cases = [
        (SearchFilters(conversations=[3]), lambda m: m.conversation_id == 3),
        (SearchFilters(conversations=["老同学", "fam"]), lambda m: m.conversation_id in (3, 1)),
        (SearchFilters(sender="anna"), lambda m: m.sender_id == 2),
        (SearchFilters(sender="me"), lambda m: m.sender_id in (1, 4)),
        (SearchFilters(apps=["wechat"]), lambda m: m.conversation_id in (3, 4)),
        (SearchFilters(kinds=["file", "link"]), lambda m: m.kind in ("file", "link")),
        (SearchFilters(has_attachment=True), lambda m: m.kind in ("file", "image")),
        (SearchFilters(has_attachment=False), lambda m: m.kind not in ("file", "image")),
        (SearchFilters(status="missing-at-source"), lambda m: m.status == "missing-at-source"),
        (SearchFilters(after=BASE_TS + 5 * 10**8, before=BASE_TS + 3 * 10**9),
         lambda m: BASE_TS + 5 * 10**8 <= m.ts < BASE_TS + 3 * 10**9),
        (SearchFilters(after=BASE_TS + 5 * 10**8 + 1), lambda m: BASE_TS + 5 * 10**8 + 1 <= m.ts),
        (SearchFilters(before=BASE_TS + 2 * 10**9, apps=["whatsapp"]),
         lambda m: m.ts < BASE_TS + 2 * 10**9 and m.conversation_id in (1, 2)),
    ]
    for f, pred in cases:
        expected = {i for i in hits if pred(base[i])}
        assert set(ids_of(conn, "合", f)) == expected, f
        assert set(ids_of(conn, "", f)) == {m.id for m in msgs if pred(m)}, f
    assert ids_of(conn, "合", SearchFilters(sender="nobody at all")) == []


def test_sorts_and_paging(corpus) -> None:
    conn, msgs = corpus
    ts = {m.id: m.ts for m in msgs}
    newest = ids_of(conn, "hello")
    assert [ts[i] // 1000 for i in newest] == sorted((ts[i] // 1000 for i in newest), reverse=True)
    oldest = ids_of(conn, "hello", sort="oldest")
    assert oldest == newest[::-1]
    plain = ids_of(conn, "", SearchFilters(conversations=[1]))
    assert [ts[i] for i in plain] == sorted((ts[i] for i in plain), reverse=True)
    rel = search(conn, "hello contract", sort="relevance", limit=200)
    assert {h.message_id for h in rel.results} == set(ids_of(conn, "hello contract")[:10**6]) or rel.total > 200
    pages = []
    for off in range(0, len(newest) + 30, 30):
        res = search(conn, "hello", limit=30, offset=off)
        assert res.total == len(newest)
        pages += [h.message_id for h in res.results]
    assert pages == newest
    assert search(conn, "hello", limit=10, offset=10**6).results == []


def test_relevance_prefers_more_occurrences(vault) -> None:
    conn = vault.connect()
    populate(conn, 0)
    rows = [(1, "invoice"), (2, "invoice invoice invoice"), (3, "something else entirely with an invoice in it")]
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO messages(id, conversation_id, source_key, ts, text) VALUES (?, 1, ?, ?, ?)",
                     [(i, f"k{i}", BASE_TS + i * 1000, t) for i, t in rows])
    index_messages(conn, rows)
    conn.execute("COMMIT")
    assert [h.message_id for h in search(conn, "invoice", sort="relevance").results][0] == 2
    assert [h.message_id for h in search(conn, "invoice").results] == [3, 2, 1]


def test_hits_and_snippets(corpus) -> None:
    conn, msgs = corpus
    res = search(conn, "合同 PDF", limit=5)
    assert res.total > 0
    for h in res.results:
        assert "[合同]" in h.snippet and "[pdf]" in h.snippet.lower()
        assert any(m and t == "合同" for t, m in h.segments)
        assert h.conversation in ("Family", "Work chat", "老同学", "Landlord")
        assert h.time_iso.endswith("Z") and h.app in ("whatsapp", "wechat")
        j = h.to_json()
        assert {"message_id", "conversation", "sender", "time", "snippet"} <= set(j)
    h = search(conn, "contr*", limit=1).results[0]
    assert any(m and fold(t).startswith("contr") for t, m in h.segments)


def test_context_returns_neighbours_in_order(corpus) -> None:
    conn, msgs = corpus
    conv2 = sorted((m for m in msgs if m.conversation_id == 2), key=lambda m: (m.ts, m.id))
    target = conv2[100]
    around = context(conn, target.id, before=3, after=4)
    assert [r["id"] for r in around] == [m.id for m in conv2[97:105]]
    assert [r["is_target"] for r in around].count(True) == 1 and around[3]["is_target"]
    assert [r["id"] for r in context(conn, conv2[0].id, before=5, after=0)] == [conv2[0].id]
    with pytest.raises(QueryError, match="no message"):
        context(conn, 10**7)


@pytest.mark.parametrize("q, msg", [
    ('"unclosed', "never closed"), ("OR hello", "OR"), ("hello OR", "ends with OR"), ("a OR OR b", "OR"),
    ("- a", "minus"), ("!!! ...", "nothing|no letters"), ("a OR -b", "cannot be one side"),
    ("x" * 1001, "limit"),
])
def test_parse_errors_are_query_errors(corpus, q, msg) -> None:
    conn, _ = corpus
    with pytest.raises(QueryError, match=msg.split("|")[0] if "|" not in msg else "no letters"):
        search(conn, q)


@pytest.mark.parametrize("bad", [
    dict(sort="random"), dict(limit=-1), dict(offset=-5),
    dict(filters=SearchFilters(kinds=["selfie"])), dict(filters=SearchFilters(status="gone")),
    dict(filters=SearchFilters(conversations=["no such chat"])),
    dict(filters=SearchFilters(after=BASE_TS + 10, before=BASE_TS)),
])
def test_bad_options_are_query_errors(corpus, bad) -> None:
    conn, _ = corpus
    with pytest.raises(QueryError):
        search(conn, "hello", **bad)


@pytest.mark.parametrize("q", [
    'NEAR(hello contract)', 'hello*"', '*', '"', '";DROP TABLE messages;--', "'; DELETE FROM messages; --",
    "body:hello", "hello^", "{body}: hello", "hello AND", "NOT hello", "(hello", "hello)", "a:b:c", "\\", "%_",
    "\x00", "rowid=1", '"" OR ""', "hello NEAR/2 contract", "¿", "​",
])
def test_injection_attempts_are_text_or_clean_errors(corpus, q) -> None:
    conn, msgs = corpus
    try:
        res = search(conn, q)
    except QueryError as exc:
        assert "sqlite" not in str(exc).lower() and "fts5" not in str(exc).lower()
    else:
        assert res.total >= 0
    assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == len(msgs)


def test_near_is_searched_as_a_word(corpus) -> None:
    assert parse("NEAR(a b)").positive_fts() == '"NEAR a" AND "b"'
    assert parse('"x"" OR y"').positive_fts() == '"x" AND "OR y"'


def test_parse_date() -> None:
    assert parse_date("2019-05-01") == 1556668800000
    assert parse_date("2019-05-01", end=True) == 1556668800000 + 86_400_000
    assert parse_date("2019-05-01T10:00:00+02:00") == 1556668800000 + 8 * 3_600_000
    with pytest.raises(QueryError, match="not a date"):
        parse_date("yesterday")


def test_index_follows_deletes_edits_and_reindex(vault) -> None:
    conn = vault.connect()
    msgs = populate(conn, 400)
    before = set(ids_of(conn, "合同"))
    victim = next(iter(before))
    conn.execute("BEGIN")
    delete_messages(conn, [victim], reason="retention")     # the one way a message leaves (with its tombstone)
    conn.execute("COMMIT")
    assert set(ids_of(conn, "合同")) == before - {victim}
    edited = next(m for m in msgs if m.text and "合同" not in m.text and m.id != victim)
    conn.execute("BEGIN")
    conn.execute("UPDATE messages SET text = 'now about 合同 zebra', ts = ts + 86400000 WHERE id = ?", (edited.id,))
    index_messages(conn, [])  # flushes the pending edits
    conn.execute("COMMIT")
    assert ids_of(conn, "zebra") == [edited.id]
    assert edited.id in ids_of(conn, "合同")
    conn.execute("BEGIN")
    unindex_messages(conn, [edited.id])
    conn.execute("COMMIT")
    assert ids_of(conn, "zebra") == []
    assert reindex_all(conn) == sum(1 for m in msgs if m.text and m.id != victim)
    assert ids_of(conn, "zebra") == [edited.id]
    st = status(conn)
    assert st["indexed"] == st["messages_with_text"] and st["pending"] == 0 and st["current"]


def test_reindex_cancel_keeps_old_index(vault) -> None:
    from chatvault.errors import Cancelled
    from chatvault.jobs.context import JobContext

    conn = vault.connect()
    populate(conn, 400)
    n = len(ids_of(conn, "合"))
    ctx = JobContext()
    ctx.cancel()
    with pytest.raises(Cancelled):
        reindex_all(conn, ctx)
    assert len(ids_of(conn, "合")) == n and not conn.in_transaction


def test_read_only_connection_can_search(vault) -> None:
    conn = vault.connect()
    populate(conn, 200)
    ro = vault.connect(readonly=True)
    assert search(ro, "合").total == search(conn, "合").total > 0
    ro.close()


def test_both_query_plans_give_the_same_pages(corpus, monkeypatch) -> None:
    """Sorting the matches and walking the time index must agree, for counts and every page."""
    from chatvault.search import api

    conn, _ = corpus
    cases = [("合", None), ("hello", None), ("pdf OR invoice", SearchFilters(apps=["wechat"])),
             ("contr*", SearchFilters(conversations=[2], kinds=["text"])), ("我", SearchFilters(sender="me")),
             ("的 -hello", SearchFilters(after=BASE_TS + 10**9))]
    for q, f in cases:
        for sort in ("newest", "oldest", "relevance"):
            results = []
            for walk, join_max in ((10**9, 10**9), (0, 0)):
                monkeypatch.setattr(api, "RANK_WINDOW", 10**9 if walk else 50)
                monkeypatch.setattr(api, "WALK_FACTOR", walk)
                monkeypatch.setattr(api, "FILTER_JOIN_MAX", join_max)
                pages = [search_ids(conn, q, f, sort=sort, limit=25, offset=o) for o in (0, 25, 75)]
                results.append(pages)
            if sort == "relevance":  # a smaller window ranks a subset: same totals, pages from it
                assert [p[0] for p in results[0]] == [p[0] for p in results[1]], q
            else:
                assert results[0] == results[1], (q, sort)
            assert results[0][0][0] > 0, q


def test_relevance_with_filters_returns_the_filtered_matches(corpus) -> None:
    conn, _ = corpus
    for f in (SearchFilters(conversations=[2]), SearchFilters(sender="me"), SearchFilters(kinds=["text"]),
              SearchFilters(apps=["wechat"], has_attachment=False)):
        newest = ids_of(conn, "合 OR hello", f)
        ranked = ids_of(conn, "合 OR hello", f, sort="relevance")
        assert newest and sorted(newest) == sorted(ranked), f


def test_chunk_spacing_gives_each_text_exactly_its_own_spacing() -> None:
    """The import spaces a whole chunk in one pass (texts joined by NUL): every text, including one
    that holds NUL itself or ends in punctuation after a hanzi, must come out as `spaced()` makes it."""
    from chatvault.search.text import spaced, spaced_many

    texts = ["合同，发票", "plain ascii", "好的。", "a\x00合，b", "👍🏽Café", "合\x00。x", "", "龙虾饭!!", "x_合_y"]
    assert spaced_many(texts) == [spaced(t) for t in texts]
    assert spaced_many(["only ascii", "here"]) == ["only ascii", "here"]
    assert spaced_many([]) == []
