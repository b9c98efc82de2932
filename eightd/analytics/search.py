"""Similar past cases (lessons learned), found by the database's own full-text search.

A case's searchable text is its title, complaint text, problem description, causes (with
their 5-Why chains) and corrective actions. Chinese has no spaces between words, so the
text is cut into overlapping character pairs (bigrams: 镀层脱落 -> 镀层 层脱 脱落); other
words are lower-cased and stemmed with the Snowball English stemmer (cracked -> crack).
The terms are indexed by SQLite FTS5 (ranked by BM25) or by a PostgreSQL tsvector with a GIN
index (ranked by ts_rank); a query is cut the same way, without the English function words
(the, after, was ...: they say nothing of a defect, and match most cases), and matches any
of its terms.

On top of the search: suggestions of verified root causes and actions while a QE works D4 /
D5 (:func:`suggestions`), and the read-across (横向展开) list of other products and plants
whose verified causes are the same as a case's (:func:`read_across`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import sqlalchemy as sa

from eightd.domain import Case, CauseStatus
from eightd.errors import ValidationError
from eightd.store.tables import cases, ledger, ledger_causes

__all__ = [
    "ReadAcross",
    "Similar",
    "Suggestion",
    "index_cases",
    "read_across",
    "search_terms",
    "similar_cases",
    "suggestions",
]

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_MAX_QUERY_TERMS = 64
# English function words, left out of queries (a query of nothing else keeps them)
_STOP_TEXT = """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i if in into is
    it its itself just me more most my no nor not now of off on once only or other our
    out over own same she should so some such than that the their them then there these
    they this those through to too under until up very was we were what when where which
    while who whom why will with would you your"""
_STOP_WORDS = frozenset(_STOP_TEXT.split())


@cache
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def search_terms(text: str, *, query: bool = False) -> list[str]:
    """The index terms of ``text``: CJK bigrams (a lone character stays itself) and stemmed
    words, in order of appearance; of a ``query``, without the English function words
    (unless there is nothing else)."""
    normal = unicodedata.normalize("NFKC", text).lower()
    terms: list[str] = []
    position = 0
    for match in _CJK.finditer(normal):
        terms += _words(normal[position : match.start()], query)
        run = match.group()
        terms += [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
        position = match.end()
    terms += _words(normal[position:], query)
    if query and not terms:
        return search_terms(text)
    return terms


def _words(text: str, query: bool = False) -> list[str]:
    words = [w for w in _WORD.findall(text) if len(w) > 1 or w.isdigit()]
    if query:
        words = [w for w in words if w not in _STOP_WORDS]
    return list(_stemmer().stemWords(words))


def case_text(case: Case) -> str:
    """What is searched of a case."""
    parts = [case.title, case.intake.defect_description, case.problem.what, case.problem.how]
    for cause in case.causes:
        parts += [cause.text, *cause.whys]
    parts += [a.text for a in case.actions]
    return "\n".join(p for p in parts if p)


def _document(case: Case) -> dict[str, Any]:
    bones = sorted({c.category.value for c in case.causes if c.status is CauseStatus.VERIFIED})
    return {
        "number": case.number,
        "product": case.intake.product_number,
        "customer": case.intake.customer_name,
        "bones": " ".join(bones),
        "terms": " ".join(search_terms(case_text(case))),
    }


def index_cases(conn: sa.Connection, changed: Sequence[Case], *, rebuild: bool = False) -> None:
    """(Re-)index ``changed`` cases (called by :func:`eightd.analytics.refresh_ledger`)."""
    table = sa.table(
        "case_search", *(sa.column(n) for n in ("number", "product", "customer", "bones", "terms"))
    )
    if rebuild:
        conn.execute(sa.delete(table))
    numbers = [c.number for c in changed]
    if not numbers:
        return
    conn.execute(sa.delete(table).where(table.c.number.in_(numbers)))
    conn.execute(sa.insert(table), [_document(c) for c in changed])


@dataclass(frozen=True)
class Similar:
    number: str
    title: str
    product: str
    customer: str
    status: str
    score: float  # higher is more similar


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def similar_cases(
    conn: sa.Connection,
    query: str,
    *,
    limit: int = 10,
    product: str | None = None,
    customer: str | None = None,
    bone: str | None = None,
    exclude: str | None = None,
) -> list[Similar]:
    """Past cases whose text shares the most with ``query`` (a complaint text, or a case's
    text), best first; filtered by product, customer and the 5M1E bone of a verified cause."""
    terms = list(dict.fromkeys(search_terms(query, query=True)))[:_MAX_QUERY_TERMS]
    if not terms:
        raise ValidationError("query", "analytics.similar.no_terms")
    if conn.dialect.name == "postgresql":
        matched = _postgres(conn, terms, limit, product, customer, bone, exclude)
    else:
        matched = _sqlite(conn, terms, limit, product, customer, bone, exclude)
    if not matched:
        return []
    c = cases.c
    rows = {
        r.number: r
        for r in conn.execute(
            sa.select(c.number, c.title, c.product_number, c.customer_name, c.status).where(
                c.number.in_([n for n, _ in matched])
            )
        )
    }
    return [
        Similar(
            n,
            rows[n].title,
            rows[n].product_number,
            rows[n].customer_name,
            rows[n].status,
            round(s, 4),
        )
        for n, s in matched
        if n in rows
    ]


def _filters(
    product: str | None, customer: str | None, bone: str | None, exclude: str | None
) -> tuple[str, dict[str, Any]]:
    sql, params = "", {}
    if product:
        sql += " AND product = :product"
        params["product"] = product
    if customer:
        sql += " AND customer = :customer"
        params["customer"] = customer
    if bone:
        sql += " AND (' ' || bones || ' ') LIKE :bone"
        params["bone"] = f"% {bone} %"
    if exclude:
        sql += " AND number <> :exclude"
        params["exclude"] = exclude
    return sql, params


def _sqlite(
    conn: sa.Connection, terms: list[str], limit: int, *filters: Any
) -> list[tuple[str, float]]:
    extra, params = _filters(*filters)
    match = " OR ".join(_quoted(t) for t in terms)
    statement = sa.text(
        "SELECT number, bm25(case_search) AS rank FROM case_search "
        f"WHERE case_search MATCH :match{extra} ORDER BY rank LIMIT :limit"
    )
    rows = conn.execute(statement, {"match": match, "limit": limit, **params})
    return [(r.number, -float(r.rank)) for r in rows]


def _postgres(
    conn: sa.Connection, terms: list[str], limit: int, *filters: Any
) -> list[tuple[str, float]]:
    extra, params = _filters(*filters)
    # lexemes quoted for the tsquery input syntax: taken as they are, no parser, no stemming
    query = " | ".join("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in terms)
    statement = sa.text(
        "SELECT number, ts_rank(tsv, CAST(:query AS tsquery)) AS rank FROM case_search "
        f"WHERE tsv @@ CAST(:query AS tsquery){extra} ORDER BY rank DESC, number LIMIT :limit"
    )
    rows = conn.execute(statement, {"query": query, "limit": limit, **params})
    return [(r.number, float(r.rank)) for r in rows]


# ---------------------------------------------------------------- suggestions, read-across


@dataclass(frozen=True)
class Suggestion:
    """A verified root cause of a similar past case, and the actions taken against it."""

    number: str  # the past case
    title: str
    cause: str
    bone: str
    type: str
    actions: tuple[str, ...]
    score: float


def suggestions(uow: Any, number: str, *, limit: int = 5) -> list[Suggestion]:
    """Verified root causes and corrective actions of the cases most similar to ``number``,
    for the QE working its D4 / D5 (the workbench shows them beside the fishbone)."""
    from eightd.services import load_case

    case = load_case(uow, number).case
    found = similar_cases(uow.connection, case_text(case), limit=limit * 3, exclude=case.number)
    out: list[Suggestion] = []
    if not found:
        return out
    loaded = {s.case.number: s.case for s in uow.cases.load(numbers=[f.number for f in found])}
    for hit in found:
        past = loaded.get(hit.number)
        if past is None:
            continue
        for cause in past.causes:
            if cause.status is not CauseStatus.VERIFIED:
                continue
            actions = tuple(a.text for a in past.actions if cause.id in a.cause_ids)
            out.append(
                Suggestion(
                    hit.number,
                    past.title,
                    cause.text,
                    cause.category.value,
                    cause.type.value,
                    actions,
                    hit.score,
                )
            )
        if len({s.number for s in out}) >= limit:
            break
    return out


@dataclass(frozen=True)
class ReadAcross:
    """Another case, of another product or plant, with the same verified cause."""

    cause: str
    bone: str
    number: str
    product: str
    site: str
    status: str


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def read_across(conn: sa.Connection, case: Case) -> list[ReadAcross]:
    """Other products and plants sharing a verified cause of ``case`` (the same cause text on
    the same bone), for the D7 read-across (横向展开)."""
    verified = [c for c in case.causes if c.status is CauseStatus.VERIFIED]
    if not verified:
        return []
    lc, lg = ledger_causes.c, ledger.c
    wanted = {(c.category.value, _normal(c.text)): c.text for c in verified}
    texts = sorted({c.text for c in verified})
    query = (
        sa.select(lc.bone, lc.text, lg.number, lg.product, lg.site, lg.status)
        .select_from(ledger_causes.join(ledger, ledger.c.number == lc.number))
        .where(
            lc.status == CauseStatus.VERIFIED.value,
            lc.number != case.number,
            lc.bone.in_(sorted({b for b, _ in wanted})),
            lc.text.in_(texts),
            sa.or_(lg.product != case.intake.product_number, lg.site != case.intake.site),
        )
        .order_by(lg.product, lg.number)
    )
    out = []
    for row in conn.execute(query):
        key = (row.bone, _normal(row.text))
        if key in wanted:
            out.append(
                ReadAcross(wanted[key], row.bone, row.number, row.product, row.site, row.status)
            )
    return out
