"""The words of the sample site's pages: grade words, per-cycle wordings, report-page wordings.

Mostly the real site's formulaic text (the peel-site.md sections are noted), plus peelpipe's own
sentences where marked. The renderers (markup, pillar_pages, report_pages) and the checks use them.
"""

from __future__ import annotations

SITE_NAME = "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services"
REAL_HOST = "https://hmicfrs.justiceinspectorates.gov.uk"
PILLARS = ("effectiveness", "efficiency", "legitimacy")
CYCLES = ("2014", "2015", "2016", "2017", "2018-19")  # pillar cycles: landing page + pillar pages
REPORT_CYCLES = ("2021-22", "2023-25")  # report cycles: one report page
ALL_CYCLES = CYCLES + REPORT_CYCLES
GRADE_WORDS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "adequate": "Adequate",  # five-tier scale, report cycles only
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
ABBREV = {"outstanding": "O", "good": "G", "adequate": "A", "requires_improvement": "RI", "inadequate": "I"}

# ---- per-cycle wording -------------------------------------------------------------------

CYCLE_YEAR = {
    "2014": "2014",
    "2015": "2015",
    "2016": "2016",
    "2017": "2017",
    "2018-19": "2018/19",
    "2021-22": "2021/22",
    "2023-25": "2023\u201325",
}
# pillar sub-page titles say "<Force> PEEL 2018" even for 2018/19 (peel-site.md 1.2)
PILLAR_TITLE_YEAR = {"2014": "2014", "2015": "2015", "2016": "2016", "2017": "2017", "2018-19": "2018"}
SEGMENT = {"2014": "peel-2014", "2015": "peel-2015", "2016": "peel-2016", "2017": "peel-2017", "2018-19": "peel-2018"}
INTRO = {  # the landing page's first sentence (peel-site.md 1.2)
    "2014": "This is HMIC's first PEEL assessment of {name}.",
    "2015": "This is HMIC's second PEEL assessment of {name}.",
    "2016": "This is HMIC's third PEEL assessment of {name}.",
    "2017": "This is HMICFRS’ fourth PEEL assessment of {name}.",
    "2018-19": "This is HMICFRS's fifth PEEL assessment of {name}.",
}
INTRO_MORE = {  # peelpipe's own words
    "2014": "PEEL looks at police effectiveness, efficiency and legitimacy. In this first year the "
    "assessment drew together several separate inspections.",
    "2015": "PEEL looks at police effectiveness, efficiency and legitimacy. The findings for each "
    "pillar were published at different times during the year.",
    "2016": "PEEL looks at police effectiveness, efficiency and legitimacy, and at leadership. Each "
    "pillar below links to its own report page.",
    "2017": "PEEL looks at police effectiveness, efficiency and legitimacy. Each pillar below "
    "links to a page with the questions we asked and what we found.",
    "2018-19": "In 2018/19 we inspected effectiveness, efficiency and legitimacy together, in one "
    "integrated assessment, and published the results in three tranches.",
}
PILLAR_QUESTION = {  # the pillar's headline question or heading on its page
    "2014": {
        "effectiveness": "How well the force tackles crime",
        "efficiency": "How well the force delivers value for money",
    },
    "2015": {
        "effectiveness": "How effective is the force at keeping people safe and reducing crime?",
        "efficiency": "How efficient is the force at keeping people safe and reducing crime?",
        "legitimacy": "How legitimate is the force at keeping people safe and reducing crime?",
    },
    "2018-19": {
        "effectiveness": "How effectively does the force reduce crime and keep people safe?",
        "efficiency": "How efficiently does the force operate and how sustainable are its services to the public?",
        "legitimacy": "How legitimately does the force treat the public and its workforce?",
    },
}
PILLAR_QUESTION["2016"] = PILLAR_QUESTION["2015"]
PILLAR_QUESTION["2017"] = PILLAR_QUESTION["2015"]

# Question wordings per cycle, in the order the site numbers them (peel-site.md 2.3-2.7).
_EFF_2016 = [
    (
        "effectiveness.preventing-crime",
        "How effective is the force at preventing crime, tackling anti-social behaviour and keeping people safe?",
    ),
    (
        "effectiveness.investigating-crime",
        "How effective is the force at investigating crime and reducing re-offending?",
    ),
    (
        "effectiveness.protecting-vulnerable",
        "How effective is the force at protecting those who are vulnerable from harm, and supporting victims?",
    ),
    ("effectiveness.serious-organised-crime", "How effective is the force at tackling serious and organised crime?"),
    ("effectiveness.specialist-capabilities", "How effective are the force’s specialist capabilities?"),
]
_LEGIT_2016 = [
    (
        "legitimacy.fair-treatment",
        "To what extent does the force treat all of the people it serves with fairness and respect?",
    ),
    (
        "legitimacy.ethical-behaviour",
        "How well does the force ensure that its workforce behaves ethically and lawfully?",
    ),
    ("legitimacy.workforce-fairness", "To what extent does the force treat its workforce with fairness and respect?"),
]
QUESTIONS: dict[str, dict[str, list[tuple[str, str]]]] = {
    "2014": {
        "effectiveness": [
            ("effectiveness.reducing-crime", "How effective is the force at reducing crime and preventing offending?"),
            ("effectiveness.investigating-offending", "How effective is the force at investigating offending?"),
            ("effectiveness.anti-social-behaviour", "How effective is the force at tackling anti-social behaviour?"),
        ],
        "efficiency": [
            (
                "efficiency.financial-position",
                "To what extent is the force taking steps to ensure a secure financial position for the short and long term?",
            ),
            ("efficiency.workforce-model", "To what extent has the force got an affordable way of providing policing?"),
        ],
    },
    "2015": {
        "effectiveness": [
            (
                "effectiveness.preventing-crime",
                "How effective is the force at preventing crime and anti-social behaviour, and keeping people safe?",
            ),
            (
                "effectiveness.investigating-crime",
                "How effective is the force at investigating crime and managing offenders?",
            ),
            (
                "effectiveness.protecting-vulnerable",
                "How effective is the force at protecting from harm those who are vulnerable, and supporting victims?",
            ),
            (
                "effectiveness.serious-organised-crime",
                "How effective is the force at tackling serious and organised crime, including its arrangement for fulfilling its national policing responsibilities?",
            ),
        ],
        "efficiency": [
            ("efficiency.use-of-resources", "How well does the force use its resources to meet its demand?"),
            ("efficiency.workforce-model", "How sustainable and affordable is the workforce model?"),
            (
                "efficiency.financial-position",
                "How sustainable is the force's financial position for the short and long term?",
            ),
        ],
        "legitimacy": [
            (
                "legitimacy.ethical-culture",
                "To what extent does practice and behaviour reinforce the wellbeing of staff and an ethical culture?",
            ),
            (
                "legitimacy.crime-recording",
                "To what extent are forces recording crimes in accordance with the Home Office Counting Rules?",
            ),
            (
                "legitimacy.fair-treatment",
                "How well does the force understand, engage with and treat fairly the people it serves to maintain and improve its legitimacy?",
            ),
            (
                "legitimacy.stop-and-search",
                "To what extent are decisions taken on the use of stop and search and Taser fair and appropriate?",
            ),
        ],
    },
    "2016": {
        "effectiveness": _EFF_2016,
        "efficiency": [
            (
                "efficiency.understanding-demand",
                "How well does the force understand its current and likely future demand?",
            ),
            ("efficiency.use-of-resources", "How well does the force use its resources to manage current demand?"),
            ("efficiency.planning-for-future", "How well is the force planning for demand in the future?"),
        ],
        "legitimacy": _LEGIT_2016,
    },
    "2017": {
        "effectiveness": _EFF_2016,
        "efficiency": [
            ("efficiency.understanding-demand", "How well does the force understand demand?"),
            ("efficiency.use-of-resources", "How well does the force use its resources?"),
            ("efficiency.planning-for-future", "How well is the force planning for the future?"),
        ],
        "legitimacy": _LEGIT_2016,
    },
    "2018-19": {
        "effectiveness": _EFF_2016,
        "efficiency": [
            ("efficiency.use-of-resources", "How well does the force use its resources to meet the demand it faces?"),
            ("efficiency.planning-for-future", "How well does the force plan for the future?"),
        ],
        "legitimacy": _LEGIT_2016,
    },
}

# What a graded sentence says the force is good (etc.) at: "<Force> is good at <activity>."
PILLAR_ACTIVITY = {
    ("2014", "efficiency"): "delivering value for money",
    ("2015", "effectiveness"): "keeping people safe and reducing crime",
    ("2015", "efficiency"): "using its resources efficiently to keep people safe and reduce crime",
    ("2015", "legitimacy"): "acting legitimately in the way it keeps people safe and reduces crime",
    ("2018-19", "effectiveness"): "reducing crime and keeping people safe",
    ("2018-19", "efficiency"): "operating efficiently and running services that are sustainable",
    ("2018-19", "legitimacy"): "treating the public and its workforce legitimately",
}
for _c in ("2016", "2017"):
    for _p in PILLARS:
        PILLAR_ACTIVITY[(_c, _p)] = PILLAR_ACTIVITY[("2015", _p)]

QUESTION_ACTIVITY = {
    "effectiveness.reducing-crime": "reducing crime and preventing offending",
    "effectiveness.investigating-offending": "investigating offending",
    "effectiveness.anti-social-behaviour": "tackling anti-social behaviour",
    "effectiveness.preventing-crime": "preventing crime, tackling anti-social behaviour and keeping people safe",
    "effectiveness.investigating-crime": "investigating crime and reducing re-offending",
    "effectiveness.protecting-vulnerable": "protecting those who are vulnerable from harm, and supporting victims",
    "effectiveness.serious-organised-crime": "tackling serious and organised crime",
    "efficiency.use-of-resources": "using its resources to meet the demand it faces",
    "efficiency.planning-for-future": "planning for the future",
    "legitimacy.fair-treatment": "treating all of the people it serves with fairness and respect",
    "legitimacy.ethical-behaviour": "ensuring that its workforce behaves ethically and lawfully",
    "legitimacy.workforce-fairness": "treating its workforce with fairness and respect",
}
QUESTION_ACTIVITY_2015 = {
    "effectiveness.preventing-crime": "preventing crime and anti-social behaviour, and keeping people safe",
    "effectiveness.investigating-crime": "investigating crime and managing offenders",
    "effectiveness.protecting-vulnerable": "protecting from harm those who are vulnerable, and supporting victims",
    "effectiveness.serious-organised-crime": "tackling serious and organised crime, including its arrangements for its national policing responsibilities",
}
# 2014 landing sentence: "requires improvement in the way it <verb phrase>"
VERB_2014 = {
    "effectiveness.reducing-crime": "reduces crime and prevents offending",
    "effectiveness.investigating-offending": "investigates offending",
    "effectiveness.anti-social-behaviour": "tackles anti-social behaviour",
}

# "Last updated" dates (peel-site.md 1.2). 2014 effectiveness: the cycle's publication date.
LAST_UPDATED = {
    "2014": {"effectiveness": "27/11/2014", "efficiency": "12/11/2014"},
    "2015": {"effectiveness": "18/02/2016", "efficiency": "20/10/2015", "legitimacy": "11/02/2016"},
    "2016": {"effectiveness": "02/03/2017", "efficiency": "03/11/2016", "legitimacy": "08/12/2016"},
    "2017": {"effectiveness": "22/03/2018", "efficiency": "09/11/2017", "legitimacy": "12/12/2017"},
}
TRANCHE_DATE = {1: "02/05/2019", 2: "27/09/2019", 3: "20/01/2020"}
TRANCHE_WORD = {1: "one", 2: "two", 3: "three"}

# Headline-sentence typos the real site printed (peel-site.md 2.6): reproduced on the pages of
# the forces they were reported for, so the parser meets them. The line chosen is peelpipe's.
TYPOS = {
    ("thames-valley", "2015", "effectiveness"): "drop-is",  # "...reducing crime good."
    ("northumbria", "2017", "efficiency"): "drop-is",  # "...reducing crime good."
    ("gwent", "2017", "effectiveness"): "is-requires",  # "...is requires improvement."
}

GENERIC_SUMMARY = {  # peelpipe's own words; no grade words in these
    "2014": "This page brings together what HMIC found in the parts of PEEL 2014 that looked at {topic}. "
    "The full inspection reports set out the evidence.",
    "2015": "Our findings on {topic} for PEEL 2015 are summarised here. The full report explains the "
    "evidence behind each judgment.",
    "2016": "This summary draws on our PEEL 2016 inspection of {topic}. The report, which can be "
    "downloaded as a PDF, sets out the evidence in full.",
    "2017": "This summary draws on our PEEL 2017 inspection of {topic}. The report sets out the "
    "evidence we gathered and the reasons for each judgment.",
    "2018-19": "In our integrated PEEL assessment we looked at {topic} alongside the rest of the "
    "force’s work. The detailed findings set out the evidence in full.",
}
TOPIC = {"effectiveness": "effectiveness", "efficiency": "efficiency", "legitimacy": "legitimacy"}
GENERIC_QUESTION = {
    "2014": "The inspection report explains how we reached this judgment.",
    "2015": "The report explains the evidence for this judgment.",
    "2016": "The full report explains the evidence for this judgment.",
    "2017": "The full report explains the evidence for this judgment.",
    "2018-19": "The detailed findings explain the evidence for this judgment.",
}


# ---- report pages (2021/22 and 2023-25) ----------------------------------------------------

# Report page titles: "<Force> PEEL Assessment 2023\u20132025" (peel-site.md 1.2, force page text).
REPORT_YEAR = {"2021-22": "2021/22", "2023-25": "2023\u20132025"}
# Hampshire's reports live under its new name (peel-site.md 0 item 7 and 3).
REPORT_SLUG = {"hampshire": "hampshire-and-isle-of-wight"}

# The areas of each cycle's "Our judgments" table, in report order, with the labels the reports
# print (peel-site.md 2.8 and 2.9; every label is one of the area's labels in config/areas.toml).
REPORT_AREAS: dict[str, list[tuple[str, str]]] = {
    "2021-22": [
        ("recording-data-about-crime", "Recording data about crime"),
        ("treatment-of-the-public", "Engaging with and treating the public with fairness and respect"),
        ("preventing-crime", "Preventing crime and antisocial behaviour"),
        ("responding-to-the-public", "Responding to the public"),
        ("investigating-crime", "Investigating crime"),
        ("protecting-vulnerable-people", "Protecting vulnerable people"),
        ("managing-offenders", "Managing offenders and suspects"),
        ("disrupting-serious-organised-crime", "Disrupting serious organised crime"),
        ("positive-workplace", "Building, supporting and protecting the workforce"),
        ("use-of-resources", "Strategic planning, organisational management and value for money"),
    ],
    "2023-25": [
        ("treatment-of-the-public", "Police powers and public treatment"),
        ("preventing-crime", "Preventing crime"),
        ("responding-to-the-public", "Responding to the public"),
        ("investigating-crime", "Investigating crime"),
        ("protecting-vulnerable-people", "Protecting vulnerable people"),
        ("managing-offenders", "Managing offenders"),
        ("positive-workplace", "Developing a positive workplace"),
        ("leadership-and-force-management", "Leadership and force management"),
        ("recording-data-about-crime", "Recording data about crime"),
        ("disrupting-serious-organised-crime", "Disrupting serious organised crime"),
        ("workforce-corruption", "Vetting and counter-corruption"),
    ],
}
# 2023-25 reports grade these in separate inspections and "report on these separately"
# (peel-site.md 2.9): shown in a second table below the judgments and not counted in N and M.
SEPARATE_AREAS = {"2023-25": ("disrupting-serious-organised-crime", "workforce-corruption")}

# "<Force> is good at <activity>." (peelpipe's sentence; the area heading carries the label)
AREA_ACTIVITY = {
    "recording-data-about-crime": "recording data about crime",
    "treatment-of-the-public": "engaging with the public and treating people with fairness and respect",
    "preventing-crime": "preventing crime and antisocial behaviour",
    "responding-to-the-public": "responding to the public",
    "investigating-crime": "investigating crime",
    "protecting-vulnerable-people": "protecting vulnerable people",
    "managing-offenders": "managing offenders and suspects",
    "disrupting-serious-organised-crime": "disrupting serious organised crime",
    "positive-workplace": "building, supporting and protecting its workforce",
    "use-of-resources": "strategic planning, organisational management and providing value for money",
    "leadership-and-force-management": "leadership and force management",
    "workforce-corruption": "vetting its workforce and tackling corruption",
}
AREA_ACTIVITY_2023 = {
    "treatment-of-the-public": "using its powers and treating the public fairly and respectfully",
    "positive-workplace": "developing a positive workplace",
}

NUMBER_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
    11: "eleven",
    12: "twelve",
    13: "thirteen",
    14: "fourteen",
}

# peelpipe's own words, apart from the formulaic sentences noted
REPORT_OPENING = {
    "2021-22": "This report sets out what we found when we inspected {name} as part of our PEEL "
    "programme for 2021/22. PEEL stands for police effectiveness, efficiency and legitimacy.",
    # first sentence formulaic (force page text, peel-site.md 1.2)
    "2023-25": "In 2023\u20132025, we carried out a PEEL inspection of {name}. This report sets out "
    "what we found and how we reached our judgments.",
}
# comparability statements (peel-site.md 2.11), paraphrased
REPORT_COMPARABILITY = {
    "2021-22": "This year we grade forces against new characteristics of good policing, on a "
    "five-point scale. That means the grades in this report cannot be compared directly "
    "with those of earlier PEEL inspections. A lower grade, for example adequate where a "
    "force was good before, does not by itself mean that the force is doing worse, "
    "unless the report says so.",
    "2023-25": "The grades in this inspection cannot be compared directly with those of the "
    "previous cycle of PEEL inspections: we now look more closely at the outcomes a force "
    "achieves, and some of the things we inspect have changed.",
}
AREA_MORE = {
    "2021-22": "The full report sets out the evidence behind this judgment.",
    "2023-25": "The full report explains what we found in this area and how we reached our judgment.",
}
SEPARATE_MORE = {
    "disrupting-serious-organised-crime": "We graded this area in a separate inspection of serious "
    "organised crime in the region, and we report on it separately.",
    "workforce-corruption": "We graded this area in a separate inspection of vetting and "
    "counter-corruption, and we report on it separately.",
}
