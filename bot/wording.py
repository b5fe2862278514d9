"""Every sentence the bot says, in one place."""

from __future__ import annotations

from bot.i18n import localise as _localise

# Every constant below is read in the asker's language (bot/i18n.py); this file stays the English.
_localise(__name__)

SEGMENT_LABEL = {
    "champions": "champions",
    "loyal": "loyal",
    "potential_loyalist": "potential loyalists",
    "new": "new (segment)",
    "promising": "promising",
    "need_attention": "need attention",
    "about_to_sleep": "about to sleep",
    "at_risk": "at risk",
    "cant_lose": "can't lose",
    "hibernating": "hibernating",
    "lost": "lost (segment)",
}
STAGE_LABEL = {
    "new": "new",
    "active": "active",
    "declining": "declining",
    "dormant": "dormant",
    "lost": "lost",
}
SORT_LABEL = {
    "clv": "lifetime value",
    "revenue": "revenue",
    "recency": "most recent order",
    "frequency": "number of orders",
    "churn_risk": "churn risk",
}

EXAMPLES = [
    "who are the dormant high-value customers?",
    "how many champions do we have in EMEA?",
    "revenue by region this year",
    "monthly revenue since January",
    "who moved from champions to at risk?",
    "my declining customers",
    "top 5 customers by revenue",
    "give me the segment breakdown",
    "tell me about Acme Corp",
    "why is Globex at risk?",
    "any churn alerts?",
    "show this week's key account digest",
    "post the key account digest here every Monday at 9",
]

WELCOME = "Hi! I segment your customers and tell you who needs attention. Try one of these:"
HELP_TITLE = "What I can do"
HELP_TEXT = (
    "Ask me in plain words about your customers: find or count them by segment, lifecycle stage "
    "(new, active, declining, dormant, lost), value tier, churn risk, key accounts, owner, region, "
    "country, your data's columns (e.g. industry), revenue, orders or when they ordered; totals, "
    "averages and shares (*revenue of champions this year*, *this year vs last year*); breakdowns and "
    "comparisons (*revenue by region*, *EMEA vs APAC*); trends (*monthly revenue since January*) and who "
    "moved between segments; what a word means (*what does about to sleep mean?*); the segment "
    "breakdown; look up one customer or ask why they have their label; see the key-account digest and "
    "churn alerts, or have them posted here on a schedule. Managers decide win-back suggestions with "
    "their buttons, or by typing *approve 12*, *reject 12 because they switched supplier* or *snooze 12 "
    "for 2 weeks*."
)
UNKNOWN = "Sorry, I didn't catch that. Here is what I can answer:"
EMPTY_MESSAGE = "Ask me something about your customers, or type *help*."
# A follow-up pointing into a list ("the second one") when this conversation showed none, or fewer rows.
NO_LIST_TO_POINT = (
    "I have no list in this conversation to point into. Ask for one first (e.g. *my at-risk customers*), "
    "or name the customer."
)
NO_SUCH_ROW = "The last list I showed you has {shown} rows, so there is no number {n}. Name the customer, or pick a row from 1 to {shown}."
INTERNAL_ERROR = (
    "Something went wrong on my side while answering that; it has been logged. "
    "Please try again, or rephrase the question."
)
NO_SNAPSHOT = "There is no segmentation yet: an admin needs to load orders and run `custseg segment`."
NEEDS_IDENTITY = (
    "I don't know which account manager you are, so I can't tell which customers are yours. "
    'Ask an admin to add `{user_id} = "Your Name"` under [users] in the custseg settings.'
)
NO_MATCH = "I don't know the {slot} '{typed}'."
NO_MATCH_IN_SCOPE = "I don't know the {slot} '{typed}' among the customers you can see."
# -- who may see and do what (roles and scope) --
UNKNOWN_PERSON = (
    "I don't know who you are yet, so I can't show you any customer data. Ask an admin to add your "
    "{platform} id `{user_id}` to the custseg settings: {how}. Until then I can only answer *help*."
)
UNKNOWN_PERSON_HOW = {
    "slack": ("Slack", 'slack_id = "{user_id}" in your entry under [people]'),
    "teams": ("Teams", 'teams_id = "{user_id}" in your entry under [people]'),
}
# Other platforms (the terminal) have no id field under [people]: the [users] shorthand maps them.
UNKNOWN_PERSON_OTHER = (
    "{platform}",
    '`{user_id} = "Your Name"` under [users] (or your e-mail under [people])',
)
SUBSCRIBE_REFUSED = (
    "Only admins and managers can {verb} the {topic} in a channel, so nothing has changed. "
    "Ask one of them, or ask me for the {topic} here and now."
)
SUBSCRIBE_VERB = {"subscribe": "set up", "unsubscribe": "stop"}
NO_MATCH_CHOICES = "Known {slot}s: {choices}."
# What a name that does not match is called, by the slot it was typed in.
SLOT_LABEL = {"owner": "account manager", "region": "region", "group_by": "column", "column": "column"}
NOT_FOUND = "I couldn't find a customer called '{typed}'."
DID_YOU_MEAN = "Did you mean one of these?"
AMBIGUOUS = "Several customers match '{typed}'. Which one?"
CORRECTED = "Showing {name} (you wrote '{typed}')."
NOTHING_FOUND = "No customers match."
SHOW_MORE = "Show {n} more"
NO_PREVIOUS = "This is the first snapshot, so there is nothing to compare with yet."
PENDING_NONE = (
    "No win-back actions are waiting for a decision. Ask me to *suggest a win-back for <customer>*; "
    "churn alerts suggest them too."
)
PENDING_HEAD = "*{n:,} win-back action{s}* waiting for a decision, {value} at stake, biggest first."
PENDING_LINE = "• *{name}* — {task}; {value} at stake ({state}). {sentence}"
PENDING_MORE = "… and {n:,} more: {names}."
PENDING_COUNT = "{context} — {n:,} suggestion{s}"
PENDING_STATE = {"proposed": "proposed {at}", "snoozed": "snoozed until {until}"}
PENDING_FOOTER = (
    "Approving makes it the account manager's task · undecided suggestions expire after {days} days"
)
DIGEST_PENDING = "*Awaiting approval:* {n:,} action{s}, {value} at stake — {items}."
DIGEST_PENDING_ITEM = "{name} ({task}, {value})"
DIGEST_OUTCOMES = (
    "*How approved actions turned out* (won back = ordered within {window} days of the approval; "
    "compared with similar customers left alone):"
)
DIGEST_OUTCOME_LINE = (
    "• {task}: {won:,} of {measured:,} won back ({rate}), {revenue} recovered; {comparison}."
)
DIGEST_COMPARISON = "similar customers left alone {rate} of {n:,}"
DIGEST_NO_COMPARISON = "no similar customers measured yet"
DIGEST_PENDING_MORE = "; {n:,} more"
DIGEST_OUTCOMES_NONE = (
    "*How approved actions turned out:* nothing measured yet — an approval is measured {window} days "
    "after it, once the orders cover those days{waiting}."
)
DIGEST_OUTCOMES_WAITING = " ({n:,} approved so far)"
SUBSCRIBED = "Done: I'll post the {topic} here {when}."
SUBSCRIPTION_NOTE = "Deliveries start once the scheduler is running (the worker process)."
UNSUBSCRIBED = "Done: I'll stop posting the {topic} here."
NOT_SUBSCRIBED = "This channel doesn't get the {topic}, so there is nothing to stop."
TOPIC_LABEL = {"digest": "key-account digest", "alerts": "churn alerts"}
# The interpretation line of a list or count without filters.
ALL_CUSTOMERS = "All customers"
TOPIC_NEEDED = "Which one: the key-account digest or the churn alerts?"

# -- safe channels (bot/channels.py) --
EXTERNAL_CHANNEL = (
    "I can't post customer data here: this channel is shared with people outside the organisation "
    "(another company or guests). Use a private channel of your own team, or ask an admin to allow "
    "this one under [channels] allow_external."
)
PUBLIC_CHANNEL = (
    "This channel is public: anyone in the workspace can read what I post here, including revenue "
    "and churn risk. Post the {topic} here {when} anyway, or pick a private channel?"
)
PUBLIC_CONFIRM = "Yes, post it here"
DAY_LABEL = {
    "mon": "every Monday",
    "tue": "every Tuesday",
    "wed": "every Wednesday",
    "thu": "every Thursday",
    "fri": "every Friday",
    "sat": "every Saturday",
    "sun": "every Sunday",
    "daily": "every day",
}
# A schedule in a sentence: "every Monday at 09:00 (UTC)".
SCHEDULE_WHEN = "{when} at {time} ({tz})"

# Win-back actions. The sentence for each play of the playbook ([playbook.plays.*] in the settings:
# which customers get which play); a play without a sentence here is shown by its `task`.
# Placeholders: name, owner, gap, recency, ratio, revenue, drop, orders.
# The tasks of the shipped playbook (config/custseg.toml), by their English: a task a company wrote
# itself is shown as written, a shipped one in the reply's language.
PLAY_TASK = {
    "Executive sponsor call": "Executive sponsor call",
    "Key-account recovery call": "Key-account recovery call",
    "Account-manager call plus a reactivation offer": "Account-manager call plus a reactivation offer",
    "Account-manager call about the drop in spend": "Account-manager call about the drop in spend",
    "Account-manager call and account review": "Account-manager call and account review",
    "Check-in from the account manager": "Check-in from the account manager",
    "Check-in e-mail with their usual items": "Check-in e-mail with their usual items",
    "Win-back offer": "Win-back offer",
    "Personal note asking why they left": "Personal note asking why they left",
    "Onboarding check": "Onboarding check",
    "Early-relationship check-in": "Early-relationship check-in",
}
PLAY_TEXT: dict[str, str] = {
    "cant_lose": "Ask an executive sponsor to call {name} this week: one of the best customers by orders, "
    "and it has been {recency} against a usual {gap} days. Listen first, then offer an account review.",
    "dormant_high_value": "Have {owner} call {name} and offer a tailored win-back deal (e.g. 10 % on the next "
    "order); they are {ratio}× overdue and worth {revenue} so far.",
    "revenue_down": "Call {name}: they still order on rhythm but spent {drop} % less in the last 90 days than "
    "in the 90 before. Ask whether part of their volume went to a competitor.",
    "declining_high_value": "Call {name} this week: they usually order every {gap} days and it has been "
    "{recency}. Ask what changed and offer a review of their account.",
    "at_risk": "Have {owner} check in with {name}: they used to order often, but it has been {recency} "
    "against a usual {gap} days. Ask how things are going and what is missing.",
    "declining": "Send {name} a check-in email with their usual items; it has been {recency} against a usual "
    "{gap} days.",
    "dormant": "Send {name} a win-back offer (free shipping or 5 % on the next order) with their most-ordered "
    "products.",
    "lost_high_value": "Ask {owner} for a personal note to {name} asking why they left; log the reason.",
    "new": "Welcome {name}: a short onboarding call to check the first order went well, and a second-order "
    "incentive.",
    "new_repeat": "{name} is new and has already ordered {orders} times: have {owner} call to check the orders "
    "went well, ask what else they buy, and make sure they know whom to call.",
    "key_account_win_back": "{name} is a key account ({revenue} so far) and has been silent for {recency} "
    "against a usual {gap} days ({ratio}× overdue). Have {owner} call this week, with their manager if "
    "needed: ask what changed and agree how to win the volume back.",
}
NO_PLAY = {
    "active": "{name} is buying on rhythm: no win-back needed. Consider a cross-sell suggestion instead.",
    "lost": "Add {name} to the quarterly reactivation campaign; no individual action is worth it yet.",
}
NO_PLAY_OTHER = "No play of the playbook fits {name} ({stage}, {tier} value), so there is nothing to approve."
ACTION_CONTEXT = "Win-back action · {name}"
ACTION_TITLE = "{name}: {task}"
ACTION_WHY = (
    "{segment} · {stage} ({recency} since the last order, usually every {gap} days) · {tier} value · "
    "churn risk {risk}"
)
VALUE_AT_STAKE = {
    "clv": "{value} predicted lifetime value",
    "revenue": "{value}: a year of their usual orders (revenue-based; no lifetime-value model yet)",
}
EXPECTED_VALUE = "{value}, if {rate} % of such customers are won back"
ACTION_STATUS = {
    "proposed": "Waiting for a decision by {who}, since {at}",
    "snoozed": "Snoozed by {actor} until {until}",
    "approved": "Approved by {actor} on {at}: {owner}'s task, due {due}",
    "rejected": "Rejected by {actor} on {at}",
    "done": "Done: marked by {actor} on {at}",
    "expired": "Expired on {at} ({reason})",
}
ACTION_REASON = " (reason: {reason})"
ACTION_EXISTS = "Already suggested on {at}; one open suggestion per customer and play."
ACTION_FIRST = "{actor} was first: {state} on {at}. Your click changed nothing."
ACTION_YOU_FIRST = "You already did: {state} on {at}. Nothing changed."
ACTION_CLOSED = "This suggestion was {state} on {at} ({reason}); your click changed nothing."
WHO_MANAGERS = "a manager of {teams}"
WHO_ADMIN = "an admin"
WHO_YOU = "you"
ACTION_STATE = {
    "proposed": "proposed",
    "approved": "approved",
    "rejected": "rejected",
    "snoozed": "snoozed",
    "done": "done",
    "expired": "expired",
}
ACTION_VERB = {"approved": "approve", "rejected": "reject", "snoozed": "snooze", "done": "mark done"}
ONLY_MANAGERS = "Only managers of {teams} can {verb} this."
ONLY_ADMINS = (
    "Only an admin can {verb} this: {owner}'s customers are in no team under [teams] in the settings."
)
ONLY_OWNER_OR_MANAGERS = "Only {owner} or managers of {teams} can mark this done."
NO_ACCOUNT_MANAGER = "the account manager"
ACTION_BUTTONS = {
    "approve": "Approve",
    "reject": "Reject",
    "snooze": "Snooze {days} days",
    "done": "Mark done",
}
ACTION_FOOTER = "Suggestion #{id} · from the snapshot of {as_of}"
REJECT_HINT = " · to reject with a reason, type *reject {id} because …*"
# A decided suggestion's line on a list message (digest, churn alert, pending list), replacing its buttons.
LIST_DECIDED = "#{id} {name} — {state}"
LIST_STATE = {
    "proposed": "waiting for a decision again ({reason})",
    "snoozed": "snoozed by {actor} until {until}",
    "approved": "approved by {actor}, {at}",
    "rejected": "rejected by {actor}, {at}",
    "done": "done, marked by {actor}, {at}",
    "expired": "expired {at} ({reason})",
}
LIST_REASON = ": {reason}"
NO_OPEN_ACTION = "{name} has no open suggestion, and no play of the playbook fits them now."
TASK_CONTEXT = "Your win-back task · {name}"
TASK_TEXT = "{approver} approved this on {at}; it is due {due}. {sentence}"

LIFECYCLE_REASON = {
    "recent_first_order": "first order {tenure} ago, within the new-customer window of {window} days",
    "on_rhythm": "last order {recency_ago} against a usual gap of {gap} days",
    "overdue": "{recency} since the last order against a usual {gap} days ({ratio}× — slipping after {declining}×)",
    "revenue_down": "on rhythm ({recency} since the last order, usually {gap} days) but revenue in the last 90 "
    "days is down {drop} % on the 90 days before",
    "long_overdue": "{recency} since the last order against a usual {gap} days ({ratio}× — dormant after {dormant}×)",
    "gone": "{recency} since the last order against a usual {gap} days ({ratio}× — lost after {lost}×)",
    "unlikely_alive": "{recency} since the last order against a usual {gap} days, but their buying history "
    "gives only a {p_alive} % chance that they are still an active customer (dormant under {dormant_p} %)",
}
GAP_BASIS = {
    "own": "their own rhythm",
    "population": "the typical rhythm of all customers (they have too few orders for one of their own)",
}

# Digest and churn alerts (on demand and scheduled).
VALUE_BASIS = {
    "clv": "lifetime value",
    "revenue": "revenue to date",
    "revenue_plus_clv": "revenue to date plus expected lifetime value",
}
VALUE_TIER_HIGH = {
    "revenue": "the customers making the first half of revenue",
    "clv": "the customers making the first half of expected lifetime value",
    "revenue_plus_clv": "the customers making the first half of revenue to date plus expected lifetime value",
}
DIGEST_TITLE = "Key-account digest, {as_of}"
DIGEST_KEYS = "*{n:,} key accounts*, {value} {basis}."
DIGEST_TREND = (
    "Key accounts' revenue in the last 90 days: {now}, {change} on the 90 days before "
    "(whole book: {book_now}, {book_change})."
)
DIGEST_CHANGE = {"up": "up {pct}", "down": "down {pct}", "none": "no revenue"}
DIGEST_MOVES = "Since {since}: {n} key account{s} changed segment, stage or churn risk."
DIGEST_STAKE = "{value} {basis} is at stake in the {n} that slipped towards churn."
DIGEST_NO_MOVES = "Since {since}: no key account changed segment, stage or churn risk."
DIGEST_DORMANT = "Dormant high-value customers: {n:,} — {names}."
DIGEST_FOOTER = "As of {as_of}, compared with {since} · value = {basis}"
DIGEST_CHART_TITLE = "Key-account {basis} by stage"
DIGEST_BUTTONS = {
    "declining": "Declining key accounts",
    "dormant": "Dormant high-value",
    "alerts": "Churn alerts",
    "profile": "{name}",
}
ALERTS_TITLE = "Churn alerts for {owner}, {as_of}"
ALERTS_CHANNEL_TITLE = "Churn alerts, {as_of}"
ALERTS_MINE_BUTTON = "Show mine"
ALERTS_MINE_NONE = "None of the {n:,} customers in this alert are yours ({owner})."
ALERTS_MINE_NO_BOOK = (
    "*Show mine* lists the customers of this alert you look after, and you have no customers of "
    "your own. Ask *churn alerts* for everyone you may see."
)
ALERTS_NEW = "*{n:,} customer{s}* crossed into high churn risk or went dormant since {since}, biggest first."
ALERTS_NONE = "No customer crossed into high churn risk since {since}."
ALERTS_OWNER = "*{owner}* — {n} customer{s}, {value} {basis}"
ALERT_LINE = "• *{name}* {crossed}; {value} {basis}. Suggested: {action}"
ALERT_CROSSED = {"dormant": "went dormant", "high": "is now at high churn risk"}
ALERTS_MORE = "… and {n} more: {names}."
ALERTS_MORE_THAN_NAMED = "… and {n} more, among them {names}."
ALERTS_FOOTER = (
    "As of {as_of} · value = {basis} · approving makes the suggestion a task for the account manager"
)
PREVIOUS_ALERT = "the previous alert"
NO_OWNER = "No account manager"

# Churn-risk explanation: the model's probability and the factors that move it (custseg.models.explain).
CHURN_PROBABILITY = "{pct} % chance of no order in the next {horizon}"
CHURN_DRIVER = {
    "timing": "{recency} since the last order vs. a usual {gap}",
    "frequency": "{n:,} order{s} so far",
    "tenure": "a customer for {tenure}",
    "order_value": "average order {aov} vs. {typical} for a typical customer",
    "spend_trend": "spend in the last 90 days {direction} {pct} % on the 90 days before",
    "spend_pace": "spend in the last 90 days at {pct} % of their usual pace",
    "returns": "returned {pct} % of what they bought",
}
CHURN_UP = "Pushing the risk up: {items}."
CHURN_DOWN = "Holding it down: {items}."
# Said when the stage and the risk look contradictory side by side (dormant, yet not high risk).
STAGE_VS_RISK = (
    "Why {stage} but only {risk} churn risk: the stage compares their silence with their own buying rhythm, "
    "while the risk is the chance of no order in the next {horizon}, learned from how customers with a similar "
    "history behaved. Customers like this one often come back after a long gap, so both are true: they are "
    "overdue now, and a win-back has a real chance."
)

# -- answers given privately where a platform has no "only you can see this" (Teams) --
MEMBERS_UNCHECKED = (
    "I can't post customer data here: I couldn't check who is in this conversation (the chat platform "
    "did not tell me), and data only goes where I can see there are no outsiders. Try again in a "
    "few minutes, or ask an admin to allow it under [channels] allow_external."
)
ANSWERED_PRIVATELY = "I've sent you the answer in our personal chat."
PERSONAL_CHAT_FAILED = (
    "I couldn't open a personal chat with you, and the answer has customer data, so I won't post it "
    "here. Add the custseg app for yourself (Apps → custseg → Add) or send me a direct message once, "
    "then ask again."
)
SHARE_IN = "Share in {channel}"
SHARED_BY = "Shared by {name}"
SHARED_IN = "Shared in {channel}."
SHARE_NOT_INSTALLED = "I can't share this in {channel}: custseg is not installed there any more."
SHARE_NOT_MEMBER = "I can't share this in {channel}: you are not a member of it."
THE_CONVERSATION = "the conversation"

# -- the personal overview (Slack's App Home, Teams' personal chat) --
OVERVIEW_BUTTON = "My overview"
OVERVIEW_REFRESH = "Refresh"
OVERVIEW_CONTEXT = "Your overview"
OVERVIEW_SECTIONS = {
    "key_accounts": "Your key accounts",
    "dormant": "Your dormant high-value customers",
    "pending": "Actions waiting for your decision",
    "subscriptions": "Your digest subscriptions",
}
NO_SUBSCRIPTIONS = (
    "None yet. In a channel, tell me e.g. *post the key account digest here every Monday at 9*."
)
SUBSCRIPTION_LINE = "• {topic} in {channel}, {when} at {time} ({tz})"
OVERVIEW_MORE = "… and {n:,} more."
OVERVIEW_FOOTER = "As of {at}. Press Refresh for the latest; ask me anything for more."
SHARE_FAILED = "I couldn't share this in {channel}: Teams did not accept the post. Try again in a moment."
# -- our database unreachable while a message arrives (adapters/slack/outage.py) --
DATA_UNREACHABLE = "I can't reach the data right now, try again in a minute."

# -- people and conversations of another organisation (issue 18) --
OUTSIDER = (
    "I can't show customer data to people outside the organisation, and you are signed in from "
    "another one. Ask someone in the organisation that runs me, or an admin."
)
OTHER_TENANT = (
    "I can't post customer data here: this conversation belongs to another organisation's "
    "Microsoft 365 tenant."
)
# Why a scheduled post (or a copy update) is not delivered: the outbox keeps it as the post's last
# error, for the operator (``custseg worker status``), so it names the conversation and the setting.
POST_REFUSED = (
    "Refused: the {platform} conversation {channel} {why}, so no customer data is posted there. "
    "Subscribe a conversation of your own organisation without guests, or allow this one with "
    "{allow}."
)
POST_REFUSED_WHY = {
    "shared": "is shared with another organisation (Slack Connect)",
    "tenant": "belongs to another organisation",
    "guests": "has {n} guest(s) or member(s) of another organisation",
}
POST_UNCHECKED = (
    "Refused for now: could not read who is in the {platform} conversation {channel} ({error}), "
    "and customer data is posted only where no guests can read it. It is tried again later; if "
    "the app may not read members there, allow the conversation with {allow}."
)
POST_ALLOW = '[channels] allow_external = ["{key}"]'
OUTSIDER_HOME = "This tab shows customer data, which I only show to people of the organisation that runs me."
OUTSIDER_UNCHECKED = (
    "I can't show customer data yet: I couldn't check that you belong to the organisation that runs "
    "me (the chat platform did not tell me). Try again in a few minutes."
)

# -- issue 20: labels and figures that say what they mean --
DAYS_AGO = {"today": "today", "yesterday": "yesterday", "ago": "{days} ago"}
OUTSIDE_SCOPE = (
    "'{typed}' is not one of the customers you can see: it belongs to {owner}'s book. Ask {owner}, or a "
    "manager of their team, about it."
)
OUTSIDE_SCOPE_NO_OWNER = (
    "'{typed}' is not one of the customers you can see: it has no account manager. Ask an admin about it."
)
# "new" and "lost" are both a lifecycle stage and an RFM segment. Chat reads them as the stage unless
# the segment is named ("the lost segment"); the interpretation line says which, and the footer gives
# the other reading's count, as the two can differ a lot (Online Retail: 107 lost, 782 lost segment).
STAGE_FILTER_LABEL = {"new": "new (stage)", "lost": "lost (stage)"}
OTHER_READING = {
    ("lifecycle", "lost"): "'lost' read as the lifecycle stage (silent for {lost}× their usual gap); "
    "the RFM segment 'lost' has {n:,} — ask for *the lost segment*",
    ("segment", "lost"): "'lost' read as the RFM segment (low recency and frequency scores); the lifecycle "
    "stage 'lost' has {n:,} — ask for *lost customers*",
    ("lifecycle", "new"): "'new' read as the lifecycle stage (first order within {window} days); the RFM "
    "segment 'new' has {n:,} — ask for *the new segment*",
    ("segment", "new"): "'new' read as the RFM segment (recent first order, low frequency score); the "
    "lifecycle stage 'new' has {n:,} — ask for *new customers*",
}
RETURNS_ONLY = "{n:,} customers with nothing but returns are left out of the book (not counted anywhere)"
# Shown with every data answer when the snapshot is older than the settings' stale_after_days.
STALE_DATA = (
    "⚠ Data as of {as_of}, {age} old: orders have not been refreshed since (days are counted to {as_of}). "
    "Ask an admin to load the latest orders and run `custseg segment`."
)
FACTS_AS_OF = "As of {as_of} ({age} before this suggestion): "
CURRENCY_FROM_DATA = "amounts in {currency} (the currency of the {mapping} column mapping)"
CHURN_TIMING_TODAY = "last order today vs. a usual {gap}"

# -- issue 14: figures (aggregate, breakdown, trend, movements) --
MEASURE_LABEL = {
    "customers": "customers",
    "revenue": "revenue",
    "orders": "orders",
    "aov": "order value",
    "clv": "lifetime value",
    "churn_probability": "churn probability",
    "recency_days": "days since the last order",
    "gap_days": "days between orders",
}
# Measures whose mean or median is per customer ("average revenue per customer").
PER_CUSTOMER = ("revenue", "orders", "clv")
FIGURE_NAME = {
    "count": "Customers",
    "aov": "Average order value",
    "sum": "{Measure}",
    "mean": "Average {measure}",
    "median": "Median {measure}",
    "share": "Share of {measure}",
}
PER_CUSTOMER_SUFFIX = " per customer"
GROUP_LABEL = {
    "segment": "segment",
    "lifecycle": "lifecycle stage",
    "value_tier": "value tier",
    "churn_risk": "churn risk",
    "key_account": "key account",
    "owner": "account manager",
    "region": "region",
    "country": "country",
}
BY_GROUP = "{figure} by {group}"
PER_INTERVAL = "{figure} per {interval}"
KEY_ACCOUNT_GROUP = {True: "key accounts", False: "other customers"}
NO_GROUP = "(none)"
PERIOD_THIS = {"week": "this week", "month": "this month", "quarter": "this quarter", "year": "this year"}
PERIOD_LAST = {"week": "last week", "month": "last month", "quarter": "last quarter", "year": "last year"}
PERIOD_AGO = "{n} {unit}s ago"
PERIOD_DAYS = "the last {n:,} days"
PERIOD_QUARTER = "Q{quarter} {year}"
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEK_OF = "week of {day}"
ALL_ORDERS_TO = "all orders to {day}"
SPAN = "{asked}, {span}"
BASIS_POSSESSIVE = {True: "the whole book's", False: "your book's"}
# Whom a figure is about when its filters do not start with a noun ("Customers in APAC").
CUSTOMERS_WHO = {"noun": "Customers {filters}", "with": "Customers with {filters}"}
YOUR_NOUN = "Your {noun}"
YOUR_CUSTOMERS = "Your customers"
# Who a figure is about when no filter narrows it.
EVERYONE = {True: "All customers", False: "Your customers"}
# One sentence per kind of figure: {who} the customers, {value} the figure, {when} its period.
AGGREGATE_SENTENCE = {
    ("customers", None): "*{value}* customers, {pct} of {basis} {total:,} ({when}).",
    ("revenue", "sum"): "{who} brought in *{value}* in revenue ({when}).",
    ("orders", "sum"): "{who} placed *{value}* orders ({when}).",
    ("clv", "sum"): "{who} carry *{value}* of predicted lifetime value.",
    ("aov", None): "{who}: average order value *{value}* ({when}).",
    "share": "{who} make up *{value}* of {basis} {measure} ({when}).",
    "other": "{figure} of {whom}: *{value}* ({when}).",
}
SHARE_OF_BOOK = ", {pct} of {basis} {measure}"
OF_CUSTOMERS = "They are {n:,} of {basis} {total:,} customers ({pct})."
NO_VALUE = "There are no customers to compute this over, so there is no figure."
COMPARED = "{figure}: *{value}* {asked} ({span}) vs *{other}* {other_asked} ({other_span}), {diff}."
DIFFERENCE = "{sign}{diff} ({change})"
NO_CHANGE_BASE = "no figure to compare with"
DIFFERENCE_LABEL = "Difference"
VERSUS = "{first} vs {second}: {first} {first_value}, {second} {second_value}; difference {diff}."
BREAKDOWN_HEAD = {
    "ranked": "{figure} by {group}, best first ({when}).",
    "ranked_asc": "{figure} by {group}, lowest first ({when}).",
    "plain": "{figure} by {group} ({when}).",
}
BREAKDOWN_LEADER = "*{key}* is first with {value}."
BREAKDOWN_EMPTY = "No customers match, so there is nothing to break down."
BREAKDOWN_HEADERS = ("{group}", "{figure}", "Customers")
TREND_HEAD = "{figure} per {interval}, {span}: {first} → {last}, {change}."
TREND_SOURCE = {
    "orders": "from each {interval}'s orders of the customers selected today",
    "snapshots": "from the stored snapshot of each {interval} (the latest on or before its end)",
}
TREND_MISSING = "{n} {interval}{s} without a stored snapshot left out of the chart"
# The engine's notes (custseg.query.notes.TEMPLATES), said in the reply's language. Values: slot
# (a query field, see NOTE_SLOTS), interval (see INTERVAL_LABEL), dates as the engine gives them;
# a window cut at the as-of day is its days, and PERIOD_CUT after them.
ENGINE_NOTES = {
    "read_as": "{slot}: '{typed}' read as {found}",
    "period_after_as_of": "{slot}: the period starts after the as-of date {as_of}, so it has no orders",
    "period_cut": "{slot}: {window}",
    "list_capped": "lists are capped at {cap:,} rows",
    "no_clv_list": "lifetime value is not modelled yet, so the list is ranked by revenue to date",
    "group_default": "no grouping was given, so the figure is shown by segment",
    "groups_cut": "{n} groups, showing the first {shown}",
    "groups_missing": "{n} customers have no {name} and are in no group",
    "trend_period_default": "no period was given, so the last {n} {interval}s",
    "trend_interval_default": "no interval was given, so one point per month",
    "trend_first_cut": "the first {interval} starts on {day}, where the period does",
    "trend_snapshots": "only {n} of {total} {interval}s have a snapshot",
    "no_earlier_snapshot": "there is no snapshot before {as_of}, so there is nothing to compare with",
    "nearest_snapshot": "the snapshot nearest {target} is that of {since}",
}
PERIOD_CUT = "{span} (cut at the as-of date)"
NOTE_SLOTS = {
    "owner": "account manager",
    "region": "region",
    "country": "country",
    "period": "period",
    "compare_to": "comparison period",
    "ordered_in": "ordered in",
    "first_order_in": "first order in",
}
# A first or last point cut short by the period or the as-of day: a sum over fewer days is no change.
TREND_PARTIAL = "{label} covers {days} of its {total} days, so the change above leaves it out"
TREND_EMPTY = "There are no points to show for this period."
TREND_ONE = "{figure} per {interval}, {span}: {value} in {label}, the only {interval} with data."
TREND_HEADERS = ("{interval}", "{figure}")
MOVEMENTS_HEAD = "*{n:,} customer{s}* moved {what} since {since} (snapshot of {until}), {value} of lifetime value at stake."
MOVEMENTS_HEAD_NO_CLV = "*{n:,} customer{s}* moved {what} since {since} (snapshot of {until})."
MOVEMENTS_NONE = "No customer moved {what} since {since} (snapshot of {until})."
MOVED_ANY = "to another label"
MOVED_FROM_TO = "from {from_} to {to}"
MOVED_FROM = "out of {from_}"
MOVED_TO = "into {to}"
MOVES_FIELD = "{from_} → {to}"
MOVES_VALUE = "{n:,} ({value})"
MOVEMENTS_HEADERS = ("Customer", "Now", "CLV", "Owner")
MOVEMENTS_MORE = "… and {n:,} more, ask for a narrower movement to see them."
# -- words the query could not use (the contract's "unsupported") --
UNSUPPORTED = "I could not apply {words}: {why}, so what follows is without {it}."
UNSUPPORTED_ONLY = "I could not apply {words}: {why}."
UNSUPPORTED_WHY = {
    "product": "I have no product data (only customers, their labels and their orders' dates and amounts)",
    "similar": "finding customers similar to another one is not something I can do",
    "assign": "I can't change who a customer belongs to (that is done in your CRM)",
    "period": (
        "lists are ranked by figures to date, not within a period; to keep only the customers who bought "
        "then, ask for customers who ordered {words}"
    ),
    "other": "your data has no column or value I could match it to",
}
# Words that mark a request for look-alike customers, and for changing a customer's owner.
SIMILAR_WORDS = ("similar", "lookalike", "look-alike", "look alike", "like our", "resembl")
ASSIGN_WORDS = ("reassign", "assign", "hand over", "transfer")
# After a message that held nothing but words I could not use: what I can filter and answer instead.
UNSUPPORTED_INSTEAD = (
    "I can select customers by segment, lifecycle stage, value tier, churn risk, key account, account "
    "manager, region, country and your customer columns, and by revenue, lifetime value, orders and order "
    "dates; and answer counts, lists, totals, breakdowns, trends and who moved. For example:"
)
UNSUPPORTED_IT = {1: "that condition", 2: "those conditions"}
# Words that mark a condition on products, which the book never has.
PRODUCT_WORDS = (
    "product",
    "category",
    "categories",
    "item",
    "sku",
    "brand",
    "bought",
    "purchased",
    "chairs",
    "electronics",
    "shoes",
    "laptops",
)
NOT_APPLIED = "not applied: {words}"

# -- issue 14: what the conversation issue builds later, answered honestly for now --
SMALLTALK = {
    "greeting": "Hi! Ask me about your customers: who to call, how many, how much revenue, and how it changes.",
    "thanks": "You're welcome! Anything else about your customers?",
    "bye": "Bye! I'm here whenever you need your customers' figures.",
    "other": "I'm here to help with your customers. Try one of these:",
}
SMALLTALK_WORDS = {
    "thanks": ("thank", "thx", "cheers", "appreciate", "danke", "gracias", "谢谢", "謝謝", "多谢", "多謝"),
    "bye": ("bye", "see you", "later", "good night", "tschüss", "adiós", "adios", "再见", "再見"),
    "greeting": (
        "hi",
        "hello",
        "hey",
        "morning",
        "good afternoon",
        "hallo",
        "hola",
        "servus",
        "你好",
        "您好",
    ),
}
DECIDE_HOW = (
    "Approve, reject or snooze which suggestion? Type its number (*approve 12*, *reject 12 because …*, "
    "*snooze 12 for 2 weeks*) or the customer (*approve the suggestion for Globex*)."
)
DECIDE_WHICH = (
    "Which suggestion? Give its number (*approve 12*) or the customer (*approve the suggestion for Globex*)."
)
DECIDE_NO_ROW = (
    "I have no list in this conversation to take that row from. Name the customer "
    "(*approve the suggestion for Globex*) or the suggestion's number (*approve 12*)."
)
DECIDE_SEVERAL = "{name} has {n} open suggestions; which one?"
DECIDE_SEVERAL_HEADERS = ("Suggestion", "Task", "Status")
DECIDE_NONE_OPEN = "{name} has no open suggestion. The latest, #{n}: {status}"
DECIDE_NONE = "{name} has no suggestion to decide yet. Ask me to suggest one first."
SUGGEST_BUTTON = "Suggest a win-back"
DECIDE_BUTTON = {"approve": "Approve #{n}", "reject": "Reject #{n}", "snooze": "Snooze #{n}"}
PENDING_BUTTON = "Pending actions"
EXPORT_DONE = "Here {are} *{n:,} customer{s}* ({what}) as {format}: {filename}."
EXPORT_CAPPED = "The list has {total:,} customers; the file holds the first {n:,} by {sort}. Ask for a narrower list for the rest."
EXPORT_GROUPS_DONE = "Here is *{title}* ({n:,} groups) as {format}: {filename}."
EXPORT_EMPTY = "No customer matches {what}, so there is nothing to export."
EXPORT_WHAT = {"filters": "{filters}", "all": "all your customers"}
EXPORT_FORMAT = {"csv": "a CSV file", "xlsx": "an Excel file"}
EXPORT_ONLY_PRIVATE = (
    "An export carries customer data, so I send it only in a direct message or a private channel. "
    "Ask me in a direct message and the file comes there."
)
EXPORT_SHEET = "Customers"
EXPORT_YES_NO = {True: "yes", False: "no"}
# The columns of an exported list: a listed customer's field → its heading, with the unit.
EXPORT_COLUMNS = {
    "customer_id": "Customer ID",
    "name": "Customer",
    "owner": "Account manager",
    "region": "Region",
    "segment": "RFM segment",
    "value_tier": "Value tier",
    "lifecycle": "Lifecycle stage",
    "churn_risk": "Churn risk",
    "key_account": "Key account",
    "revenue": "Revenue to date ({currency})",
    "frequency": "Orders (count)",
    "recency_days": "Days since last order",
    "typical_gap_days": "Usual gap between orders (days)",
    "last_order": "Last order (date)",
    "clv": "Predicted lifetime value ({currency})",
    "churn_probability": "Churn probability (0–1)",
}
# Sent by the platforms when the file itself cannot follow: where it went instead.
EXPORT_SLASH = (
    "The file did not come here: a slash command's answer is yours alone, and a file in this channel would "
    "be everyone's. Ask me in a direct message (*export …*) and the file comes there."
)
EXPORT_SLACK_FAILED = "I could not upload the file here ({error}); try again in a minute."
EXPORT_LINK = "Download {filename} (the link works for {minutes} minutes; do not forward it)"
EXPORT_NO_LINK = (
    "I cannot hand over files in Teams here: the web process has no public URL ([web] public_url). "
    "Ask an admin, or use Slack or `custseg ask`."
)
EXPORT_SAVED = "Saved to {path}"
SHOW_LIST = "Show the list"
CHURN_HORIZON_GAPS = "{gaps}× their usual gap between orders ({low}–{high} days)"
DEFINE_UNKNOWN = "I don't have a definition for that yet; *help* lists the words I use."
DEFINITION = {
    "rfm": "RFM scores every customer 1–5 on *recency* (days since the last order), *frequency* (number of "
    "orders) and *monetary* value (revenue), each as quintiles of the book; the R and F scores place them in "
    "one of eleven segments.",
    "recency": "Recency: days since the customer's last order, as of the snapshot. Scored 1–5 by quintile "
    "(5 = most recent).",
    "frequency": "Frequency: how many orders the customer placed (orders on the same day count once). Scored "
    "1–5 by quintile (5 = most orders).",
    "monetary": "Monetary value: the customer's revenue to date, net of returns. Scored 1–5 by quintile.",
    "clv": "Lifetime value (CLV): the revenue a customer is expected to bring over the next {horizon} months "
    "(BG/NBD for how often they buy, Gamma-Gamma for how much), discounted at {discount} % a year.",
    "p_alive": "P(alive): the chance, from the customer's buying history (BG/NBD), that they are still an "
    "active customer; under {dormant_p} % with a long silence makes them dormant.",
    "churn_risk": "Churn risk: the model's chance of no order in the next {horizon_days}; high at {high} % or "
    "more, medium from {medium} %, low below.",
    "key_account": "Key accounts: the top {per_owner} customers of each account manager by {basis}; one leaves "
    "only after missing the criteria in {misses} snapshots in a row.",
    "value_tier": "Value tiers: customers ranked by {basis}; those making the first {tier_high} % of it are "
    "high value, up to {tier_medium} % medium, the rest low.",
    "lifecycle": "Lifecycle stage: each customer's silence against their own buying rhythm: new (first order "
    "within {window} days), active, declining (over {declining}× their usual gap), dormant (over "
    "{dormant}×), lost (over {lost}×).",
    "segment": "Segments: the eleven classic RFM segments, from the recency and frequency scores (1–5): "
    "champions, loyal, potential loyalists, new, promising, need attention, about to sleep, at risk, "
    "can't lose, hibernating, lost.",
}
CHURN_HOLDOUT = (
    "How good it is: trained on an earlier window and tested on the {customers:,} customers of the holdout "
    "after {cutoff}, of those it flagged as high risk ({high} % or more) {error} % ordered after all (the "
    "error rate, 1 − precision), and {missing} % of those who really stopped were not flagged (the missing "
    "ratio, 1 − recall); it ranks customers with ROC-AUC {auc} (1 is perfect, 0.5 a coin toss)."
)
CHURN_HOLDOUT_MEANING = (
    "How good it is is measured on a later holdout window: the error rate (1 − precision) is the share of "
    "customers flagged high risk who ordered after all, the missing ratio (1 − recall) the share of real "
    "churners it did not flag. This book has no holdout figures yet (too little history)."
)
SEGMENT_DEFINITION = "The {name} segment: {meaning}; recency score {r} and frequency score {f} (1–5, 5 best)."
SEGMENT_MEANING = {
    "champions": "bought recently and often: the best customers",
    "loyal": "buy often, fairly recently",
    "potential_loyalist": "recent customers with a few orders, who could become loyal",
    "new": "bought very recently, for the first time or nearly",
    "promising": "recent buyers with few orders so far",
    "need_attention": "middling recency and frequency: worth a nudge",
    "about_to_sleep": "not very recent and not frequent: slipping away",
    "at_risk": "used to buy often but have not for a while",
    "cant_lose": "among the most frequent buyers, but silent for long",
    "hibernating": "long silent, few orders",
    "lost": "the longest silent, with few orders",
}
STAGE_DEFINITION = {
    "new": "New (stage): first order within the last {window} days.",
    "active": "Active: ordering on their usual rhythm (silent less than {declining}× their usual gap).",
    "declining": "Declining: silent for over {declining}× their usual gap, or on rhythm but spending much less.",
    "dormant": "Dormant: silent for over {dormant}× their usual gap.",
    "lost": "Lost (stage): silent for over {lost}× their usual gap.",
}
LEVEL_DEFINITION = "'{level}' is a value tier and a churn risk level. Value tier: {tier} Churn risk: {risk}"
TIER_LEVEL = {
    "high": "the customers making the first {tier_high} % of {basis}.",
    "medium": "the next customers, up to {tier_medium} % of {basis}.",
    "low": "the rest.",
}
RISK_LEVEL = {
    "high": "a chance of no order in the next {horizon_days} of {high} % or more.",
    "medium": "a chance from {medium} % to {high} %.",
    "low": "a chance below {medium} %.",
}

# -- issue 19: Slack as its users meet it --
LOOKUP_CONTEXT = "Look up customer"
LOOKUP_NONE = (
    "This message doesn't name any customer I know, so there is nothing to look up. Use *Look up "
    "customer* on a message that mentions a customer by name, or ask me e.g. *tell me about Globex*."
)
# What the buttons of Slack's App Home say (their answers come in the app's Messages tab).
HOME_OPEN_IN_CHAT = "Open in chat"
HOME_ACTIONS = "Ask me here or in the Messages tab; the buttons answer there."
UNDELIVERED = (
    "I couldn't post my answer here: Slack kept refusing it, even after retrying. Please ask again "
    "in a minute."
)
# -- Teams: a redelivered press, the compose box's customer search (issue 19) --
TEAMS_ALREADY_ANSWERED = "I had already answered that press; nothing was done twice."
SEARCH_NOT_AVAILABLE = "Customer search is not available to you here."
SEARCH_TYPE_A_NAME = "Type part of a customer's name."
SEARCH_NO_MATCH = "No customer you can see has '{typed}' in their name."
SEARCH_UNKNOWN = "I don't know that search. Update the custseg app and try again."
# -- issue 16: words the formatting helpers (bot/interpret.py) used to spell in code --
DAY_COUNT = {"one": "1 day", "other": "{n:,} days"}
PERIOD_UNIT = {"week": "week", "month": "month", "quarter": "quarter", "year": "year", "day": "day"}
COUNT_TEXT = "*{n:,}* customer{s} ({share} of {of:,}), with {revenue} revenue to date."
LIST_THEM = "List them"
# The interpretation line of a list or count (bot/interpret.py): the filters, then what was found.
SELECTION = {
    "count": "{head} — {n:,} customer{s}",
    "none": "{head} — no customers",
    "page": "{head} — {total:,} customers, {first}–{last} by {by}",
    "top": "{head} — {total:,} customers, top {shown} by {by}",
    "all": "{head} — {total:,} customer{s}, by {by}",
}
FILTER_IN = "in {where}"
FILTER_VALUE_TIER = "{tier} value"
FILTER_CHURN_RISK = "{risk} churn risk"
LEVEL_LABEL = {"high": "high", "medium": "medium", "low": "low"}
FILTER_MINE = "your accounts"
# What the interpretation line calls each intent (bot/intents.py declares the same in English).
INTENT_LABEL = {
    "find_customers": "Customers",
    "count_customers": "Customer count",
    "aggregate": "Figure",
    "breakdown": "Breakdown",
    "segment_overview": "Segment breakdown",
    "trend": "Trend",
    "movements": "Movements",
    "customer_profile": "Customer profile",
    "explain": "Why",
    "key_account_digest": "Key-account digest",
    "churn_alerts": "Churn alerts",
    "pending_actions": "Actions awaiting a decision",
    "propose_action": "Win-back suggestion",
    "decide": "Decision",
    "export": "Export",
    "define": "Definition",
    "subscribe": "Schedule a post",
    "unsubscribe": "Stop a scheduled post",
    "smalltalk": "Hello",
    "help": "Help",
    "unknown": "Not understood",
}
AS_OF = "As of {as_of}"
BUTTON_GONE = "That button is no longer available. Ask me again."
LIST_EXPIRED = "That list has expired. Ask me again."
WHY_BUTTON = "Why?"
WHICH_CUSTOMER = "Which customer? e.g. *suggest a win-back for Globex*."
# One customer's profile (bot/handlers/one_customer.py): the fields' names and values.
PROFILE_FIELD = {
    "owner": "Owner",
    "region": "Region",
    "segment": "Segment",
    "stage": "Stage",
    "churn_risk": "Churn risk",
    "value_tier": "Value tier",
    "revenue": "Revenue",
    "last_order": "Last order",
    "since": "Customer since",
    "key_account": "Key account",
    "revenue_to_date": "Revenue to date",
}
PROFILE_REVENUE = "{revenue} over {orders:,} orders (avg {aov})"
PROFILE_LAST_ORDER = "{day} ({ago}; usually every {gap} days)"
ORDERS_HEADERS = ("Order", "Date", "Amount")
# Why a customer has their labels (the explain answer), one sentence per label.
EXPLAIN_SEGMENT = (
    "*Segment {segment}* ({rule}): last order {ago} (R {r}: {recent} of customers ordered more recently) "
    "and {orders:,} orders (F {f}: {frequent} order more often)."
)
EXPLAIN_STAGE = "*Stage {stage}*: {reason}, judged against {basis}."
EXPLAIN_RISK = "*Churn risk {risk}*"
EXPLAIN_TIER = "*Value tier {tier}*: {revenue} revenue to date"
EXPLAIN_TIER_CLV = ", {clv} expected lifetime value"
EXPLAIN_TIER_HIGH = "; high value starts at {high} of {basis} ({who})"
EXPLAIN_KEY_ACCOUNT = "*Key account*: among the top accounts of their account manager by revenue."
# A customer list's table (bot/handlers/customers.py).
LIST_HEADERS = {
    "clv": "Lifetime value",
    "last_order": "Last order",
    "star": "★ key account",
    "tiers": "Value tiers",
}
CUSTOMER_TABLE_HEADERS = ("Customer", "Owner", "Segment", "Stage", "Risk", "Revenue")
OVERVIEW_HEADERS = ("Segment", "Customers", "Share", "Revenue", "Of revenue")
OVERVIEW_FIELDS = {"lifecycle": "Lifecycle", "tiers": "Value tiers", "key_accounts": "Key accounts"}
# After an interpretation line: how many customers it covers (the overview, churn alerts).
OVERVIEW_TOTAL = " — {n:,} customers"
FILTER_KEY_ACCOUNTS = {True: "key accounts", False: "not key accounts"}
FILTER_OWNED_BY = "owned by {names}"
FILTER_OR = " or "
FILTER_ORDERS = {"min": "≥ {n:,} order{s}", "max": "≤ {n:,} order{s}"}
FILTER_INACTIVE = "no order for {days}+"
FILTER_ORDERED_WITHIN = "ordered in the last {days}"
FILTER_ORDERED = "ordered {period}"
FILTER_FIRST_ORDER = "first order {period}"
FILTER_SPENDING = {"down": "spending down", "up": "spending up"}
FILTER_NOT = "not {part}"
FILTER_AMOUNT = {"revenue": "revenue {sign} {amount}", "clv": "lifetime value {sign} {amount}"}
PERIOD_IN = "in {period}"
PERIOD_VERSUS = "{first} vs {second}"
MOVED_LINE = {"from": "from {label}", "into": "into {label}", "since": "since {period}"}
CHART_LABEL = {
    "segments": "Segments",
    "segments_title": "Customers and revenue by segment",
    "customers_pct": "% of customers",
    "revenue_pct": "% of revenue",
    "now": "now",
}
FIELD_LABEL = {
    "why": "Why",
    "value_at_stake": "Value at stake",
    "expected_value": "Expected value",
    "account_manager": "Account manager",
    "status": "Status",
}
DIGEST_HEADERS = ("Key account", "Owner", "Change")
PENDING_HEADERS = ("#", "Customer", "Action", "Owner", "At stake", "State")
PICK_HEADERS = ("Customer", "Owner", "Revenue")
OF_TOTAL = "Of total"
HELP_BUTTON = "Help"
FOR_EXAMPLE = "For example:"
TRY_HELP = "Try *help* for examples."
CONTEXT_LABEL = {"welcome": "Welcome", "help": "Help"}
# The chat platforms' own words around an answer (adapters/slack/render.py, adapters/teams/render.py).
SLACK_WORDS = {
    "share": "Share in channel",
    "shared_by": "Shared by <@{user}>",
    "continued": "… continued ({n}/{of})",
    "left_out": "… {n} more part(s) of this answer left out to fit Slack. Ask a narrower question.",
    "chart_below": "Chart: {title} (attached below)",
    "chart_alt": "Chart: {title}. {alt} Share in channel to see the picture.",
    "reason_label": "Reason (optional)",
    "reason_hint": "Goes into the audit log with your decision.",
    "cancel": "Cancel",
}
TEAMS_WORDS = {
    "reason_label": "Reason (optional)",
    "reason_placeholder": "e.g. they switched supplier",
    "local_mode": "Local mode: not connected to Microsoft Teams (no app credentials configured).",
    "chart_too_large": "The chart is too large for a Teams card; in numbers: {alt}",
    "rows_left_out": "Rows {start}–{end} are left out to keep this card within Teams' size limit.",
    "rows_page": "Rows {start}–{end}",
    # A list row opens the columns its line leaves out when tapped; the last column says so.
    "details": "Details ▾",
}
# An interval of a trend as a noun after "per" ("revenue per month"); PERIOD_UNIT is the unit counted
# back ("3 months ago"), which other languages inflect differently.
INTERVAL_LABEL = {"week": "week", "month": "month", "quarter": "quarter", "year": "year", "day": "day"}
