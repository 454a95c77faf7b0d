"""Name pools of the name-matching benchmark's generator (``namegen``), by language, in each
language's own script. Written independently of the matcher's tables: the diminutives here
are in Cyrillic or in each language's spelling, and the Chinese characters carry their pinyin
and Wade–Giles spellings as reference works give them (not derived by the matcher's rules)."""

from __future__ import annotations

#: Russian male given names: (name, patronymic stem -ович/-евич form, diminutives).
RU_MALE = [
    ("Юрий", "Юрьевич", ["Юра", "Юрка"]),
    ("Александр", "Александрович", ["Саша", "Шура", "Саня"]),
    ("Алексей", "Алексеевич", ["Алёша", "Лёша"]),
    ("Андрей", "Андреевич", ["Андрюша"]),
    ("Анатолий", "Анатольевич", ["Толя"]),
    ("Борис", "Борисович", ["Боря"]),
    ("Вадим", "Вадимович", ["Вадик"]),
    ("Валентин", "Валентинович", ["Валя"]),
    ("Валерий", "Валерьевич", ["Валера"]),
    ("Василий", "Васильевич", ["Вася"]),
    ("Виктор", "Викторович", ["Витя"]),
    ("Владимир", "Владимирович", ["Володя", "Вова"]),
    ("Вячеслав", "Вячеславович", ["Слава"]),
    ("Геннадий", "Геннадьевич", ["Гена"]),
    ("Георгий", "Георгиевич", ["Жора", "Гоша"]),
    ("Григорий", "Григорьевич", ["Гриша"]),
    ("Дмитрий", "Дмитриевич", ["Дима", "Митя"]),
    ("Евгений", "Евгеньевич", ["Женя"]),
    ("Иван", "Иванович", ["Ваня"]),
    ("Игорь", "Игоревич", []),
    ("Илья", "Ильич", ["Илюша"]),
    ("Константин", "Константинович", ["Костя"]),
    ("Леонид", "Леонидович", ["Лёня"]),
    ("Михаил", "Михайлович", ["Миша"]),
    ("Николай", "Николаевич", ["Коля"]),
    ("Олег", "Олегович", []),
    ("Павел", "Павлович", ["Паша"]),
    ("Пётр", "Петрович", ["Петя"]),
    ("Сергей", "Сергеевич", ["Серёжа"]),
    ("Станислав", "Станиславович", ["Стас"]),
    ("Степан", "Степанович", ["Стёпа"]),
    ("Фёдор", "Фёдорович", ["Федя"]),
    ("Яков", "Яковлевич", ["Яша"]),
    ("Семён", "Семёнович", ["Сёма"]),
    ("Аркадий", "Аркадьевич", ["Аркаша"]),
    ("Кирилл", "Кириллович", []),
    ("Максим", "Максимович", ["Макс"]),
    ("Никита", "Никитич", []),
    ("Тимофей", "Тимофеевич", []),
    ("Роман", "Романович", ["Рома"]),
    ("Лев", "Львович", ["Лёва"]),
    ("Олег", "Олегович", []),
    ("Эдуард", "Эдуардович", ["Эдик"]),
    ("Руслан", "Русланович", []),
    ("Арсений", "Арсеньевич", ["Сеня"]),
]

#: Russian female given names and diminutives.
RU_FEMALE = [
    ("Анна", ["Аня", "Нюра"]),
    ("Александра", ["Саша", "Шура"]),
    ("Анастасия", ["Настя"]),
    ("Галина", ["Галя"]),
    ("Дарья", ["Даша"]),
    ("Екатерина", ["Катя"]),
    ("Елена", ["Лена"]),
    ("Ирина", ["Ира"]),
    ("Людмила", ["Люда"]),
    ("Мария", ["Маша"]),
    ("Надежда", ["Надя"]),
    ("Наталья", ["Наташа"]),
    ("Ольга", ["Оля"]),
    ("Светлана", ["Света"]),
    ("Татьяна", ["Таня"]),
    ("Юлия", ["Юля"]),
    ("Вера", []),
    ("Любовь", ["Люба"]),
    ("Валентина", ["Валя"]),
    ("Лариса", []),
    ("Полина", []),
    ("Зинаида", ["Зина"]),
    ("Нина", []),
    ("Тамара", []),
    ("Раиса", ["Рая"]),
]

#: Stems of Russian and Ukrainian surnames; suffixes make surnames and near-miss namesakes.
RU_STEMS = (
    (
        "Нос Петр Иван Сидор Кузнец Смирн Сокол Волк Медвед Лебед Орл Голуб Ворон Зайц Белк Бобр "
        "Гончар Ковал Мельник Пекар Плотник Рыбак Кравч Шевч Бондар Ткач Дьяч Попк Купр Сорок "
        "Морозк Снегир Громык Бел Черн Рыж Сед Руд Лыс Горб Хрущ Щук Жук Журавл Чиж Шмел "
        "Комар Мух Павл Андре Алексе Михайл Никол Сергe Фёдор Степан Григор Тимоф Яковл Денис "
        "Максим Давыд Борис Глеб Вадим Руслан Тарас Остап Богдан Кирил Захар Макар Прохор Савел "
        "Игнат Антон Федот Ерем Кондрат Лукьян Наум Осип Панкрат Родион Семён Трофим Фрол Харит "
        "Юдин Ярош Ляш Шапош Сапож Портн Кожем Пастух Кучер Мясн Солод Хмел Пив Медов Сахар "
        "Калач Пирож Блин Каш Щерб Кривоше Долгоруk Толст Тонк Широк Высоц Низк Мал Велик Добр "
        "Злобин Тих Гром Бур Ветр Дожд Туман Зим Лет Весн Осен Декабр Март Май Июн"
    )
    .replace("k", "к")
    .replace("e", "е")
    .split()
)
RU_SUFFIXES_MALE = ["ов", "ев", "ин", "енко", "ский", "ук", "ченко", "ников"]
RU_FEMININE = {"ов": "ова", "ев": "ева", "ин": "ина", "ский": "ская", "ников": "никова"}

#: Polish given names (male, female) with diminutives, and surnames (masculine form).
PL_MALE = [
    ("Jan", ["Janek", "Jasiek"]),
    ("Piotr", ["Piotrek"]),
    ("Krzysztof", ["Krzysiek"]),
    ("Andrzej", ["Jędrek"]),
    ("Tomasz", ["Tomek"]),
    ("Paweł", ["Pawełek"]),
    ("Józef", ["Józek"]),
    ("Marcin", ["Marcinek"]),
    ("Marek", []),
    ("Michał", ["Michałek"]),
    ("Grzegorz", ["Grzesiek"]),
    ("Jerzy", ["Jurek"]),
    ("Tadeusz", ["Tadek"]),
    ("Adam", ["Adaś"]),
    ("Łukasz", ["Łukaszek"]),
    ("Zbigniew", ["Zbyszek"]),
    ("Ryszard", ["Rysiek"]),
    ("Stanisław", ["Staszek", "Staś"]),
    ("Wojciech", ["Wojtek"]),
    ("Władysław", ["Władek"]),
    ("Kazimierz", ["Kazik"]),
    ("Mirosław", ["Mirek"]),
]
PL_FEMALE = [
    ("Anna", ["Ania", "Anka"]),
    ("Maria", ["Marysia"]),
    ("Katarzyna", ["Kasia"]),
    ("Małgorzata", ["Gosia", "Małgosia"]),
    ("Agnieszka", ["Agnisia"]),
    ("Barbara", ["Basia"]),
    ("Ewa", ["Ewunia"]),
    ("Krystyna", ["Krysia"]),
    ("Elżbieta", ["Ela"]),
    ("Zofia", ["Zosia"]),
    ("Jadwiga", ["Jadzia"]),
    ("Danuta", ["Danka"]),
    ("Halina", ["Hala"]),
    ("Irena", ["Irka"]),
    ("Joanna", ["Asia"]),
]
PL_SURNAMES = (
    "Kowalski Nowak Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański "
    "Woźniak Dąbrowski Kozłowski Jankowski Mazur Wojciechowski Kwiatkowski Krawczyk "
    "Kaczmarek Piotrowski Grabowski Zając Pawłowski Michalski Król Wieczorek Jabłoński "
    "Wróbel Nowakowski Majewski Olszewski Stępień Malinowski Jaworski Adamczyk Dudek "
    "Nowicki Pawlak Górski Witkowski Walczak Sikora Baran Rutkowski Michalak Szewczyk "
    "Ostrowski Tomaszewski Pietrzak Zalewski Wróblewski Marciniak Jasiński Zawadzki Bąk "
    "Jakubowski Sadowski Duda Włodarczyk Wilk Chmielewski Borkowski Sokołowski Szczepański "
    "Sawicki Lis Kucharski Kalinowski Wysocki Mazurek Kubiak Kołodziej Czarnecki Sobczak "
    "Konieczny Urbański Głowacki Zakrzewski Krajewski Krupa Wasilewski Szczepaniak Żak"
).split()

CZ_MALE = [
    ("Jan", ["Honza", "Jenda"]),
    ("Jiří", ["Jirka"]),
    ("Petr", ["Péťa"]),
    ("Josef", ["Pepa", "Pepík"]),
    ("Pavel", ["Pavlík"]),
    ("Tomáš", ["Tomík"]),
    ("Jaroslav", ["Jarda"]),
    ("Miroslav", ["Mirek"]),
    ("Zdeněk", ["Zdenda"]),
    ("Václav", ["Vašek"]),
    ("František", ["Franta"]),
    ("Karel", ["Karlík"]),
    ("Ladislav", ["Láďa"]),
    ("Antonín", ["Tonda"]),
    ("Stanislav", ["Standa"]),
    ("Vojtěch", ["Vojta"]),
    ("Ondřej", ["Ondra"]),
    ("Milan", []),
    ("Michal", []),
]
CZ_FEMALE = [
    ("Marie", ["Mařenka"]),
    ("Jana", ["Janička"]),
    ("Eva", ["Evička"]),
    ("Hana", ["Hanka"]),
    ("Věra", ["Věrka"]),
    ("Kateřina", ["Káťa"]),
    ("Lenka", []),
    ("Alena", ["Alenka"]),
    ("Zdeňka", []),
    ("Ludmila", ["Lída"]),
    ("Jaroslava", ["Jarka"]),
]
CZ_SURNAMES = (
    "Novák Svoboda Novotný Dvořák Černý Procházka Kučera Veselý Horák Němec Pokorný Marek "
    "Pospíšil Hájek Jelínek Král Růžička Beneš Fiala Sedláček Doležal Zeman Kolář Navrátil "
    "Čermák Vaněk Urban Blažek Kříž Kovář Bartoš Vlček Polák Musil Kopecký Šimek Konečný "
    "Malý Holub Štěpánek Kadlec Dostál Soukup Šťastný Mareš Moravec Sýkora Tichý Valenta"
).split()

#: Hungarian names, written surname first in Hungarian.
HU_MALE = [
    ("László", ["Laci"]),
    ("István", ["Pista", "Pisti"]),
    ("József", ["Józsi"]),
    ("János", ["Jancsi", "Jani"]),
    ("Zoltán", ["Zoli"]),
    ("Sándor", ["Sanyi"]),
    ("Ferenc", ["Feri"]),
    ("Gábor", ["Gabi"]),
    ("Attila", ["Atti"]),
    ("Péter", ["Peti"]),
    ("Tamás", ["Tomi"]),
    ("Zsolt", []),
    ("Tibor", ["Tibi"]),
    ("András", ["Bandi"]),
    ("Csaba", []),
    ("Imre", []),
    ("Lajos", ["Lali"]),
    ("György", ["Gyuri"]),
    ("Gyula", []),
]
HU_FEMALE = [
    ("Mária", ["Marika"]),
    ("Erzsébet", ["Erzsi", "Zsóka"]),
    ("Katalin", ["Kati"]),
    ("Éva", ["Évi"]),
    ("Ilona", ["Ili"]),
    ("Zsuzsanna", ["Zsuzsa", "Zsuzsi"]),
    ("Margit", ["Manci"]),
    ("Judit", ["Jutka"]),
    ("Ágnes", ["Ági"]),
    ("Anna", ["Panni"]),
]
HU_SURNAMES = (
    "Nagy Kovács Tóth Szabó Horváth Varga Kiss Molnár Németh Farkas Balogh Papp Takács "
    "Juhász Lakatos Mészáros Oláh Simon Rácz Fekete Szilágyi Török Fehér Balázs Gál Kis "
    "Szűcs Kocsis Pintér Fodor Szalai Sipos Magyar Lukács Gulyás Biró Király Hegedűs Bogdán"
).split()

RO_MALE = [
    ("Ion", ["Ionel", "Nelu"]),
    ("Gheorghe", ["Gigel", "Ghiță"]),
    ("Vasile", ["Vasilică"]),
    ("Constantin", ["Costel", "Costică"]),
    ("Nicolae", ["Nicu"]),
    ("Dumitru", ["Mitică"]),
    ("Mihai", ["Mihăiță"]),
    ("Ștefan", ["Fane"]),
    ("Florin", []),
    ("Andrei", []),
    ("Alexandru", ["Sandu"]),
    ("Ioan", []),
    ("Petru", ["Petrică"]),
    ("Marin", ["Marinel"]),
]
RO_FEMALE = [
    ("Maria", ["Mărioara"]),
    ("Elena", ["Lenuța"]),
    ("Ioana", ["Ionela"]),
    ("Ana", ["Anuța"]),
    ("Mihaela", []),
    ("Andreea", []),
    ("Cristina", []),
    ("Gabriela", ["Gabi"]),
]
RO_SURNAMES = (
    "Popescu Ionescu Popa Pop Radu Dumitru Stan Stoica Gheorghe Matei Ciobanu Ioniță Rusu "
    "Mihai Constantin Munteanu Marin Ștefan Lungu Dinu Florea Tudor Diaconu Moldovan Nistor "
    "Șerban Țurcanu Căpraru Bălan Georgescu Dobre Barbu Toma Neagu Cristea Enache Ungureanu"
).split()

#: Bulgarian (Cyrillic) names; diminutives in Bulgarian.
BG_MALE = [
    ("Георги", ["Гошо"]),
    ("Иван", ["Ваньо"]),
    ("Димитър", ["Митко"]),
    ("Николай", ["Колю"]),
    ("Петър", ["Пешо"]),
    ("Христо", ["Ицо"]),
    ("Стоян", ["Стойчо"]),
    ("Тодор", ["Тошо"]),
    ("Васил", ["Васко"]),
    ("Атанас", ["Наско"]),
    ("Ангел", ["Ачо"]),
    ("Йордан", ["Данчо"]),
    ("Стефан", ["Стефчо"]),
    ("Борис", ["Боби"]),
    ("Любомир", ["Любо"]),
]
BG_FEMALE = [
    ("Мария", ["Мими"]),
    ("Иванка", ["Ваня"]),
    ("Елена", ["Ели"]),
    ("Йорданка", ["Данче"]),
    ("Пенка", []),
    ("Цветана", ["Цеца"]),
    ("Росица", ["Роси"]),
    ("Десислава", ["Деси"]),
]
BG_SURNAMES = (
    "Иванов Георгиев Димитров Петров Николов Христов Стоянов Тодоров Илиев Василев "
    "Атанасов Петков Ангелов Колев Йорданов Маринов Стефанов Попов Михайлов Кръстев "
    "Костов Цветков Генов Рачев Енчев Жеков Щерев Ъглев Шишков Чолаков"
).split()

#: Serbo-Croatian names in Latin script with diacritics (Serbian ones also in Cyrillic).
SH_MALE = [
    ("Milan", ["Mile"]),
    ("Marko", []),
    ("Stefan", ["Stevo"]),
    ("Nikola", ["Nikica"]),
    ("Dragan", ["Gagi"]),
    ("Zoran", ["Zoki"]),
    ("Goran", []),
    ("Ivan", ["Ivica"]),
    ("Petar", ["Pero"]),
    ("Đorđe", ["Đuro"]),
    ("Miloš", []),
    ("Dušan", ["Duško"]),
    ("Branko", []),
    ("Slobodan", ["Boban", "Sloba"]),
    ("Josip", ["Joža"]),
]
SH_FEMALE = [
    ("Jelena", ["Jeca"]),
    ("Marija", ["Mara"]),
    ("Ana", []),
    ("Milica", ["Mica"]),
    ("Snežana", ["Sneža"]),
    ("Dragana", ["Gaga"]),
    ("Ivana", []),
]
SH_SURNAMES = (
    "Jovanović Petrović Nikolić Marković Đorđević Stojanović Ilić Stanković Pavlović "
    "Milošević Horvat Kovačević Babić Marić Jurić Novak Kovačić Knežević Vuković Popović "
    "Lukić Tomić Šarić Živković Ćosić Đurić Savić Mitrović Lazarević Radić"
).split()
SR_CYRILLIC = {
    "lj": "љ",
    "nj": "њ",
    "dž": "џ",
    "a": "а",
    "b": "б",
    "c": "ц",
    "č": "ч",
    "ć": "ћ",
    "d": "д",
    "đ": "ђ",
    "e": "е",
    "f": "ф",
    "g": "г",
    "h": "х",
    "i": "и",
    "j": "ј",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "p": "п",
    "r": "р",
    "s": "с",
    "š": "ш",
    "t": "т",
    "u": "у",
    "v": "в",
    "z": "з",
    "ž": "ж",
}

AL_MALE = [
    ("Enver", []),
    ("Mehmet", ["Meti"]),
    ("Gjergj", []),
    ("Ismail", []),
    ("Agron", []),
    ("Bujar", []),
    ("Fatos", []),
    ("Ilir", []),
    ("Arben", ["Beni"]),
    ("Besnik", []),
    ("Dritan", []),
    ("Gëzim", []),
    ("Lulzim", []),
    ("Petrit", []),
    ("Sokol", []),
    ("Ramiz", []),
    ("Kastriot", []),
    ("Ylli", []),
    ("Hysni", []),
    ("Xhevdet", []),
]
AL_FEMALE = [
    ("Drita", []),
    ("Liljana", []),
    ("Nexhmije", []),
    ("Mimoza", []),
    ("Teuta", []),
    ("Vjollca", []),
    ("Flutura", []),
    ("Shpresa", []),
    ("Afërdita", ["Dita"]),
]
AL_SURNAMES = (
    "Hoxha Shehu Dervishi Kola Gjoka Leka Krasniqi Berisha Gashi Bytyqi Çela Hysa Marku "
    "Prifti Xhafa Dushku Mema Rama Meta Basha Ahmeti Lleshi Zogu Kadare Toptani Çaushi "
    "Xhaferi Shkëmbi Gjika Përmeti"
).split()

#: Chinese surname characters: (character, pinyin, Wade–Giles).
ZH_SURNAMES = [
    ("王", "Wang", "Wang"),
    ("李", "Li", "Li"),
    ("张", "Zhang", "Chang"),
    ("刘", "Liu", "Liu"),
    ("陈", "Chen", "Ch'en"),
    ("杨", "Yang", "Yang"),
    ("黄", "Huang", "Huang"),
    ("赵", "Zhao", "Chao"),
    ("周", "Zhou", "Chou"),
    ("吴", "Wu", "Wu"),
    ("徐", "Xu", "Hsü"),
    ("孙", "Sun", "Sun"),
    ("朱", "Zhu", "Chu"),
    ("马", "Ma", "Ma"),
    ("胡", "Hu", "Hu"),
    ("郭", "Guo", "Kuo"),
    ("林", "Lin", "Lin"),
    ("何", "He", "Ho"),
    ("高", "Gao", "Kao"),
    ("罗", "Luo", "Lo"),
    ("郑", "Zheng", "Cheng"),
    ("梁", "Liang", "Liang"),
    ("谢", "Xie", "Hsieh"),
    ("宋", "Song", "Sung"),
    ("唐", "Tang", "T'ang"),
    ("邓", "Deng", "Teng"),
    ("冯", "Feng", "Feng"),
    ("韩", "Han", "Han"),
    ("曹", "Cao", "Ts'ao"),
    ("彭", "Peng", "P'eng"),
    ("曾", "Zeng", "Tseng"),
    ("田", "Tian", "T'ien"),
    ("董", "Dong", "Tung"),
    ("蒋", "Jiang", "Chiang"),
    ("毛", "Mao", "Mao"),
    ("邱", "Qiu", "Ch'iu"),
    ("秦", "Qin", "Ch'in"),
    ("江", "Jiang", "Chiang"),
    ("许", "Xu", "Hsü"),
    ("钱", "Qian", "Ch'ien"),
]

#: Chinese given-name characters: (character, pinyin, Wade–Giles).
ZH_GIVEN = [
    ("泽", "ze", "tse"),
    ("东", "dong", "tung"),
    ("小", "xiao", "hsiao"),
    ("平", "ping", "p'ing"),
    ("恩", "en", "en"),
    ("来", "lai", "lai"),
    ("经", "jing", "ching"),
    ("国", "guo", "kuo"),
    ("建", "jian", "chien"),
    ("华", "hua", "hua"),
    ("明", "ming", "ming"),
    ("伟", "wei", "wei"),
    ("强", "qiang", "ch'iang"),
    ("军", "jun", "chün"),
    ("志", "zhi", "chih"),
    ("文", "wen", "wen"),
    ("海", "hai", "hai"),
    ("德", "de", "te"),
    ("庆", "qing", "ch'ing"),
    ("春", "chun", "ch'un"),
    ("秀", "xiu", "hsiu"),
    ("英", "ying", "ying"),
    ("玉", "yu", "yü"),
    ("兰", "lan", "lan"),
    ("红", "hong", "hung"),
    ("金", "jin", "chin"),
    ("成", "cheng", "ch'eng"),
    ("光", "guang", "kuang"),
    ("荣", "rong", "jung"),
    ("生", "sheng", "sheng"),
    ("山", "shan", "shan"),
    ("中", "zhong", "chung"),
    ("少", "shao", "shao"),
    ("奇", "qi", "ch'i"),
    ("彪", "biao", "piao"),
    ("怀", "huai", "huai"),
    ("民", "min", "min"),
    ("忠", "zhong", "chung"),
    ("瑞", "rui", "jui"),
    ("卿", "qing", "ch'ing"),
    ("永", "yong", "yung"),
    ("贵", "gui", "kuei"),
    ("福", "fu", "fu"),
    ("寿", "shou", "shou"),
    ("家", "jia", "chia"),
    ("宝", "bao", "pao"),
    ("学", "xue", "hsüeh"),
    ("良", "liang", "liang"),
    ("思", "si", "ssu"),
    ("子", "zi", "tzu"),
    ("仁", "ren", "jen"),
    ("义", "yi", "i"),
    ("天", "tian", "t'ien"),
    ("云", "yun", "yün"),
    ("飞", "fei", "fei"),
    ("鹏", "peng", "p'eng"),
    ("立", "li", "li"),
    ("新", "xin", "hsin"),
    ("安", "an", "an"),
    ("世", "shi", "shih"),
]
