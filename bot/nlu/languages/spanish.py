"""Spanish wording for the language layer: phrases → the parser's plain English."""

from __future__ import annotations

import re

from ..lexicon import COUNTRIES
from .latin import Language, piece_table
from .numbers import ES_NUMBERS
from .phrases import table

TERMS = table("""
# --- RFM segments
campeones/campeón/campeon/campeona/campeonas/champions | champions
leales/fieles/clientes leales/clientes fieles | loyal
potencialmente leales/leales potenciales/potenciales leales | potential loyalists
prometedores/prometedoras/prometedor | promising
necesitan atención/necesitan atencion/requieren atención/requieren atencion/que necesitan atención/necesita atención/necesita atencion/requiere atención/requiere atencion | need attention
a punto de dormirse/a punto de dormir/casi dormidos/por dormirse | about to sleep
en riesgo/en peligro | at risk
no podemos perder/que no podemos perder/no se pueden perder/imprescindibles | cant lose
hibernando/en hibernación/en hibernacion/hibernados | hibernating
# --- lifecycle
clientes nuevos/nuevos clientes/nuevos/nuevas/nuevo | new customers
inactivos/inactivas/inactivo/dormidos/dormidas/durmientes/latentes/dormido | dormant
activos/activas/activo | active
en declive/en descenso/decayendo/que están bajando | declining
perdidos/perdidas/perdido/que se fueron/abandonaron | lost
# --- tiers, risk, key accounts
de alto valor/alto valor/de mayor valor/valiosos/valiosas/más valiosos/vip/vips | high value
de valor medio/valor medio/de valor intermedio | medium value
de bajo valor/bajo valor | low value
con alto riesgo de abandono/con alto riesgo de fuga/alto riesgo de abandono/alto riesgo de fuga/riesgo alto de abandono/con riesgo alto de abandono/con alto riesgo/probablemente se vayan/podrían irse/podrían abandonar/que podrían irse/que pueden abandonarnos | with high churn risk
con mayor riesgo de abandono/con más riesgo de abandono/con mas riesgo de abandono/con el mayor riesgo de abandono/con mayor riesgo de fuga/con más riesgo de fuga | with the highest churn risk
riesgo de abandono/riesgo de fuga/riesgo de churn | churn risk
cuentas clave/clientes clave/cuentas estratégicas/cuentas estrategicas/key accounts | key accounts
que no son cuentas clave/no clave | non-key accounts
mis/mi/míos/mios/mías | my
tengo/tienes | do I have
resumen de cuentas clave/resumen de las cuentas clave/informe de cuentas clave/resumen de clientes clave | the key account digest
alertas de abandono/alertas de fuga/alertas de churn | any churn alerts
resumen por segmentos/resumen de segmentos/desglose por segmentos/desglose por segmento | the segment breakdown
de este trimestre | this quarter
de este año | this year
de este mes | this month
de esta semana | this week
del año pasado | last year
del mes pasado | last month
de la semana pasada | last week
del trimestre pasado | last quarter
cómo ha/como ha/cómo han/como han | how has
cambiado | changed
el número de/el numero de/la cantidad de | the number of
pendientes de aprobación/pendientes de aprobacion/pendientes de aprobar/esperando aprobación/esperando aprobacion/pendientes | waiting for approval
acciones/propuestas | actions
mejores | top
por | by
# --- nouns
clientes/cliente/empresas/cuentas/compañías | customers
número de clientes/numero de clientes/cantidad de clientes | the number of customers
# --- what is asked
qué clientes/que clientes/cuáles clientes/cuales clientes/cuáles son los clientes/cuales son los clientes/quiénes son los clientes/quienes son los clientes | which customers
cuáles/cuales/qué/que | which
quién/quien/quiénes/quienes | who
cuántos/cuantos/cuántas/cuantas/cuánto/cuanto/número de/numero de/cantidad de | how many
muéstrame/muestrame/muestra/enséñame/enseñame/lista/listar/dame/buscar/busca/encuentra | show me
exporta/exportar/exportame/expórtame/descarga/descargar/descárgame | export
como csv/en csv/a csv | as csv
como excel/en excel/a excel/como hoja de cálculo/en una hoja de cálculo/como xlsx | as excel
evolución/evolucion/tendencia | trend of
compara/comparar/comparación/comparacion | compare
frente al/frente a la/frente a/comparado con el/comparado con/en comparación con el/en comparación con/en comparacion con/respecto al/respecto a | compared to
sugerencia de/sugerencia para/propuesta de/propuesta para | suggestion for
qué significa/que significa/qué quiere decir/que quiere decir/qué es/que es/qué son | what does
significa | mean
cómo se calcula/como se calcula/cómo calculan/como calculan/cómo se estima/como se estima | how do you calculate
por qué está/por que está/por qué es/por que es/por qué/por que | why is
háblame de/hablame de/cuéntame sobre/cuentame sobre/información de/informacion de/perfil de | tell me about
sugiere una recuperación para/sugiere una recuperacion para/propón una acción para/propon una accion para | suggest a win-back for
propón/propon/proponer/propone/sugiere/sugerir/sugiéreme/sugiereme/recomienda/recomiéndame/recomiendame | suggest
una acción de recuperación/una accion de recuperacion/acción de recuperación/accion de recuperacion/una acción/una accion/acción/accion | a win-back action
para | for
entre | between
aprueba/aprobar/aprueba la sugerencia | approve
rechaza/rechazar/rechaza la sugerencia | reject
pospón/pospon/posponer/aplaza/aplazar | snooze
sugerencia/propuesta | suggestion
# --- figures
ingreso medio/ingresos medios/ingreso promedio/ingresos promedio/promedio de ingresos | average revenue
valor medio del pedido/valor promedio del pedido/ticket medio/ticket promedio | average order value
promedio/media/medio/medios/promedio de | average
mediana | median
ingresos totales/ingreso total/facturación total/facturacion total | total revenue
ingresos/ingreso/facturación/facturacion/ventas/gasto | revenue
valor de vida del cliente/valor de vida/valor del ciclo de vida/clv | lifetime value
pedidos/pedido/órdenes/ordenes/compras | orders
cuota de/porcentaje de/proporción de/proporcion de/qué parte de/que parte de | share of
total/en total/suma | total
por cliente | per customer
por región/por region/por regiones/según región | by region
en la región/en la region | in the region
de la región/de la region | from the region
en el norte | in the north
en el sur | in the south
en el este | in the east
en el oeste | in the west
por país/por pais/por países | by country
por segmento/por segmentos | by segment
por etapa/por fase/por etapa del ciclo de vida | by lifecycle stage
por nivel de valor | by value tier
por gestor/por gestor de cuenta/por responsable/por comercial | by account manager
por sector/por industria | by industry
mensual/mensuales/por mes | monthly
semanal/semanales/por semana | weekly
trimestral/trimestrales/por trimestre | quarterly
anual/anuales/por año | yearly
# --- conditions
que gastan menos que/que gastan menos de lo que/gastan menos que/que compran menos que | who spend less than
que gastan más que/que gastan mas que/gastan más que | who spend more than
que compraron/que pidieron/que hicieron un pedido/que han comprado/que han pedido/compraron/pidieron | who ordered
que no han comprado/que no han pedido/sin pedidos/sin compras/no han comprado/no han pedido/que no compran/no compran/que no compra/no compra/que no piden/no piden/que no pide/no pide | who have not ordered
que solo compraron una vez/que compraron solo una vez/compradores únicos | who ordered only once
clientes recurrentes/recurrentes | repeat customers
con más de/con mas de | with more than
con menos de | with fewer than
con al menos/con por lo menos | with at least
que gastaron más de/que gastaron mas de/gastaron más de | who spent over
que gastaron menos de/gastaron menos de | who spent under
más de/mas de | over
menos de | under
superior a/superiores a/mayor a/mayor que/mayores a/por encima de | over
inferior a/inferiores a/menor a/menor que/menores a/por debajo de | under
nivel de riesgo de abandono/nivel de riesgo de fuga/nivel de riesgo de churn/nivel de riesgo | churn risk
industria/industrias/sector/sectores | industry
al menos/por lo menos | at least
que no están en/que no estan en/que no son de/no están en/no en/fuera de | not in
excepto/salvo/menos los/menos | except
pasaron de/pasaron del/se movieron de/cambiaron de/fueron de/han pasado de/pasaron | went from
a/a la/al | to
o | or
y/e | and
ordenados por/ordenadas por/ordenar por/ordena por | sorted by
los mejores/las mejores/top | top
más/mayor | most
menor/menos | fewest
de la/del/de los/de las/de | of
con | with
en/en el/en la | in
# --- round 2: question frames, figures, groups, first orders, alerts, snooze lengths
cuál es/cual es/cuál fue/cuáles son/cuales son/cuál/cual | what is
valor medio de pedido/valor medio por pedido/valor promedio de pedido/valor promedio por pedido/valor medio de los pedidos/valor medio de pedidos | average order value
viene de/vienen de/proviene de/provienen de/procede de/corresponde a | comes from
país/pais/países/paises | country
tiene/tienen | has
semana a semana/semana tras semana/cada semana | week by week
mes a mes/mes tras mes/cada mes | month by month
trimestre a trimestre/cada trimestre | quarter by quarter
año a año/año tras año/cada año | year by year
valor alto/alto valor | high value
valor bajo/bajo valor | low value
primer pedido/primera compra/primer compra | first order
por primera vez/la primera vez/primera vez | for the first time
hicieron su/hicieron/realizaron su/realizaron/hizo su | placed their
una semana | a week
un mes | a month
un día/un dia | a day
recencia | recency
frecuencia | frequency
alguna alerta de churn nueva/alguna alerta nueva de churn/alguna nueva alerta de churn/alertas de churn nuevas/nuevas alertas de churn/alertas nuevas de churn/alguna alerta de abandono nueva | any new churn alerts
alguna/alguno/algún/algunas/algunos | any
mándame/mandame/envíame/enviame/mándanos/mandanos/pásame/pasame | send me
nuestro/nuestra/nuestros/nuestras | our
# --- periods
la semana pasada/semana pasada | last week
esta semana | this week
el mes pasado/mes pasado | last month
este mes | this month
este año/este ano | this year
el año pasado/año pasado/el ano pasado | last year
este trimestre | this quarter
el trimestre pasado/trimestre pasado | last quarter
en los últimos/en los ultimos/en las últimas/en las ultimas/los últimos/las últimas/últimos/ultimos/últimas | in the last
desde | since
días/dias/día/dia | days
semanas/semana | weeks
meses/mes | months
años/año | years
trimestres/trimestre | quarters
enero | january
febrero | february
marzo | march
abril | april
mayo | may
junio | june
julio | july
agosto | august
septiembre | september
octubre | october
noviembre | november
diciembre | december
hoy | today
aquí/aqui/en este canal/a este canal/en el canal/al canal | here
# --- schedules ("cada lunes a las 9"; the time itself is read by a pattern below)
cada día/cada dia/todos los días/todos los dias/diariamente/a diario/cada mañana/cada manana/cada día laborable/cada dia laborable/los días laborables/los dias laborables | every day
cada lunes/todos los lunes/los lunes | every monday
cada martes/todos los martes/los martes | every tuesday
cada miércoles/cada miercoles/todos los miércoles/todos los miercoles/los miércoles/los miercoles | every wednesday
cada jueves/todos los jueves/los jueves | every thursday
cada viernes/todos los viernes/los viernes | every friday
cada sábado/cada sabado/todos los sábados/todos los sabados/los sábados/los sabados | every saturday
cada domingo/todos los domingos/los domingos | every sunday
publica/publicá/publicar/publícalo/publicalo/envía/envia/enviar/manda/mandar/comparte/compartir/pon/postea | post
deja de enviar/deja de publicar/dejen de enviar/para de enviar/ya no envíes/ya no envies/ya no publiques/no envíes más/no envies mas/desactiva | stop sending
# --- greetings and particles
hola/buenos días/buenos dias/buenas tardes/buenas | hi
gracias/muchas gracias/mil gracias | thanks
ayuda/qué puedes hacer/que puedes hacer | help
el/la/los/las/un/una/unos/unas/por favor/tenemos/tuvimos/hemos tenido/conseguimos/hemos conseguido/ganamos/hemos ganado/hay/son/es/están/estan/está/todos/todas/se/nos/me |
""")

# A country after "de" is a place, not the owner of "los clientes de …".
COUNTRY_ALT = "|".join(sorted((re.escape(c) for c in COUNTRIES), key=len, reverse=True))

PATTERNS = [
    # "¿qué ha cambiado desde la semana pasada?": the movements since then.
    (
        re.compile(r"\bqu[ée] (?:ha cambiado|cambi[óo]|ha pasado|se ha movido)\b", re.IGNORECASE),
        "what changed",
    ),
    # "a las 9", "a las 8:30": the time of a schedule ("a la 1" for one o'clock).
    (
        re.compile(r"\ba (?:las|la) (\d{1,2})(?:[:.](\d{2}))?(?: ?h| horas)?\b", re.IGNORECASE),
        lambda m: f"at {m.group(1)}" + (f":{m.group(2)}" if m.group(2) else ""),
    ),
    # "más de 5 veces": a number of orders; "han comprado" / "han pedido": have ordered.
    (re.compile(r"\b(\d+) veces\b", re.IGNORECASE), r"\1 times"),
    (
        re.compile(r"(?<!no )\b(?:han|ha|hayan|haya) (?:comprado|pedido|hecho pedidos)\b", re.IGNORECASE),
        "ordered",
    ),
    # Spanish thousands: "15.000" is 15000.
    (re.compile(r"(?<![\d.,])(\d{1,3})\.(\d{3})(?:\.(\d{3}))?(?![\d.,])"), r"\1\2\3"),
    # "compara a Sofia y Lukas": the personal "a" is no "to".
    (re.compile(r"\b(compara|comparar|compárame|comparame) a\b", re.IGNORECASE), r"\1"),
    # "¿cómo se calcula X?" → "how is X calculated?".
    (
        re.compile(
            r"\bc[óo]mo se (?:calcula|calculan|mide|miden|define|definen) (.+?)\s*\?*\s*$", re.IGNORECASE
        ),
        r"how is \1 calculated",
    ),
    # "el primer trimestre de 2026" → "Q1 2026".
    (
        re.compile(
            r"\b(?:el |en el )?(primer|segundo|tercer|cuarto) trimestre (?:de |del )?(\d{4})\b", re.IGNORECASE
        ),
        lambda m: (
            f"en Q{['primer', 'segundo', 'tercer', 'cuarto'].index(m.group(1).lower()) + 1} {m.group(2)}"
        ),
    ),
    # "cómo ha cambiado el número de X en …" → "how has the number of X changed in …".
    (
        re.compile(
            r"\bc[óo]mo han? cambiado (.+?)(\s+(?:en|durante) (?:los|las) [úu]ltim\w+ .*|\s*\?*\s*$)",
            re.IGNORECASE,
        ),
        r"cómo ha \1 cambiado\2",
    ),
    # "de 2025" is a year: "in 2025".
    (re.compile(r"\bde ((?:19|20)\d\d)\b"), r"en \1"),
    # "de México" names a place: "in México".
    (re.compile(rf"\b(?:de|del) (?=(?i:{COUNTRY_ALT})\b)"), "en "),
    # "¿Qué significa X (exactamente)?" → "what does X mean?": the verb goes after the term in English.
    (
        re.compile(
            r"^\s*¿?\s*qu[ée] (?:significa|quiere decir) (?:exactamente |realmente )?[«\"']?(.+?)[»\"']?"
            r"(?:\s+(?:exactamente|realmente|en realidad))?\s*\?*\s*$",
            re.IGNORECASE,
        ),
        r'qué significa "\1" significa?',
    ),
    # "los 5 mejores clientes" → "the top 5 customers".
    (re.compile(r"\b(?:los|las) (\d+|\w+) mejores\b", re.IGNORECASE), r"top \1"),
    # "los clientes de María" → the parser's possessive owner (a capitalised name after "de").
    (
        re.compile(
            rf"\b(?:los |las )?(clientes|cuentas) de (?!(?i:{COUNTRY_ALT})\b)(?![A-Z]{{2,}}\b)([A-ZÁÉÍÓÚÑ][\w-]+)\b"
        ),
        r"\2' \1",
    ),
    # "sin pedidos desde hace 3 meses" / "inactivos desde hace 3 meses" → inactivity for a duration.
    (
        re.compile(r"\b(?:desde hace|hace|durante|en) (\S+ (?:días|dias|semanas|meses|años))", re.IGNORECASE),
        r"durante \1",
    ),
    (re.compile(r"\bdurante\b", re.IGNORECASE), "for"),
    # "pospón la sugerencia de Globex una semana": the snooze's length, as English says it.
    (
        re.compile(
            r"^(\s*(?:pospón|pospon|posponer|aplaza|aplazar)\b.*?)\s+((?:una|un|\d+|\w+) (?:días?|dias?|semanas?|mes|meses))\s*([.!?]*)\s*$",
            re.IGNORECASE,
        ),
        r"\1 for \2\3",
    ),
]

SPANISH = Language(piece_table(TERMS), ES_NUMBERS, PATTERNS, frozenset({"porque"}))
