"""The demo registry's implementation statuses: seed 003, the Secretariat's briefing to the
Bureaux on the implementation of the Assembly's resolutions (21 March 2024), entered line by
line through ``services.record_status`` as an officer would, so the demo briefing
(``/frameworks/briefing``) reproduces its substance from the registry's own data.

Paragraphs are named by their stored codes, "OP2(a)" (the form of the paragraphs' own
addresses); the briefing cites them as seed 003 mostly does, "OP2a". Where seed 003 gives no
paragraph the line is about the resolution as a whole. Bold phrases keep seed 003's
emphasis (``**``). Seed 003's sub-bullets are folded into their bullet. Its last, untitled
blocks (urban crises, the urban action funding window, the resolution-tracking web page) name
no resolution, so they are not attributed to one here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from registry.extensions import db
from registry.frameworks import services
from registry.models import (
    Framework,
    FrameworkItem,
    ImplementationState,
    ImplementationStatus,
    User,
)

BRIEFED_ON = date(2024, 3, 21)  # the day of seed 003's briefing
DONE = ImplementationState.DONE
UNDER = ImplementationState.UNDER_IMPLEMENTATION
PLANNED = ImplementationState.PLANNED


def _s(state: ImplementationState, text: str, *paragraphs: str, period: str = "") -> dict:
    return {"state": state, "text": text, "paragraphs": list(paragraphs), "period": period}


# fmt: off
STATUSES: dict[str, list[dict[str, Any]]] = {
    "HSP/HA.1/RES.1": [
        _s(UNDER, "Under implementation"),
        _s(DONE, "**Extended to 2025 by UN-Habitat Assembly Decision 2/1 (2023)**"),
        _s(UNDER, "**Mid-term review of the Strategic Plan** imminently being finalized by OIOS"),
    ],
    "HSP/HA.1/RES.2": [
        _s(UNDER, "A call for **expressions of interest to host the Safer Cities Programme** as "
           "a global centre of excellence is under discussion", "OP7"),
        _s(UNDER, "Ongoing **collaboration with partners advancing an urban safety monitoring "
           "tool; e-learning modules** on safer cities on UN-Habitat Learn; scaling up of the "
           "**cities peer review and learning process**", "OP3", "OP7"),
        _s(UNDER, "Broader UN collaboration being piloted through **joint UN programming at the "
           "country level (e.g. South Africa)**", "OP5"),
        _s(UNDER, "Joint pilot activities with **UNODC** (evidence-based community safety "
           "policies); the **Human Security Unit** (human security participatory appraisals and "
           "plans); **UNOCT** (the United Nations Global Counter-Terrorism Coordination Compact); "
           "and the **Office for Disarmament Affairs** (module on gun-free zones)", "OP5"),
        _s(PLANNED, "Egypt is organizing a **regional EGM in Cairo in April 2024** to review "
           "safer cities practices in Africa", "OP4", period="April 2024"),
    ],
    "HSP/HA.1/RES.3": [
        _s(DONE, "**NUA Illustrated in 5 UN languages** and crash course to expand access to NUA "
           "(incl. Guidance digital capacity-building, UN-Habitat Learn: 30 courses, 10,000+ "
           "users)"),
        _s(UNDER, "Expanded **strategic capacity-building partnerships** in 2023 (IHS, the "
           "Commonwealth Sustainable Cities Initiative, ITC, IUTC, Arcadis), to be continued in "
           "2024"),
        _s(UNDER, "Continuous **piloting and rollout of innovative capacity-building practices**"),
        _s(UNDER, "Development of a comprehensive framework to guide **partnerships with "
           "academia** / centers of knowledge"),
        _s(UNDER, "**Focus on innovative methods to qualify and quantify capacity gaps** at the "
           "individual and institutional levels of local and national governments to achieve "
           "the NUA and Agenda 2030"),
    ],
    "HSP/HA.1/RES.4": [
        _s(UNDER, "Increased work with **country offices and regional offices** to improve their "
           "scores on gender and integrate social inclusion issues into their projects presented "
           "to the PRC", "OP1"),
        _s(DONE, "UN-Habitat HRSI unit introduced the **Gender Champion Award** and the winning "
           "projects from Palestine and Mozambique were showcased in celebration of this year's "
           "International Women's Day", "OP1"),
        _s(DONE, "First draft of the **Human Rights and Social Inclusion Handbook** complete",
           "OP2", "OP5"),
        _s(UNDER, "United Nations System-wide Action Plan on gender equality and empowerment of "
           "women (UNSWAP) **reporting on 3 performance indicators improved** and an improvement "
           "action plan drawn up to improve scores for 2024"),
        _s(PLANNED, "**Advisory Group on Gender Issues** to be reconstituted in view of joint "
           "planning for WUF 12 events", "OP4", period="Q2 2024"),
        _s(PLANNED, "More **gender focused parameters** to be included in the revision of the "
           "UN-Habitat Environmental and Social Safeguards system (**ESSS**)", "OP1", "OP2",
           period="2024"),
    ],
    "HSP/HA.1/RES.5": [
        _s(DONE, "Three sessions of the **international forum** on urban-rural linkages convened "
           "in collaboration with Songyang County, China; the last one with 180 participants "
           "from 18 international organisations and 17 countries", "OP3", "OP4"),
        _s(UNDER, "**Newsletters and case study compendiums** to advance knowledge on "
           "urban-rural linkages", "OP3"),
        _s(DONE, "**Research and Policy reviews** conducted in five African countries (Cameroon, "
           "Kenya, Nigeria, Senegal, and Zimbabwe), leading to the establishment of a Center for "
           "Urban-Rural Linkages in Africa at the University of Nairobi", "OP1"),
        _s(DONE, "**Twelve (12) African countries supported** in integrating urban-rural "
           "linkages into their national policies/strategies", "OP1"),
        _s(PLANNED, "Continuing **advocacy and knowledge-sharing activities** to further promote "
           "urban-rural linkages globally", "OP1", "OP3", "OP4", period="2024"),
        _s(PLANNED, "Strengthen **partnerships** with governments, international agencies, and "
           "academic institutions to leverage resources and expertise in advancing urban-rural "
           "linkages initiatives", "OP4", period="2024"),
        _s(PLANNED, "Continue more targeted **tools development**", "OP1", "OP4", period="2024"),
        _s(PLANNED, "Additional funding sources to be explored to sustain and expand "
           "implementation efforts", period="2024"),
    ],
    "HSP/HA.2/RES.1": [
        _s(UNDER, "**Global Experts Working Group** meeting monthly (virtual)"),
        _s(PLANNED, "**Two global in person meetings** of the Global Experts Working Group "
           "confirmed (Strasbourg; Baku)", period="2024"),
        _s(UNDER, "**Review of hosts regional consultations** ongoing"),
        _s(UNDER, "**Global assessment of the state of smart city development** (World Smart "
           "Cities Outlook) ongoing"),
        _s(UNDER, "**Stakeholder consultations** preparation ongoing (civil society, private "
           "sector, local and regional governments, academia, other UN agencies and UN-Habitat "
           "Advisory Groups)"),
        _s(PLANNED, "Drafting: **zero draft** of the guidelines", period="April 2024"),
        _s(PLANNED, "Drafting: **first draft**", period="June 2024"),
        _s(PLANNED, "Drafting: **second draft**", period="August 2024"),
        _s(PLANNED, "Drafting: **third draft**", period="October 2024"),
        _s(PLANNED, "Drafting: **final draft**", period="November 2024"),
    ],
    "HSP/HA.2/RES.2": [
        _s(DONE, "Provided **technical support** upon demand to 10 Member States", "OP6"),
        _s(UNDER, "Development of **sub-regional strategy framework for SADC countries** "
           "initiated", "OP7"),
        _s(UNDER, "Preparation of **UN-Habitat led strategy** for slum transformation in the "
           "context of adequate housing", "OP7"),
        _s(UNDER, "Development of a **partnership strategy with the Organization of the African, "
           "Caribbean and Pacific States** on behalf of its 79 member states", "OP7"),
        _s(DONE, "Prepared **outline for a technical guideline for a multiple partnership "
           "approach** to slum transformation in response to the 10 key actions", "OP8"),
        _s(PLANNED, "Review of **data needs and methods** for slum related issues and identify "
           "criteria for policy best practices to be integrated with Adequate Housing Platform",
           "OP3(c)", "OP3(d)", period="2024"),
        _s(UNDER, "**Global Publication** on Slum Transformation and development of a "
           "**Transformative Action Matrix** being finalised", "OP7"),
    ],
    "HSP/HA.2/RES.3": [
        _s(DONE, "UNGA approved on 8th December 2023 the resolution **A/78/L.11** and proclaimed "
           "20 September as World Cleanup Day, to be observed annually", "OP1", "OP5"),
        _s(DONE, "The **GA resolution invites UN-Habitat to facilitate the observance of World "
           "Cleanup Day** and stressed that the costs of all the activities should be met "
           "through voluntary contributions", "OP6"),
        _s(UNDER, "**Outreach to Member States ongoing to mobilize resources** required for "
           "hosting and facilitation of the World Cleanup Day", "OP1"),
        _s(UNDER, "Preparing to launch a **call for expression of interest to host the World "
           "Cleanup Day 2024** and working with partners to support the outreach and mobilise "
           "communities to do clean-ups on the day", "OP6"),
        _s(PLANNED, "**Invitations** to be sent to all Member States, organizations in the UN "
           "system and other international organizations to observe the World Cleanup Day",
           "OP2", period="2024"),
        _s(PLANNED, "Reflect the **World Cleanup Day on the corporate website**, providing an "
           "overview, registering events, providing resources for outreach and communications "
           "to promote and advocate to external partners, donors, and stakeholders", "OP2",
           period="2024"),
    ],
    "HSP/HA.2/RES.4": [
        _s(UNDER, "**Progress on toolkit on urban development for biodiverse and resilient "
           "cities**: Costa Rica is supporting the project on cities and nature in San José "
           "Metropolitan Area; piloting a hotspot spotlight raster that proactively projects "
           "urban expansion, predicts land-use conflict zones, preserves peri-urban habitat, and "
           "prevents replication of mistakes", "OP2", "OP7"),
        _s(PLANNED, "Toolkit results to be reported at **WUF12 and the 2nd Session of the "
           "Executive Board**", "OP2", "OP7", period="2024"),
        _s(UNDER, "**Regional Expert Group Meeting in LAC**: sharing practices and promoting the "
           "mainstreaming of biodiversity and ecosystem services in territorial planning and "
           "management; aligning multilevel urban policies across jurisdictionally fragmented "
           "biodiversity hotspots", "OP2"),
    ],
    "HSP/HA.2/RES.5": [
        _s(DONE, "UN-Habitat co-chaired the **first Local Climate Action Summit** at COP28 and "
           "conducted the **2nd Ministerial Meeting for Urbanization and Climate Change** with "
           "60 urban line ministers, 200 local leaders, and 1000 participants present", "OP2"),
        _s(UNDER, "Submission of options and recommendation for **SURGe operationalization** to "
           "EB. Current negotiation with Bloomberg on linking SURGe and CHAMP with a focus on "
           "urban NDC", "OP3"),
        _s(DONE, "Successful resource mobilization for Ghana & Côte d'Ivoire, Sri Lanka, "
           "Mongolia, and Lao PDR under **RISE UP Flagship Programme**. Two new HQ-based "
           "projects help to roll-out a standardized approach for scaling up RISE UP portfolio "
           "further", "OP4"),
        _s(UNDER, "Promotion of **multilevel climate action** at the UNEA6 Cities and Region "
           "Summit", "OP8"),
        _s(UNDER, "Establishment of a GCF Accreditation Task Force targeting Stage 1 submission "
           "for June 2024. Accreditation window: USD 50 million", "OP7"),
        _s(DONE, "UN-Habitat **representative selected to engage in the scoping exercise of the "
           "IPCC Special Report on Cities and Climate Change**", "OP1"),
        _s(PLANNED, "**Ideation with COP29 Presidency for next iteration of the Ministerial "
           "Meeting** with synergies to WUF12 and establishment of Cities Day at COP29", "OP2",
           period="2024"),
    ],
    "HSP/HA.2/RES.6": [
        _s(DONE, "Merging of the SDG Cities Flagship within the SDG Localization & Local "
           "Governments Team"),
        _s(UNDER, "Launching the **Action-Oriented VLR Methodology**, piloted in 13 countries",
           "OP2(a)"),
        _s(UNDER, "Building a corporate **capacity building offer on SDG Localization**, in line "
           "with the Local2030 Coalition (with UNDESA and UCLG), piloted in 5 countries",
           "OP2(b)", "OP2(c)", "OP2(f)"),
        _s(UNDER, "Active support to localization efforts in 18 countries and preparation for "
           "**scaling up towards national SDG Localization programmes**", "OP2(d)", "OP2(e)"),
        _s(DONE, "80 new cities have applied the **Global Urban Monitoring Framework** and 42 "
           "have reached out for support to collect data and report on progress for SDGs and "
           "NUA", "OP4(a)"),
        _s(UNDER, "**Local 2030 Coalition**: Endorsement of SDG Localization Marker within Joint "
           "SDG Fund. Promotion of Integrated Policy and Capacity Building. Upcoming launch of "
           "Local2030 Knowledge and Scientific Network", "OP2(f)", "OP9"),
        _s(PLANNED, "**Planned technical and political engagement** in RFSD, HLPF, Summit of the "
           "Future and WUF12", "OP2(b)", "OP2(d)", period="2024"),
        _s(PLANNED, "**Priorities**: secure unearmarked or soft-earmarked funding for the global "
           "team; consolidate collaborations across the agency; consolidate tools and "
           "methodologies following the piloting phase; scale up pilots to national programmes",
           period="2024-25"),
    ],
    "HSP/HA.2/RES.7": [
        _s(UNDER, "Platform needs **assessment method** designed and implementation underway",
           "OP1", "OP8"),
        _s(DONE, "Preliminary scoping expert meeting on **housing indicators** held", "OP1(c)"),
        _s(UNDER, "Preparatory **consultations through Ad Hoc Working Group PBA** to minimise "
           "burden on Member States"),
        _s(UNDER, "**Draft agenda** for first session of Open-ended Intergovernmental Expert "
           "Working Group on Adequate Housing for All being presented to upcoming EB session for "
           "its approval", "OP2"),
        _s(UNDER, "Options and decision points on **dates and duration** for first session "
           "presented to upcoming EB session for its approval", "OP7"),
        _s(PLANNED, "Issue **announcement of date and venue** of first session of Housing "
           "Working Group once confirmed by EB in May 2024", period="Q2 2024"),
        _s(PLANNED, "Complete preparation of **background documents** for first session of "
           "Housing Working Group according to available resources and in kind contributions",
           period="2024"),
        _s(PLANNED, "Complete the **Adequate Housing Platform** needs assessment and design "
           "digital portal", period="2024"),
        _s(PLANNED, "**Brief Member States** and stakeholders on Housing Working Group purpose "
           "and procedure", period="2024"),
    ],
    "HSP/HA.2/RES.8": [
        _s(UNDER, "**Our City Plans digital platform** being updated with infrastructure related "
           "knowledge and tools, starting with urban mobility. Integration of additional "
           "sectoral infrastructure tools will follow. Need for additional tools (such as for "
           "the regional scale planning) has been identified", "OP1"),
        _s(UNDER, "**Training and capacity development activities** developed globally and "
           "regionally on Our City Plans general structure, and one on one response to national "
           "and local governments on technical assistance for integrated and infrastructure "
           "planning realised through existing projects", "OP6"),
        _s(UNDER, "**Outreach and connection** with other initiatives in-house, such as the "
           "Cities Investment Facility and Capital Investment Planning initiated", "OP1(a)",
           "OP5"),
        _s(UNDER, "**Centers of Excellence, Urban Labs:** Concept for new integrated Urban Lab "
           "that can provide remote and hybrid technical backstopping and/or create "
           "decentralised Urban Labs (centres of excellence) while implementing integrated "
           "planning processes", "OP6"),
        _s(UNDER, "**Outreach to Member States for self-assessment** of needs in the field of "
           "planning and infrastructure", "OP1", "OP2"),
        _s(PLANNED, "**Resource mobilisation efforts to be accelerated** with Multilateral "
           "Development Banks, Bilateral Cooperation and national financial institutions",
           period="2024"),
    ],
}
# fmt: on


def line_count() -> int:
    """How many lines the seed gives, over all its resolutions."""
    return sum(len(lines) for lines in STATUSES.values())


def seed_statuses(officer: User | None, today: date) -> int:
    """Record the seed's lines not yet there (matched by resolution and text); how many were
    added. Resolutions that were not loaded are left out."""
    frameworks = {
        f.code: f
        for f in db.session.scalars(select(Framework).where(Framework.code.in_(list(STATUSES))))
    }
    ids = [f.id for f in frameworks.values()]
    items = {
        (framework_id, code): item_id
        for item_id, framework_id, code in db.session.execute(
            select(FrameworkItem.id, FrameworkItem.framework_id, FrameworkItem.code).where(
                FrameworkItem.framework_id.in_(ids)
            )
        )
    }
    existing = {
        tuple(row)
        for row in db.session.execute(
            select(ImplementationStatus.framework_id, ImplementationStatus.text).where(
                ImplementationStatus.framework_id.in_(ids)
            )
        )
    }
    added = 0
    for code, lines in STATUSES.items():
        framework = frameworks.get(code)
        if framework is None:
            continue
        for line in lines:
            if (framework.id, line["text"]) in existing:
                continue
            values = {
                "state": line["state"],
                "period": line["period"],
                "text": line["text"],
                "items": [items[(framework.id, p)] for p in line["paragraphs"]],
                "recorded_on": BRIEFED_ON,
                "position": None,
            }
            services.record_status(framework, values, officer, today)
            added += 1
    return added
