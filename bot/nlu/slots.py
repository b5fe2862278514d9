"""Slot readers: filters, sort, limit, schedule and topic.

Each reader applies one lexicon table to a :class:`~bot.nlu.grammar.Message`
and consumes what it matched. :func:`read_filters` calls them in the order
that settles the spec's overlap rules (durations before numbers, superlatives
before tiers, churn-risk phrases before the "at risk" segment, ...).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from . import lexicon as L
from .fuzzy import FuzzyIndex
from .grammar import USED, Message, _alternation, _table, is_content, is_foreign_noun, rx
from .normalize import join_orig
from .numbers import clock_time, to_number
from .periods import find_periods, period_words
from .vocabulary import MAX_NAME_TOKENS, Vocabulary

MAX_LIMIT = 1000
HIDDEN = "~"
SORT_BY_RE = [
    (
        rx(
            rf"({L.SORT_VERB})? ?by (the )?(highest |most |biggest |top "
            rf"|largest |greatest )?({p})( first)?"
        ),
        v,
    )
    for p, v in L.SORT_BY.items()
]
SORT_SUPERLATIVE_RE = _table(L.SORT_SUPERLATIVE)
SORT_WITH_COUNT_RE = _table(L.SORT_WITH_COUNT)
CHURN_RE = _table(L.CHURN_RISK)
SEGMENT_RE = _table(L.SEGMENT)
LIFECYCLE_RE = _table(L.LIFECYCLE)
TIER_RE = _table(L.VALUE_TIER)
TIER_RANKING_RE = _table(L.VALUE_TIER_RANKING)
KEY_ACCOUNT_RE = rx(L.KEY_ACCOUNT)
TOPIC_RE = _table(L.TOPIC)
TOPIC_WEAK_RE = _table(L.TOPIC_WEAK)
CUSTOMER_NOUN_RE = rx(L.CUSTOMER_NOUN)
NUM = r"¤?\d+(?:\.\d+)?"
UNIT_RE = _alternation(L.DURATION_UNITS)
DURATION_RE = rx(
    rf"((for|in|since|over|within|during) )?((more than|over|at least|longer than|the (last|past)|the) )?"
    rf"(?P<n>{NUM}|a|an|one|half a|a half|a couple of|a couple|couple of)( plus)? (?P<u>{UNIT_RE})"
    rf"( or (more|longer))?( (ago|now|plus))?"
    rf"|((for|in|during|over|within) )?(the )?(?P<n2>last|past) (?P<u2>day|week|fortnight|month|quarter|year)"
)
TIME_ONLY_RE = rx(r"\d{1,2}(:\d\d)? (am|pm)|\d{1,2}:\d\d|noon|midnight")
NOT_OWNER_RE = rx(L.NOT_OWNER)
NOT_AMOUNT_RE = rx(L.NOT_AMOUNT)
INACTIVE_CUE_RE = rx(L.INACTIVE_CUE)
INTERVAL_SAID_RE = rx("|".join(L.INTERVAL))
TREND_SAID_RE = rx(L.TREND_CUE)
MONEY_RE = [
    rx(rf"(({L.MONEY_CUE}) )?(of |a total of |in total |total )?({L.MONEY_COMPARATOR}) (?P<n>{NUM})( plus)?"),
    rx(rf"({L.MONEY_CUE}) (?P<n>{NUM})( plus| or more)?"),
    rx(
        rf"(?P<n>¤{NUM}) (plus|or more|and (up|above|over|more))|(?P<n2>{NUM}) (plus|or more) ({L.MONEY_CUE})"
    ),
    rx(r"(?P<n>¤\d+(?:\.\d+)?)"),
]
LIMIT_RE = [
    rx(rf"({L.LIMIT_BEFORE_NUMBER}) (?P<n>\d+)"),
    rx(rf"(?P<n>\d+) ({L.LIMIT_AFTER_NUMBER}|{L.CUSTOMER_NOUN}|_)"),
    rx(rf"({L.LIMIT_VERB})( me| us)? (?P<n>\d+)"),
    # A number of orders is no limit ("days between 2 orders").
    rx(r"(?P<n>\d+)(?! (orders?|purchases?)(?![^ ]))"),
]
OWNER_ME_RE = rx(L.OWNER_ME)
OWNER_CUE_RE = rx(rf"({L.OWNER_CUE}) (?P<name>[^ ]+( [^ ]+)?)")
OWNER_VERB_RE = rx(rf"(does|do|did) (?P<name>[^ ]+) ({L.OWNER_VERB})|(?P<name2>[^ ]+) ({L.OWNER_VERB})")
# "does Maria have" names an owner only when the name is capitalised ("do we have" does not).
OWNER_HAVE_RE = rx(r"(does|do|did) (?P<name>[^ ]+) (have|hold|got)")
OWNER_POSS_RE = rx(rf"(?P<name>[^ ]+) 's ([^ ]+ ){{0,4}}?({L.OWNER_POSSESSED})")
REGION_WORDS_RE = rx(_alternation(L.REGIONS - L.COUNTRIES))
COUNTRY_WORDS_RE = rx(_alternation(L.COUNTRIES))
NUM_OR_MONEY = r"¤?\d+(?:\.\d+)?"
CLV_RE = rx(L.CLV_CUE)
MONEY_CUE_RE = rx(L.MONEY_CUE)
MONEY_AFTER_RE = re.compile(r"(in |of )?(revenue|sales|turnover|spend|spending|spent|lifetime value|clv)\b")
AMOUNT_RANGE_RE = rx(
    rf"(?P<clv>{L.CLV_CUE} )?(of )?between (?P<a>{NUM_OR_MONEY}) (and|to) (?P<b>{NUM_OR_MONEY})"
)
AMOUNT_MAX_RE = rx(rf"(?P<clv>{L.CLV_CUE} )?(of )?({L.MAX_COMPARATOR}) (?P<n>{NUM_OR_MONEY})")
AMOUNT_MIN_RE = rx(
    rf"(?P<clv>{L.CLV_CUE} )?(of )?({L.MIN_COMPARATOR}) (?P<n>{NUM_OR_MONEY})( plus| or more)?"
)
ORDERS_RANGE_RE = rx(rf"between (?P<a>\d+) and (?P<b>\d+) ({L.ORDER_NOUN})")
# "exactly 3 orders", "ordered exactly twice": both bounds.
ORDERS_EXACT_RE = rx(
    rf"((ordered|bought|purchased) )?exactly (?P<n>\d+) ({L.ORDER_NOUN})|(ordered|bought|purchased) exactly (?P<w>twice)"
)
ORDERS_BOUND_RE = rx(rf"(?P<cmp>{L.MAX_COMPARATOR}|{L.MIN_COMPARATOR}) (?P<n>\d+) ({L.ORDER_NOUN})")
STRICT_RE = re.compile(L.STRICT_COMPARATOR)
STRICT_MAX_RE = re.compile(L.STRICT_MAX)
MAX_CMP_RE = re.compile(L.MAX_COMPARATOR)
ONE_TIME_RE = rx(L.ONE_TIME)
REPEAT_RE = rx(L.REPEAT)
SPEND_CHANGE_RE = _table(L.SPEND_CHANGE)
SPEND_DEFAULT_RE = rx(L.SPEND_CHANGE_DEFAULT)
FIRST_ORDER_RE = rx(L.FIRST_ORDER_CUE)
ORDERED_RE = rx(L.ORDERED_CUE)
AOV_BOUND_RE = rx(
    rf"(an? )?(average|avg|mean|typical) (order( value| size| amount)?|basket( size| value)?|ticket( size)?|aov)"
    rf"( is| of| was)? ({L.MIN_COMPARATOR}|{L.MAX_COMPARATOR}) {NUM_OR_MONEY}"
)
RHYTHM_RE = rx(
    r"(buy|buys|order|orders|purchase|purchases|shop|shops|buying|ordering|purchasing|shopping)"
    r" (weekly|monthly|daily|quarterly|yearly|every (day|week|month|quarter|year|\d+ (days|weeks|months))"
    r"|(once|twice|\d+ times) (a|per|every) (day|week|month|quarter|year)|regularly every \w+)"
)
CHANGE_SIZE_RE = rx(
    r"(by )?((more than|over|at least|about|around|almost|nearly|up to|less than|under) )?\d+(\.\d+)? percent"
)
NOT_ORDERED_RE = rx(
    rf"((havent|hasnt|didnt|not|never|no longer|dont|doesnt) ({L.ORDERED_CUE}|order|buy|purchase|shop)( anything)?"
    rf"|(spent|spend|bought|ordered|purchased) nothing)$"
)
# "who ordered yesterday": a day relative to the calendar, not to the book's as-of day.
CALENDAR_DAY_RE = rx(
    rf"({L.ORDERED_CUE}|placed an order|placed orders) (yesterday|today|tonight|this morning)"
)
FIRST_TIME_RE = re.compile(r"(for the first time|for the 1st time|first time)\b")
FIRST_TIME_BEFORE_RE = re.compile(r"(for the first time|for the 1st time|first time)$")
NOT_KEY_RE = rx(L.NOT_KEY)
EXCLUDE_RE = rx(L.EXCLUDE_CUE)
EXCLUDE_STOP_RE = re.compile(r"with|who|whose|that|which|sorted|ranked|lowest|highest|where|and who|having")
REGION_CUE_RE = rx(rf"({L.REGION_CUE}) (the )?$")
US_PRONOUN_RE = rx(L.US_PRONOUN_LEAD)
DAY_RE = _table(L.DAYS)
DAILY_RE = rx(L.DAILY)
TIME_RE = rx(
    r"((at|@|around|by|for|from) )?(?P<h>\d{1,2})(:(?P<m>\d\d))?( (?P<ap>am|pm|o clock|oclock))?"
    r"|(at )?(?P<named>noon|midday|lunchtime|midnight)"
    r"|(at )?half past (?P<hh>\d{1,2})( (?P<ap2>am|pm))?"
)


# ------------------------------------------------------------------ schedule & topic


def read_topic(msg: Message) -> tuple[str | None, bool]:
    """Return ``(topic, strong)``: the digest/alerts topic and whether it was named explicitly."""
    for pattern, topic in TOPIC_RE:
        if pattern.search(msg.original):
            return topic, True
    for pattern, topic in TOPIC_WEAK_RE:
        if pattern.search(msg.original):
            return topic, False
    return None, False


def read_schedule(msg: Message) -> dict[str, str]:
    """Read ``{"day": ..., "time": ...}`` from the message, leaving out what was not said."""
    schedule: dict[str, str] = {}
    if msg.take(DAILY_RE):
        schedule["day"] = "daily"
    else:
        for pattern, day in DAY_RE:
            if msg.take(pattern):
                schedule["day"] = day
                break
    for _i, _j, m in msg.matches(TIME_RE):
        g = m.groupdict()
        t = None
        if g["named"]:
            t = L.NAMED_TIMES[g["named"]]
        elif g["hh"]:
            t = clock_time(int(g["hh"]), 30, g["ap2"])
        elif g["h"] and (g["m"] or g["ap"] or m.group(0)[0] in "a@bf"):
            ap = g["ap"] if g["ap"] in ("am", "pm") else None
            t = clock_time(int(g["h"]), int(g["m"] or 0), ap)
        if t:
            schedule["time"] = t
            break
    return schedule


# ------------------------------------------------------------------ filters


def read_duration(msg: Message, filters: dict[str, Any]) -> None:
    """Set ``inactive_days`` from a stated duration when the message speaks of not buying."""
    cues = [m.group(0) for m in INACTIVE_CUE_RE.finditer(msg.original)]
    inactive = bool(cues)
    # In a trend ("dormant customers by week for the last 30 days") a stage word says which customers are
    # counted, and "the last 30 days" is the range plotted, not a time without orders.
    stage_only = bool(cues) and all(c in L.INACTIVE_STAGE for c in cues)
    if stage_only and INTERVAL_SAID_RE.search(msg.original):
        inactive = False
    # "How has the number of dormant customers changed in the last 8 weeks?": the window of the trend.
    window_of_trend = stage_only and TREND_SAID_RE.search(msg.original) is not None
    for i, j, m in msg.matches(DURATION_RE):
        n, unit = m.group("n") or "one", m.group("u") or m.group("u2")
        per = L.DURATION_UNITS[unit]
        if n in ("a", "an", "one"):
            count = 1.0
        elif n in ("half a", "a half"):
            # "Half a year" is six months, and months count 30 days (spec).
            count, per = 0.5, (360 if per == 365 else per)
        elif "couple" in n:
            count = 2.0
        else:
            count = float(n.lstrip("¤"))
        # Without a word about not buying, the duration is a period, read by ``read_periods``;
        # "over the last 3 months" is the window of a figure even in "dormant customers over …".
        window = m.group(0).startswith(("over ", "during ", "across "))
        if window_of_trend and re.match(r"(in |within )?(the )?(last|past) ", m.group(0)):
            window = True
        if inactive and not window:
            msg.consume(i, j)
            if "inactive_days" not in filters and 0 < count * per < 100_000:
                filters["inactive_days"] = round(count * per)
    if "inactive_days" in filters:
        msg.take(INACTIVE_CUE_RE)  # "no orders" said of the duration names no figure


def read_money(msg: Message, filters: dict[str, Any]) -> None:
    """Set revenue and lifetime-value bounds: "spent over $10k", "a CLV under 1,000", "between 5k and 20k"."""
    for i, j, m in msg.matches(AMOUNT_RANGE_RE):
        key = "clv" if _clv_before(msg, i) or m.group("clv") else "revenue"
        low, high = _amount(m.group("a")), _amount(m.group("b"))
        after = MONEY_AFTER_RE.match(" ".join(msg.norms[j : j + 3]))
        if (
            low is not None
            and high is not None
            and (
                m.group("a")[0] == "¤"
                or m.group("b")[0] == "¤"
                or _money_before(msg, i)
                or m.group("clv")
                or after
            )
        ):
            msg.consume(i, j)
            if after and not _money_before(msg, i):
                # "between 1000 and 5000 revenue", "between 1k and 5k in sales"
                msg.consume(j, j + len(after.group(0).split()))
            filters[f"min_{key}"], filters[f"max_{key}"] = low, high
            return
    for pattern, bound in ((AMOUNT_MAX_RE, "max"), (AMOUNT_MIN_RE, "min")):
        for i, j, m in msg.matches(pattern):
            value = _amount(m.group("n"))
            clv = _clv_before(msg, i) or bool(m.groupdict().get("clv"))
            if value is None or not (m.group("n")[0] == "¤" or clv or _money_before(msg, i)):
                continue
            msg.consume(i, j)
            # The cue the bound belongs to ("spent", "a lifetime value of"), the nearest one: not
            # a figure asked for further back ("total revenue of customers who spent under 100").
            cues = sorted(
                ((a, b) for a, b, _c in msg.matches(CLV_RE if clv else MONEY_CUE_RE) if i - 6 <= a < i),
                reverse=True,
            )
            start = None
            for a, b in cues:
                if start is not None and b != start:
                    break  # "total spend" is one cue; "total revenue of customers who spent" two
                msg.consume(a, b)
                start = a
            # "spent less than 100 in total": revenue to date is a total already.
            if j + 1 < len(msg.norms) and msg.norms[j : j + 2] == ["in", "total"]:
                msg.consume(j, j + 2)
            filters[f"{bound}_{'clv' if clv else 'revenue'}"] = value
    if "min_revenue" in filters or "max_revenue" in filters:
        return
    for pattern in MONEY_RE:
        hit = msg.take(pattern)
        if hit:
            value = float((hit.group("n") or hit.groupdict().get("n2") or "0").lstrip("¤"))
            if value > 0:
                filters["min_revenue"] = to_number(value)
            return


def _amount(token: str) -> int | float | None:
    try:
        value = float(token.lstrip("¤"))
    except ValueError:
        return None
    return to_number(value) if value > 0 else None


def _clv_before(msg: Message, i: int) -> bool:
    return CLV_RE.search(" ".join(t.norm for t in msg.tokens[max(0, i - 5) : i])) is not None


def _money_before(msg: Message, i: int) -> bool:
    return MONEY_CUE_RE.search(" ".join(t.norm for t in msg.tokens[max(0, i - 4) : i])) is not None


def read_counts(msg: Message, filters: dict[str, Any]) -> None:
    """Bounds on orders to date, inclusive: "more than 10 orders" is 11, "one-time buyers" at most 1."""
    if msg.take(ONE_TIME_RE):
        filters["max_orders"] = 1
    if msg.take(REPEAT_RE):
        filters["min_orders"] = 2
    for i, j, m in msg.matches(ORDERS_RANGE_RE):
        msg.consume(i, j)
        filters["min_orders"], filters["max_orders"] = int(float(m.group("a"))), int(float(m.group("b")))
        return
    for i, j, m in msg.matches(ORDERS_EXACT_RE):
        msg.consume(i, j)
        n = 2 if m.group("w") else int(float(m.group("n")))
        filters["min_orders"], filters["max_orders"] = n, n
        return
    for i, j, m in msg.matches(ORDERS_BOUND_RE):
        n = int(float(m.group("n")))
        cmp = m.group("cmp")
        msg.consume(i, j)
        if STRICT_MAX_RE.fullmatch(cmp):
            filters["max_orders"] = max(n - 1, 0)
        elif MAX_CMP_RE.fullmatch(cmp):
            filters["max_orders"] = n
        elif STRICT_RE.fullmatch(cmp):
            filters["min_orders"] = n + 1
        else:
            filters["min_orders"] = n


def read_limit(msg: Message) -> tuple[int | None, bool]:
    """Read "top 5", "10 biggest", "give me 25" as a result limit.

    Returns
    -------
    tuple
        ``(limit, cued)``; ``cued`` is False for a bare number with no cue word,
        which alone is too weak to make a message a customer search ("2+2").
    """
    for pattern in LIMIT_RE:
        for i, j, m in msg.matches(pattern):
            value = int(m.group("n"))
            if 0 < value <= MAX_LIMIT:
                a, b = msg.span(m, "n")
                msg.consume(a, b)
                if pattern is LIMIT_RE[0]:
                    msg.consume(i, j)
                return value, pattern is not LIMIT_RE[-1]
    return None, False


def read_sort(msg: Message, has_limit: bool) -> str | None:
    """Read the sort key from superlatives ("riskiest") and "by ..." phrases."""
    tables = [SORT_SUPERLATIVE_RE]
    if has_limit:
        tables.insert(0, SORT_WITH_COUNT_RE)
    for table in tables:
        for pattern, value in table:
            if msg.take(pattern):
                return value
    for pattern, value in SORT_BY_RE:
        if msg.take(pattern):
            return value
    return None


def read_table(msg: Message, table: list[tuple[re.Pattern[str], str]]) -> str | None:
    """Consume and return the value of the leftmost, then longest, phrase of ``table``.

    Position rather than table order decides, so in "low risk high value" the
    risk level is the "low" said next to "risk".
    """
    best: tuple[int, int, int, int, str] | None = None
    for pattern, value in table:
        for i, j, m in msg.matches(pattern):
            key = (m.start(), -(m.end() - m.start()), i, j, value)
            if best is None or key[:2] < best[:2]:
                best = key
            break
    if best is None:
        return None
    msg.consume(best[2], best[3])
    return best[4]


def _name_token_ok(msg: Message, k: int) -> bool:
    n = msg.norms[k]
    return n != USED and n.isalpha() and n not in L.NAME_STOP and n not in L.NOT_A_NAME and n not in L.FILLER


def read_owner(msg: Message, vocab: Vocabulary | None) -> str | None:
    """Read the account manager: "my" -> "me", "owned by Maria" -> "maria"."""
    if msg.take(OWNER_ME_RE):
        return "me"
    name = _owner_by_pattern(msg, vocab, (OWNER_CUE_RE,))
    if name:
        return name
    if vocab is not None and vocab.owners:
        name = _vocab_lookup(msg, vocab.owner_names, vocab.owner_fuzzy)
        if name:
            return name
    return _owner_by_pattern(msg, vocab, (OWNER_VERB_RE, OWNER_POSS_RE, OWNER_HAVE_RE))


def _owner_by_pattern(
    msg: Message, vocab: Vocabulary | None, patterns: tuple[re.Pattern[str], ...]
) -> str | None:
    """Owner named next to a cue: "owned by X", "does X own", "X's customers"."""
    for pattern in patterns:
        for _i, _j, m in msg.matches(pattern):
            group = "name2" if m.groupdict().get("name2") else "name"
            a, b = msg.span(m, group)
            if not _name_token_ok(msg, a) or (pattern is OWNER_HAVE_RE and not msg.is_cap(a)):
                continue
            if msg.norms[a] == "me":
                return "me"
            end = a + 1
            # A second capitalised word is a surname ("owned by Maria Lopez").
            two = tuple(msg.norms[a : a + 2])
            if (
                pattern is OWNER_CUE_RE
                and b > a + 1
                and not msg.tokens[a].brk
                and _name_token_ok(msg, a + 1)
                and (
                    (msg.is_cap(a) and msg.is_cap(a + 1)) or (vocab is not None and two in vocab.owner_names)
                )
            ):
                end = a + 2
            while end < len(msg.norms) and msg.tokens[end].glue and msg.norms[end] != USED:
                end += 1
            name = join_orig(msg.tokens[a:end]).lower()
            if vocab is not None:
                name = vocab.owner_names.get(tuple(msg.norms[a:end]), name)
            msg.consume(a, end)
            if pattern is OWNER_POSS_RE:
                msg.consume(end, end + 1)
            return name
    return None


def _vocab_lookup(
    msg: Message, table: dict[tuple[str, ...], str], fuzzy: FuzzyIndex, keep: frozenset[str] = frozenset()
) -> str | None:
    """Find a name from the data anywhere in the unconsumed words (exact, then fuzzy).

    ``keep`` holds words that are names in their own right and are not corrected ("Brasil" is no typo
    of the data's "Brazil": it is the country as written).
    """
    n = len(msg.norms)
    for size in range(min(MAX_NAME_TOKENS, n), 0, -1):
        for i in range(n - size + 1):
            key = tuple(msg.norms[i : i + size])
            if key in table and USED not in key:
                possessive = i + size < n and msg.norms[i + size] == "'s"
                if size == 1 and key[0] in L.COMMON_WORDS and not (msg.is_cap(i) or possessive):
                    continue  # an owner called "Will" is not the word "will"
                msg.consume(i, i + size)
                return table[key]
    for i, word in enumerate(msg.norms):
        if len(word) >= 4 and word.isalpha() and word not in L.COMMON_WORDS and word not in keep:
            # Four letters allow only two swapped letters ("emae"), or any short word would be a name.
            hit = fuzzy.lookup(word) if len(word) > 4 else _swapped(word, table)
            if hit and (hit,) in table:
                msg.consume(i, i + 1)
                return table[(hit,)]
    return None


def _swapped(word: str, table: dict[tuple[str, ...], str]) -> str | None:
    """The one-word name of ``table`` that is ``word`` with two neighbouring letters swapped."""
    for k in range(len(word) - 1):
        probe = word[:k] + word[k + 1] + word[k] + word[k + 2 :]
        if probe != word and (probe,) in table:
            return probe
    return None


def _compared_owner(msg: Message, owner: str | list[str], used: list[int]) -> str | list[str]:
    """ "compare Sofia and Lukas", "owned by Maria, Lukas or Sofia": capitalised names listed with a
    known owner are owners too."""
    owners = owner if isinstance(owner, list) else [owner]
    if not used:
        return owner
    a, b = min(used), max(used) + 1
    before: list[str] = []
    if a >= 2 and msg.norms[a - 1] in L.LIST_JOIN and _listed_name(msg, a - 2):
        before.append(msg.tokens[a - 2].orig.lower())
        msg.consume(a - 2, a)
    after: list[str] = []
    k = b
    while k < len(msg.norms):
        # A comma only marks the break after the previous word; "or"/"and" is a word of its own.
        join = k if msg.norms[k] in L.LIST_JOIN else None
        name_at = k + 1 if join is not None else k
        if join is None and not msg.tokens[k - 1].brk:
            break
        if name_at >= len(msg.norms) or not _listed_name(msg, name_at):
            break
        after.append(msg.tokens[name_at].orig.lower())
        msg.consume(k, name_at + 1)
        k = name_at + 1
        if join is not None:
            break  # "X, Y or Z": the last name follows the "or"
    names = [*before, *owners, *after]
    return names[0] if len(names) == 1 else names


def _listed_name(msg: Message, k: int) -> bool:
    word = msg.norms[k]
    return msg.is_cap(k) and _name_token_ok(msg, k) and word not in L.REGIONS and word not in L.COUNTRIES


def read_spend_change(msg: Message, filters: dict[str, Any]) -> None:
    """ "spending less than last year" -> ``spend_change: down`` (the default comparison is no period)."""
    value = read_table(msg, SPEND_CHANGE_RE)
    if value:
        filters["spend_change"] = value
        msg.take(SPEND_DEFAULT_RE)
        # "dropped by more than 30 %": the contract has the direction of a change, not its size;
        # the size is said not applied (and is no revenue bound of 30).
        for i, j, _m in msg.matches(CHANGE_SIZE_RE):
            msg.set_aside(i, j)


def read_periods(msg: Message, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Read every period; those said of a first order or of ordering become filters.

    Returns
    -------
    list of dict
        The other periods, in the order said: the window of a figure and what it is compared with.
    """
    rest: list[dict[str, Any]] = []
    for found in find_periods(msg):
        before = " ".join(t.norm for t in msg.tokens[max(0, found.start - 5) : found.start])
        after = FIRST_TIME_RE.match(" ".join(msg.norms[found.end : found.end + 5]))
        # "who ordered this quarter for the first time": the period of a first order, said after it.
        first_after = after is not None and ORDERED_RE.search(before) is not None
        # "who ordered for the first time last month": said before it.
        first_before = (
            FIRST_TIME_BEFORE_RE.search(before) is not None and ORDERED_RE.search(before) is not None
        )
        if (FIRST_ORDER_RE.search(before) or first_after or first_before) and "first_order_in" not in filters:
            filters["first_order_in"] = found.period
            if first_after and after is not None:
                msg.consume(found.end, found.end + len(after.group(0).split()))
        elif NOT_ORDERED_RE.search(before) and "inactive_days" not in filters:
            # "haven't ordered since March": no order in those days; "not in October": none then.
            if "days" in found.period:
                filters["inactive_days"] = found.period["days"]
            else:
                filters.setdefault("exclude", {})["ordered_in"] = found.period
        elif (
            ORDERED_RE.search(before) and "ordered_in" not in filters and "ordered_within_days" not in filters
        ):
            if "days" in found.period:
                filters["ordered_within_days"] = found.period["days"]
            else:
                filters["ordered_in"] = found.period
        else:
            rest.append(found.period)
    return rest


def _many(msg: Message, read: Callable[[], Any]) -> Any:
    """Read one value, or a list when several are said joined by "or"/"and"/"vs" ("EMEA and APAC")."""
    found: list[tuple[int, int, Any]] = []
    for _ in range(6):
        before = list(msg.norms)
        value = read()
        if value is None:
            break
        used = [k for k, (a, b) in enumerate(zip(before, msg.norms, strict=True)) if a != b]
        if used and value not in [f[2] for f in found]:
            found.append((min(used), max(used) + 1, value))
    if not found:
        return None
    found.sort()
    values = [found[0][2]]
    end = found[0][1]
    for start, stop, value in found[1:]:
        gap = [t.norm for t in msg.tokens[end:start]]
        if not all(
            w in L.LIST_JOIN or w in ("the", "vs", "versus", "with", "compared", "to", "either") for w in gap
        ):
            break
        values.append(value)
        end = stop
    return values[0] if len(values) == 1 else values


def read_region(msg: Message, vocab: Vocabulary | None, places: bool = True) -> str | None:
    """Read the region: the data's region names, then built-in ones; with ``places``, a capitalised
    place after "in"."""
    if vocab is not None and vocab.regions:
        hit = _vocab_lookup(msg, vocab.region_names, vocab.region_fuzzy)
        if hit:
            return hit
    hit = _gazetteer(msg, REGION_WORDS_RE)
    if hit or not places:
        return hit
    hit = _named_region(msg)
    if hit:
        return hit
    # A capitalised place after "in": "customers in Lower Saxony".
    for k in range(1, len(msg.norms)):
        if msg.norms[k - 1] in ("in", "from", "across") and msg.is_cap(k) and _name_token_ok(msg, k):
            if msg.tokens[k].orig[:1].isdigit():
                continue
            end = k + 1
            while end < len(msg.norms) and end - k < 3 and msg.is_cap(end) and not msg.tokens[end - 1].brk:
                if not _name_token_ok(msg, end):
                    break
                end += 1
            name = join_orig(msg.tokens[k:end]).lower()
            msg.consume(k, end)
            return name
    return None


# "in the north": a compass word after "in"/"from" names a region (the engine resolves it against
# the data's regions: "north" is "North America" when that is the only one with the word).
_COMPASS = frozenset(
    ["north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "midwest"]
)
_REGION_LEAD = frozenset(("in", "from", "across", "within", "of", "for", "the"))


def _named_region(msg: Message) -> str | None:
    """A region the user calls one whatever its name: "in the region north", "in region Nord",
    "in the Nord region", "in the north". Returns the name (lower case), the engine says whether
    the data has it; without this rule "north" was a known word and dropped silently."""
    norms = msg.norms

    def take(i: int, j: int, start: int, stop: int) -> str:
        name = join_orig(msg.tokens[i:j]).lower()
        msg.consume(start, stop)
        return name

    for k in range(len(norms)):
        if not _name_token_ok(msg, k) or msg.tokens[k].orig[:1].isdigit():
            continue
        before = norms[k - 1] if k else ""
        lead = norms[k - 2] if k > 1 else ""
        # "region Nord", "the region of Narnia"
        cue = k - 1 if before == "region" else k - 2 if before == "of" and lead == "region" else None
        if cue is not None and (cue == 0 or norms[cue - 1] in _REGION_LEAD):
            end = k + 1
            while end < len(norms) and end - k < 3 and msg.is_cap(k) and msg.is_cap(end):
                if msg.tokens[end - 1].brk or not _name_token_ok(msg, end):
                    break
                end += 1
            return take(k, end, cue, end)
        if before not in _REGION_LEAD or not (msg.is_cap(k) or norms[k] in _COMPASS):
            continue
        # "the Nord region", "the North West region", "in the south east"
        end = k + 1
        while end < len(norms) and end - k < 3 and not msg.tokens[end - 1].brk and norms[end] != "region":
            if not (
                norms[end] in _COMPASS
                if norms[k] in _COMPASS
                else msg.is_cap(end) and _name_token_ok(msg, end)
            ):
                break
            end += 1
        if end < len(norms) and norms[end] == "region":
            return take(k, end, k, end + 1)
        if norms[k] in _COMPASS and (
            before in ("in", "from") or (before == "the" and lead in ("in", "from"))
        ):
            return take(k, end, k, end)
    return None


def _gazetteer(msg: Message, pattern: re.Pattern[str]) -> str | None:
    for i, j, m in msg.matches(pattern):
        word = m.group(0)
        after_cue = REGION_CUE_RE.search(msg.text[: m.start()]) is not None
        upper = all(msg.tokens[k].orig.isupper() for k in range(i, j))
        capital = all(msg.is_cap(k) for k in range(i, j))
        if word in L.AMBIGUOUS_REGIONS and not (after_cue or upper):
            continue
        if word == "us" and not upper and US_PRONOUN_RE.search(msg.text[: m.start()]):
            continue
        joined = msg.norms[i - 1] in L.LIST_JOIN or msg.norms[i - 1] in L.COMPARE_LEAD if i > 0 else True
        if not after_cue and capital and not upper and not joined:
            continue  # "Asia Pacific Traders" is a company, not a region
        msg.consume(i, j)
        if i > 0 and msg.norms[i - 1] == "the":
            msg.consume(i - 1, i)
        return word
    return None


def read_country(msg: Message, vocab: Vocabulary | None) -> str | None:
    """Read a country: the data's country values, then a built-in list ("in the UK" -> ``uk``)."""
    if vocab is not None and vocab.countries:
        hit = _vocab_lookup(msg, vocab.country_names, vocab.country_fuzzy, L.COUNTRIES)
        if hit:
            return hit
    return _gazetteer(msg, COUNTRY_WORDS_RE)


def read_attributes(msg: Message, vocab: Vocabulary | None) -> dict[str, Any]:
    """Values of the data's other customer columns: "retail customers" -> ``{"industry": "retail"}``."""
    if vocab is None or not vocab.attribute_names:
        return {}
    out: dict[str, Any] = {}
    for column in vocab.attribute_columns:
        table = {k: v for k, (c, v) in vocab.attribute_names.items() if c == column}
        lookup: Callable[[], Any] = partial(_vocab_lookup, msg, table, FuzzyIndex(()))
        before = list(msg.norms)
        value = _many(msg, lookup)
        if value is not None:
            used = [k for k, w in enumerate(before) if w != msg.norms[k]]
            out[column] = _listed_values(msg, value, used, vocab.known_words)
    return out


def _listed_values(msg: Message, value: Any, used: list[int], known: frozenset[str]) -> Any:
    """ "technology and finance customers": a word no rule knows, listed with a value of a column, is
    another value of it (the engine says so when the data has none such)."""
    values = value if isinstance(value, list) else [value]
    a, b = min(used), max(used) + 1
    if a >= 2 and msg.norms[a - 1] in L.LIST_JOIN and _unknown_word(msg, a - 2, known):
        values.insert(0, msg.tokens[a - 2].orig.lower())
        msg.consume(a - 2, a)
    if b + 1 < len(msg.norms) and msg.norms[b] in L.LIST_JOIN and _unknown_word(msg, b + 1, known):
        values.append(msg.tokens[b + 1].orig.lower())
        msg.consume(b, b + 2)
    return values[0] if len(values) == 1 else values


def _unknown_word(msg: Message, k: int, known: frozenset[str]) -> bool:
    word = msg.norms[k]
    return is_content(word, known) and word not in L.COMMON_WORDS and _name_token_ok(msg, k)


def read_exclude(msg: Message, vocab: Vocabulary | None) -> dict[str, Any] | None:
    """The filters after "except", "not in", "outside" …: customers matching them are left out."""
    m = EXCLUDE_RE.search(msg.text)
    if not m:
        return None
    i, j = msg.span(m)
    end = j
    while end < len(msg.norms) and not EXCLUDE_STOP_RE.fullmatch(msg.norms[end]) and msg.norms[end] != USED:
        end += 1
        if msg.tokens[end - 1].brk:
            break
    if end == j:
        return None
    sub = Message(msg.tokens[j:end])
    excluded, _sort, _limit = read_filters(sub, vocab, nested=True)
    if not excluded:
        return None
    msg.consume(i, end)
    return excluded


def _not_a_tier(msg: Message, ranked: bool, vocab: Vocabulary | None) -> list[int]:
    """Tier words that are no tier: "premium support package" names a product; in "5 smallest customers"
    the superlative ranks."""
    extra = vocab.known_words if vocab is not None else frozenset()
    out = []
    for k, word in enumerate(msg.norms):
        after = msg.norms[k + 1] if k + 1 < len(msg.norms) else ""
        if (word in L.BARE_TIER and after and is_foreign_noun(after, extra)) or (
            ranked and word in L.SUPERLATIVE_TIER
        ):
            out.append(k)
    return out


def _with_hidden(msg: Message, hidden: list[int], read: Callable[[], Any]) -> Any:
    """Run ``read`` with the tokens ``hidden`` out of its sight, then give them back unconsumed."""
    saved = {k: msg.norms[k] for k in hidden}
    for k in hidden:
        msg.norms[k] = HIDDEN
    msg._rebuild()
    try:
        return read()
    finally:
        for k, word in saved.items():
            if msg.norms[k] == HIDDEN:
                msg.norms[k] = word
        msg._rebuild()


def read_filters(
    msg: Message, vocab: Vocabulary | None, periods: list[dict[str, Any]] | None = None, nested: bool = False
) -> tuple[dict[str, Any], str | None, int | None]:
    """Read all filters, the sort key and the limit, in the order that resolves overlaps.

    Parameters
    ----------
    periods : list, optional
        Receives the periods that are no filter (the window of a figure, its comparison).
    nested : bool
        Reading the words of an exclusion (which cannot hold another).

    Returns
    -------
    tuple
        ``(filters, sort, limit)``.
    """
    filters: dict[str, Any] = {}
    excluded = None if nested else read_exclude(msg, vocab)
    for pattern in (TIME_ONLY_RE, NOT_OWNER_RE):
        while msg.take(pattern):
            pass
    # What the contract cannot filter on is said, not read as something else: a buying rhythm
    # ("customers that buy weekly" is no weekly trend), a bound on the average order ("whose
    # average order is above 500" is no revenue bound), a calendar day ("ordered yesterday").
    for pattern in (RHYTHM_RE, AOV_BOUND_RE):
        for i, j, _m in msg.matches(pattern):
            msg.set_aside(i, j)
    for i, j, _m in msg.matches(CALENDAR_DAY_RE):
        msg.set_aside(i, j, said_from=j - (2 if msg.norms[j - 1] == "morning" else 1))
    read_spend_change(msg, filters)
    read_counts(msg, filters)
    while msg.take(NOT_AMOUNT_RE):
        pass
    read_duration(msg, filters)
    rest = read_periods(msg, filters)
    if periods is not None:
        periods.extend(rest)
    read_money(msg, filters)
    before = list(msg.norms)
    owner = _many(msg, lambda: read_owner(msg, vocab))
    # "compare Sofia and Lukas", "not owned by John or Sofia": a name listed with an owner is one too.
    if owner is not None and owner != "me":
        owner = _compared_owner(msg, owner, [k for k, w in enumerate(before) if w != msg.norms[k]])
    limit, cued = read_limit(msg)
    sort = read_sort(msg, limit is not None)
    if not cued and not (filters or sort or CUSTOMER_NOUN_RE.search(msg.original)):
        limit = None
    not_key = msg.take(NOT_KEY_RE) is not None
    values = {
        "churn_risk": _many(msg, lambda: read_table(msg, CHURN_RE)),
        "segment": _many(msg, lambda: read_table(msg, SEGMENT_RE)),
        "lifecycle": _many(msg, lambda: read_table(msg, LIFECYCLE_RE)),
        "value_tier": _with_hidden(
            msg,
            _not_a_tier(msg, limit is not None, vocab),
            lambda: _many(msg, lambda: read_table(msg, TIER_RE)),
        ),
    }
    ranking_tier = read_table(msg, TIER_RANKING_RE)
    if sort is None and values["value_tier"] is None:
        values["value_tier"] = ranking_tier
    if msg.take(KEY_ACCOUNT_RE):
        filters["key_account"] = True
    elif not_key:
        filters["key_account"] = False
    attributes = read_attributes(msg, vocab)
    region = _many(msg, lambda: read_region(msg, vocab, places=False))
    country = _many(msg, lambda: read_country(msg, vocab))
    if region is None and country is None:
        region = read_region(msg, vocab)
    values.update(owner=owner, region=region, country=country)
    for key, value in values.items():
        if value is not None:
            filters[key] = value
    if attributes:
        filters["attributes"] = attributes
    # A stated duration replaces the vague "dormant" it qualifies (spec).
    if "inactive_days" in filters and filters.get("lifecycle") == "dormant":
        del filters["lifecycle"]
    # "New customers this quarter" is said of the first order, not of the lifecycle stage.
    if "first_order_in" in filters and filters.get("lifecycle") == "new":
        del filters["lifecycle"]
    if excluded:
        if excluded.get("key_account") is True and "key_account" not in filters:
            # "not key accounts in APAC": the accounts that are not key, in APAC (the place
            # belongs to the customers asked for, not to the accounts left out).
            filters["key_account"] = False
            others = {k: v for k, v in excluded.items() if k != "key_account"}
            for key, value in others.items():
                filters.setdefault(key, value)
        else:
            if "exclude" in filters:
                # "haven't ordered in October" and "except EMEA" are two exclusions; one object
                # would leave out only the customers matching both, so the period is not applied.
                msg.unread.append(period_words(filters["exclude"]["ordered_in"]))
            filters["exclude"] = excluded
    return filters, sort, limit
