"""The small tables the seed draws from: cities of posts, officials' names, the subjects'
(fictional) names and birth places by nationality, places of reception and note texts.

Every draw goes through one ``random.Random(seed)``, so the same seed gives the same data. The
people are fictional; any likeness to a real person is a coincidence. Notes and places never
name anyone (they are not sealed).
"""

from __future__ import annotations

from typing import Final

#: (city, ISO country) of the posts; a city drawn again becomes a consulate.
CITIES: Final = (
    ("Vienna", "AT"),
    ("Tokyo", "JP"),
    ("Bonn", "DE"),
    ("Paris", "FR"),
    ("Rome", "IT"),
    ("Madrid", "ES"),
    ("Lisbon", "PT"),
    ("Athens", "GR"),
    ("Ankara", "TR"),
    ("Stockholm", "SE"),
    ("Helsinki", "FI"),
    ("Oslo", "NO"),
    ("Copenhagen", "DK"),
    ("Bern", "CH"),
    ("Brussels", "BE"),
    ("The Hague", "NL"),
    ("London", "GB"),
    ("Dublin", "IE"),
    ("Ottawa", "CA"),
    ("Mexico City", "MX"),
    ("Caracas", "VE"),
    ("Bogota", "CO"),
    ("Lima", "PE"),
    ("Santiago", "CL"),
    ("Buenos Aires", "AR"),
    ("Montevideo", "UY"),
    ("Brasilia", "BR"),
    ("Cairo", "EG"),
    ("Rabat", "MA"),
    ("Tunis", "TN"),
    ("Nairobi", "KE"),
    ("Lagos", "NG"),
    ("Dakar", "SN"),
    ("Addis Ababa", "ET"),
    ("Kinshasa", "CD"),
    ("Pretoria", "ZA"),
    ("New Delhi", "IN"),
    ("Karachi", "PK"),
    ("Colombo", "LK"),
    ("Dhaka", "BD"),
    ("Bangkok", "TH"),
    ("Kuala Lumpur", "MY"),
    ("Singapore", "SG"),
    ("Jakarta", "ID"),
    ("Manila", "PH"),
    ("Seoul", "KR"),
    ("Hong Kong", "HK"),
    ("Canberra", "AU"),
    ("Wellington", "NZ"),
    ("Tehran", "IR"),
    ("Baghdad", "IQ"),
    ("Amman", "JO"),
    ("Beirut", "LB"),
    ("Kuwait", "KW"),
    ("Riyadh", "SA"),
    ("Islamabad", "PK"),
    ("Kabul", "AF"),
    ("Reykjavik", "IS"),
    ("Valletta", "MT"),
    ("Nicosia", "CY"),
)

#: The agencies (code, name, kind) every official belongs to one of.
AGENCIES: Final = (
    ("STATE", "Department of State", "department"),
    ("CIA", "Central Intelligence Agency", "agency"),
    ("FBI", "Federal Bureau of Investigation", "agency"),
    ("DIA", "Defense Intelligence Agency", "agency"),
    ("USIA", "United States Information Agency", "agency"),
)

#: The compartments cases and officials may be read into.
COMPARTMENTS: Final = (
    ("REDWOOD", "Scientific and technical intelligence"),
    ("HALYARD", "Military and order-of-battle information"),
)

US_FIRST: Final = (
    "Dana", "Robert", "Margaret", "James", "Patricia", "Michael", "Linda", "William",
    "Barbara", "David", "Susan", "Richard", "Karen", "Thomas", "Nancy", "Charles", "Carol",
    "Daniel", "Helen", "Paul", "Ruth", "Mark", "Sharon", "George", "Donna", "Kenneth", "Joan",
    "Edward", "Alice", "Frank", "Janet", "Walter", "Grace", "Raymond", "Evelyn", "Harold",
)  # fmt: skip
US_LAST: Final = (
    "Reyes", "Whitfield", "Okafor", "Lindqvist", "Brennan", "Castillo", "Moreau", "Haddad",
    "Kowalczyk", "Sato", "Ferreira", "Donnelly", "Abernathy", "Galloway", "Pruitt", "Yamada",
    "Calloway", "Becker", "Santos", "Holloway", "Nakamura", "Ortega", "McAllister", "Novak",
    "Sinclair", "Vaughn", "Delacroix", "Harrington", "Osei", "Lindgren", "Whitaker", "Quinn",
)  # fmt: skip

#: Titles of the post roles' holders.
TITLES: Final = {
    "case_officer": ("Political Officer", "Consular Officer", "Second Secretary"),
    "committee_member": ("Defense Attaché", "Legal Attaché", "Station Officer"),
    "committee_chair": ("Deputy Chief of Mission",),
    "senior_representative": ("Ambassador", "Consul General"),
}

#: Subjects' nationalities (the 2a countries, and a few others for refugees), with names and
#: birth places. Given names first, family names second.
PEOPLE: Final = {
    "SU": (
        ("Viktor", "Sergei", "Anatoly", "Yelena", "Natalya", "Oleg", "Irina", "Dmitri"),
        ("Pelsh", "Korolev", "Sokolov", "Vasilyeva", "Orlov", "Belova", "Gromov", "Zaitsev"),
        ("Kharkov", "Leningrad", "Sverdlovsk", "Riga", "Tbilisi", "Odessa", "Minsk"),
    ),
    "CN": (
        ("Shaoyu", "Wei", "Jianguo", "Mei", "Xiaoping", "Lan", "Guoqiang", "Hua"),
        ("Liang", "Zhang", "Wang", "Chen", "Liu", "Zhao", "Huang", "Zhou"),
        ("Shenyang", "Wuhan", "Chengdu", "Harbin", "Xi'an", "Tianjin", "Nanjing"),
    ),
    "CS": (
        ("Tomas", "Jana", "Pavel", "Milan", "Eva", "Jiri", "Zdenka", "Karel"),
        ("Vranek", "Novotny", "Dvorak", "Cerna", "Prochazka", "Kucera", "Horak", "Svoboda"),
        ("Brno", "Ostrava", "Plzen", "Bratislava", "Kosice", "Olomouc"),
    ),
    "HU": (
        ("Laszlo", "Ferenc", "Katalin", "Istvan", "Zsuzsa", "Gabor", "Erzsebet", "Tibor"),
        ("Havas", "Nagy", "Kovacs", "Szabo", "Toth", "Varga", "Molnar", "Farkas"),
        ("Debrecen", "Szeged", "Miskolc", "Pecs", "Gyor", "Budapest"),
    ),
    "PL": (
        ("Andrzej", "Krystyna", "Tadeusz", "Ewa", "Marek", "Halina", "Zbigniew", "Jolanta"),
        ("Wojcik", "Kaminski", "Lewandowska", "Zielinski", "Szymanski", "Dabrowska", "Mazur"),
        ("Krakow", "Gdansk", "Lodz", "Poznan", "Wroclaw", "Lublin"),
    ),
    "DD": (
        ("Klaus", "Ingrid", "Jurgen", "Monika", "Horst", "Renate", "Dieter", "Brigitte"),
        ("Schreiber", "Lehmann", "Krause", "Hoffmann", "Richter", "Neumann", "Vogel"),
        ("Leipzig", "Dresden", "Rostock", "Magdeburg", "Erfurt", "Karl-Marx-Stadt"),
    ),
    "RO": (
        ("Ion", "Elena", "Mihai", "Ioana", "Constantin", "Maria", "Vasile", "Ana"),
        ("Popescu", "Ionescu", "Dumitrescu", "Stan", "Constantinescu", "Marin", "Georgescu"),
        ("Cluj", "Iasi", "Timisoara", "Constanta", "Brasov", "Craiova"),
    ),
    "BG": (
        ("Georgi", "Ivan", "Maria", "Dimitar", "Elena", "Petar", "Yordanka", "Stoyan"),
        ("Ivanov", "Petrova", "Georgiev", "Dimitrova", "Todorov", "Nikolov", "Stoyanov"),
        ("Plovdiv", "Varna", "Burgas", "Ruse", "Sofia", "Pleven"),
    ),
    "CU": (
        ("Jose", "Maria", "Rafael", "Carmen", "Orlando", "Teresa", "Ramon", "Lourdes"),
        ("Garcia", "Rodriguez", "Fernandez", "Perez", "Hernandez", "Diaz", "Alvarez"),
        ("Santiago de Cuba", "Camaguey", "Holguin", "Matanzas", "Cienfuegos", "Havana"),
    ),
    "VN": (
        ("Van Thanh", "Thi Lan", "Van Minh", "Thi Hoa", "Duc Anh", "Thi Mai", "Quoc Bao"),
        ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Phan", "Vu"),
        ("Hanoi", "Haiphong", "Hue", "Vinh", "Nam Dinh", "Thanh Hoa"),
    ),
    "KP": (
        ("Song-chol", "Myong-hui", "Yong-su", "Chun-hwa", "Kwang-il", "Ok-sun", "Chol-min"),
        ("Ri", "Kim", "Pak", "Choe", "Jong", "Kang", "Han"),
        ("Wonsan", "Hamhung", "Chongjin", "Sinuiju", "Kaesong", "Nampo"),
    ),
    "AL": (
        ("Agim", "Drita", "Besnik", "Mimoza", "Fatmir", "Lindita", "Arben", "Valbona"),
        ("Hoxha", "Shehu", "Dervishi", "Leka", "Basha", "Gjoka", "Meta"),
        ("Durres", "Shkoder", "Vlore", "Elbasan", "Korce", "Berat"),
    ),
    "YU": (
        ("Dragan", "Milica", "Zoran", "Vesna", "Branko", "Jelena", "Goran", "Snezana"),
        ("Petrovic", "Jovanovic", "Nikolic", "Markovic", "Horvat", "Kovacevic", "Babic"),
        ("Zagreb", "Sarajevo", "Skopje", "Novi Sad", "Split", "Ljubljana"),
    ),
    "MN": (
        ("Batbayar", "Oyuun", "Ganbold", "Sarangerel", "Tsogt", "Altantsetseg"),
        ("Dorj", "Bat-Erdene", "Sukhbaatar", "Gombo", "Tseren", "Purev"),
        ("Darkhan", "Erdenet", "Choibalsan", "Khovd", "Ulaanbaatar"),
    ),
    "LA": (
        ("Somsak", "Khampheng", "Bounmy", "Vanh", "Phonsavanh", "Keo"),
        ("Phommachanh", "Sayavong", "Vongsa", "Keomany", "Sisouk", "Inthavong"),
        ("Luang Prabang", "Pakse", "Savannakhet", "Vientiane", "Thakhek"),
    ),
    "KH": (
        ("Sokha", "Chenda", "Vannak", "Sophea", "Rithy", "Bopha"),
        ("Chea", "Sok", "Keo", "Meas", "Heng", "Pich"),
        ("Battambang", "Kampot", "Siem Reap", "Kampong Cham", "Takeo"),
    ),
}

#: How often each nationality comes, in tenths of a per cent (the USSR most often).
NATIONALITY_WEIGHTS: Final = {
    "SU": 300, "CN": 120, "CS": 80, "HU": 70, "PL": 90, "DD": 70, "RO": 50, "BG": 40,
    "CU": 60, "VN": 40, "KP": 20, "AL": 10, "YU": 30, "MN": 8, "LA": 6, "KH": 6,
}  # fmt: skip

#: Where a person was received or met (no names).
PLACES: Final = (
    "Consular section, front desk",
    "Chancery gate, marine guard post",
    "Side entrance after hours",
    "Residence annex",
    "Trade fair, visitors' pavilion",
    "Hotel lobby during a delegation's visit",
    "Airport transit lounge",
    "Harbour, seamen's club",
    "University conference, coffee break",
    "Reception of a trade delegation",
    "Consular waiting room",
    "Cultural centre library",
)

#: First notes of a case (what the reporting official knows; no names).
NOTES: Final = (
    "Arrived on foot and asked for the political section; waiting in the interview room.",
    "Engineer with a state trading company; said over dinner he would not go home.",
    "Ministry official; came in the evening with a briefcase of papers.",
    "Scientist attending a conference; asked the marine guard for asylum.",
    "Seaman off a freighter; asked for help at the harbour office.",
    "Delegation interpreter; complained to the attaché about the delegation's minders.",
    "Athlete with a touring team; slipped away from the team hotel at night.",
    "Military officer on a purchasing mission; asked to speak to someone in private.",
    "Journalist accredited to the trade talks; says he fears arrest on his return.",
    "Student on an exchange programme; asked about staying after the term ends.",
)

#: Later notes on a case's timeline (no names).
FOLLOW_UPS: Final = (
    "Debriefing session held; account consistent with the earlier sessions.",
    "Medical check done; no concerns.",
    "Moved to the safe flat; security detail in place.",
    "Asked again about family members left behind; to be raised with the committee.",
    "Traces requested from headquarters.",
    "Language officer present for the interview; transcript filed.",
    "Host-government liaison not informed, as the committee decided.",
    "Subject calm; asked for newspapers in his own language.",
    "Documents brought in reviewed; copies made and returned.",
    "Follow-up interview arranged for the next morning.",
)

#: Evidence of a discharged obligation, by obligation (no names).
EVIDENCE: Final = {
    "secure_reception": "Taken to a secure room within the hour; guard posted.",
    "establish_bona_fides": "Traces negative for deception; debriefing consistent.",
    "obtain_voluntary_statement": "Statement signed in own language and English, witnessed.",
    "political_risk_determination": "Senior representative's determination recorded.",
    "consider_defector_status": "Committee considered the case at its meeting.",
    "report_to_idc": "Report cabled to the IDC.",
    "disseminate_threat_information": "Threat information passed to the addressees at once.",
}
