"""The demo's directory names in the demo's language (en, ru, fr, uk, hy): client categories,
sources, industries, tags, services, pass plans, discounts, rooms and course directions.

They are data, not interface strings: a centre types its own directory names in its own
language, so the demo does the same, from these dictionaries. The demo code names each record
by a key (its English name); ``name(kind, key)`` is its name in the language the demo is being
built in (``speaking(language)`` around the build, the centre's default language otherwise),
and ``existing(model, kind)`` finds the records already there under any language's name, so
building again in another language adds nothing twice.
"""
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import select

from app.extensions import db

LANGUAGES = ("en", "ru", "fr", "uk", "hy")

# kind -> key -> {language: name}
DIRECTORIES = {
    "category": {
        "VIP": {"en": "VIP", "ru": "VIP-клиент", "fr": "VIP", "uk": "VIP-клієнт",
                "hy": "VIP հաճախորդ"},
        "Newcomer": {"en": "Newcomer", "ru": "Новичок", "fr": "Nouveau venu", "uk": "Новачок",
                     "hy": "Նորեկ"},
        "Regular": {"en": "Regular", "ru": "Постоянный", "fr": "Habitué", "uk": "Постійний",
                    "hy": "Մշտական"},
        "Problem": {"en": "Problem", "ru": "Проблемный", "fr": "Problématique",
                    "uk": "Проблемний", "hy": "Խնդրահարույց"},
    },
    "source": {
        "Website": {"en": "Website", "ru": "Сайт", "fr": "Site web", "uk": "Сайт", "hy": "Կայք"},
        "Friends": {"en": "Friends", "ru": "Друзья", "fr": "Amis", "uk": "Друзі",
                    "hy": "Ընկերներ"},
        "Social networks": {"en": "Social networks", "ru": "Социальные сети",
                            "fr": "Réseaux sociaux", "uk": "Соціальні мережі",
                            "hy": "Սոցիալական ցանցեր"},
        "Flyer": {"en": "Flyer", "ru": "Листовка", "fr": "Prospectus", "uk": "Листівка",
                  "hy": "Թռուցիկ"},
        "Walk-in": {"en": "Walk-in", "ru": "Пришёл сам", "fr": "Passage spontané",
                    "uk": "Прийшов сам", "hy": "Ինքնուրույն այց"},
        "Partner company": {"en": "Partner company", "ru": "Компания-партнёр",
                            "fr": "Entreprise partenaire", "uk": "Компанія-партнер",
                            "hy": "Գործընկեր ընկերություն"},
    },
    "industry": {
        "IT": {"en": "IT", "ru": "ИТ", "fr": "Informatique", "uk": "ІТ", "hy": "ՏՏ"},
        "Banking": {"en": "Banking", "ru": "Банковское дело", "fr": "Banque",
                    "uk": "Банківська справа", "hy": "Բանկային գործ"},
        "Healthcare": {"en": "Healthcare", "ru": "Здравоохранение", "fr": "Santé",
                       "uk": "Охорона здоров'я", "hy": "Առողջապահություն"},
        "Education": {"en": "Education", "ru": "Образование", "fr": "Éducation", "uk": "Освіта",
                      "hy": "Կրթություն"},
        "Retail": {"en": "Retail", "ru": "Розничная торговля", "fr": "Commerce de détail",
                   "uk": "Роздрібна торгівля", "hy": "Մանրածախ առևտուր"},
        "Manufacturing": {"en": "Manufacturing", "ru": "Производство", "fr": "Industrie",
                          "uk": "Виробництво", "hy": "Արտադրություն"},
    },
    "tag": {
        "Morning": {"en": "Morning", "ru": "утро", "fr": "matin", "uk": "ранок",
                    "hy": "առավոտ"},
        "Evening": {"en": "Evening", "ru": "вечер", "fr": "soir", "uk": "вечір", "hy": "երեկո"},
        "Family": {"en": "Family", "ru": "семья", "fr": "famille", "uk": "сім'я",
                   "hy": "ընտանիք"},
        "Corporate": {"en": "Corporate", "ru": "корпоративный", "fr": "entreprise",
                      "uk": "корпоративний", "hy": "կորպորատիվ"},
    },
    "service": {
        "Gym": {"en": "Gym", "ru": "Тренажёрный зал", "fr": "Salle de sport",
                "uk": "Тренажерний зал", "hy": "Մարզասրահ"},
        "Pool": {"en": "Pool", "ru": "Бассейн", "fr": "Piscine", "uk": "Басейн",
                 "hy": "Լողավազան"},
        "Yoga": {"en": "Yoga", "ru": "Йога", "fr": "Yoga", "uk": "Йога", "hy": "Յոգա"},
        "Kids' dance": {"en": "Kids' dance", "ru": "Детские танцы", "fr": "Danse enfants",
                        "uk": "Дитячі танці", "hy": "Մանկական պար"},
        "English": {"en": "English", "ru": "Английский язык", "fr": "Anglais",
                    "uk": "Англійська мова", "hy": "Անգլերեն"},
        "Chess": {"en": "Chess", "ru": "Шахматы", "fr": "Échecs", "uk": "Шахи",
                  "hy": "Շախմատ"},
        "Armenian dance": {"en": "Armenian dance", "ru": "Армянский танец",
                           "fr": "Danse arménienne", "uk": "Вірменський танець",
                           "hy": "Հայկական պար"},
        "Seminars": {"en": "Seminars", "ru": "Семинары", "fr": "Séminaires", "uk": "Семінари",
                     "hy": "Սեմինարներ"},
    },
    "plan": {
        "Gym 12": {"en": "Gym 12", "ru": "Тренажёрный зал, 12 занятий",
                   "fr": "Salle de sport, 12 séances", "uk": "Тренажерний зал, 12 занять",
                   "hy": "Մարզասրահ, 12 այց"},
        "Gym unlimited": {"en": "Gym unlimited", "ru": "Тренажёрный зал безлимитный",
                          "fr": "Salle de sport illimitée", "uk": "Тренажерний зал безлімітний",
                          "hy": "Մարզասրահ, անսահմանափակ"},
        "Gym + pool 16": {"en": "Gym + pool 16", "ru": "Тренажёрный зал + бассейн, 16",
                          "fr": "Salle de sport + piscine, 16",
                          "uk": "Тренажерний зал + басейн, 16",
                          "hy": "Մարզասրահ + լողավազան, 16"},
        "Morning pool 8": {"en": "Morning pool 8", "ru": "Утренний бассейн, 8",
                           "fr": "Piscine du matin, 8", "uk": "Ранковий басейн, 8",
                           "hy": "Առավոտյան լողավազան, 8"},
        "Yoga evening 10": {"en": "Yoga evening 10", "ru": "Вечерняя йога, 10",
                            "fr": "Yoga du soir, 10", "uk": "Вечірня йога, 10",
                            "hy": "Երեկոյան յոգա, 10"},
        "Kids' dance 8": {"en": "Kids' dance 8", "ru": "Детские танцы, 8",
                          "fr": "Danse enfants, 8", "uk": "Дитячі танці, 8",
                          "hy": "Մանկական պար, 8"},
        "English course 24": {"en": "English — course of 24", "ru": "Английский — курс 24",
                              "fr": "Anglais — cours de 24", "uk": "Англійська — курс 24",
                              "hy": "Անգլերեն — 24 դաս"},
    },
    "discount": {
        "Spring offer": {"en": "Spring offer", "ru": "Весеннее предложение",
                         "fr": "Offre de printemps", "uk": "Весняна пропозиція",
                         "hy": "Գարնանային առաջարկ"},
    },
    "room": {
        "Main hall": {"en": "Main hall", "ru": "Большой зал", "fr": "Grande salle",
                      "uk": "Велика зала", "hy": "Մեծ դահլիճ"},
        "Yoga room": {"en": "Yoga room", "ru": "Зал йоги", "fr": "Salle de yoga",
                      "uk": "Зала йоги", "hy": "Յոգայի սրահ"},
        "Pool": {"en": "Pool", "ru": "Бассейн", "fr": "Piscine", "uk": "Басейн",
                 "hy": "Լողավազան"},
        "Dance studio": {"en": "Dance studio", "ru": "Танцевальная студия",
                         "fr": "Studio de danse", "uk": "Танцювальна студія",
                         "hy": "Պարի ստուդիա"},
        "Classroom 1": {"en": "Classroom 1", "ru": "Класс 1", "fr": "Salle de classe 1",
                        "uk": "Клас 1", "hy": "Դասասենյակ 1"},
        "Training room": {"en": "Training room", "ru": "Учебный класс",
                          "fr": "Salle de formation", "uk": "Навчальна аудиторія",
                          "hy": "Ուսումնական սենյակ"},
    },
    "direction": {
        "Healthcare": {"en": "Healthcare", "ru": "Медицина", "fr": "Médecine",
                       "uk": "Медицина", "hy": "Բժշկություն"},
        "Banking": {"en": "Banking", "ru": "Банковское дело", "fr": "Banque",
                    "uk": "Банківська справа", "hy": "Բանկային գործ"},
        "Management": {"en": "Management", "ru": "Менеджмент", "fr": "Management",
                       "uk": "Менеджмент", "hy": "Կառավարում"},
        "Education": {"en": "Education", "ru": "Образование", "fr": "Éducation", "uk": "Освіта",
                      "hy": "Կրթություն"},
    },
}
# names kept in Latin letters in every language: codes and brands, not words to translate
LATIN_ALLOWED = {"VIP"}
# what earlier demos called some records, so a demo built before is found again
FORMER_NAMES = {
    ("service", "Kids' dance"): ("Danse enfants",),
    ("service", "English"): ("Английский язык",),
    ("service", "Chess"): ("Шахи",),
    ("service", "Armenian dance"): ("Պար (Armenian dance)",),
    ("service", "Seminars"): ("Séminaires / Seminars",),
    ("plan", "Kids' dance 8"): ("Danse enfants 8",),
    ("plan", "English course 24"): ("Английский — курс 24",),
    ("room", "Main hall"): ("Grande salle",),
    ("room", "Yoga room"): ("Зал йоги",),
    ("room", "Pool"): ("Бассейн / Pool",),
    ("room", "Dance studio"): ("Studio danse",),
    ("room", "Classroom 1"): ("Դասասենյակ 1",),
    ("room", "Training room"): ("Salle de formation",),
    ("direction", "Healthcare"): ("Médecine / Healthcare",),
}

_language = ContextVar("demo_language", default=None)


@contextmanager
def speaking(language):
    """Build the demo in ``language`` inside this block (one of ``LANGUAGES``)."""
    if language not in LANGUAGES:
        raise ValueError(f"The demo speaks {', '.join(LANGUAGES)}, not {language!r}.")
    token = _language.set(language)
    try:
        yield language
    finally:
        _language.reset(token)


def language():
    """The language the demo is being built in: the one given to ``speaking``, else the
    centre's default language (English when that is not one of the demo's)."""
    chosen = _language.get()
    if chosen is None:
        from flask import current_app

        chosen = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    return chosen if chosen in LANGUAGES else "en"


def name(kind, key):
    """The name of the record ``key`` of a directory ``kind`` in the demo's language."""
    return DIRECTORIES[kind][key][language()]


def names(kind, keys):
    return [name(kind, key) for key in keys]


def _every_name(kind, key):
    return {key, *DIRECTORIES[kind][key].values(), *FORMER_NAMES.get((kind, key), ())}


def existing(model, kind, attr="name"):
    """``{key: record}`` of the directory's records already there, under any of their names."""
    by_name = {}
    for key in DIRECTORIES[kind]:
        for text in _every_name(kind, key):
            by_name.setdefault(text, key)
    column = getattr(model, attr)
    found = {}
    for record in db.session.scalars(select(model).where(column.in_(list(by_name)))):
        found.setdefault(by_name[getattr(record, attr)], record)
    return found


def ensure(model, kind, keys, factory=None, attr="name"):
    """``({key: record}, created)``: the records of ``keys``, made (named in the demo's
    language, ``factory(key, name)`` or just the name) when none of their names is there."""
    found = existing(model, kind, attr)
    created = 0
    for key in keys:
        if key not in found:
            text = name(kind, key)
            record = factory(key, text) if factory else model(**{attr: text})
            db.session.add(record)
            found[key] = record
            created += 1
    db.session.flush()
    return found, created
