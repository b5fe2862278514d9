"""Chinese (simplified and traditional) → the plain English the parser reads.

Traditional characters are first mapped to simplified ones (one character for
one, so positions still point into the user's text and names are copied as
written). The message is then cut into the longest phrases of the domain table,
numbers and periods; Latin words ("EMEA", "champions", "Excel") and unknown
runs of characters (a customer's name) are kept as written. Chinese puts
modifiers, periods and relative clauses before the noun, so the pieces are put
back in English order by their role: ``lead measure of filter noun cond group
period tail``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .numbers import ZH_NUMBER, format_number, zh_number
from .phrases import COND, FILTER, GROUP, LEAD, MEASURE, NAME, NOUN, PERIOD, SKIP, TAIL, Lexicon, Piece, table

# Traditional → simplified, for the characters of the domain words below.
_TRAD = "戶區價將麼週單費導險點帳訂數變趨過個萬億銷經們這裡發給為嗎會與較買購額營總計議準絕報條項長時間贏潛顧國級層階細類歐亞東開關鍵維護頻預測從轉後來還請讓顯舉誰幾筆於沒兩據資閱錢貢獻佔份採場實際優統結審暫緩刪態狀設喚剛專業門電話麗勢濟鬆離歸啟決應該標況紹當顯風動覽讀號碼則漲減內調貨運務產員處對紀錄續約遠進選擇警終匯躍負責軍謝幫驗雙問題種樣釋義寫聯絡係歷覺識講說語換閉頭體齊賣貴賓穩擊圖邊戰簡靜夠確論齡紅綠藍銀輸誠別詳檔訊廣歡滿並帶禮復獲參鐘著積極幣壓節隊團連達"
_SIMP = "户区价将么周单费导险点帐订数变趋过个万亿销经们这里发给为吗会与较买购额营总计议准绝报条项长时间赢潜顾国级层阶细类欧亚东开关键维护频预测从转后来还请让显举谁几笔于没两据资阅钱贡献占份采场实际优统结审暂缓删态状设唤刚专业门电话丽势济松离归启决应该标况绍当显风动览读号码则涨减内调货运务产员处对纪录续约远进选择警终汇跃负责军谢帮验双问题种样释义写联络系历觉识讲说语换闭头体齐卖贵宾稳击图边战简静够确论龄红绿蓝银输诚别详档讯广欢满并带礼复获参钟着积极币压节队团连达"
TRAD_TO_SIMP = str.maketrans(_TRAD, _SIMP)
PUNCT = str.maketrans(
    {
        "？": "?",
        "！": "!",
        "，": ",",
        "。": ".",
        "：": ":",
        "；": ";",
        "（": "(",
        "）": ")",
        "、": ",",
        "　": " ",
    }
)
QUOTES_RE = re.compile(r"[「」『』“”\"'‘’《》]")
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
KANA_RE = re.compile(r"[\u3040-\u30ff]")

TERMS = table("""
# --- the RFM segments. Chinese practice names the eight classes of the R/F/M high-low cube
# (重要价值 … 一般挽留); they are mapped onto our R×F grid by recency and frequency:
# recent+frequent → champions / loyal, recent+rare → potential loyalist / promising,
# lapsed+frequent → can't lose / need attention, lapsed+rare → at risk / hibernating.
重要价值客户/重要价值用户/重要价值 | champions
重要发展客户/重要发展用户/重要发展 | potential loyalists
重要保持客户/重要保持用户/重要保持 | cant lose
重要挽留客户/重要挽留用户/重要挽留 | at risk
一般价值客户/一般价值用户/一般价值 | loyal
一般发展客户/一般发展用户/一般发展 | promising
一般保持客户/一般保持用户/一般保持 | need attention
一般挽留客户/一般挽留用户/一般挽留 | hibernating
冠军客户/冠军用户/冠军 | champions
忠诚客户/忠实客户/忠诚用户/忠诚 | loyal
潜在忠诚客户/潜在忠诚/潜力客户/有潜力的客户 | potential loyalists
有前途的客户/有希望的客户/有前景的客户 | promising
需要关注的客户/需要关注/需关注 | need attention
即将沉睡的客户/即将沉睡/快要沉睡/将要沉睡 | about to sleep
有风险的客户/风险客户/处于风险中的客户/处于风险/有风险 | at risk
不能失去的客户/不能失去/不能流失的客户/不能流失 | cant lose
冬眠客户/冬眠 | hibernating
# --- lifecycle
新客户/新客/新用户 | new customers
休眠客户/沉睡客户/休眠/沉睡/不活跃的/不活跃/不活跃客户 | dormant
活跃客户/活跃的/活跃 | active
下滑的/下滑/衰退/衰退中/下降中的/在下降的 | declining
已流失客户/流失客户/已流失/流失的客户 | lost customers
# --- value tiers, churn risk, key accounts
高价值/价值高的/价值高/贵宾/vip | high value
中等价值/中价值/价值中等的/价值中等 | medium value
低价值/价值低的/价值低 | low value
高流失风险/流失风险高的/流失风险高/很可能流失/可能流失/可能会流失/容易流失/快要流失的/快要流失/快流失的/快流失/即将流失的/即将流失/将要流失/面临流失/有流失风险的/有流失风险 | high churn risk
中等流失风险/流失风险中等 | medium churn risk
低流失风险/流失风险低的/流失风险低/不太可能流失 | low churn risk
重点客户/关键客户/大客户/核心客户/战略客户/关键账户/重点账户 | key accounts
非重点客户/非关键客户/非大客户 | non-key accounts
我的/我负责的/我名下的/我管理的/我有/我 | my
# --- the channel intents, named by their own nouns
细分概览/细分总览/细分分布/细分情况/细分概况/分群概览/分群总览/分群概况/分群情况/客群概览/客群总览/rfm概览/细分报告/客户分群总览/客户分群概览/客户细分总览/客户细分概览 | the segment overview | lead
重点客户摘要/重点客户简报/重点客户周报/大客户摘要/大客户简报/关键客户摘要 | the key account digest | lead
流失预警/流失警报/流失提醒/流失告警 | any churn alerts | lead
等待审批/等待批准/待审批/待批准/等待确认 | waiting for approval | cond
挽回行动/行动/操作/措施 | actions | noun
# Data the book does not have, kept as written for the parser to report ("营销活动效果怎么样").
营销活动 | 营销活动 | cond
产品 | 产品 | cond
商品 | 商品 | cond
促销活动 | 促销活动 | cond
# --- regions by code or common Chinese name
欧洲中东非洲/欧非中东 | in EMEA | cond
亚太地区/亚太区/亚太 | in APAC | cond
拉美地区/拉丁美洲/拉美 | in LATAM | cond
北美地区/北美洲/北美 | in North America | cond
# --- the noun
客户们/客户/顾客/用户/账户/公司 | customers | noun
# --- what is asked
有哪些/是哪些/哪些/哪几个/哪个/哪家 | which | lead
谁 | who | lead
有多少个/有多少位/有多少家/有多少/多少个/多少位/多少家/几个/几位/几家/数一数 | how many | lead
列出/列举/显示/展示/给我看看/给我看/看看/查看/查一下/查找/找出/找到/找/我想看看/我想看/我要看/想看看/想看 | show me | lead
导出/下载/输出 | export | lead
最多的/最多 | the most | tail
最少的/最少 | the fewest | tail
变化趋势/的趋势/趋势/走势/变化情况/怎么变化/如何变化/变化 | trend of | lead
是多少/为多少/多少/是什么/怎么样/如何 | | skip
# --- figures
平均每个客户的收入/每个客户的平均收入/人均收入/客单收入 | average revenue per customer | measure
平均订单金额/平均订单价值/平均客单价/客单价/订单均价 | average order value | measure
总收入/收入总额/总营收/总销售额/总销售 | total revenue | measure
收入/营收/销售额/营业额/销售收入/消费额/消费金额 | revenue | measure
订单数量/订单数/下单次数/订单量 | the number of orders | measure
客户数量/客户数/人数/数量/数目/个数 | the number of | measure
生命周期价值/终身价值/客户终身价值/clv | lifetime value | measure
流失概率/流失可能性 | churn probability | measure
平均/均值 | average | measure
中位数/中值 | median | measure
占比/份额/比例/所占比例/占多少比例 | share of | measure
总和/合计/总计/总共 | total | measure
# --- conditions after the noun
消费比去年少/花费比去年少/比去年消费少/比去年花得少/花得比去年少/消费减少/消费下降/花费减少 | who spend less than last year | cond
消费比去年多/花费比去年多/比去年消费多/比去年花得多/花得比去年多/消费增加/消费上升/花费增加 | who spend more than last year | cond
有下单/下过单/下了单/有订单/有购买/买过/购买过/下单/购买 | who ordered | cond
没有下单/没下单/未下单/没有订单/没有购买/没买 | who have not ordered | cond
只下过一次单/只买过一次/一次性客户/一次性买家 | who ordered only once | cond
回头客/复购客户/重复购买的客户 | repeat customers
不在 | not in | cond
除了/除 | except | cond
以外/之外 | | skip
# --- periods
今年/本年/本年度/这一年 | this year | period
去年/上一年/上年 | last year | period
本月/这个月/当月 | this month | period
上个月/上月/上一个月 | last month | period
本周/这周/这个星期/这星期/本星期 | this week | period
上周/上一周/上个星期/上星期/上礼拜/上个礼拜 | last week | period
本季度/这个季度/本季/当季 | this quarter | period
上季度/上个季度/上一季度/上一个季度/上一季/上季 | last quarter | period
今天/今日 | today | period
# --- tails
这里/这儿/本频道/这个频道 | here | tail
# --- follow-ups in a conversation
那么/那 | and | lead
把他们/把它们/他们/它们/这些客户 | them
列出来/列一下 | show me | lead
# --- particles and politeness
处于/处在/状态/属于/算是/被归为/的/了/吗/呢/吧/啊/呀/是/在/有/都/请/帮我/麻烦/一下/我们/给我/和我/一共/目前/现在/所有/全部/所有的/中/里/里面/当中/之中/为/成/按照/按/分别 | | skip
和/与/及/以及/跟 | and
或/或者 | or
对比/比较/相比/相比较/比一比 | compare | lead
# --- round 2: shares, comparisons of periods, recency, first orders, exports
占总收入的比例/占总收入比例/占总营收的比例/占总营收比例/占收入的比例/占营收的比例/收入占比/营收占比/收入的占比/占总收入的百分比/占总收入多少 | share of revenue | measure
占/占了/而且/并且/同时/还有 | | skip
比起来如何/比起来怎么样/比起来/比较起来如何/比较起来/相比如何/相比怎么样 | | skip
多少天没下单/多少天没有下单/多少天未下单/多久没下单/多久没有下单/几天没下单/多少天没买/多久没买 | days since the last order | measure
距上次下单的天数/距离上次下单的天数/上次下单至今的天数/最近一次下单距今天数 | days since the last order | measure
第一次下单的/第一次下单/首次下单的/首次下单/第一次购买的/第一次购买/首次购买/首单 | who placed their first order | cond
汇出/导出成/导出为 | export | lead
百分比/百分之几 | share of | measure
最有价值的/最有价值 | most valuable
最/最高的 | | skip
""")
LEXICON = Lexicon(TERMS)

GROUP_WORDS = {
    "区域": "region",
    "地区": "region",
    "大区": "region",
    "国家": "country",
    "细分": "segment",
    "分群": "segment",
    "客群": "segment",
    "群组": "segment",
    "rfm分群": "segment",
    "生命周期阶段": "lifecycle stage",
    "生命周期": "lifecycle stage",
    "阶段": "lifecycle stage",
    "价值层级": "value tier",
    "价值等级": "value tier",
    "价值层": "value tier",
    "客户经理": "account manager",
    "销售": "account manager",
    "负责人": "account manager",
    "行业": "industry",
    "流失风险等级": "churn risk",
    "风险等级": "churn risk",
}
_GROUP_ALT = "|".join(sorted(GROUP_WORDS, key=len, reverse=True))
GROUP_RE = re.compile(rf"(?:各个|各|每个|每一个|每|按照|按|分)({_GROUP_ALT})(?:划分|分组|来分|分)?")
INTERVALS = {
    "周": "weekly",
    "星期": "weekly",
    "月": "monthly",
    "季度": "quarterly",
    "季": "quarterly",
    "年": "yearly",
}
INTERVAL_RE = re.compile(r"(?:每一?个?|按|逐)(周|星期|月|季度|季|年)(?:的|度)?")
UNITS = {
    "天": "days",
    "日": "days",
    "周": "weeks",
    "星期": "weeks",
    "礼拜": "weeks",
    "个月": "months",
    "月": "months",
    "年": "years",
    "季度": "quarters",
}
_UNIT_ALT = "天|日|周|星期|礼拜|个月|月|年|季度"
N = rf"({ZH_NUMBER})"
# "半年没有下单", "半个月没买": half a unit without orders (half a year is 180 days, as in English).
INACTIVE_HALF_RE = re.compile(
    r"(?:超过|已经|已|有)?半个?(年|月)(?:以上|多)?(?:都|内|里)?(?:没有|没|未|无)(?:下单|订单|购买|买|下过单|消费)"
)
# "收入最高的五个客户", "给我看十个客户": a number of customers is the list's length.
COUNT_OF_CUSTOMERS_RE = re.compile(rf"{N}(?:个|位|家|名)(?=的?(?:客户|顾客|公司|账户|用户))")
# "过去6个月" / "最近30天" / "近三个月内": the N units up to the snapshot.
LAST_N_RE = re.compile(rf"(?:过去|最近|近|前|这)的?{N}个?({_UNIT_ALT})(?:内|里|以来|来|之内)?")
# "最近半年" / "过去半个月": half a unit up to the snapshot (half a year is 180 days, as in English).
LAST_HALF_RE = re.compile(r"(?:过去|最近|近|这)的?半个?(年|月)(?:内|里|以来|来|之内)?")
HALF_DAYS = {"年": 180, "月": 15}
# "3个月没有下单" / "超过60天没订单": a stated inactivity.
INACTIVE_RE = re.compile(
    rf"(?:超过|已经|已|有)?{N}个?({_UNIT_ALT})(?:以上|多)?(?:都|内|里)?(?:没有|没|未|无)(?:下单|订单|购买|买|下过单|消费)"
)
MONTHS = [
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
]
YEAR_QUARTER_RE = re.compile(r"(\d{4})\s*年?\s*(?:第\s*([一二三四1-4])\s*季度?|q([1-4]))", re.IGNORECASE)
YEAR_MONTH_RE = re.compile(rf"(\d{{4}})\s*年\s*{N}\s*月(?:份)?")
YEAR_RE = re.compile(r"(\d{4})\s*年(?:度)?")
SINCE_MONTH_RE = re.compile(rf"(?:自|从|自从){N}月(?:份)?(?:以来|开始|起|至今)")
# "十月的收入", "在3月": a month without its year (the parser takes the last one up to the book's day).
BARE_MONTH_RE = re.compile(
    r"(?<![\d年个第上下本这每])(?:在)?(十[一二]|[一二三四五六七八九十]|1[0-2]|[1-9])月(?:份)?(?!\d)"
)
ORDERS_RE = re.compile(
    rf"(超过|多于|大于|高于|至少|最少|不少于|少于|低于|小于|不到|不足|未满|不超过|最多){N}(?:个|笔|次|单)?(?:订单|单|次订单|次)"
    rf"|(?:订单|下单)(?:数|次数|数量)?(超过|多于|大于|高于|至少|少于|低于|不到|不足|未满|不超过|最多){N}(?:个|笔|次|单)?"
)
ORDER_WORDS = {
    "超过": "more than",
    "多于": "more than",
    "大于": "more than",
    "高于": "more than",
    "至少": "at least",
    "最少": "at least",
    "不少于": "at least",
    "少于": "fewer than",
    "低于": "fewer than",
    "小于": "fewer than",
    "不到": "fewer than",
    "不足": "fewer than",
    "未满": "fewer than",
    "不超过": "at most",
    "最多": "at most",
}
MONEY_RE = re.compile(
    rf"(?:消费|花费|花了|收入|营收|销售额|贡献)(?:金额)?(超过|多于|大于|高于|至少|少于|低于|小于|不超过){N}(?:元|块|美元|欧元)?"
)
MONEY_WORDS = {
    "超过": "over",
    "多于": "over",
    "大于": "over",
    "高于": "over",
    "至少": "at least",
    "少于": "under",
    "低于": "under",
    "小于": "under",
    "不超过": "under",
}
SUPER_RE = re.compile(
    r"(收入|营收|销售额|消费|花费|生命周期价值|终身价值|clv|订单数|订单|流失风险|风险)(?:最高|最多|最大)(?:的)?"
)
SUPER_WORDS = {
    "收入": "revenue",
    "营收": "revenue",
    "销售额": "revenue",
    "消费": "revenue",
    "花费": "revenue",
    "生命周期价值": "clv",
    "终身价值": "clv",
    "clv": "clv",
    "订单数": "orders",
    "订单": "orders",
    "流失风险": "churn risk",
    "风险": "churn risk",
}
TOP_RE = re.compile(rf"(?:前|排名前|top\s*){N}(?:名|个|位|家)?", re.IGNORECASE)
SORT_RE = re.compile(
    r"(?:按|按照)(收入|营收|销售额|生命周期价值|终身价值|clv|流失风险|风险|订单数|订单)(?:从高到低|降序)?(?:排序|排名|排列|排)"
)
SORT_WORDS = {
    "收入": "revenue",
    "营收": "revenue",
    "销售额": "revenue",
    "生命周期价值": "clv",
    "终身价值": "clv",
    "clv": "clv",
    "流失风险": "churn risk",
    "风险": "churn risk",
    "订单数": "orders",
    "订单": "orders",
}
MOVEMENT_RE = re.compile(
    r"从(.+?)(?:变成了|变成|变为|转为|转成|掉到|降到|跌到|降为|变到|到|成为|成了)(.+?)(?:的)?(?:客户|顾客)?(?:有哪些|是哪些|是谁|有谁|了)?[?]?$"
)
DEFINE_RES = (
    re.compile(r"^(?:什么是|啥是|何为|何谓)(.+?)[?]?$"),
    re.compile(
        r"^(.+?)(?:是什么意思|什么意思|是什么|是啥意思|是啥|的意思是什么|的意思|指的是什么|的定义是什么|的定义)[?]?$"
    ),
    re.compile(
        r"^(.+?)(?:是怎么计算的|怎么计算|如何计算|是如何计算的|怎么算|是怎么算的|如何估算|是怎么估算的|怎么估算)(?:的)?[?]?$"
    ),
)
DEFINE_TERMS = table("""
rfm | rfm
最近一次消费/最近购买时间/近度 | recency
消费频率/购买频率/频率 | frequency
消费金额/金额 | monetary
客户生命周期价值/生命周期价值/终身价值/clv | lifetime value
流失风险 | churn risk
存活概率/活跃概率/p(alive) | p(alive)
重点客户/大客户/关键客户 | key account
价值层级/价值等级 | value tier
生命周期阶段/生命周期 | lifecycle
细分/分群 | segment
""")
PROFILE_RE = re.compile(
    r"^(?:告诉我|说说|介绍一下|介绍|讲讲|查看|看看|显示)(?:一下)?(?:关于)?(.+?)(?:的)?(?:情况|资料|档案|信息|详情|概况)?[?]?$"
)
EXPLAIN_RE = re.compile(
    r"^为什么(?:说)?(.+?)(?:会被|会是|会有|会|被列为|被归为|被|是|处于|有|属于|算)(.*?)[?]?$"
)
EXPLAIN_BARE_RE = re.compile(r"^为什么(?:说)?(.+?)[?]?$")
PROFILE2_RE = re.compile(r"^(.+?)的?(?:资料|档案|详情|概况|情况|信息)[?]?$")
PROPOSE_RE = re.compile(
    r"^(?:给|为|对)(.+?)(?:提供|提出|提|建议|推荐|出|做|制定|拟|想)(?:一个|一下|个|一份|份)?(?:挽回|挽留|召回|赢回)(?:方案|建议|措施|行动|计划)?[?]?$"
)
PROPOSE2_RE = re.compile(r"^(?:怎么|如何|怎样)(?:挽回|挽留|召回|赢回)(.+?)[?]?$")
DECIDE_RE = re.compile(
    r"^(批准|同意|通过|拒绝|驳回|推迟|暂缓|延后)\s*(?:第|建议|#)?\s*(\d+)\s*(?:号|条|个)?(?:建议)?[,]?\s*(.*)$"
)
DECIDE_WORDS = {
    "批准": "approve",
    "同意": "approve",
    "通过": "approve",
    "拒绝": "reject",
    "驳回": "reject",
    "推迟": "snooze",
    "暂缓": "snooze",
    "延后": "snooze",
}
# "把 Globex 的建议推迟两周": the decision on the suggestion for a named customer.
DECIDE_NAMED_RE = re.compile(
    r"^把\s*(.+?)\s*的?(?:建议|推荐|方案|挽回方案|行动)\s*(批准|同意|通过|拒绝|驳回|推迟|暂缓|延后)(?:了|掉)?(.*)$"
)
# "哪个国家的休眠客户最多": a ranking of groups.
RANK_GROUP_RE = re.compile(
    rf"^(?:哪个|哪一个|哪些|哪家|哪位)({_GROUP_ALT})(?:的)?(.+?)(最多|最高|最大|最少|最低)(?:的)?[?]?$"
)
RANK_WORDS = {
    "最多": "the most",
    "最高": "the most",
    "最大": "the most",
    "最少": "the fewest",
    "最低": "the fewest",
}
# "除了 John 负责的之外", "不属于Maria的": customers of an account manager, left out.
EXCEPT_OWNER_RE = re.compile(
    r"除了?\s*([A-Za-z][\w\-]*(?: [A-Z][\w\-]*)?)\s*(?:负责|管理|名下)的?(?:客户)?(?:之外|以外)?"
    r"|(?:不属于|不归|不是|并非|非)\s*([A-Za-z][A-Za-z\-]*(?: [A-Z][A-Za-z\-]*)?)\s*(?:负责|管理|名下)?的"
)
# "除了 John 的客户以外": a person's customers (the text is lower-cased here; a region code is a place).
EXCEPT_OWNERS_CUSTOMERS_RE = re.compile(
    r"除了?\s*(?!(?:emea|apac|latam|dach|amer|eu|us|uk)\b)([a-z][\w\-]*)\s*的(?:客户|顾客)(?:之外|以外)(?:的)?"
)
REASON_RE = re.compile(r"(?:因为|原因是|理由是)(.+)$")
# Scheduled posts: "每周一早上9点在这里发重点客户周报", "停止在这个频道发送流失预警".
POST_TOPICS = (
    (
        re.compile(
            r"重点客户(?:周报|摘要|简报|报告)|大客户(?:周报|摘要|简报)|关键客户(?:周报|摘要)|周报|摘要|简报"
        ),
        "the key account digest",
    ),
    (re.compile(r"流失(?:预警|警报|提醒|告警)|预警|警报"), "churn alerts"),
)
SEND_RE = re.compile(r"发送|推送|发布|发到|发在|发给|发|贴|订阅")
STOP_SENDING_RE = re.compile(r"^(?:请)?(?:停止|不要再|别再|不再|取消|退订)")
HERE_RE = re.compile(r"这里|这儿|本频道|这个频道|此频道|该频道")
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS = (
    dict(zip("一二三四五六日", _DAY_NAMES, strict=True))
    | dict(zip("1234567", _DAY_NAMES, strict=True))
    | {"天": "sunday"}
)
WEEKDAY_RE = re.compile(r"(?:每个?|每逢)(?:周|星期|礼拜)([一二三四五六日天1-7])")
DAILY_RE = re.compile(r"每天|每日|天天|每个工作日|工作日")
CLOCK_RE = re.compile(rf"(早上|上午|早晨|中午|下午|晚上|傍晚)?\s*{N}\s*(?:点|时)(半|(\d{{1,2}})分?)?")
WHOLE = table("""
你好/您好/嗨/哈喽/早上好/下午好/晚上好 | hi
谢谢/谢谢你/多谢/感谢/谢了/谢啦/谢谢啦/多谢啦/谢喽/感谢感谢/好的谢谢/非常感谢 | thanks
很有帮助/有帮助/太好了/好的/收到/明白了/了解/很好/不错/辛苦了 | thanks
帮助/帮忙/你能做什么/你会做什么/你可以做什么/你能干什么/怎么用 | help
""")


def _n(text: str) -> str:
    value = zh_number(text)
    return format_number(value) if value is not None else text


def _segment(text: str, original: str) -> list[Piece]:
    """Cut one message into pieces, longest phrase first (``original`` gives names as written)."""
    pieces: list[Piece] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace() or ch in ",.;:()!":
            i += 1
            continue
        if ch == "?":
            pieces.append(Piece("?", TAIL))
            i += 1
            continue
        found = _special(text, i)
        if found is None and not (ch.isascii() and ch.isalnum()):
            found = LEXICON.match_chars(text, i)
        if found is not None:
            size, piece = found
            if piece.text in ("and", "or") and pieces:
                # A conjunction joins what it stands between: it takes the role of the word before it.
                piece = Piece(piece.text, pieces[-1].role)
            pieces.append(piece)
            i += size
            continue
        if ch.isascii():
            m = re.compile(r"[A-Za-z0-9][A-Za-z0-9'&._\- ]*[A-Za-z0-9]|[A-Za-z0-9]").match(text, i)
            end = m.end() if m else i + 1
            pieces.append(_latin(original[i:end]))
            i = end
            continue
        # A run of characters that are in no table: a name, kept as written.
        j = i + 1
        while (
            j < len(text)
            and CJK_RE.match(text[j])
            and _special(text, j) is None
            and LEXICON.match_chars(text, j) is None
        ):
            j += 1
        pieces.append(Piece(original[i:j], NAME))
        i = j
    return pieces


def _latin(word: str) -> Piece:
    lower = word.lower()
    if lower in ("excel", "xlsx", "csv", "spreadsheet"):
        return Piece(f"as {lower}", TAIL)
    piece = TERMS.get(lower)
    if piece is not None:
        return piece
    # A code in capitals ("EMEA", "APAC") is a region; anything else (a segment name said in
    # English, a person) reads the same in the English sentence.
    if re.fullmatch(r"[A-Z]{2,6}", word):
        return Piece(f"in {word}", COND)
    return Piece(word, FILTER)


def _special(text: str, i: int) -> tuple[int, Piece] | None:
    """Numbers, periods, groups and conditions that carry a value, at position ``i``."""
    for regex, build in _SPECIALS:
        m = regex.match(text, i)
        if m:
            return m.end() - i, build(m)
    return None


def _unit(m: re.Match[str], number: int, unit: int) -> str:
    n = _n(m.group(number))
    word = UNITS[m.group(unit)]
    return f"{n} {word[:-1] if n == '1' else word}"


_SPECIALS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], Piece]]] = []


def _register() -> None:
    _SPECIALS.extend(
        [
            (GROUP_RE, lambda m: Piece(f"by {GROUP_WORDS[m.group(1)]}", GROUP)),
            (EXCEPT_OWNER_RE, lambda m: Piece(f"except owned by {m.group(1) or m.group(2)}", COND)),
            (EXCEPT_OWNERS_CUSTOMERS_RE, lambda m: Piece(f"except owned by {m.group(1)}", COND)),
            (INTERVAL_RE, lambda m: Piece(INTERVALS[m.group(1)], TAIL)),
            (YEAR_QUARTER_RE, lambda m: Piece(f"in Q{_n(m.group(2) or m.group(3))} {m.group(1)}", PERIOD)),
            (YEAR_MONTH_RE, lambda m: Piece(f"in {MONTHS[int(_n(m.group(2))) - 1]} {m.group(1)}", PERIOD)),
            (YEAR_RE, lambda m: Piece(f"in {m.group(1)}", PERIOD)),
            (SINCE_MONTH_RE, lambda m: Piece(f"since {MONTHS[int(_n(m.group(1))) - 1]}", PERIOD)),
            (BARE_MONTH_RE, lambda m: Piece(f"in {MONTHS[int(_n(m.group(1))) - 1]}", PERIOD)),
            (INACTIVE_RE, lambda m: Piece(f"who have not ordered in {_unit(m, 1, 2)}", COND)),
            (
                INACTIVE_HALF_RE,
                lambda m: Piece(f"who have not ordered in {HALF_DAYS[m.group(1)]} days", COND),
            ),
            (LAST_N_RE, lambda m: Piece(f"{{in}} the last {_unit(m, 1, 2)}", PERIOD)),
            (LAST_HALF_RE, lambda m: Piece(f"{{in}} the last {HALF_DAYS[m.group(1)]} days", PERIOD)),
            (ORDERS_RE, _orders),
            (MONEY_RE, lambda m: Piece(f"who spent {MONEY_WORDS[m.group(1)]} {_n(m.group(2))}", COND)),
            (SORT_RE, lambda m: Piece(f"sorted by {SORT_WORDS[m.group(1).lower()]}", TAIL)),
            (SUPER_RE, lambda m: Piece(f"by {SUPER_WORDS[m.group(1).lower()]}", TAIL)),
            (TOP_RE, lambda m: Piece(f"top {_n(m.group(1))}", LEAD)),
            (COUNT_OF_CUSTOMERS_RE, lambda m: Piece(f"top {_n(m.group(1))}", LEAD)),
        ]
    )


def _orders(m: re.Match[str]) -> Piece:
    word = m.group(1) or m.group(3)
    number = m.group(2) or m.group(4)
    return Piece(f"with {ORDER_WORDS[word]} {_n(number)} orders", COND)


_register()


def _assemble(pieces: list[Piece]) -> str:
    """Write the pieces in English order (see the module's docstring)."""
    by: dict[str, list[str]] = {}
    for piece in pieces:
        if piece.text and piece.role != SKIP:
            by.setdefault(piece.role, []).append(piece.text)
    leads = by.get(LEAD, [])
    if any(t.startswith("by ") for t in by.get(TAIL, [])) and not any(w.startswith("top") for w in leads):
        leads.append("top")
    measures = by.get(MEASURE, [])
    trend = "trend of" in leads
    if measures and any(
        m not in ("the number of", "weekly", "monthly", "quarterly", "yearly") for m in measures
    ):
        # "收入有多少" asks for an amount, not a count.
        leads = [w for w in leads if w != "how many"]
    if "how many" in leads and "the number of" in measures:
        measures.remove("the number of")
    question = by.get(TAIL, []).count("?") > 0
    tails = [t for t in by.get(TAIL, []) if t != "?"]
    subject = by.get(FILTER, []) + by.get(NAME, []) + by.get(NOUN, [])[:1]
    words: list[str] = []
    words += _dedupe(leads)
    if measures:
        words += measures
        if subject and not measures[-1].endswith("of"):
            words.append("of")
        elif not subject and measures[-1].endswith(" of"):
            words.append("customers")
    words += subject
    conds = by.get(COND, [])
    if "which" in leads:
        # "哪些客户的消费比去年少" → "which customers spend less", not "which customers who spend less".
        conds = [c.removeprefix("who ") for c in conds]
    words += conds
    words += by.get(GROUP, [])
    periods = [p.replace("{in}", "over" if trend else "in") for p in by.get(PERIOD, [])]
    words += periods + tails
    text = " ".join(words)
    text = re.sub(r"\b(and|or) (and|or)\b", r"\1", text)
    text = re.sub(r"\b(in|not in) in\b", r"\1", text)
    text = re.sub(r"\bin (\S+) (and|or) in\b", r"in \1 \2", text)
    text = re.sub(r"^(and|or) | (and|or)$", "", text)
    return text + ("?" if question else "")


def _dedupe(words: list[str]) -> list[str]:
    seen: list[str] = []
    for w in words:
        if w not in seen:
            seen.append(w)
    return seen


def _phrase(text: str, original: str) -> str:
    """A stretch of a message (a label, a term) in English."""
    return _assemble([p for p in _segment(text, original) if p.role != LEAD])


def _schedule_post(bare: str) -> str | None:
    """A post in this channel, on a schedule or stopped: "every monday at 9:00 post the digest here"."""
    topic = next((name for regex, name in POST_TOPICS if regex.search(bare)), None)
    stop = STOP_SENDING_RE.search(bare) is not None
    if topic is None or not (stop or SEND_RE.search(bare)):
        return None
    if stop:
        return f"stop sending {topic} here"
    day = WEEKDAY_RE.search(bare)
    words = [f"post {topic} here"]
    if day:
        words.append(f"every {WEEKDAYS[day.group(1)]}")
    elif DAILY_RE.search(bare):
        words.append("every day")
    elif not HERE_RE.search(bare):
        return None  # "发给我重点客户摘要": the digest now, to the asker
    clock = CLOCK_RE.search(bare)
    if clock:
        hour = int(_n(clock.group(2)))
        if clock.group(1) in ("下午", "晚上", "傍晚") and hour < 12:
            hour += 12
        minutes = 30 if clock.group(3) == "半" else int(clock.group(4) or 0)
        words.append(f"at {hour}:{minutes:02d}")
    return " ".join(words)


def _whole(text: str, original: str) -> str | None:
    """Whole-message forms: greetings, definitions, one customer, decisions, movements, scheduled posts."""
    bare = text.strip(" ?!.,")
    post = _schedule_post(bare)
    if post is not None:
        return post
    if bare in WHOLE:
        return WHOLE[bare].text
    # An emoji after the thanks ("收到,谢啦 👍") is no word.
    parts = [p for p in re.split(r"[ ?!.,]+", bare) if any(ch.isalnum() for ch in p)]
    if len(parts) > 1 and all(p in WHOLE for p in parts):
        return WHOLE[parts[0]].text  # "谢谢,很有帮助!"
    for regex in DEFINE_RES:
        m = regex.match(bare)
        if m:
            term = m.group(1).strip()
            known = DEFINE_TERMS.get(term.lower())
            english = known.text if known else _phrase(term, original[m.start(1) : m.end(1)])
            if regex is DEFINE_RES[2]:
                return f"how do you calculate {english}?"
            return f'what does "{english}" mean?'
    m = DECIDE_NAMED_RE.match(bare)
    if m:
        name = original[m.start(1) : m.end(1)].strip()
        out = f"{DECIDE_WORDS[m.group(2)]} the suggestion for {name}"
        span = re.search(rf"{N}个?({_UNIT_ALT})", m.group(3))
        if DECIDE_WORDS[m.group(2)] == "snooze" and span:
            out += f" for {_unit(span, 1, 2)}"
        return out
    m = RANK_GROUP_RE.match(bare)
    if m:
        rest = _phrase(m.group(2), original[m.start(2) : m.end(2)])
        return f"which {GROUP_WORDS[m.group(1)]} has {RANK_WORDS[m.group(3)]} {rest}?"
    m = DECIDE_RE.match(bare)
    if m:
        decision = DECIDE_WORDS[m.group(1)]
        rest = m.group(3)
        reason = REASON_RE.search(rest)
        out = f"{decision} {m.group(2)}"
        if reason:
            out += f" because {original[len(original) - len(rest) + reason.start(1) :].strip(' ?!.,。')}"
        if decision == "snooze":
            span = re.search(rf"{N}个?({_UNIT_ALT})", rest)
            if span:
                out += f" for {_unit(span, 1, 2)}"
        return out
    m = MOVEMENT_RE.search(bare)
    if m:
        start = bare.find("从")
        lead = _assemble([p for p in _segment(bare[:start], original[:start]) if p.role != NOUN])
        source = _phrase(m.group(1), original[m.start(1) : m.end(1)])
        target = _phrase(m.group(2), original[m.start(2) : m.end(2)])
        lead = " ".join(w for w in lead.split() if w not in ("which", "who", "show", "me"))
        return " ".join(w for w in (lead, f"which customers went from {source} to {target}?") if w)
    m = PROPOSE_RE.match(bare) or PROPOSE2_RE.match(bare)
    if m:
        return f"suggest a win-back for {original[m.start(1) : m.end(1)].strip()}"
    m = EXPLAIN_RE.match(bare) or EXPLAIN_BARE_RE.match(bare)
    if m:
        name = original[m.start(1) : m.end(1)].strip()
        return f"why is {name} at risk?"
    m = PROFILE_RE.match(bare) or PROFILE2_RE.match(bare)
    if m and all(
        p.role == NAME or p.text == original[m.start(1) : m.end(1)].strip()
        for p in _segment(m.group(1), original[m.start(1) : m.end(1)])
    ):
        return f"tell me about {original[m.start(1) : m.end(1)].strip()}"
    return None


def to_english(text: str) -> str:
    """Rewrite a Chinese message as the plain English the parser reads.

    Parameters
    ----------
    text : str
        The message as typed (simplified or traditional, Latin words mixed in).

    Returns
    -------
    str
        Plain English, e.g. "各区域的收入是多少?" → "revenue by region?".
    """
    original = QUOTES_RE.sub(" ", text.translate(PUNCT)).strip()
    simple = original.translate(TRAD_TO_SIMP).lower()
    whole = _whole(simple, original)
    if whole is not None:
        return whole
    return _assemble(_segment(simple, original))
