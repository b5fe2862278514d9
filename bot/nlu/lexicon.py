"""Wording tables: which phrases mean which slot value or intent.

Every table maps a regular-expression fragment to a value. The fragments are
matched against the *normalised* message (see ``normalize.py``): lower case,
one space between tokens, hyphens split ("high-value" -> "high value"),
contractions joined ("can't" -> "cant", "what's" -> "whats"), a possessive as
its own token ("Hooli's" -> "hooli 's"), numbers as digits ("twenty five" ->
"25") and amounts of money as ``¤<value>`` ("$10k" -> "¤10000").

Tables are tried in the order written, longest and most specific phrases
first, and a matched stretch of text is consumed, which is how overlapping
phrases resolve ("at risk of leaving" is churn risk, so the "at risk" inside
it never becomes the at-risk segment). Keep the spec's overlap rules here, in
data, rather than in parser code.
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """Set of the whitespace-separated words of ``text`` (keeps long word lists readable)."""
    return frozenset(text.split())


# Nouns people use for "customers". A message made of filters plus one of
# these is a search; on its own it is still a (filter-less) search.
CUSTOMER_NOUN = (
    r"customers?|custs?|accounts?|accts?|clients?|companies|company|buyers?|shoppers?|ones|businesses"
    r"|orgs?|organisations?|organizations?"
)

# ---------------------------------------------------------------- sort
# Superlatives and "by ..." phrases. Checked before tiers and risk so that
# "most valuable" with a count ("5 most valuable") and "most at risk" sort.
SORT_BY = {
    r"average order value|avg order value|aov|order value|basket size": "aov",
    r"spend(ing)? change|change in (spend(ing)?|revenue)|(drop|decline|fall|decrease|increase|growth|rise)"
    r" in (spend(ing)?|revenue)": "spend_change",
    r"(customer )?life ?time value|clv|ltv|cltv|value(?! (tiers?|bands?|segments?|levels?))": "clv",
    r"revenue|spend|spending|sales|turnover|total spend|amount spent|money spent|spent|size": "revenue",
    r"recency|last (order|purchase)( date)?|most recent|recent activity|date": "recency",
    r"frequency|order count|number of orders|(how )?often|orders|purchase count": "frequency",
    r"(churn )?risk|churn( risk)? score|likelihood to churn|churn probability|churn": "churn_risk",
}
SORT_SUPERLATIVE = {
    # Before the revenue entry, whose bare "biggest" would take "the biggest drop in spend".
    r"(biggest|largest|steepest|sharpest|greatest|most|strongest|fastest) (drops?|falls?|declines?|decreases?"
    r"|increases?|growth|rises?|jumps?|changes?) in (spend(ing)?|revenue|sales)": "spend_change",
    r"most at risk(?! (revenue|sales|value|clv|ltv|spend))|riskiest|most risky|highest (churn )?risk|most likely to (churn|leave)"
    r"|likeliest to (churn|leave)|most in danger|highest churn( risk)?|most endangered"
    r"|(with )?(the )?(most|greatest|biggest) (churn )?risk(?! (revenue|sales|value|clv|ltv|spend))": "churn_risk",
    r"(biggest|largest|highest) (spenders?|revenue|spend|sales)|biggest|largest|heaviest spenders?"
    r"|spen(d|ds|t|ding) (the )?most|highest paying|top (spending|revenue)": "revenue",
    r"(highest|biggest|largest|best|top|greatest) (customer )?(life ?time value|clv|ltv)": "clv",
    r"most (frequent(ly)?|often|orders)|(order|buy|purchase)(s|ed)? (the )?most (often|frequently)"
    r"|most regular|frequent(ly)? (buyers|orderers|purchasers)": "frequency",
    r"most recent(ly)?( active| ordered| purchased)?|(latest|newest) (orders?|buyers|activity)"
    r"|recently active|(last|latest) order (was )?longest ago|longest ago|least recent(ly)?( active)?"
    r"|longest (inactive|without (an )?order)|most recent first|longest (time )?since (their |the )?last (order"
    r"|purchase)": "recency",
}
# Only sort-like when a count is given ("5 most valuable"); otherwise a tier.
SORT_WITH_COUNT = {
    r"most valuable|best|top value|highest value|most important": "clv",
}

# ---------------------------------------------------------------- churn risk
CHURN_RISK = {
    r"(high|highest|elevated|serious|severe|big|major|significant|real) (churn )?risk( of (churn(ing)?|leaving))?"
    r"|churn risk (is )?high|risk is high|likely to (churn|leave|lapse|go)|(probably|will|gonna|going to|about to|might|may"
    r"|could|would) (churn|leave( us)?|walk( away)?|defect|quit|cancel)|at risk of (churn(ing)?|leaving|losing)"
    r"|risk of (churn(ing)?|leaving)|in danger of (churn(ing)?|leaving)|flight risks?|churn candidates"
    r"|(thinking|considering) (of|about) leaving|on the verge of (churn(ing)?|leaving)": "high",
    r"(medium|moderate|mid|middling|some) (churn )?risk|average risk|churn risk (is )?medium|risk is medium": "medium",
    r"(low|lowest|minimal|little|no) (churn )?risk|churn risk (is )?low|risk is low|unlikely to (churn|leave)"
    r"|(not|wont|will not) (churn|leave)|safe( from churn)?": "low",
}

# ---------------------------------------------------------------- segments
# "new" and "lost" are lifecycle stages unless the word "segment" is said.
SEGMENT = {
    r"potential loyalists?|potentially loyal|potential loyal|(could|might) become loyal|almost loyal": (
        "potential_loyalist"
    ),
    r"champions?|champs?": "champions",
    r"loyal(ists?)?|loyalty": "loyal",
    r"promising": "promising",
    r"(needs?|needing|need of|require|requiring) (some )?attention|attention needed|(needs?|needing) attn": (
        "need_attention"
    ),
    r"about to (sleep|fall asleep|go to sleep|doze off)|almost asleep|falling asleep|nodding off|going to sleep"
    r"|about to hibernate|sleepy": "about_to_sleep",
    r"(cant|cannot|can not|must not|mustnt|shouldnt|should not|can (we|i|you) not|cant afford to)"
    r" (afford to )?lose": "cant_lose",
    r"at risk|at-risk|atrisk|in danger": "at_risk",
    r"hibernat(ing|ion|e|es|ed)|in hibernation": "hibernating",
    r"new (rfm )?segment|segment (of |called |named )?new|newcomers segment": "new",
    r"lost (rfm )?segment|segment (of |called |named )?lost": "lost",
}

# ---------------------------------------------------------------- lifecycle
LIFECYCLE = {
    r"newly (acquired|signed|onboarded|won)|new(ly)? (customers?|accounts?|clients?|buyers?|ones|signups?|logos)"
    r"|brand new|recently acquired|first time (buyers?|customers?)|new": "new",
    r"inactive|in active|dormant|sleeping|asleep|lapsed|gone (quiet|silent|dark|cold)|went (quiet|silent|dark"
    r"|cold)|go (quiet|silent|dark|cold)|going (quiet|silent|dark|cold)|quiet|idle|dozing|stopped (ordering"
    r"|buying|purchasing)|(havent|hasnt|have not|has not) (ordered|bought|purchased)( anything)?"
    r" (recently|lately|in a while|for a while|in ages|for ages)|not ordering|silent|gone dark|disengaged"
    r"|(havent|hasnt|have not|has not|not) heard (from|of)( them| it)? (recently|lately|in a while|for a while"
    r"|in ages|for ages)": ("dormant"),
    r"slipping( away)?|cooling( off| down)?|declin(ing|e|ed)|drop(ping)? off|dropping|fading|trending down"
    r"|losing (steam|interest)|decreasing|shrinking|waning|falling off|slowing( down)?|ordering less"
    r"|buying less|spending less|(over ?due|late) (for|with) (an? |their )?(next )?(re)?(order|purchase)"
    r"|past their (usual )?(rhythm|reorder (time|date))|over ?due": "declining",
    r"churned|lost|gone|left( us)?|defected|former|ex customers?|cancelled|canceled": "lost",
    r"active|engaged|ordering regularly|buying regularly": "active",
}

# ---------------------------------------------------------------- value tier
VALUE_TIER = {
    r"vips?|very important|high (value|spend(ing)?|spenders?|tier|ticket|revenue|ltv|clv)|most valuable"
    r"|(big|biggest|large|largest|heavy|huge|major) (spenders?|spending|accounts?|customers?|clients?|fish"
    r"|buyers?|ones)|big|whales?|valuable|premium|platinum|gold|tier (1|one)|top (tier|value)|high": "high",
    r"(medium|mid|middle|average|moderate|mid-?size|mid-?sized) (value|tier|spend(ing)?|spenders?|size|sized)?"
    r"|tier (2|two)|mid tier": "medium",
    r"(low|lowest|small|smallest|little|tiny|minor) (value|spend(ing)?|spenders?|tier|ticket|revenue|ones"
    r"|accounts?|customers?|clients?|buyers?)|low|small|tier (3|three)": "low",
}

# Tier words said alone, which may also qualify a thing the book does not have ("premium support").
BARE_TIER = words("big valuable premium platinum gold high low small")
# Superlatives that rank when a count is given ("5 smallest customers"), rather than name a tier.
SUPERLATIVE_TIER = words("biggest largest smallest lowest tiniest highest")

# "Top customers" is the high tier, but "top customers by revenue" is a ranking:
# these phrases set the tier only when no sort order was asked for.
VALUE_TIER_RANKING = {
    r"(top|best) (spenders?|spending|accounts?|customers?|clients?|buyers?|ones|tier|value)": "high",
}

# ---------------------------------------------------------------- key accounts
KEY_ACCOUNT = (
    r"key (accounts?|accts?|customers?|clients?|logos|partners?)|strategic( accounts?| customers?| clients?)?"
    r"|kas?|key|named accounts?|tier one accounts?"
)

# ---------------------------------------------------------------- owner
# Cues that mean "the accounts I own".
OWNER_ME = (
    r"my own|my|mine|i own|i manage|i look after|i handle|i am responsible for|im responsible for|(do|did) i"
    r" (have|own|manage|handle|look after)|(owned|managed|handled|run|looked after|covered) by me|assigned to me"
    r"|that i (own|manage|handle|look after|cover)|in my (book|portfolio|patch|territory)"
)
# "my approval" is the user's job, not their accounts: consumed before owner cues.
NOT_OWNER = (
    r"(my|me) (approval|approve|decision|review|sign off|signoff|ok|okay|go ahead|input|attention|call|answer)"
    r"|for me to (approve|review|decide|sign off|look at|check)"
)
# Text that is code, not a question (pasted SQL, shell): answered as unknown.
CODE_LIKE = (
    r"\bselect\b.+\bfrom\b|\bdrop\s+table\b|\binsert\s+into\b|\bdelete\s+from\b|\bupdate\b.+\bset\b"
    r"|\bunion\s+select\b|\b1\s*=\s*1\b|;\s*--|\bor\s+'1'\s*=\s*'1|<script|\brm\s+-rf\b|\$\(|\bexec\("
)
# Cues that introduce an account manager's name: "owned by Maria".
OWNER_CUE = (
    r"owned by|managed by|handled by|run by|looked after by|covered by|assigned to|belonging to|belongs to"
    r"|owner is|owner|account manager|am is|under|for am|book of|portfolio of|whose (owner|am) is"
)
# Verbs after a name: "how many accounts does Tom own".
OWNER_VERB = r"owns?|manages?|handles?|looks? after|covers?|is responsible for"
# Nouns that make "<name>'s ..." an owner and not a customer: "maria's dormant customers".
OWNER_POSSESSED = r"customers?|accounts?|accts?|clients?|book|portfolio|patch|territory|list|base|ones|kas?"

# ---------------------------------------------------------------- region
# Regions known without any vocabulary. Ambiguous short words (us, na, eu)
# count only after "in"/"from" or when written in capitals.
REGIONS = words("""
    emea apac latam amer americas amers noram nordics dach benelux anz mena cee ssa europe asia africa oceania
    australia canada mexico brazil argentina chile colombia peru germany france spain italy portugal
    netherlands holland belgium luxembourg switzerland austria ireland eire sweden norway denmark finland
    iceland poland czechia greece cyprus malta lithuania latvia estonia hungary romania bulgaria croatia
    turkey israel lebanon bahrain uae qatar japan china india singapore korea uk gb england scotland wales
    texas california us usa eu na
    """) | frozenset(
    (
        "north america",
        "south america",
        "latin america",
        "central america",
        "middle east",
        "western europe",
        "eastern europe",
        "northern europe",
        "southern europe",
        "asia pacific",
        "far east",
        "east coast",
        "west coast",
        "united kingdom",
        "united states",
        "great britain",
        "hong kong",
        "saudi arabia",
        "south africa",
        "new zealand",
        "channel islands",
        "czech republic",
        "united arab emirates",
        "south korea",
        "european community",
    )
)
AMBIGUOUS_REGIONS = frozenset({"us", "na", "eu", "usa", "rsa", "ca"})
REGION_CUE = r"in|from|across|within|based in|located in|out of|region|inside|throughout|for"


# ---------------------------------------------------------------- durations
# Days per unit; "months count 30 days, a year 365" (spec).
DURATION_UNITS = {
    "day": 1,
    "days": 1,
    "d": 1,
    "week": 7,
    "weeks": 7,
    "wk": 7,
    "wks": 7,
    "w": 7,
    "month": 30,
    "months": 30,
    "mo": 30,
    "mos": 30,
    "mth": 30,
    "mths": 30,
    "quarter": 90,
    "quarters": 90,
    "year": 365,
    "years": 365,
    "yr": 365,
    "yrs": 365,
    "y": 365,
    "fortnight": 14,
    "fortnights": 14,
}
# A duration is an inactivity threshold only when the message says nobody bought.
# Inactivity cues that name a stage rather than a time without orders.
INACTIVE_STAGE = words("inactive dormant sleeping lapsed quiet silent idle")
INACTIVE_CUE = (
    r"(havent|hasnt|have not|has not|not|didnt|did not|dont|doesnt|wont|never|nothing|no one has) (yet )?"
    r"(placed|made|ordered|bought|purchased|buy|order|purchase|spent|transacted|been active|come back|returned"
    r"|shopped|reordered)|(but )?(none|nothing) (since|in|for|during|within)|(no|zero|without( an| any)?|without placing( an| any)?) (orders?|purchases?|activity"
    r"|sales|transactions?|buys|invoices?|spend|business|revenue)|inactive|in active|dormant|quiet|silent|idle"
    r"|sleeping|lapsed|dark|since (their|the|its)? ?last (order|purchase)|last (order|purchase|bought|ordered)"
    r"|not (been )?active|inactivity|gone|stopped|absent|ago|(not|havent|hasnt|have not|has not|never) (been )?"
    r"(seen|heard( from)?)|no (contact|news|word)"
)

# ---------------------------------------------------------------- money
MONEY_COMPARATOR = (
    r"over|above|more than|greater than|at least|min(imum)?( of)?|exceeding|in excess of|north of|upwards of"
    r"|beyond|bigger than|larger than|higher than|no less than|not less than|>=?|more then"
)
MONEY_CUE = (
    r"spent|spend|spending|spends|revenue|sales|bought|purchased|worth|turnover|paid|billed|value|ltv|clv"
    r"|lifetime value|total|orders?|purchases"
)

# "5 orders" counts orders, not money nor a result limit: read and ignored ("between 2 orders" is a gap).
NOT_AMOUNT = (
    r"((more|fewer|less) than|over|under|at least|at most|above|below) \d+ (orders?|purchases?|times|items"
    r"|products|transactions|invoices|visits|units|skus|lines|baskets)|(?<!between )\d+ (orders?|purchases?|times|items"
    r"|products|transactions|invoices|visits|units|skus|lines|baskets)( or more)?"
)

# ---------------------------------------------------------------- limit
# A result limit is a number after these words ("top 5") ...
LIMIT_BEFORE_NUMBER = r"top|first|best|limit( to)?|max(imum)?"
# ... or before these ("10 biggest", "25 champions": also before any customer noun) ...
LIMIT_AFTER_NUMBER = r"most|top|biggest|largest|best|riskiest|highest|lowest"
# ... or after a request verb ("give me 25").
LIMIT_VERB = r"show|list|give|get|find|pull|only|just"
# Words that make a region-only message a search ("which ones in EMEA?").
SEARCH_WORDS = r"who|whos|whom|which|anyone|anybody|any1|someone|whoever|list|show|find|give|get|pull"
# "sorted by ...", "ranked by ..."
SORT_VERB = r"sorted|sort|ordered|order|ranked|rank|organi[sz]ed|arranged"
# A one-word message that asks for help.
HELP_ALONE = words("help helpp halp commands usage menu options faq start")

# ---------------------------------------------------------------- schedule
DAYS = {
    r"mondays?|mon": "mon",
    r"tuesdays?|tues?": "tue",
    r"wednesdays?|weds?": "wed",
    r"thursdays?|thurs?|thu": "thu",
    r"fridays?|fri": "fri",
    r"saturdays?|sat": "sat",
    r"sundays?|sun": "sun",
}
# "Weekdays" cannot be said in the schedule format (one day or daily), and
# posting on the weekend too is harmless, so it is read as "daily".
DAILY = (
    r"daily|every ?day|each day|every (single )?(morning|evening|night|afternoon)|each (morning|evening|night"
    r"|afternoon)|mornings|evenings|nightly|every weekday|each weekday|weekdays|on weekdays|every work ?day"
    r"|every working day|every business day|workdays|per day|a day|once a day|everyday"
)
NAMED_TIMES = {"noon": "12:00", "midday": "12:00", "lunchtime": "12:00", "midnight": "00:00"}

# ---------------------------------------------------------------- topics
TOPIC = {
    r"(key )?accounts? (digest|summary|report|update|roundup|round up|briefing|recap|rundown)"
    r"|kas? (digest|summary|report|update|roundup|briefing|recap)|digests?|weekly (summary|report|update"
    r"|roundup|recap|briefing)": "digest",
    r"(churn )?(alerts?|alarms?|warnings?|notifications?)|churn (pings?|notices)|notify|ping me|alert me": "alerts",
}
# Said alone these may mean something else ("segment summary", "Acme report"),
# so they name the digest only when nothing more specific matched.
TOPIC_WEAK = {r"summary|report|briefing|recap|rundown|roundup|round up|newsletter": "digest"}
# Verbs that, with "here" / "this channel", ask for a standing post.
POST_VERB = r"post|send|share|push|drop|deliver|put|publish|pipe|forward|get|give|show|want|have"
HERE = r"here|this channel|(the|our|this) chan(nel)?|channel|in here|to us"

# ---------------------------------------------------------------- intents
# Each intent is decided by cue phrases; see parser.decide_intent for order.
INTENT_CUES = {
    "unsubscribe": (
        r"unsubscribe|unsub|opt out|stop|cancel|turn off|switch off|shut off|disable|mute|pause|no more|dont"
        r" (send|post)|do not (send|post)|remove|unschedule|quit|kill|halt|end|silence|deactivate"
        r"|(turn|switch|shut) ([^ ]+ ){1,3}off|(dont|do not|no longer) (want|need)|anymore|any more"
    ),
    # "stop posting here": an unsubscribe even with no topic named.
    "unsubscribe_posting": (
        r"(stop|quit|no more|dont|do not|cease|pause) (posting|sending|pinging|spamming|messaging|notifying"
        r"|posts|messages)"
    ),
    "subscribe": (
        r"subscribe|sub|schedule|scheduled|every|each|daily|nightly|automatically|regularly|recurring"
        r"|set up|setup|remind|weekdays|mondays|tuesdays"
        r"|wednesdays|thursdays|fridays|saturdays|sundays|weekly on|on (mon|tues|wednes|thurs|fri|satur|sun)day"
    ),
    "churn_alerts": (
        r"newly|just (crossed|became|become|turned|went|moved|flipped|entered|hit|tipped)|crossed (into|over)"
        r"|recently (crossed|became|flagged|turned)|newly flagged|tipped (into|over)|new (churn )?risks?"
        r"|(became|become|turned|gone|went) (high|at) risk (today|this week|recently|lately|overnight)"
        r"|(churn )?risk changes|new (at risk|at-risk|high risk|risky)"
    ),
    "pending_actions": (
        r"pending|awaiting|waiting (for|on)|to approve|approval|approvals|approve|sign ?off|queue|queued"
        r"|outstanding (actions?|suggestions?|proposals?)|(actions?|suggestions?|proposals?) (to review|open"
        r"|for review|needing review|in review)|review queue|need(s)? (my )?(decision|review|sign off)"
        r"|(open|undecided|unapproved) (actions?|suggestions?|proposals?)|awaiting decision"
    ),
    "propose_action": (
        r"win(ning)? (them |it )?back|winback|win-back|re ?engag(e|ing)|reengag(e|ing)|reactivate|re activate"
        r"|bring (them |it )?back|(what|which) (would|do|should|can|could) you (recommend|suggest|propose)"
        r"|(any )?(suggestions?|ideas?|recommendations?|proposals?) (for|to|on|how)"
        r"|(next )?best action|next steps?|re ?engagement|(suggest|propose|recommend|draft|prepare|plan|create"
        r"|write|come up with|give me|need) ([^ ]+ ){0,3}?(action|offer|campaign|outreach|play|playbook|plan|email"
        r"|discount|idea|ideas|something|retention|save|approach|strategy|promo|promotion|incentive|deal)"
        r"|what (should|can|could|do) (i|we) do (about|with|for)|how (should|do|can|could|would) (i|we)"
        r" (save|keep|retain|rescue|win|recover|approach|handle|re ?engage|get back)|how to (save|keep"
        r"|retain|rescue|recover|win|re ?engage)|save|rescue|retain"
    ),
    "explain": (
        r"why|how come|explain|explanation|reason|reasons|whats (driving|behind|causing)|what is (driving"
        r"|behind|causing)|what makes|what made|rationale|justify|whys|what led to|what caused"
    ),
    "segment_overview": (
        r"breakdown|break ?down|broken down|distribution|distributed|split|split up|spread|per segment"
        r"|by segments?|each segment|every segment|all segments|across (the )?segments|segments|segment (mix|sizes?"
        r"|counts?|split|distribution|overview|breakdown|summary|stats|numbers|totals?|view)|rfm (overview"
        r"|breakdown|summary)|how (are|is) .* (distributed|split|spread)|mix of segments|segmentation"
        r"|(overview|summary) of (the )?segments"
    ),
    "overview_weak": r"overview|summary|big picture|high level view|at a glance",
    "help": (
        r"help|what can you do|what do you do|what can i ask|how do i use|how does (this|it) work|what are you"
        r"|who are you|how to use|what commands|list commands|what can i do|show commands|commands|usage"
        r"|what should i ask|how can you help|what are your (features|commands|capabilities|options)"
        r"|instructions|getting started|options|menu|what (else )?can (this|it) do|capabilities|features"
        r"|examples|what do i say|how do you work|manual|faq"
    ),
    # A question about using the bot beats the topic it mentions ("how do I ask for the digest?").
    "help_question": (
        r"how (do|can|should|would) (i|we) (ask|use|request|talk to|query|search|phrase|say|get started|work with)"
        r"|what (do|should) i (type|say|write) (to|for)|what does ([^ ]+ ){1,4}mean|meaning of|definition of"
        r"|define|what is meant by|(whats|what is) (this|it) for|what are you for|what (kind|sort|type)s? of"
        r" (questions|things|stuff)|can i ask"
    ),
    # Generic asks for a list of customers without any filter word ("who should I call?").
    "find_generic": (
        r"who should (i|we) (call|contact|reach out to|ring|phone|email|visit|focus on|prioriti[sz]e|talk to)"
        r"|who (do|should) (i|we) (call|contact|prioriti[sz]e)"
    ),
    "count_customers": (
        r"how many|count|number of|total number|no of|tally|headcount|how much customers|total of|howmany"
        r"|how big is|size of|total (customers|accounts|clients)|in total|percentage|percent|share of|proportion"
        r"|what fraction|how much of"
    ),
    # Questions about one customer; the name follows the cue.
    # Cues after which a customer's name follows ("tell me about Acme").
    "profile_before_name": (
        r"(tell|talk) (me|us) (more )?about|what do (we|you|i) (know|have) (about|on)|anything on"
        r"|info(rmation)? (on|about|for)|details (on|about|for|of)|(the )?profile (of|for|on)|card (for|of|on)"
        r"|look up|lookup|look into|pull up|bring up|check on|check in on|whats (going on|up|new|happening) with"
        r"|(status|update|news|overview|summary|snapshot|scores?|score card|scorecard|health|history|segment|rfm"
        r"|churn risk|risk|clv|ltv|value|numbers|stats|story|situation) (of|for|on|with)|what about|profile"
        r"|describe|summari[sz]e|how (likely|risky|valuable|big|active|loyal|healthy|engaged|important) (is|are)"
        r"|how (is|are|s) (things|it going) with"
    ),
    # Vague verbs: a name after them counts only when capitalised ("show me Acme").
    "profile_weak": r"show me|show|get me|get|fetch|find|open|check|who is|whos|what is|whats|about|is",
    "profile_after_name": (
        r"profile|card|details|info|overview|snapshot|status|summary|scorecard|score card|stats|history"
        r"|(rfm )?scores?|numbers|health|risk|segment|clv|ltv|tier|stage|lifecycle|value|revenue|rfm"
    ),
    # Words allowed between a name and a trailing profile word ("acme corp *churn* risk").
    "profile_attribute": r"churn|rfm|lifetime|customer|current|latest|'s",
    "profile_around_name": r"how (is|are|s|has|have)|hows",
    # Words after which the name of the customer to win back follows.
    "propose_target": (
        r"win(ning)? (them |it )?back|winback|re ?engag(e|ing)|reengag(e|ing)|reactivate|re activate|save|rescue|retain"
        r"|recover|keep|for|about|with|to|on|bring back"
    ),
    # Words after which the customer to explain follows; EXPLAIN_SKIP words may sit in between.
    "explain_target": (
        r"why|hows? come|explain|whys|reason|reasons|whats (driving|behind|causing)|what is (driving|behind"
        r"|causing)|what makes|what made|rationale|justify|what led to|what caused|of|for|behind"
    ),
    "profile_after_around": r"doing|going|looking|performing|getting on|tracking|trending|been( doing)?",
}

# Words that never belong to a customer's name when they follow it
# ("why is Acme *at* risk", "how is Tyrell *doing*").
NAME_STOP = words("""
    a an the is are was were be been being at in on of to for with from by and or but as so than then
    now still also really currently suddenly recently lately today yesterday this that these those it its
    marked flagged labelled labeled considered classified seen rated scored tagged showing listed counted
    put placed moved dropped drop dropping fall fell falling go went going gone get got getting become became
    becoming turn turned turning end ended ending land landed slip slipped slipping look looks looking seem
    seems doing performing tracking trending has have had do does did will would should could can may might
    not no never please pls plz thanks thank thx cheers asap quickly again 's segment segments risk risky
    churn churned churning dormant lost new loyal champion champions hibernating hibernate inactive active
    sleeping declining high low medium value profile card details info overview status summary history
    scores score stats health why how what when where who which account customer client
    like up down over under into out offer offers action actions campaign plan email discount idea ideas
    something outreach play playbook strategy deal promo promotion incentive approach win back winback
    winning saving keeping getting bringing re engage engaging reengage
    """)
# Words that may start a name-like phrase but mean it is no name ("show me *all* customers").
NOT_A_NAME = words("""
    all everything everyone everybody anyone anybody someone something anything them those these it that
    this me us you yourself more list customers customer accounts account clients client companies company
    segments segment digest alerts alert actions action help stuff things details data numbers some any
    which who what my our your their the a an top best worst most least first last next each every other
    others here there today now ones one people folks them please we i you they he she him her
    """)
# Words between an explain cue and the name: "explain *the segment of* Umbrella Inc".
EXPLAIN_SKIP = words(
    "why is are was were does did has have do s the segment segments score scores risk churn classification"
    " status rating label of for behind on about customer client account me us to"
)
# Leading/trailing words stripped from a name ("the Acme account" -> "Acme").
NAME_AFFIX = words("the customer client account our my this that")

# ---------------------------------------------------------------- noise
# Greetings, politeness and filler: they change nothing (spec).
FILLER = words("""
    hey hi hello hiya howdy yo heya hallo hey-ho sup please pls plz pleas kindly thanks thx ty tia cheers
    ta bot custseg ok okay okey hmm hm um uh erm lol btw fyi quickly asap
    """)
FILLER_PHRASES = (
    r"thank you|thanks a lot|good (morning|afternoon|evening)|could you|can you|would you|will you|would you mind"
    r"|i (want|need|would like|d like|wanna) to|i (want|need|would like|d like|wanna)|id like to|id like"
    r"|can i (get|see|have)|could i (get|see|have)|let me (see|know)|quick q|hey there|hi there|hello there"
    r"|if possible|for me|quick (1|question|q)|1 (more )?(question|thing)|another (1|question)"
)

# Short words that are often mistyped but too short for edit distance.
SHORT_TYPOS = {
    "hwo": "how",
    "hw": "how",
    "teh": "the",
    "hte": "the",
    "waht": "what",
    "wht": "what",
    "whta": "what",
    "shwo": "show",
    "sohw": "show",
    "lsit": "list",
    "lis": "list",
    "cna": "can",
    "adn": "and",
    "nad": "and",
    "mnay": "many",
    "amny": "many",
    "manny": "many",
    "maby": "many",
    "mant": "many",
    "whos": "whos",
    "wich": "which",
    "whcih": "which",
    "wihch": "which",
    "whihc": "which",
    "cust": "customers",
    "custs": "customers",
    "acct": "account",
    "accts": "accounts",
    "acc": "account",
    "accs": "accounts",
    "vip": "vip",
    "rev": "revenue",
    "freq": "frequency",
    "w/": "with",
    "w": "with",
    "u": "you",
    "ur": "your",
    "r": "are",
    "abt": "about",
    "bc": "because",
    "cuz": "because",
    "hasnt": "hasnt",
    "havnt": "havent",
    "hadnt": "hadnt",
    "didnt": "didnt",
    "dint": "didnt",
    "cnt": "count",
    "tmrw": "tomorrow",
    "mgr": "manager",
    "fri": "fri",
    "yr": "yr",
    "wk": "wk",
    "mo": "mo",
}

# Real words that the typo corrector must leave alone although they are one
# edit away from a keyword ("least" ~ "lost"? no, but "last" ~ "list"/"lost").
COMMON_WORDS = words("""
    the a an and or but if then than that this these those there their they them we our us you your i me my
    mine he she it its his her who whom whose what which when where why how is are was were be been being
    have has had do does did done doing will would should could can may might must shall not no yes all any
    some each every few many much more most less least last list lost best worst first next other others
    such only own same so too very just also still now then here there today tomorrow yesterday week weeks
    month months year years day days quarter time times ago since until till before after during while for
    from with without within into onto upon about above below over under again against between through
    across along around among off out up down near far show list give get find tell let see look want need
    like know think make made take took put call called say said ask asked send sent post posted stop start
    keep kept help please thanks thank hello great good nice fine well bad better best worse worst big bigger
    small smaller little large larger long longer short high higher low lower new old young ever never
    always often sometimes usually again once twice one two three four five six seven eight nine ten
    hundred thousand million billion number numbers amount total value values price prices cost costs
    order orders ordered buy bought purchase purchased spent spend spending money cash dollars euros pounds
    weather lunch dinner joke jokes funny coffee meeting meetings email emails phone office team people
    person someone something anything everything nothing somebody anybody everybody nobody okay sure right
    wrong true false maybe perhaps really actually basically anyway though although because since
    data table tables select drop delete insert update where from into values null drop
    paris london berlin world city country place places today tonight morning evening night noon afternoon
    lately recent recently latest late early soon already yet else ones once name names hours hour minute
    minutes second seconds test testing hey hi hello bye goodbye cheers sorry thank thanks please
    page report reports sheet sheets file files link links doc docs chart charts graph graphs
    mean means meant sale sales deal deals lead leads pipeline forecast quota target targets contact
    contacts mail reply write wrote read reading play game games music movie movies news sport sports
    least leave leaves leaving left last lasting most mostly must lose loses losing loss lots lot
    whats whos hows wheres thats theres heres lets its im ive dont doesnt isnt arent wasnt
    cost costs coast host most post posts past pasta paste
    """)
# Real words one edit from a keyword, kept as typed ("shipping" is no "slipping"); unlike COMMON_WORDS they
# are content words, so left over they go to ``unsupported``.
REAL_WORDS = words("""
    shipping shopping skipping clipping sipping royal native disk church valve tip toy lust mist
    """)

# Company legal forms: part of a customer's name as the user wrote it ("Soylent Corp" stays whole
# even when the data calls the customer just "Soylent").
LEGAL_FORMS = frozenset(
    {
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "plc",
        "gmbh",
        "ag",
        "co",
        "sa",
        "bv",
        "nv",
        "pty",
        "kk",
        "srl",
        "spa",
        "ab",
        "oy",
        "as",
    }
)

# ================================================================ version 2
# ---------------------------------------------------------------- periods
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
# Words before a period that make it the window of the *first* order ("new customers this quarter").
FIRST_ORDER_CUE = (
    r"new (customers?|accounts?|clients?|buyers?|logos)|acquired|won|win|signed( up)?|joined|onboarded"
    r"|first (order|purchase)s?|(placed|made) (their|its|a) first (order|purchase)|came on board|started buying"
)
# Verbs before a period that make it a window of *some* order ("who bought last week").
ORDERED_CUE = (
    r"ordered|bought|purchased|placed (an |any |a )?(orders?|purchases?)|made (an |a )?(orders?|purchases?)"
    r"|shopped|transacted|buying|ordering|purchasing|been active|active"
)
# "bought from us", "spent more with us": "us" after a verb of doing business is the company, not the US.
US_PRONOUN_LEAD = (
    rf"({ORDERED_CUE}|buy|buys|order|orders|purchase|purchases|shop|shops|spend|spends|spent|spending|stayed"
    r"|stay|stays|left|leave|churned|work|worked|working|do business|did business|doing business|signed)"
    r"( [^ ]+){0,2} (from|with|to|for) $"
)
# Words between two periods that make the second one a comparison ("this year vs last year").
COMPARE_CUE = (
    r"vs|versus|compared (to|with)|compare(d)?|(stack|stacks|stacked|measure|measures|measured) up (against|to)"
    r"|against|than|over|relative to|and|with"
)

# ---------------------------------------------------------------- figures
# The measure a message names; most specific first, so "average order value" is aov, not a mean of orders.
MEASURE = {
    r"average order values?|avg order values?|aov|order values?|basket size|average basket|average ticket": "aov",
    r"(number of )?days between (orders|purchases)|gaps? between"
    r" (orders|purchases)|purchase (gap|interval|cycle)|order (gap|interval|cycle)|reorder (interval|cycle)"
    r"|inter ?purchase time|between (2 |their |successive |consecutive )?(orders|purchases)": "gap_days",
    r"days since (the |their )?last (order|purchase)|time since (the |their )?last (order|purchase)"
    r"|how long since (the |their )?last (order|purchase)|since (the |their )?last (order|purchase)"
    r"|recency|recency days|days inactive|how (many days|long) (has it been |is it |it s been |it has been |since )"
    r"?(since )?([^ ]+ ){0,3}?last (ordered|order|bought|purchased|purchase|shopped)": "recency_days",
    r"churn probabilit(y|ies)|probability of churn(ing)?|chance of churn(ing)?|churn (risk|score|rate|likelihood)"
    r"|likelihood (of|to) churn": "churn_probability",
    r"(predicted |expected |customer )?life ?time values?|clv|ltv|cltv|value at stake|value at risk"
    r"|future value": "clv",
    r"(number of |count of |no of |total )?(orders|purchases|transactions)|order count|order volume": "orders",
    r"how much (did|have|has|do|does) (we|i|they|you|he|she|[^ ]+) (sell|sold|make|made|earn|earned|bill|billed"
    r"|invoice|invoiced)|revenue|revenues|sales|turnover|spend|spending|income|money|billings|takings|bring in|brought in"
    r"|brings in|earn|earned|generate|generated": "revenue",
    r"(number|count|headcount) of (customers|accounts|clients)|customer count|how many (customers|accounts"
    r"|clients)": "customers",
}
# Words that only name a measure when the message asks for a figure (aggregate, breakdown, trend).
WEAK_MEASURES = frozenset({"revenue"})
STAT = {
    r"share|percentage|percent|proportion|fraction|what part|how much of|portion|% of": "share",
    r"median": "median",
    r"average|avg|mean|typical|on average|per (customer|account|client)": "mean",
    r"total|sum|combined|overall|in total|altogether|aggregate|cumulative": "sum",
}
# Columns a breakdown groups by, as people name them.
GROUP_BY = {
    r"(rfm )?segments?": "segment",
    r"lifecycle( stages?)?|stages?|life cycle( stages?)?": "lifecycle",
    r"value tiers?|tiers?|value bands?": "value_tier",
    r"churn risk( levels?| bands?)?|risk( levels?| bands?)": "churn_risk",
    r"key accounts? (status|flag)|key account": "key_account",
    r"account managers?|ams?|owners?|reps?|sales ?reps?|managers?|kams?|account owners?|sellers?|salespeople"
    r"|salesperson": "owner",
    r"regions?|territor(y|ies)|geograph(y|ies)|geos?|areas?": "region",
    r"countr(y|ies)|nations?|markets?": "country",
}
# Attribute columns people commonly have: "by industry" groups even without the data's vocabulary.
COMMON_COLUMNS = words("industry sector vertical city state channel plan size tier_name")
GROUP_CUE = r"by|per|each|every|for each|for every|across|split by|broken down by|grouped by|group by|in each"
# "Which region has the most …": a ranking of groups.
RANK_CUE = r"which|what|rank|ranking|ranked|top|best|worst|leaderboard|order the|sort the"
MOST = r"most|highest|biggest|largest|greatest|top|best|more"
LEAST = r"least|lowest|smallest|fewest|worst|less|bottom"
INTERVAL = {
    r"weekly|per week|each week|every week|week by week|week on week|week over week|by week|wow": "week",
    r"monthly|per month|each month|every month|month by month|month on month|month over month|by month|mom": "month",
    r"quarterly|per quarter|each quarter|every quarter|quarter by quarter|quarter on quarter|by quarter"
    r"|qoq": "quarter",
    r"yearly|annual|annually|per year|each year|every year|year by year|year on year|year over year"
    r"|by year|yoy": "year",
}
TREND_CUE = (
    r"trend|trends|trending|trended|over time|changed|change over|evolved|evolution|develop(ed|ment)?|history"
    r"|plot|chart|graph|timeline|time series|progress(ed|ion)?|grown|grow|growth|how has|how have|how did"
)
# Trend words that ask for a series even when two periods are compared; "how did revenue in 2025
# compare to 2024" (no such word) asks for the two figures.
STRONG_TREND_CUE = (
    r"trend|trends|trending|trended|over time|evolution|history|plot|chart|graph|timeline|time series"
)
# Words before the first of the groups compared: "compare Germany and Austria".
COMPARE_LEAD = words("compare comparing versus vs between")
COMPARE_GROUPS = r"vs|versus|compared (to|with)|compare|against|between"
# "Top 5" lists, lowest first.
ORDER_ASC = (
    r"(lowest|least|smallest|fewest|worst|bottom|weakest)( [^ ]+){0,2} first|lowest|least|smallest|fewest"
    r"|ascending|asc|bottom|worst|weakest|from low to high|low to high"
)
SPEND_CHANGE = {
    r"spend(ing|s)? less|(spend(ing)?|revenue|sales) (has |have |is |are )?(gone |went )?(down|dropped|fallen"
    r"|fell|declined|decreased|shrunk|shrank|dipped|slumped)|(reduced|cut|lowered|decreased) (their |its )?(spend(ing)?|orders)"
    r"|declining (spend|revenue|sales)|(lower|less) (spend|revenue|sales) than"
    r"|shrinking (spend|revenue)": "down",
    r"spend(ing|s)? more|(spend(ing)?|revenue|sales) (has |have |is |are )?(gone |went )?(up|grown|increased"
    r"|risen|rose|grew|jumped)|(increased|grew|raised) (their |its )?(spend(ing)?|orders)|buying more|ordering more"
    r"|growing (spend|revenue|sales)|(higher|more) (spend|revenue|sales) than|growing accounts": "up",
}
# What "than last year" compares with when spend changed: the default comparison, so it is no period.
SPEND_CHANGE_DEFAULT = (
    r"(than|compared (to|with)|vs|versus) (last|the previous|previous) year|year on year|yoy"
)

# ---------------------------------------------------------------- amounts and counts
MAX_COMPARATOR = (
    r"under|below|less than|lower than|smaller than|at most|max(imum)?( of)?|no more than|not more than|up to"
    r"|<=?|fewer than|beneath|within"
)
MIN_COMPARATOR = MONEY_COMPARATOR + r"|more than|greater than|over|above|at least|>=?|minimum( of)?"
# "more than 10" is 11 onwards: counts are whole and bounds inclusive (spec).
STRICT_COMPARATOR = r"more than|over|above|greater than|exceeding|beyond|>|more then|in excess of"
STRICT_MAX = r"less than|fewer than|under|below|<|lower than|beneath"
CLV_CUE = r"(predicted |expected |customer )?life ?time value|clv|ltv|cltv|predicted value|future value"
ORDER_NOUN = r"orders?|purchases?|transactions|invoices|times"
ONE_TIME = (
    r"(ordered|bought|purchased) (only )?once|(only|just) (ordered|bought|purchased) once|(one|1) ?time (buyers?"
    r"|customers?|purchasers?|shoppers?|orderers?|accounts?|clients?)|single (order|purchase) (customers|accounts)"
    r"|(only|just) (1|one) (order|purchase)|once only|(ordered|bought|purchased) exactly once|exactly (1|one) (order|purchase)"
)
REPEAT = (
    r"repeat (customers?|buyers?|purchasers?|accounts?|clients?|orderers?)|returning (customers?|buyers?)"
)

# ---------------------------------------------------------------- lists and exclusions
LIST_JOIN = words("or and , / plus nor")
EXCLUDE_CUE = (
    r"except( for)?|excluding|exclude|excludes|other than|apart from|but not|besides|not in|not from|outside"
    r"( of)?|leaving out|leave out|without|minus|that are not|who are not|which are not|aside from"
    r"|not (owned|managed|handled|run|covered|looked after) by"
)
NOT_KEY = r"non ?key( accounts?| customers?| clients?)?|not (a )?key accounts?|other accounts|the rest"
# "Key accounts and everyone else": the rest of the book, the other side of a key-account comparison.
EVERYONE_ELSE = (
    r"everyone else|everybody else|all (the )?others|the others|everything else|all the rest|the remainder"
)

# ---------------------------------------------------------------- countries
# Countries as German, Spanish and Chinese messages name them (kept as written, the engine resolves them).
FOREIGN_COUNTRIES = words("""
    deutschland österreich schweiz frankreich spanien italien niederlande belgien polen schweden norwegen
    dänemark finnland irland griechenland tschechien ungarn türkei indien brasilien mexiko kanada australien
    großbritannien russland südafrika vereinigte
    alemania suiza francia españa italia holanda bélgica polonia suecia noruega dinamarca finlandia irlanda
    grecia turquía japón méxico canadá brasil perú reino unido estados unidos sudáfrica rusia
    中国 日本 韩国 德国 法国 英国 美国 意大利 西班牙 葡萄牙 荷兰 比利时 瑞士 奥地利 瑞典 挪威 丹麦 芬兰 波兰
    爱尔兰 希腊 土耳其 俄罗斯 印度 新加坡 澳大利亚 新西兰 加拿大 墨西哥 巴西 阿根廷 智利 哥伦比亚 秘鲁 南非 泰国
    越南 马来西亚 印度尼西亚 菲律宾 日本国 德國 法國 英國 美國 韓國 義大利 荷蘭 澳洲
    """) - {"reino", "unido", "estados", "unidos", "vereinigte"} | frozenset(
    ("reino unido", "estados unidos", "vereinigte staaten", "países bajos")
)
# Countries known without any vocabulary (the data's country column adds its own values).
COUNTRIES = (
    words("""
    australia canada mexico brazil argentina chile colombia peru germany france spain italy portugal
    netherlands holland belgium luxembourg switzerland austria ireland sweden norway denmark finland
    iceland poland czechia greece cyprus malta lithuania latvia estonia hungary romania bulgaria croatia
    turkey israel lebanon bahrain uae qatar japan china india singapore korea uk gb england scotland wales
    usa us vietnam thailand malaysia indonesia philippines egypt nigeria kenya morocco ukraine serbia slovakia
    slovenia
    """)
    | FOREIGN_COUNTRIES
    | frozenset(
        (
            "united kingdom",
            "united states",
            "great britain",
            "hong kong",
            "saudi arabia",
            "south africa",
            "new zealand",
            "czech republic",
            "united arab emirates",
            "south korea",
        )
    )
)

# ---------------------------------------------------------------- conversation intents
DECIDE_VERB = {
    r"approve|approved|accept|greenlight|green light|go ahead with|go with|ok|okay|sign off( on)?|yes to|confirm"
    r"|execute|launch": "approve",
    r"reject|rejected|decline|declined|dismiss|deny|turn down|discard|drop|no to|veto|refuse|kill|pass on": "reject",
    r"snooze|snoozed|postpone|defer|delay|park|put off|hold off( on)?|push back|remind me (later )?about": "snooze",
}
SUGGESTION_NOUN = r"suggestions?|proposals?|actions?|win ?backs?|recommendations?|items?|numbers?|no|nr"
REASON_CUE = r"because|since|as|reason|reason is|cause|due to|bc"
EXPORT_CUE = (
    r"export|download|csv|excel|xlsx|xls|spreadsheet|spread sheet|sheet|as a file|to a file|into a file"
    r"|send me (that|this|it|the list|the file)|dump"
)
FORMAT = {r"csv|comma separated": "csv", r"excel|xlsx|xls|spreadsheet|spread sheet|sheet|workbook": "xlsx"}
# "What does X mean", "how is X calculated": the term is what sits in the slot.
DEFINE_FRAMES = (
    r"^(what|wat) (does|do|is meant by|s meant by) (the )?(term |word |label |segment |stage )?(?P<t>.+?)"
    r" (mean|means|stand for|refer to|signify)$",
    r"^(what|wat) do (you|we) mean by (?P<t>.+)$",
    r"^(meaning|definition) of (?P<t>.+)$",
    r"^(what|which customers?|who) (counts?|qualifies|qualify|classifies|passes|pass) as (a |an )?(?P<t>.+)$",
    r"^(what|whats|what s|what is) (considered|classed as|classified as|counted as) (a |an )?(?P<t>.+)$",
    r"^when (is|does|do|are) (a |an )?(customer|account|client|someone)s? (considered|counted|classed|classified"
    r"|labelled|labeled|marked|flagged) (as )?(a |an )?(?P<t>.+)$",
    r"^(whats|what is|what s) (the )?(meaning|definition) of (?P<t>.+)$",
    r"^define (?P<t>.+)$",
    r"^explain (what )?(?P<t>.+?)( is| are| means| stands for| stand for)?$",
    r"^how (do|does) (you|we|it|custseg|the bot) (calculate|compute|estimate|determine|work out|measure|define"
    r"|decide|score|assign|predict|come up with|arrive at|get to|figure out|derive|set|pick|choose|know)"
    r" (?P<t>.+)$",
    r"^how (is|are) (?P<t>.+?) (calculated|computed|estimated|determined|worked out|measured|defined|decided"
    r"|scored|assigned|predicted|derived)$",
    r"^what makes (a |an )?(customer |account |client )?(a |an )?(?P<t>.+)$",
    # "What is a champion?" asks for a meaning; "who are the declining customers?" and "what are my
    # at-risk accounts?" ask for the customers themselves.
    r"^(whats|what is|what s|what (exactly|actually|really|precisely) is) (a |an |the )?(?P<t>.+?)$",
    r"^what are (the )?(?P<t>(?!.*\b(customers|accounts|clients|buyers)$).+?)$",
    r"^(?P<t>.+?) (meaning|definition)$",
)
TERMS = {
    r"rfm( scores?| analysis| model)?": "rfm",
    r"recency( score)?": "recency",
    r"frequency( score)?": "frequency",
    r"monetary( value| score)?": "monetary",
    r"(customer )?life ?time value|clv|ltv|cltv": "clv",
    r"churn (risk|probability|score|likelihood)|churn|risk of churn": "churn_risk",
    r"p ?alive|probability (of being )?alive|p\( ?alive ?\)": "p_alive",
    r"key accounts?|key account status": "key_account",
    r"value tiers?|tiers?": "value_tier",
    r"lifecycle( stages?)?|stages?|life cycle": "lifecycle",
    r"segments?|segmentation": "segment",
}
DEFINE_NOISE = words(
    "a an the our your term word label segment stage tier customer customers account accounts"
    " actually exactly really even precisely again number figure score rating value which what whether"
)
# Said before a question for a meaning, they leave it one ("sorry, what's RFM?", "wait, what does … mean").
DEFINE_LEAD = r"sorry|ok|okay|so|and|um|uh|erm|hmm|wait|quick question|remind me|hey|hi|hello|btw|also|but"
# The clause after a term that only says it is about a customer ("which tier a customer is in").
DEFINE_TAIL = (
    r" (a|an|the|each|every|my|our) (customer|account|client|company)s? (is|are|gets?|goes|belongs?|falls?|lands?)"
    r"( (in|into|to|under))?$| (for|of) (a |an |each |every )?(customer|account|client)s?$"
)
SMALLTALK = words("""
    great perfect awesome nice cool super brilliant excellent lovely wonderful fantastic good fine okay ok
    thanks thank you thx ty cheers that thats s helps helped helpful useful very really much so all for now
    bye goodbye see later got it understood noted morning afternoon evening night day how are doing
    is was it this appreciated appreciate a lot alright right well done job sounds
    one mate guys team again heaps legend brill ace sweet
    there folks everyone hi hello hey hiya
    """)
# Messages that only greet or thank: the fillers they are made of, said alone.
SMALLTALK_ONLY = FILLER | words("thanks thank you morning afternoon evening good hello")

# ---------------------------------------------------------------- movements
MOVE_VERB = (
    r"moved|move|moving|went|gone|go|going|dropped|drop|dropping|slipped|slip|slipping|fell|fallen|falling"
    r"|became|become|becoming|turned|turn|changed|change|shifted|migrated|switched|transitioned|progressed"
    r"|upgraded|downgraded|graduated|jumped|got|slid|slide|sliding|sank|sunk|sinking|dipped|declined|decayed"
    r"|slumped|climbed|rose|risen|rising|grew|improved|worsened|deteriorated|degraded|promoted|demoted|crossed"
)
MOVE_CHANGES = (
    r"(what|anything|who|which customers|which accounts) (has |have )?(changed|moved)( segments?| stages?)?"
    r"( since| this| last|$)|(segment|stage|tier|lifecycle|label|risk) (changes|moves|movements|migrations"
    r"|transitions|shifts)|movements?|migrations?|changed segments?|switched segments?|moved segments?"
)
LEFT_LABEL = r"left|exited|dropped out of|fell out of|no longer in|lost their"

# ---------------------------------------------------------------- nothing dropped silently
# A win-back campaign is an action we propose, not data; marketing campaigns are data the book lacks.
# The same nouns in German, Spanish and Chinese, which the language layer keeps as written.
UNSUPPORTED_FOREIGN = words("""
    produkt produkte produkten produktlinie produktkategorie kampagne kampagnen marketingkampagne
    marketingkampagnen aktion aktionen producto productos campaña campañas promoción promociones
    营销活动 产品 商品 促销活动
    """)
# Data the book does not have: a phrase naming it goes to ``unsupported`` with its neighbours.
UNSUPPORTED = (
    r"(products?|product (lines?|categories|category|range|mix)|categor(y|ies)|skus?|items?|brands?(?! new)"
    r"|nps( scores?)?|net promoter( scores?)?|satisfaction( scores?)?|csat|support tickets?|tickets?|complaints?"
    r"|reviews?|ratings?|margins?|profit(ability|s)?|website visits|web visits|email opens|newsletter"
    r"|contracts?|renewals?|invoices? overdue|payment terms|credit limits?|discounts? used|coupons?"
    r"|loyalty (programs?|programmes?|schemes?|cards?|clubs?|points|members(hip)?)|memberships?|webinars?"
    r"|trade (fairs?|shows?)|mobile apps?|apps?|web ?portal|portal|(marketing )?(?<!back )(?<!retention )campaigns?|promotions?"
    rf"|{'|'.join(sorted(UNSUPPORTED_FOREIGN, key=len, reverse=True))})"
)
UNSUPPORTED_LEAD = r"(similar to|like|lookalikes? of|look ?alike|same as|resembling) [^ ]+( [^ ]+){0,3}"
# Function words and request verbs that say nothing about which customers: left over after the rules,
# they are no sign of a condition the rules did not read.
LEFTOVER_STOP = words("""
    show list give find tell get fetch pull display see view return bring gimme lemme
    customers customer accounts account clients client companies company buyers buyer
    their theirs ours yours hers his whose whom which whichever whoever anyone everyone
    are is was were been being have has had having do does did doing done
    please pls plz bot custseg quick question
    sit sits sitting lie lies come comes belong belongs fall falls go goes account accounted
    prioritise prioritize focus chase target worry care matter matters
    """)
# Words that lead into a condition and belong to it ("*who use* our mobile app", "*through* the campaign").
LEFTOVER_LEAD = words("""
    who that which whose with without through via using use uses used came come coming from in on at of
    by for the a an our their any some and or excluding exclude except bought buy purchased ordered
    """)
# Words after a superlative sort that make its drop a ranking, lowest change first ("the biggest drop in spend").
SPEND_DROP = r"(drops?|falls?|declines?|decreases?|dips?) in (spend(ing)?|revenue|sales)"
# Said in front of a decision: "yes approve #8", "go ahead and approve …".
DECIDE_LEAD = (
    r"yes|yeah|yep|yup|sure|ok|okay|alright|right|fine|please|pls|then|so|and|lets|let s|let us"
    r"|go ahead and|go on and|just|ill|i ll|i will|i want to|we can|you can"
)
# Words that may sit around an unsupported phrase and belong to it ("bought office chairs").
CONDITION_VERB = r"bought|buy|buying|purchased|purchase|ordered|order|ordering|who bought|that bought"
