"""Demo registry content drawn from the seed documents (DOMAIN.md, "Demo data").

Pure data: no database code. Real organizations are described only with what the seeds
(shared/seeds/000-003) say about them, plus well-known identity facts (full name, seat,
official website). The Nakuru community groups are invented and say so in their names and
descriptions. Resolution paragraphs summarize what seed 003 (UN-Habitat briefing on the
implementation of Assembly resolutions, 21 March 2024) reports under each operative
paragraph; they are not the text of the resolutions.
"""

from __future__ import annotations

from typing import Any

# Invented entries' names end with " (demo)" so nobody mistakes them for real organizations.
_DEMO_NOTE = "Invented demo entry, not a real organization."

STAKEHOLDERS: list[dict[str, Any]] = [
    {
        "name": "United Nations Human Settlements Programme",
        "acronym": "UN-Habitat",
        "sector": "un_system",
        "constituencies": [],
        "country": None,
        "city": None,
        "scale": "global",
        "website": "https://unhabitat.org",
        "description": (
            "The United Nations programme for human settlements and sustainable urban "
            "development. It runs the National Urban Policy Programme with the OECD and Cities "
            "Alliance, and reports to the UN-Habitat Assembly on the implementation of its "
            "resolutions."
        ),
    },
    {
        "name": "Organisation for Economic Co-operation and Development",
        "acronym": "OECD",
        "sector": "un_system",
        "constituencies": [],
        "country": None,
        "city": None,
        "scale": "global",
        "website": "https://www.oecd.org",
        "description": (
            "Intergovernmental organization that co-hosted the Second International Conference "
            "on National Urban Policy with UN-Habitat. It is a partner, with UN-Habitat and "
            "Cities Alliance, in the National Urban Policy Programme."
        ),
    },
    {
        "name": "Cities Alliance",
        "acronym": None,
        "sector": "network",
        "constituencies": [],
        "country": None,
        "city": None,
        "scale": "global",
        "website": "https://www.citiesalliance.org",
        "description": (
            "Global partnership for cities and sustainable urban development. A partner in the "
            "National Urban Policy Programme, a joint initiative with UN-Habitat and the OECD to "
            "support the development and implementation of national urban policies."
        ),
    },
    {
        "name": "Korea Research Institute for Human Settlements",
        "acronym": "KRIHS",
        "sector": "academia",
        "constituencies": [],
        "country": "KR",
        "city": "Sejong",
        "scale": "national",
        "website": "https://www.krihs.re.kr",
        "description": (
            "Korean government-funded research institute on land, urban and regional policy. "
            "It co-hosted the first International Conference on National Urban Policy, "
            "'National Urban Policy: Towards Smarter and Greener Cities', held in the Republic "
            "of Korea in 2015."
        ),
    },
    {
        "name": "Korea Institute of Civil Engineering and Building Technology",
        "acronym": "KICT",
        "sector": "academia",
        "constituencies": [],
        "country": "KR",
        "city": "Goyang",
        "scale": "national",
        "website": "https://www.kict.re.kr",
        "description": (
            "Korean government-funded research institute for construction technology. It "
            "co-hosted the first International Conference on National Urban Policy in the "
            "Republic of Korea in 2015, with UN-Habitat and KRIHS."
        ),
    },
    {
        "name": "Next City",
        "acronym": None,
        "sector": "media",
        "constituencies": [],
        "country": "US",
        "city": "Philadelphia",
        "scale": "national",
        "website": "https://nextcity.org",
        "description": (
            "Nonprofit news organization covering cities. A partner of the Second International "
            "Conference on National Urban Policy."
        ),
    },
    {
        "name": "Government of the Republic of Korea",
        "acronym": None,
        "sector": "national_government",
        "constituencies": [],
        "country": "KR",
        "city": None,
        "scale": "national",
        "website": "https://www.korea.net",
        "description": (
            "National government. It supported the Second International Conference on National "
            "Urban Policy; the first conference in the series was held in the Republic of Korea "
            "in 2015."
        ),
    },
    {
        "name": "Government of France",
        "acronym": None,
        "sector": "national_government",
        "constituencies": [],
        "country": "FR",
        "city": None,
        "scale": "national",
        "website": "https://www.gouvernement.fr",
        "description": (
            "National government. It supported the Second International Conference on National "
            "Urban Policy, whose programme included a French field tour."
        ),
    },
    {
        "name": "University of Nairobi Center for Urban-Rural Linkages in Africa",
        "acronym": None,
        "sector": "academia",
        "constituencies": ["rural"],
        "country": "KE",
        "city": "Nairobi",
        "scale": "regional",
        "website": None,
        "description": (
            "Centre at the University of Nairobi, established following UN-Habitat research and "
            "policy reviews on urban-rural linkages in Cameroon, Kenya, Nigeria, Senegal and "
            "Zimbabwe."
        ),
    },
    {
        "name": "Songyang County",
        "acronym": None,
        "sector": "local_government",
        "constituencies": ["rural"],
        "country": "CN",
        "city": "Songyang",
        "scale": "local",
        "website": None,
        "description": (
            "County in Zhejiang Province, China. Three sessions of the international forum on "
            "urban-rural linkages were convened with UN-Habitat in collaboration with the county; "
            "the last had 180 participants from 18 international organizations and 17 countries."
        ),
    },
    {
        "name": "United Cities and Local Governments",
        "acronym": "UCLG",
        "sector": "network",
        "constituencies": [],
        "country": None,
        "city": None,
        "scale": "global",
        "website": "https://www.uclg.org",
        "description": (
            "World organization of local and regional governments. With UN-Habitat and UNDESA "
            "it works in the Local2030 Coalition on the localization of the SDGs."
        ),
    },
    {
        "name": "United Nations Department of Economic and Social Affairs",
        "acronym": "UNDESA",
        "sector": "un_system",
        "constituencies": [],
        "country": None,
        "city": None,
        "scale": "global",
        "website": "https://www.un.org/en/desa",
        "description": (
            "Department of the United Nations Secretariat for economic and social affairs. With "
            "UN-Habitat and UCLG it works in the Local2030 Coalition on the localization of the "
            "SDGs."
        ),
    },
    {
        "name": "United Nations Office on Drugs and Crime",
        "acronym": "UNODC",
        "sector": "un_system",
        "constituencies": [],
        "country": None,
        "city": None,
        "scale": "global",
        "website": "https://www.unodc.org",
        "description": (
            "United Nations office on drugs, crime and justice. It runs joint pilot activities "
            "with UN-Habitat on evidence-based community safety policies under the guidelines "
            "on safer cities and human settlements."
        ),
    },
    {
        "name": "Institute for Housing and Urban Development Studies",
        "acronym": "IHS",
        "sector": "academia",
        "constituencies": [],
        "country": "NL",
        "city": "Rotterdam",
        "scale": "global",
        "website": "https://www.ihs.nl",
        "description": (
            "Institute of Erasmus University Rotterdam for housing and urban development "
            "studies. One of the strategic capacity-building partnerships UN-Habitat expanded "
            "in 2023."
        ),
    },
    {
        "name": "Commonwealth Sustainable Cities Initiative",
        "acronym": None,
        "sector": "network",
        "constituencies": [],
        "country": None,
        "city": None,
        "scale": "global",
        "website": "https://commonwealthsustainablecities.org",
        "description": (
            "Initiative of Commonwealth organizations, among them the Commonwealth Association "
            "of Planners and the Commonwealth Local Government Forum, promoting sustainable "
            "urbanisation across the Commonwealth. One of the strategic capacity-building "
            "partnerships UN-Habitat expanded in 2023."
        ),
    },
    {
        "name": "Arcadis",
        "acronym": None,
        "sector": "business",
        "constituencies": [],
        "country": "NL",
        "city": "Amsterdam",
        "scale": "global",
        "website": "https://www.arcadis.com",
        "description": (
            "Design, engineering and consultancy company. One of the strategic capacity-building "
            "partnerships UN-Habitat expanded in 2023."
        ),
    },
    # Invented community groups in Nakuru, Kenya, where Roundtable 2 "Working together to
    # build sustainable cities and communities" met on 31 October 2020 (seed 001).
    {
        "name": "Nakuru City County Government (demo)",
        "acronym": None,
        "sector": "local_government",
        "constituencies": [],
        "country": "KE",
        "city": "Nakuru",
        "scale": "local",
        "website": None,
        "description": (
            f"{_DEMO_NOTE} A stand-in for a city or county government that partners with "
            "community groups on urban planning and services."
        ),
    },
    {
        "name": "Nakuru Youth Action Network (demo)",
        "acronym": "NYAN",
        "sector": "grassroots",
        "constituencies": ["children_youth"],
        "country": "KE",
        "city": "Nakuru",
        "scale": "local",
        "website": None,
        "description": (
            f"{_DEMO_NOTE} A youth-led group running neighbourhood clean-ups and skills "
            "training for young people."
        ),
    },
    {
        "name": "Nakuru Women's Savings and Housing Group (demo)",
        "acronym": None,
        "sector": "grassroots",
        "constituencies": ["women", "urban_poor"],
        "country": "KE",
        "city": "Nakuru",
        "scale": "local",
        "website": None,
        "description": (
            f"{_DEMO_NOTE} A women's group that pools savings for housing improvements and "
            "small businesses."
        ),
    },
    {
        "name": "Nakuru Disability Inclusion Forum (demo)",
        "acronym": None,
        "sector": "civil_society",
        "constituencies": ["persons_with_disabilities"],
        "country": "KE",
        "city": "Nakuru",
        "scale": "local",
        "website": None,
        "description": (
            f"{_DEMO_NOTE} An association of persons with disabilities advocating accessible "
            "public spaces and transport."
        ),
    },
    {
        "name": "Nakuru Informal Settlements Federation (demo)",
        "acronym": "NISF",
        "sector": "grassroots",
        "constituencies": ["urban_poor", "local_communities"],
        "country": "KE",
        "city": "Nakuru",
        "scale": "local",
        "website": None,
        "description": (
            f"{_DEMO_NOTE} A federation of residents' groups in informal settlements that "
            "collects settlement data and takes part in upgrading plans."
        ),
    },
    {
        "name": "Nakuru Older Persons Welfare Association (demo)",
        "acronym": None,
        "sector": "grassroots",
        "constituencies": ["older_persons"],
        "country": "KE",
        "city": "Nakuru",
        "scale": "local",
        "website": None,
        "description": (
            f"{_DEMO_NOTE} A self-help association of older persons and those who care for them."
        ),
    },
    {
        "name": "Nakuru Community Development Organization (demo)",
        "acronym": None,
        "sector": "grassroots",
        "constituencies": ["local_communities"],
        "country": "KE",
        "city": "Nakuru",
        "scale": "local",
        "website": None,
        "description": (
            f"{_DEMO_NOTE} A community-based organization of volunteers and community leaders "
            "working on water, sanitation and local safety."
        ),
    },
]

# Added with the engagements: the host city of the Seoul forum (seed 002 names the forum and
# its communiqué, not its hosts; Seoul hosting it is the plain reading of its name).
STAKEHOLDERS.append(
    {
        "name": "Seoul Metropolitan Government",
        "acronym": None,
        "sector": "local_government",
        "constituencies": [],
        "country": "KR",
        "city": "Seoul",
        "scale": "local",
        "website": "https://english.seoul.go.kr",
        "description": (
            "City government of Seoul. Host city of the first International Forum on Urban "
            "Policy for the Sustainable Development Goals, whose Seoul Communiqué sets out five "
            "principles for the sustainable development of cities."
        ),
    }
)

# The stakeholder the demo community account is a member of.
COMMUNITY_DEMO_MEMBER_OF = "Nakuru Informal Settlements Federation (demo)"


def _op(code: str, title: str, parent: str | None = None) -> dict[str, str | None]:
    """One operative paragraph entry of a resolution."""
    return {"code": code, "parent": parent, "title": title}


# Used for a parent paragraph that seed 003 cites only through its sub-paragraphs.
_SEE_SUBPARAGRAPHS = "Reported implementation: under its sub-paragraphs (see below)."

RESOLUTIONS: list[dict[str, Any]] = [
    {
        "code": "HSP/HA.1/RES.1",
        "year": 2019,
        "title": (
            "United Nations Human Settlements Programme strategic plan for the period 2020-2023"
        ),
        "paragraphs": [],
    },
    {
        "code": "HSP/HA.1/RES.2",
        "year": 2019,
        "title": "United Nations system-wide guidelines on safer cities and human settlements",
        "paragraphs": [
            _op(
                "OP3",
                "Reported implementation: collaboration with partners on an urban safety "
                "monitoring tool; e-learning modules on safer cities on UN-Habitat Learn; "
                "scaling up of the cities peer review and learning process.",
            ),
            _op(
                "OP4",
                "Reported implementation: Egypt organizing a regional expert group meeting in "
                "Cairo in April 2024 to review safer cities practices in Africa.",
            ),
            _op(
                "OP5",
                "Reported implementation: joint UN programming at country level piloted (e.g. "
                "South Africa); joint pilot activities with UNODC, the Human Security Unit, UNOCT "
                "and the Office for Disarmament Affairs.",
            ),
            _op(
                "OP7",
                "Reported implementation: a call for expressions of interest to host the Safer "
                "Cities Programme as a global centre of excellence under discussion; urban safety "
                "monitoring tool, e-learning and peer review (with OP3).",
            ),
        ],
    },
    {
        "code": "HSP/HA.1/RES.3",
        "year": 2019,
        "title": (
            "Enhancing capacity-building for the implementation of the New Urban Agenda and the "
            "urban dimension of the 2030 Agenda for Sustainable Development"
        ),
        # Seed 003 reports progress (NUA Illustrated, partnerships with IHS, the Commonwealth
        # Sustainable Cities Initiative, ITC, IUTC and Arcadis) but cites no paragraph.
        "paragraphs": [],
    },
    {
        "code": "HSP/HA.1/RES.4",
        "year": 2019,
        "title": (
            "Achieving gender equality through the work of the United Nations Human Settlements "
            "Programme to support inclusive, safe, resilient and sustainable cities and human "
            "settlements"
        ),
        "paragraphs": [
            _op(
                "OP1",
                "Reported implementation: work with country and regional offices to improve "
                "gender scores and integrate social inclusion in projects; Gender Champion Award; "
                "more gender-focused parameters in the revised Environmental and Social "
                "Safeguards System.",
            ),
            _op(
                "OP2",
                "Reported implementation: first draft of the Human Rights and Social Inclusion "
                "Handbook complete; more gender-focused parameters in the revised Environmental "
                "and Social Safeguards System.",
            ),
            _op(
                "OP4",
                "Reported implementation: Advisory Group on Gender Issues to be reconstituted in "
                "2024 for joint planning of WUF12 events.",
            ),
            _op(
                "OP5",
                "Reported implementation: first draft of the Human Rights and Social Inclusion "
                "Handbook complete.",
            ),
        ],
    },
    {
        "code": "HSP/HA.1/RES.5",
        "year": 2019,
        "title": (
            "Enhancing urban-rural linkages for sustainable urbanization and human settlements"
        ),
        "paragraphs": [
            _op(
                "OP1",
                "Reported implementation: research and policy reviews in five African countries, "
                "leading to a Center for Urban-Rural Linkages in Africa at the University of "
                "Nairobi; twelve African countries supported in integrating urban-rural linkages "
                "into national policies and strategies.",
            ),
            _op(
                "OP3",
                "Reported implementation: three sessions of the international forum on "
                "urban-rural linkages with Songyang County, China; newsletters and case study "
                "compendiums.",
            ),
            _op(
                "OP4",
                "Reported implementation: international forum on urban-rural linkages (with OP3); "
                "partnerships with governments, international agencies and academic institutions "
                "to be strengthened; more targeted tools development.",
            ),
        ],
    },
    {
        "code": "HSP/HA.2/RES.1",
        "year": 2023,
        "title": "International guidelines on people-centred smart cities",
        # Seed 003 reports the drafting process (Global Experts Working Group, consultations,
        # drafts through November 2024) without citing paragraphs.
        "paragraphs": [],
    },
    {
        "code": "HSP/HA.2/RES.2",
        "year": 2023,
        "title": "Accelerating the transformation of informal settlements and slums by 2030",
        "paragraphs": [
            _op("OP3", _SEE_SUBPARAGRAPHS),
            _op(
                "OP3(c)",
                "Reported implementation (next step): review of data needs and methods for "
                "slum-related issues, and criteria for policy best practices to be integrated "
                "with the Adequate Housing Platform.",
                parent="OP3",
            ),
            _op(
                "OP3(d)",
                "Reported implementation (next step): review of data needs and methods for "
                "slum-related issues, and criteria for policy best practices to be integrated "
                "with the Adequate Housing Platform.",
                parent="OP3",
            ),
            _op(
                "OP6",
                "Reported implementation: technical support provided on demand to 10 Member "
                "States.",
            ),
            _op(
                "OP7",
                "Reported implementation: sub-regional strategy framework for SADC countries "
                "initiated; UN-Habitat-led strategy for slum transformation in the context of "
                "adequate housing; partnership strategy with the Organization of African, "
                "Caribbean and Pacific States; global publication on slum transformation and a "
                "Transformative Action Matrix being finalised.",
            ),
            _op(
                "OP8",
                "Reported implementation: outline of a technical guideline for a multiple "
                "partnership approach to slum transformation, in response to the 10 key actions.",
            ),
        ],
    },
    {
        "code": "HSP/HA.2/RES.3",
        "year": 2023,
        "title": "World Cleanup Day",
        "paragraphs": [
            _op(
                "OP1",
                "Reported implementation: the UN General Assembly approved resolution A/78/L.11 "
                "on 8 December 2023, proclaiming 20 September World Cleanup Day; outreach to "
                "Member States to mobilize resources for hosting and facilitating the day.",
            ),
            _op(
                "OP2",
                "Reported implementation: invitations to Member States, UN system organizations "
                "and other international organizations to observe World Cleanup Day; the day "
                "reflected on the UN-Habitat corporate website.",
            ),
            _op(
                "OP5",
                "Reported implementation: the UN General Assembly proclaimed 20 September World "
                "Cleanup Day, to be observed annually (resolution A/78/L.11).",
            ),
            _op(
                "OP6",
                "Reported implementation: the General Assembly invites UN-Habitat to facilitate "
                "the observance, with costs met through voluntary contributions; a call for "
                "expression of interest to host World Cleanup Day 2024 in preparation.",
            ),
        ],
    },
    {
        "code": "HSP/HA.2/RES.4",
        "year": 2023,
        "title": (
            "Biodiverse and resilient cities: mainstreaming biodiversity and ecosystem services "
            "into urban and territorial planning"
        ),
        "paragraphs": [
            _op(
                "OP2",
                "Reported implementation: progress on a toolkit on urban development for "
                "biodiverse and resilient cities (cities and nature project in the San José "
                "Metropolitan Area, supported by Costa Rica); regional expert group meeting in "
                "Latin America and the Caribbean.",
            ),
            _op(
                "OP7",
                "Reported implementation: progress on the toolkit for biodiverse and resilient "
                "cities, with results to be reported at WUF12 and the second session of the "
                "Executive Board.",
            ),
        ],
    },
    {
        "code": "HSP/HA.2/RES.5",
        "year": 2023,
        "title": "Enhancing the interlinkage between urbanization and climate change resilience",
        "paragraphs": [
            _op(
                "OP1",
                "Reported implementation: a UN-Habitat representative selected for the scoping "
                "of the IPCC Special Report on Cities and Climate Change.",
            ),
            _op(
                "OP2",
                "Reported implementation: UN-Habitat co-chaired the first Local Climate Action "
                "Summit at COP28 and held the second Ministerial Meeting on Urbanization and "
                "Climate Change; next iteration discussed with the COP29 Presidency.",
            ),
            _op(
                "OP3",
                "Reported implementation: options and recommendations for operationalizing SURGe "
                "submitted to the Executive Board.",
            ),
            _op(
                "OP4",
                "Reported implementation: resources mobilized under the RISE UP Flagship "
                "Programme for Ghana and Côte d'Ivoire, Sri Lanka, Mongolia and Lao PDR.",
            ),
            _op(
                "OP7",
                "Reported implementation: a GCF Accreditation Task Force established, targeting "
                "a Stage 1 submission in June 2024.",
            ),
            _op(
                "OP8",
                "Reported implementation: multilevel climate action promoted at the UNEA-6 "
                "Cities and Regions Summit.",
            ),
        ],
    },
    {
        "code": "HSP/HA.2/RES.6",
        "year": 2023,
        "title": "Localization of the Sustainable Development Goals",
        "paragraphs": [
            _op("OP2", _SEE_SUBPARAGRAPHS),
            _op(
                "OP2(a)",
                "Reported implementation: Action-Oriented VLR Methodology launched, piloted in 13 "
                "countries.",
                parent="OP2",
            ),
            _op(
                "OP2(b)",
                "Reported implementation: corporate capacity-building offer on SDG localization, "
                "in line with the Local2030 Coalition, piloted in 5 countries; planned engagement "
                "in RFSD, HLPF, the Summit of the Future and WUF12.",
                parent="OP2",
            ),
            _op(
                "OP2(c)",
                "Reported implementation: corporate capacity-building offer on SDG localization, "
                "in line with the Local2030 Coalition, piloted in 5 countries.",
                parent="OP2",
            ),
            _op(
                "OP2(d)",
                "Reported implementation: support to localization in 18 countries and preparation "
                "for scaling up towards national SDG localization programmes; planned engagement "
                "in RFSD, HLPF, the Summit of the Future and WUF12.",
                parent="OP2",
            ),
            _op(
                "OP2(e)",
                "Reported implementation: support to localization in 18 countries and preparation "
                "for scaling up towards national SDG localization programmes.",
                parent="OP2",
            ),
            _op(
                "OP2(f)",
                "Reported implementation: corporate capacity-building offer on SDG localization; "
                "Local2030 Coalition work (SDG Localization Marker endorsed within the Joint SDG "
                "Fund, Local2030 Knowledge and Scientific Network to be launched).",
                parent="OP2",
            ),
            _op("OP4", _SEE_SUBPARAGRAPHS),
            _op(
                "OP4(a)",
                "Reported implementation: 80 new cities applied the Global Urban Monitoring "
                "Framework, and 42 asked for support to collect data and report on the SDGs and "
                "the New Urban Agenda.",
                parent="OP4",
            ),
            _op(
                "OP9",
                "Reported implementation: Local2030 Coalition: SDG Localization Marker endorsed "
                "within the Joint SDG Fund; integrated policy and capacity building promoted; "
                "Local2030 Knowledge and Scientific Network to be launched.",
            ),
        ],
    },
    {
        "code": "HSP/HA.2/RES.7",
        "year": 2023,
        "title": "Adequate housing for all",
        "paragraphs": [
            _op(
                "OP1",
                "Reported implementation: needs assessment method for the Adequate Housing "
                "Platform designed, implementation under way.",
            ),
            _op(
                "OP1(c)",
                "Reported implementation: preliminary scoping expert meeting on housing "
                "indicators held.",
                parent="OP1",
            ),
            _op(
                "OP2",
                "Reported implementation: draft agenda for the first session of the Open-ended "
                "Intergovernmental Expert Working Group on Adequate Housing for All presented to "
                "the Executive Board for approval.",
            ),
            _op(
                "OP7",
                "Reported implementation: options on the dates and duration of the Working "
                "Group's first session presented to the Executive Board for approval.",
            ),
            _op(
                "OP8",
                "Reported implementation: needs assessment method for the Adequate Housing "
                "Platform designed, implementation under way (with OP1).",
            ),
        ],
    },
    {
        "code": "HSP/HA.2/RES.8",
        "year": 2023,
        "title": "Urban planning and sustainable infrastructure",
        "paragraphs": [
            _op(
                "OP1",
                "Reported implementation: Our City Plans digital platform being updated with "
                "infrastructure knowledge and tools, starting with urban mobility; outreach to "
                "Member States for self-assessment of planning and infrastructure needs.",
            ),
            _op(
                "OP1(a)",
                "Reported implementation: connection initiated with in-house initiatives such as "
                "the Cities Investment Facility and Capital Investment Planning.",
                parent="OP1",
            ),
            _op(
                "OP2",
                "Reported implementation: outreach to Member States for self-assessment of needs "
                "in planning and infrastructure.",
            ),
            _op(
                "OP5",
                "Reported implementation: connection initiated with in-house initiatives such as "
                "the Cities Investment Facility and Capital Investment Planning.",
            ),
            _op(
                "OP6",
                "Reported implementation: training and capacity development on Our City Plans "
                "and technical assistance to national and local governments; concept for a new "
                "integrated Urban Lab and decentralised centres of excellence.",
            ),
        ],
    },
]


# --- ENGAGEMENTS ----------------------------------------------------------------------------
# Events where the demo stakeholders meet (loaded by ``registry.demo``). Local dates and times
# in each event's own IANA zone. What a seed does not say is chosen to be plausible and marked
# "chosen:" beside it; outcomes a seed does not report are invented and say "(demo)".

NUP_SERIES = "International Conferences on National Urban Policy"
URL_SERIES = "International Forum on Urban-Rural Linkages"

UN_HABITAT = "United Nations Human Settlements Programme"

ENGAGEMENTS: list[dict[str, Any]] = [
    {
        # Seed 001: concept note for Roundtable 2, 31 October 2020, Nakuru, 12.45-14.45 EAT.
        "title": "Roundtable 2: Working together to build sustainable cities and communities",
        "kind": "roundtable",
        "summary": (
            "Part of “Valuing our communities and cities”. Brings together community leaders, "
            "policy and decision-makers and practitioners to promote success stories, assess "
            "what is working and the lessons learned, and consider the policy implications and "
            "strategic direction for partnerships and stakeholder engagement at all levels in "
            "the post COVID-19 era. Speakers include CSOs and representatives of communities, "
            "local and national governments, the private sector and a UN agency."
        ),
        "start": ("2020-10-31", "12:45"),
        "end": ("2020-10-31", "14:45"),
        "time_zone": "Africa/Nairobi",
        "venue": None,
        "city": "Nakuru",
        "country": "KE",
        "online_url": None,
        "series": "Valuing our communities and cities",
        "attendance": {},
        "participants": [
            (UN_HABITAT, "organizer"),  # chosen: the concept note is UN-Habitat's
            ("Nakuru City County Government (demo)", "co_host"),  # chosen
            ("Nakuru Informal Settlements Federation (demo)", "speaker"),
            ("Nakuru Women's Savings and Housing Group (demo)", "speaker"),
            ("Nakuru Youth Action Network (demo)", "speaker"),
            ("Arcadis", "speaker"),  # chosen: the private sector's voice
            ("Nakuru Disability Inclusion Forum (demo)", "participant"),
            ("Nakuru Older Persons Welfare Association (demo)", "participant"),
            ("Nakuru Community Development Organization (demo)", "participant"),
        ],
        # Seed 001 asks for exactly these kinds; their texts are invented for the demo.
        "outcomes": [
            (
                "success_story",
                "(demo) Savings groups in informal settlements financed hand-washing points "
                "and food distribution during the COVID-19 lockdown, with the county providing "
                "water connections.",
            ),
            (
                "lesson_learned",
                "(demo) Community leaders and volunteers reached households that official "
                "channels missed: partnerships work when they are agreed with them, not for them.",
            ),
            (
                "decision",
                "(demo) The county and community organizations agreed to meet every quarter "
                "to plan recovery measures for informal settlements together.",
            ),
            (
                "follow_up_action",
                "(demo) Record the partnerships presented at the roundtable in the registry, "
                "with their commitments, before the next roundtable.",
            ),
        ],
    },
    {
        # Invented for the demo, so the list of upcoming engagements is not empty: the next
        # roundtable of the series, following up on what Roundtable 2 decided.
        "title": "Roundtable 3 (demo): Following up on the partnerships of Roundtable 2",
        "kind": "roundtable",
        "summary": (
            "(demo) Community organizations, the county and UN-Habitat review the partnerships "
            "and commitments recorded since Roundtable 2, and what is still missing."
        ),
        "start": ("2027-03-18", "10:00"),
        "end": ("2027-03-18", "12:30"),
        "time_zone": "Africa/Nairobi",
        "venue": None,
        "city": "Nakuru",
        "country": "KE",
        "online_url": "https://example.org/roundtable-3",
        "series": "Valuing our communities and cities",
        "attendance": {},
        "participants": [
            (UN_HABITAT, "organizer"),
            ("Nakuru City County Government (demo)", "co_host"),
            ("Nakuru Informal Settlements Federation (demo)", "speaker"),
        ],
        "outcomes": [],
    },
    {
        # Seed 000: the first conference, South Korea, 2015, co-hosted by UN-Habitat, KRIHS and
        # KICT; more than 250 policymakers from more than 25 countries.
        "title": "National Urban Policy: Towards Smarter and Greener Cities",
        "kind": "conference",
        "summary": (
            "The first International Conference on National Urban Policy, co-hosted by "
            "UN-Habitat, the Korea Research Institute for Human Settlements and the Korea "
            "Institute of Civil Engineering and Building Technology."
        ),
        "start": ("2015-03-25", "09:00"),  # chosen: the seed gives the year only
        "end": ("2015-03-27", "17:00"),  # chosen
        "time_zone": "Asia/Seoul",
        "venue": None,
        "city": "Daejeon",  # chosen: the seed says "South Korea"
        "country": "KR",
        "online_url": None,
        "series": NUP_SERIES,
        "attendance": {
            "people": 250,
            "countries": 25,
            "note": "more than 250 policymakers from more than 25 countries",
        },
        "participants": [
            (UN_HABITAT, "organizer"),
            ("Korea Research Institute for Human Settlements", "organizer"),
            ("Korea Institute of Civil Engineering and Building Technology", "organizer"),
        ],
        "outcomes": [],
    },
    {
        # Seed 000: the second conference, co-hosted by the OECD and UN-Habitat, supported by
        # the Governments of Korea and France, partners Cities Alliance and Next City; the
        # first after Habitat III (October 2016), with a French field tour.
        "title": "National Urban Policies: Implementing the SDGs and the New Urban Agenda",
        "kind": "conference",
        "summary": (
            "The Second International Conference on National Urban Policy and the first "
            "official event of the National Urban Policy Programme of UN-Habitat, the OECD and "
            "Cities Alliance. Regional discussions, thematic sessions, country experience "
            "sessions, capacity development and a French field tour, to evaluate progress on "
            "National Urban Policy and build the capacities of those who develop and implement "
            "it."
        ),
        "start": ("2017-05-15", "09:00"),  # chosen: after Habitat III, in Paris
        "end": ("2017-05-17", "18:00"),  # chosen
        "time_zone": "Europe/Paris",
        "venue": "OECD Conference Centre",  # chosen
        "city": "Paris",
        "country": "FR",
        "online_url": None,
        "series": NUP_SERIES,
        "attendance": {},
        "participants": [
            ("Organisation for Economic Co-operation and Development", "co_host"),
            (UN_HABITAT, "co_host"),
            ("Government of the Republic of Korea", "supporter"),
            ("Government of France", "supporter"),
            ("Cities Alliance", "partner"),
            ("Next City", "partner"),
        ],
        "outcomes": [],
    },
    {
        # Seed 002: the Seoul Communiqué of the first forum; its five principles.
        "title": "First International Forum on Urban Policy for the SDGs",
        "kind": "forum",
        "summary": (
            "Cities reaffirmed their commitment to the full implementation of the 2030 Agenda "
            "and adopted the Seoul Communiqué on Urban Policy for the SDGs: no one shall be "
            "left behind, no city shall be left behind."
        ),
        "start": ("2017-09-05", "09:30"),  # chosen: the seed gives no date
        "end": ("2017-09-06", "17:30"),  # chosen
        "time_zone": "Asia/Seoul",
        "venue": None,
        "city": "Seoul",
        "country": "KR",
        "online_url": None,
        "series": None,
        "attendance": {},
        "participants": [
            (UN_HABITAT, "organizer"),  # chosen
            ("Seoul Metropolitan Government", "co_host"),  # chosen
            ("United Cities and Local Governments", "participant"),  # chosen
        ],
        "outcomes": [
            (
                "decision",
                "I. Local Government Leadership and Integrated Planning for Sustainable "
                "Development: local action and leadership forge local partnerships and manage "
                "concerted and cohesive efforts, guided by good governance principles.",
            ),
            (
                "decision",
                "II. Citizen Participation is at the Heart of Sustainable Urban Development: "
                "cities engage citizens in participatory deliberative processes to build a "
                "shared vision for planning and implementation.",
            ),
            (
                "decision",
                "III. Smart Planning for Sustainable and Inclusive Urban Development: open "
                "platforms to formulate plans and policies, monitor and evaluate progress and "
                "strengthen citizen communication.",
            ),
            (
                "decision",
                "IV. Multilevel Partnerships Promote Implementation: communities, the private "
                "sector, local governments, civil society and regional networks of cities "
                "develop a common vision to achieve the SDGs.",
            ),
            (
                "decision",
                "V. Knowledge Sharing among Cities: networks of cities share best practices, "
                "build capacities and replicate successful urban solutions, including through "
                "the Urban SDG Knowledge Platform.",
            ),
        ],
    },
    {
        # Seed 003 (HSP/HA.1/RES.5): three sessions of the international forum on urban-rural
        # linkages with Songyang County, China; the last with 180 participants from 18
        # international organisations and 17 countries. Sessions' dates are chosen.
        "title": "International Forum on Urban-Rural Linkages, third session",
        "kind": "forum",
        "summary": (
            "Convened by UN-Habitat in collaboration with Songyang County, China, to advance "
            "knowledge on urban-rural linkages for sustainable urbanization and human "
            "settlements (HSP/HA.1/RES.5, OP3 and OP4)."
        ),
        "start": ("2023-11-16", "09:00"),  # chosen
        "end": ("2023-11-17", "17:00"),  # chosen
        "time_zone": "Asia/Shanghai",
        "venue": None,
        "city": "Songyang",
        "country": "CN",
        "online_url": None,
        "series": URL_SERIES,
        "attendance": {
            "people": 180,
            "countries": 17,
            "organizations": 18,
            "note": "180 participants from 18 international organisations and 17 countries",
        },
        "participants": [
            (UN_HABITAT, "organizer"),
            ("Songyang County", "co_host"),
            ("University of Nairobi Center for Urban-Rural Linkages in Africa", "speaker"),
        ],
        "outcomes": [
            (
                "follow_up_action",
                "Continue advocacy and knowledge-sharing activities to promote urban-rural "
                "linkages globally (seed 003, next steps).",
            ),
        ],
    },
    {
        "title": "International Forum on Urban-Rural Linkages, second session",
        "kind": "forum",
        "summary": (
            "The second session of the forum convened with Songyang County, China (seed 003)."
        ),
        "start": ("2022-11-17", "09:00"),  # chosen
        "end": ("2022-11-17", "17:00"),  # chosen
        "time_zone": "Asia/Shanghai",
        "venue": None,
        "city": "Songyang",
        "country": "CN",
        "online_url": None,
        "series": URL_SERIES,
        "attendance": {},
        "participants": [(UN_HABITAT, "organizer"), ("Songyang County", "co_host")],
        "outcomes": [],
    },
    {
        "title": "International Forum on Urban-Rural Linkages, first session",
        "kind": "forum",
        "summary": (
            "The first session of the forum convened with Songyang County, China (seed 003)."
        ),
        "start": ("2021-11-18", "09:00"),  # chosen
        "end": ("2021-11-18", "17:00"),  # chosen
        "time_zone": "Asia/Shanghai",
        "venue": None,
        "city": "Songyang",
        "country": "CN",
        "online_url": None,
        "series": URL_SERIES,
        "attendance": {},
        "participants": [(UN_HABITAT, "organizer"), ("Songyang County", "co_host")],
        "outcomes": [],
    },
]
