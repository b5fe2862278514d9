"""Every sentence the bot says, in one place."""

from __future__ import annotations

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
    "revenue or days without orders; get the segment breakdown; look up one customer or ask why "
    "they have their label; see the key-account digest and churn alerts, or have them posted here "
    "on a schedule."
)
UNKNOWN = "Sorry, I didn't catch that. Here is what I can answer:"
EMPTY_MESSAGE = "Ask me something about your customers, or type *help*."
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
NO_MATCH_CHOICES = "Known {slot}s: {choices}."
NOT_FOUND = "I couldn't find a customer called '{typed}'."
DID_YOU_MEAN = "Did you mean one of these?"
AMBIGUOUS = "Several customers match '{typed}'. Which one?"
CORRECTED = "Showing {name} (you wrote '{typed}')."
NOTHING_FOUND = "No customers match."
SHOW_MORE = "Show {n} more"
PREVIEW = "Preview: {what} arrives with a later release; this is what it would contain today."
NO_PREVIOUS = "This is the first snapshot, so there is nothing to compare with yet."
PENDING_NONE = (
    "No win-back actions are waiting for a decision. Suggested actions and their approval buttons "
    "arrive with the win-back workflow; until then, ask me to *suggest a win-back for <customer>*."
)
SUBSCRIBED = "Done: I'll post the {topic} here {when}."
SUBSCRIPTION_NOTE = "Deliveries start once the scheduler is running (the worker process)."
UNSUBSCRIBED = "Done: I'll stop posting the {topic} here."
NOT_SUBSCRIBED = "This channel doesn't get the {topic}, so there is nothing to stop."
TOPIC_LABEL = {"digest": "key-account digest", "alerts": "churn alerts"}
TOPIC_NEEDED = "Which one: the key-account digest or the churn alerts?"
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

# How to win back a customer, by situation (lifecycle stage, or why they are declining) and value
# tier ("any" when the tier does not change the advice): specific, with the first step named.
PLAYBOOK: dict[str, dict[str, str]] = {
    "declining": {
        "high": "Call {name} this week: they usually order every {gap} days and it has been {recency}. "
        "Ask what changed and offer a review of their account.",
        "any": "Send {name} a check-in email with their usual items; it has been {recency} against a usual {gap} days.",
    },
    "revenue_down": {
        "any": "Call {name}: they still order on rhythm but spent {drop} % less in the last 90 days than in the "
        "90 before. Ask whether part of their volume went to a competitor.",
    },
    "dormant": {
        "high": "Have {owner} call {name} and offer a tailored win-back deal (e.g. 10 % on the next order); "
        "they are {ratio}× overdue and worth {revenue} so far.",
        "any": "Send {name} a win-back offer (free shipping or 5 % on the next order) with their most-ordered products.",
    },
    "lost": {
        "high": "Ask {owner} for a personal note to {name} asking why they left; log the reason.",
        "any": "Add {name} to the quarterly reactivation campaign; no individual action is worth it yet.",
    },
    "new": {"any": "Welcome {name}: a short onboarding call and a second-order incentive."},
    "active": {
        "any": "{name} is buying on rhythm: no win-back needed. Consider a cross-sell suggestion instead."
    },
}

LIFECYCLE_REASON = {
    "recent_first_order": "first order {tenure} ago, within the new-customer window of {window} days",
    "on_rhythm": "last order {recency} ago against a usual gap of {gap} days",
    "overdue": "{recency} since the last order against a usual {gap} days ({ratio}× — slipping after {declining}×)",
    "revenue_down": "on rhythm ({recency} since the last order, usually {gap} days) but revenue in the last 90 "
    "days is down {drop} % on the 90 days before",
    "long_overdue": "{recency} since the last order against a usual {gap} days ({ratio}× — dormant after {dormant}×)",
    "gone": "{recency} since the last order against a usual {gap} days ({ratio}× — lost after {lost}×)",
}
GAP_BASIS = {
    "own": "their own rhythm",
    "population": "the typical rhythm of all customers (they have too few orders for one of their own)",
}
