"""The hand-written flagship page: Staffordshire PEEL 2017 effectiveness.

Built to follow the real Staffordshire PEEL 2017 effectiveness page (its structure, its question
wordings, its formulaic sentences and its grades: labels missing for the good questions, a
"Requires improvement" label for question 3, question 5 ungraded), but every paragraph here is
peelpipe's own paraphrase, not the inspectorate's wording.

``pillar_main()`` (pillar_pages.py) returns this fragment and ``render_page()`` (markup.py) wraps it
in the site chrome; ``check()`` (checks.py) checks the grades printed here against facts.toml
when ``python -m tools.samplesite.build`` writes the site.
"""

from __future__ import annotations

FORCE = "staffordshire"
CYCLE = "2017"
PILLAR = "effectiveness"

# (area id, grade) pairs printed below; checks.py checks each against facts.toml.
GRADES = (
    ("effectiveness", "good"),
    ("effectiveness.preventing-crime", "good"),
    ("effectiveness.investigating-crime", "good"),
    ("effectiveness.protecting-vulnerable", "requires_improvement"),
    ("effectiveness.serious-organised-crime", "good"),
)
UNGRADED = ("effectiveness.specialist-capabilities",)
AREAS_FOR_IMPROVEMENT = {  # number of bullets under each question's "Areas for improvement"
    "effectiveness.preventing-crime": 1,
    "effectiveness.investigating-crime": 3,
    "effectiveness.protecting-vulnerable": 3,
    "effectiveness.serious-organised-crime": 0,
}

# The article body. Markup follows the 2016/2017 templates in pillar_pages.py and markup.py.
BODY = """\
<section class="pillar-summary" id="summary">
<h2>How effective is the force at keeping people safe and reducing crime?</h2>
<p class="last-updated">Last updated <time datetime="2018-03-22">22/03/2018</time></p>
<p>Staffordshire Police is good at keeping people safe and reducing crime. Since our 2016 inspection it has got better in several areas, and the improvement is still going on.</p>
<p>Its work to prevent crime and deal with anti-social behaviour is effective. Officers know what local people care about and respond to it, and the force joins up with partner organisations to tackle both the problems themselves and what lies behind them. It has also come a long way since 2016 in adopting a structured, problem-solving way of working.</p>
<p>The force investigates crime to an acceptable standard. It makes sound use of intelligence and its outcomes are in line with those of other forces in England and Wales. It does, though, need to keep victims informed as their cases progress, and to record suspects on the Police National Computer (PNC) promptly wherever that is appropriate.</p>
<p>Protecting vulnerable people is where the force requires improvement. Because too few response officers are free, some victims of domestic abuse wait too long for officers to arrive. The force must also manage registered sex offenders more firmly so that the public is protected.</p>
<p>The force has strengthened its response to serious and organised crime. It understands the organised crime groups in its area well and does more to limit the damage they do to communities. Officers step in early with people who might be drawn into organised crime or gangs, and the force works with partners to steer them away from offending.</p>
<p>Staffordshire Police has what it needs to meet its national policing responsibilities and to respond to an attack that calls for armed officers.</p>
</section>
<h2 id="questions">Questions for Effectiveness</h2>
<section class="question" id="question-1">
<h3>How effective is the force at preventing crime, tackling anti-social behaviour and keeping people safe?</h3>
<p>Staffordshire Police is good at preventing crime, tackling anti-social behaviour and keeping people safe. It puts real effort into preventing problems in local communities and engages with them well; the sharp fall in anti-social behaviour orders over the last year reflects this.</p>
<p>It is encouraging that the force asks its ethnically diverse communities for their views in a number of ways. It should get better, however, at telling people what has changed as a result of what they said.</p>
<p>Local policing and community engagement remain at the heart of the force’s transformation programme. Since 2016 it has embedded its OSARA problem-solving model (outcomes, scanning, analysis, response and assessment) more thoroughly and has relaunched its citizen-focus toolkit; local policing teams are trained in both.</p>
<p>We were pleased that the force goes after the root causes of crime instead of only reacting to the symptoms, for instance through local work on problems such as homelessness.</p>
<p>However, the force should:</p>
<ul>
<li>analyse the evidence behind its work more thoroughly; and</li>
<li>assess and evaluate its plans in more depth.</li>
</ul>
<h4>Areas for improvement</h4>
<ul class="areas-for-improvement">
<li>The force should routinely evaluate what works and share that practice, both inside the force and with partner organisations, so that its approach to preventing crime and anti-social behaviour keeps improving.</li>
</ul>
</section>
<section class="question" id="question-2">
<h3>How effective is the force at investigating crime and reducing re-offending?</h3>
<p>Staffordshire Police is good at investigating crime and reducing re-offending.</p>
<p>Its investigations have improved since our 2016 inspection. Crimes go to officers with the right training, and less experienced officers get advice from colleagues with more expertise.</p>
<p>Guided by how demand on it is changing, the force is recruiting more qualified detectives to build up its specialist capacity and capability.</p>
<p>The force also:</p>
<ul>
<li>prioritises the examination of digital devices sensibly when gathering evidence; and</li>
<li>deals with less serious crimes over the telephone where that makes sense.</li>
</ul>
<p>However, the force should:</p>
<ul>
<li>cut the delays in attending crime scenes that arise when too few officers are available;</li>
<li>keep better records of what is communicated, internally and to victims, about how investigations are progressing; and</li>
<li>do more to seek justice for victims who do not support further action.</li>
</ul>
<p>Through integrated offender management and other schemes run with external agencies, the force has helped to bring local re-offending down.</p>
<p>It should, though, be more active in tracking down wanted offenders, making fuller use of the Police National Computer.</p>
<h4>Areas for improvement</h4>
<ul class="areas-for-improvement">
<li>The force should find out why so many crimes end up recorded as ‘evidential difficulties: victim does not support police action’, and act to make sure it pursues justice for victims of crime.</li>
<li>The force should make sure it complies in full with the Code of Practice for Victims of Crime.</li>
<li>The force should tighten its oversight of people wanted for criminal offences, making sure they are circulated on the Police National Computer and actively pursued.</li>
</ul>
</section>
<section class="question" id="question-3">
<h3>How effective is the force at protecting those who are vulnerable from harm, and supporting victims?</h3>
<div class="judgement judgement-requires-improvement">Requires improvement</div>
<p>Staffordshire Police requires improvement at protecting those who are vulnerable from harm, and supporting victims.</p>
<p>The force has a sound grasp of the nature and scale of vulnerability in its area.</p>
<p>Even so, officers still sometimes take far too long to arrive, including at some domestic abuse incidents, and the risks in these cases are not always looked at again. The force means to fix this with an incident resolution centre and has stop-gap arrangements in place meanwhile.</p>
<p>The way the force identifies and responds to vulnerability is nonetheless effective:</p>
<ul>
<li>call handlers carry out risk assessments well;</li>
<li>officers use assessment tools and body-worn video at domestic abuse incidents; and</li>
<li>supervisors examine these reports very closely.</li>
</ul>
<p>The force works well with external agencies, in particular:</p>
<ul>
<li>the multi-agency safeguarding hubs and the vulnerability hubs for victims of domestic abuse; and</li>
<li>the NHS, in helping people with poor mental health.</li>
</ul>
<p>The force should, however, manage registered sex offenders better under the multi-agency public protection arrangements, above all by clearing the large backlog of visits that have not been made.</p>
<p>It also arrests the perpetrators of domestic abuse at a markedly low rate.</p>
<h4>Areas for improvement</h4>
<ul class="areas-for-improvement">
<li>The force should give vulnerable people, especially victims of domestic abuse, a better service when officers cannot attend or are delayed, including by reassessing the risks victims face so that their safeguarding can be prioritised.</li>
<li>The force should understand and act on the falling arrest and charge/summons rates in domestic abuse cases, and on the high share of domestic abuse crimes recorded as ‘evidential difficulties; victim does not support police action’.</li>
<li>The force should make sure that the risks posed by registered sex offenders are managed effectively.</li>
</ul>
</section>
<section class="question" id="question-4">
<h3>How effective is the force at tackling serious and organised crime?</h3>
<p>Staffordshire Police is good at tackling serious and organised crime (SOC). Since our 2016 inspection it has become much more proactive towards organised crime groups (OCGs), for example by:</p>
<ul>
<li>gathering intelligence to detect their activity, and flagging that activity and the suspects on its systems;</li>
<li>drawing up plans to counter what OCGs do;</li>
<li>mapping OCGs so that new groups are spotted and categorised accurately; and</li>
<li>building detailed local profiles of new and existing threats to communities.</li>
</ul>
<p>Acting on an area for improvement we raised in 2016, the force has reorganised and strengthened the way it disrupts OCG activity, working alongside external agencies.</p>
<p>It works closely with its regional organised crime unit against SOC and is effective at stopping vulnerable people from being drawn into organised crime.</p>
<p>Sound arrangements are in place to keep track of organised criminals when they are released from prison.</p>
</section>
<section class="question" id="question-5">
<h3>How effective are the force’s specialist capabilities?</h3>
<p>Some national threats, such as terrorism, large-scale disorder and civil emergencies, call for forces to work together across their boundaries. We looked at what the force has in place to respond to threats like these, and to a firearms attack in particular.</p>
<p>On the positive side, the force:</p>
<ul>
<li>works with other organisations to build up its ability to respond to national threats;</li>
<li>tests its skills in training exercises; and</li>
<li>has a clear understanding of the threat that an armed attack poses to the public.</li>
</ul>
<p>However, the force should:</p>
<ul>
<li>make better use of data on how long armed officers take to reach firearms incidents.</li>
</ul>
</section>
"""
