"""German wording for the language layer: phrases → the parser's plain English."""

from __future__ import annotations

import re

from .latin import Language, piece_table
from .numbers import DE_NUMBERS
from .phrases import table

TERMS = table("""
# --- RFM segments
champions/champion/spitzenkunden/top-kunden/topkunden | champions
loyale kunden/treue kunden/loyal/loyale/loyalen/treue/treuen/stammkunden | loyal
potenzielle stammkunden/potentiell loyale/potenziell loyale/potenziell treue | potential loyalists
vielversprechende/vielversprechenden/vielversprechend | promising
brauchen aufmerksamkeit/benötigen aufmerksamkeit/aufmerksamkeit nötig/aufmerksamkeit benötigen | need attention
kurz vor dem einschlafen/kurz vorm einschlafen/drohen einzuschlafen/schläfrig/schläfrigen | about to sleep
gefährdet/gefährdete/gefährdeten/gefährdeter/in gefahr/risikokunden | at risk
dürfen wir nicht verlieren/nicht verlieren dürfen/nicht verlieren/unverzichtbare | cant lose
im winterschlaf/winterschlaf/überwinternde | hibernating
# --- lifecycle
neue kunden/neukunden/neue/neuen/neuer | new customers
inaktiv/inaktive/inaktiven/inaktiver/ruhend/ruhende/ruhenden/schlafend/schlafende/schlafenden/eingeschlafene/eingeschlafenen/ruhig gewordene | dormant
aktiv/aktive/aktiven/aktiver | active
rückläufig/rückläufige/rückläufigen/nachlassende/nachlassenden/abnehmende | declining
verloren/verlorene/verlorenen/abgewandert/abgewanderte/abgewanderten/ehemalige/ehemaligen | lost
# --- tiers, risk, key accounts
hohem wert/hoher wert/hochwertige/hochwertigen/hochwertig/wertvolle/wertvollen/wertvollsten/vip/vips/großkunden | high value
mittlerem wert/mittlerer wert/mittelwertige | medium value
geringem wert/niedrigem wert/geringer wert/niedriger wert/geringwertige | low value
hohem abwanderungsrisiko/hohes abwanderungsrisiko/hohen abwanderungsrisiko/hohem churn-risiko/hohem churn risiko/abwanderungsgefährdet/abwanderungsgefährdete/abwanderungsgefährdeten/wahrscheinlich abwandern/abwandern könnten/abspringen könnten | high churn risk
mittlerem abwanderungsrisiko/mittleres abwanderungsrisiko | medium churn risk
niedrigem abwanderungsrisiko/geringem abwanderungsrisiko/niedriges abwanderungsrisiko | low churn risk
abwanderungsrisiko/churn-risiko/abwanderungswahrscheinlichkeit | churn risk
schlüsselkunden/key accounts/key account/schlüsselkonten/strategische kunden/wichtige kunden/großkunden | key accounts
keine schlüsselkunden/nicht-schlüsselkunden | non-key accounts
meine/meiner/meinen/meinem/mein | my
habe ich/hab ich/ich habe/habe/ich | do I have
segmentübersicht/segmentaufteilung/segmentverteilung/übersicht der segmente | the segment overview
schlüsselkunden digest/schlüsselkunden übersicht/schlüsselkundenbericht/schlüsselkunden bericht/key account digest/key account übersicht/key accounts übersicht/key account bericht/key account report | the key account digest
abwanderungswarnungen/abwanderungswarnung/abwanderungsalarme/churn-warnungen/churn-alarme | any churn alerts
warten auf freigabe/warten auf genehmigung/auf freigabe warten/auf genehmigung warten/ausstehende/offene | waiting for approval
aktionen/maßnahmen/rückgewinnungsaktionen | actions
# --- nouns
kunden/kunde/kundinnen/firmen/unternehmen/accounts/konten | customers
kundenanzahl/anzahl der kunden/anzahl kunden | the number of customers
# --- what is asked
welche/welcher/welches/welchen | which
wer | who
wie viele/wieviele/wie viel/wieviel/anzahl der/anzahl an/anzahl | how many
zeig mir/zeige mir/zeig/zeige/liste/listen/liste mir/auflisten/gib mir/finde/such/suche | show me
exportiere/exportieren/export/exportier/lade/herunterladen/download | export
als csv/als csv-datei/in csv | as csv
als excel/als excel-datei/in excel/als tabelle/als xlsx | as excel
entwicklung/verlauf/trend | trend of
wie hat sich/wie haben sich | how has
die anzahl der/die anzahl an/die zahl der/der anzahl der | the number of
wechselten von | went from
zu | to
verändert/entwickelt/geändert | changed
vergleiche/vergleich/vergleichen | compare
was bedeutet/was heißt/was ist/was sind | what does
bedeutet/bedeutung | mean
wie berechnet ihr/wie berechnest du/wie berechnet man | how do you calculate
wie wird | how is
wie werden | how are
berechnet/geschätzt | calculated
warum ist/wieso ist/weshalb ist/warum/wieso | why is
erzähl mir von/erzähl mir etwas über/erzähl mir über/infos zu/informationen zu/profil von | tell me about
schlage eine rückgewinnung für/schlag eine rückgewinnung für/rückgewinnung für/rückgewinnungsaktion für | suggest a win-back for
genehmige/genehmigen/freigeben/gib frei | approve
lehne ab/ablehnen/lehne | reject
vorschlag/vorschlags/empfehlung/nummer | suggestion
verschiebe/zurückstellen/stelle zurück | snooze
für | for
# --- figures
durchschnittlicher umsatz/durchschnittlichen umsatz/durchschnittsumsatz | average revenue
durchschnittlicher bestellwert/durchschnittlichen bestellwert/durchschnittlicher auftragswert/warenkorbwert | average order value
durchschnittliche/durchschnittlicher/durchschnittlichen/durchschnittlich/mittlere/durchschnitt/schnitt | average
median/medianer | median
gesamtumsatz/gesamten umsatz/gesamte umsatz | total revenue
umsatz/umsätze/umsatzes/einnahmen/erlös/erlöse/ausgaben | revenue
customer lifetime value/kundenwert/lebenszeitwert/lebensdauerwert/clv | lifetime value
bestellungen/bestellung/aufträge/auftrag/käufe | orders
anteil/anteil am | share of
gesamt/gesamte/insgesamt/summe | total
tage seit der letzten bestellung/tage seit letzter bestellung | days since the last order
tage zwischen bestellungen/tage zwischen den bestellungen | days between orders
pro kunde/je kunde | per customer
pro region/je region/nach region/nach regionen/pro regionen | by region
in der region | in the region
aus der region | from the region
im norden | in the north
im süden/im sueden | in the south
im osten | in the east
im westen | in the west
pro land/je land/nach land/nach ländern | by country
pro segment/je segment/nach segment/nach segmenten | by segment
pro lebenszyklusphase/nach lebenszyklusphase/nach phase/pro phase | by lifecycle stage
nach wertstufe/pro wertstufe | by value tier
pro kundenbetreuer/nach kundenbetreuer/pro account manager/nach account manager | by account manager
pro branche/nach branche | by industry
monatlich/monatliche/monatlichen/monatlicher/monatliches/pro monat | monthly
wöchentlich/wöchentliche/wöchentlichen/pro woche | weekly
quartalsweise/vierteljährlich/pro quartal | quarterly
jährlich/jährliche/jährlichen/pro jahr | yearly
# --- conditions
die weniger ausgeben als/die weniger kaufen als/weniger ausgeben als/weniger ausgegeben als | who spend less than
die mehr ausgeben als/mehr ausgeben als/mehr ausgegeben als | who spend more than
die bestellt haben/die gekauft haben/bestellt haben/gekauft haben/bestellt/gekauft | who ordered
die nicht bestellt haben/nicht bestellt haben/nicht mehr bestellt haben/keine bestellung/nicht bestellt | who have not ordered
nur einmal bestellt/nur einmal gekauft/einmalkäufer | who ordered only once
wiederkäufer/wiederkehrende kunden | repeat customers
mit mehr als | with more than
mit weniger als | with fewer than
mit mindestens | with at least
mehr als/über | over
weniger als/unter | under
mindestens/wenigstens | at least
höchstens/maximal/nicht mehr als | at most
ausgegeben haben/ausgegeben/umsatz von | who spent
nicht in/außerhalb/außerhalb von | not in
außer/ausgenommen/ohne | except
oder | or
und | and
sortiert nach/sortieren nach/geordnet nach | sorted by
nach | by
nur | only
als csv exportieren/als csv-datei exportieren | export that as csv
als excel exportieren | export that as excel
die ersten/die top/top | top
höchsten/höchste/meisten | most
größten/größte/umsatzstärksten/umsatzstärkste | biggest
niedrigsten/wenigsten/geringsten | fewest
von/vom/bei den/bei/unter den | of
mit | with
in/im | in
aus | from
# --- round 2: question frames, comparisons, groups, first orders, smalltalk
wie hoch ist/wie hoch sind/wie groß ist/wie groß sind/was ist der/was ist die | what is
im vergleich zum/im vergleich zur/im vergleich zu/verglichen mit/gegenüber dem/gegenüber | compared to
entfällt auf/entfallen auf/kommt von/kommen von/stammt von/stammen von/kommt aus/kommen aus/stammt aus/stammen aus | comes from
außer denen von/außer die von/ausgenommen die von/außer denen, die von | except owned by
halben jahr/halbes jahr/halbjahr/halbjahres | 6 months
zum ersten mal/zum ersten male/erstmals/das erste mal/erstmalig | for the first time
beim/bei der | on
pro/je | per
lebenszyklusphase/lebenszyklus phase/lebenszyklusphasen/lebenszyklus phasen/lebenszyklus/phase/phasen | lifecycle stage
wertstufe/wertstufen/wertklasse/wertklassen/wertsegment | value tier
land/länder/ländern | country
branche/branchen | industry
kundenbetreuer/kundenbetreuerin/betreuer/account manager/account managerin | account manager
mittleren wert/mittlere wert/mittleres wert/mittelwert/mittlerer wertstufe | medium value
hohen wert/hohe wert/hoher wertstufe | high value
niedrigen wert/geringen wert/niedrige wert | low value
deren erste bestellung/dessen erste bestellung/deren erster kauf/erste bestellung/ersten bestellung/erstbestellung/erster kauf | whose first order
deren/dessen | whose
war/waren/lag | was
mir | me
hat die meisten/haben die meisten/hat den höchsten/hat die höchsten/hat die höchste/hat am meisten | has the most
hat die wenigsten/haben die wenigsten/hat den niedrigsten/hat die niedrigste | has the fewest
hohem/hohen | high
mittlerem/mittleren | medium
niedrigem/niedrigen/geringem | low
unsere/unseren/unserer/unser/unserem | our
datei/allen |
danke dir/danke euch/dankeschön/merci | thanks
passt/passt schon/super/prima/perfekt/toll/klasse/alles klar/gut/sehr gut | great
hilfreich/sehr hilfreich/hat geholfen | helpful
# --- periods
letzte woche/letzten woche/vergangene woche/vergangenen woche/vorige woche/vorigen woche | last week
diese woche/dieser woche | this week
letzten monat/letzter monat/vergangenen monat/vorigen monat/im letzten monat/im vormonat/vormonat | last month
diesen monat/diesem monat/dieser monat | this month
dieses jahr/diesem jahr/in diesem jahr/laufenden jahr/im laufenden jahr | this year
letztes jahr/letzten jahr/im letzten jahr/vorjahr/im vorjahr/vergangenes jahr/vergangenen jahr | last year
dieses quartal/diesem quartal/in diesem quartal/laufenden quartal | this quarter
letztes quartal/letzten quartal/im letzten quartal/vorquartal/vergangenen quartal | last quarter
in den letzten/in den vergangenen/im letzten/im vergangenen/der letzten/den letzten/die letzten/letzten | in the last
seit | since
tage/tagen/tag | days
wochen/woche | weeks
monate/monaten/monat | months
jahre/jahren/jahr | years
quartal/quartale/quartalen | quarter
januar/jänner | january
februar | february
märz | march
mai | may
juni | june
juli | july
oktober | october
dezember | december
heute | today
hier/in diesen kanal/in diesem kanal | here
# --- schedules ("jeden Montag um 9 Uhr"; the time itself is read by a pattern below)
jeden tag/täglich/tägliche/jeden morgen/jeden werktag/werktags | every day
jeden montag/montags/montag | every monday
jeden dienstag/dienstags/dienstag | every tuesday
jeden mittwoch/mittwochs/mittwoch | every wednesday
jeden donnerstag/donnerstags/donnerstag | every thursday
jeden freitag/freitags/freitag | every friday
jeden samstag/samstags/samstag | every saturday
jeden sonntag/sonntags/sonntag | every sunday
schick/schicke/schickt/sende/sendet/poste/poste/poste mir/stell/stelle | post
hör auf mit/hör auf/höre auf/stopp/stoppe/stoppen/keine mehr/nicht mehr senden/abbestellen/abmelden | stop sending
# --- greetings and particles
hallo/guten morgen/guten tag/moin/servus/grüß gott | hi
danke/danke schön/vielen dank/danke sehr | thanks
hilfe/was kannst du/was kannst du tun | help
der/die/das/den/dem/des/ein/eine/einen/einem/einer/es/sich/bitte/mal/doch/gerade/derzeit/aktuell/alle/sämtliche/haben/hat/hatten/hatte/sind/ist/gibt/gab/wir/uns/an/dass |
""")

PATTERNS = [
    # "was hat sich seit letzter Woche geändert?": the movements since then.
    (
        re.compile(r"\bwas hat sich (seit \S+(?: \S+)?) (?:geändert|verändert|getan)\b", re.IGNORECASE),
        r"what changed \1",
    ),
    (re.compile(r"\bwas hat sich (?:geändert|verändert|getan)\b", re.IGNORECASE), "what changed"),
    # "um 8 Uhr", "um 8:30 Uhr", "um 17 Uhr": the time of a schedule.
    (
        re.compile(r"\bum (\d{1,2})(?:[:.](\d{2}))? ?uhr\b", re.IGNORECASE),
        lambda m: f"at {m.group(1)}" + (f":{m.group(2)}" if m.group(2) else ""),
    ),
    # A trend's window: "wie hat sich X in den letzten 8 Wochen entwickelt" → "… changed over the last 8 weeks".
    (
        re.compile(
            r"\b(wie ha(?:t|ben) sich .*?)\s+(?:in den|in der|während der|im laufe der) (?:letzten|vergangenen)"
            r" (\S+ \S+) (entwickelt|verändert|geändert)",
            re.IGNORECASE,
        ),
        r"\1 \3 over the last \2",
    ),
    # "50 Mal bestellt", "50-mal": a number of orders ("mal" alone is a particle, dropped below).
    (re.compile(r"\b(\d+)[ -]?mal\b", re.IGNORECASE), r"\1 times"),
    # German thousands: "25.000 €" is 25000.
    (re.compile(r"(?<![\d.,])(\d{1,3})\.(\d{3})(?:\.(\d{3}))?(?![\d.,])"), r"\1\2\3"),
    # The genitive owner: "Johns Kunden" → "John's customers" (a capitalised name, then customers).
    (re.compile(r"\b([A-ZÄÖÜ][a-zäöüß]+[^s\W])s (Kunden|Accounts|Konten)\b"), r"\1' \2"),
    # Separable "geben … weniger aus" → "weniger ausgeben".
    (re.compile(r"\b(?:geben|gibt|gaben|gab) (weniger|mehr) aus\b", re.IGNORECASE), r"\1 ausgeben"),
    # The verb at the end of a decision: "Vorschlag 9 ablehnen, weil …" → "ablehnen Vorschlag 9, weil …".
    (
        re.compile(
            r"^\s*((?:den |die )?(?:vorschlag|vorschläge|aktion|empfehlung)\b.*?)\s+"
            r"(ablehnen|genehmigen|freigeben|annehmen|zurückstellen|verschieben|aufschieben)\b",
            re.IGNORECASE,
        ),
        r"\2 \1",
    ),
    # Separable "stelle … zurück": "Stelle Vorschlag 6 um zwei Wochen zurück" → "verschiebe Vorschlag 6 um …".
    (re.compile(r"^\s*(?:stelle|stell)\s+(.+?)\s+zurück\b", re.IGNORECASE), r"verschiebe \1"),
    # "um 2 Wochen zurückstellen": the snooze's length.
    (re.compile(r"\bum (\S+ (?:Tage|Tagen|Woche|Wochen|Monat|Monate|Monaten))\b", re.IGNORECASE), r"für \1"),
    # A relative clause puts its verb last: "Kunden, die letzten Monat bestellt haben, …" → "die bestellt
    # haben letzten Monat" (English order; a clause with "nicht" is an inactivity, read below).
    (
        re.compile(
            r"\b(die|der) ((?:(?!\b(?:nicht|nichts|kein|keine)\b)[^,.?!])+?) (bestellt|gekauft|eingekauft)"
            r" (haben|hat)\b",
            re.IGNORECASE,
        ),
        r"\1 \3 \4 \2",
    ),
    # A final participle said of ordering (not of not ordering, read below): "… in den letzten 60 Tagen bestellt" → "bestellt in den letzten …".
    (
        re.compile(
            r"\b((?:in den|in der|im|seit|innerhalb|letzte|letzten|vergangene|vergangenen|vorige|vorigen|diese|dieses"
            r"|diesen|diesem)\b(?:(?!\b(?:nicht|nichts|kein|keine)\b).)*?)\s+(bestellt|gekauft|eingekauft)(?: haben| hat)?\s*([?.!]*)\s*$",
            re.IGNORECASE,
        ),
        r"\2 \1\3",
    ),
    # Movements whose target follows "auf": "von hohem auf mittleren Wert gefallen".
    (
        re.compile(
            r"\bvon (.+?) auf (.+?) (?:gewechselt|gewandert|übergegangen|gerutscht|abgerutscht|gefallen|gesunken"
            r"|gestiegen|aufgestiegen)",
            re.IGNORECASE,
        ),
        r"wechselten von \1 zu \2",
    ),
    # Separable verbs: "lehne 23 ab", "schlage … für Globex vor" — the particle at the end is dropped.
    (re.compile(r"\b(lehne|lehn) (#?\d+) ab\b", re.IGNORECASE), r"\1 \2"),
    (re.compile(r"^(\s*schlag.*?)\s+vor\s*([.!?]*)\s*$", re.IGNORECASE), r"\1\2"),
    # "von Champions zu gefährdet gewechselt" → "went from champions to at risk".
    (
        re.compile(
            r"\bvon (.+?) (?:zu|nach|in) (.+?) (?:gewechselt|gewandert|übergegangen|gerutscht|abgerutscht|gefallen)",
            re.IGNORECASE,
        ),
        r"wechselten von \1 zu \2",
    ),
    # "Was bedeutet X?" → "what does X mean?": the verb goes after the term in English.
    (
        re.compile(r"^\s*was (?:bedeutet|heißt|meint ihr mit) [„\"']?(.+?)[“\"']?\s*\?*\s*$", re.IGNORECASE),
        r'was bedeutet "\1" bedeutung?',
    ),
    # "Kunden von Maria" / "Marias Kunden" → the parser's possessive owner.
    (re.compile(r"\b((?:Key )?(?:Kunden|Accounts|Konten)) von ([A-ZÄÖÜ][\w-]+)"), r"\2' \1"),
    # "in den letzten 3 Monaten nicht bestellt" reads in English order already; "seit 3 Monaten
    # nicht bestellt" needs "in" for the parser's inactivity reading.
    (
        re.compile(
            r"\bseit (\S+ (?:Tagen|Wochen|Monaten|Jahren)) (?:inaktiv\w*|ruhig|keine Bestellung\w*|nichts"
            r"(?: mehr)? bestellt|nicht(?: mehr)? bestellt|nichts(?: mehr)? gekauft|nicht(?: mehr)? gekauft)",
            re.IGNORECASE,
        ),
        r"inaktiv für \1",
    ),
]

GERMAN = Language(piece_table(TERMS), DE_NUMBERS, PATTERNS, frozenset({"weil", "da", "denn"}))
