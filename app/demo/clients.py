"""Demo clients: ~60 people of all ages (minors with guardians), names in French, Russian,
Ukrainian, Armenian and English, organisations with contact persons, and the directories
(named in the demo's language, see ``app.demo.names``; the keys below are their English names).
Idempotent: records are found by their natural keys (names, card numbers) before creating."""
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models.clients import (Client, ClientCategory, ClientSource, ContactPerson, Guardian,
                                Industry, Organisation, Tag)
from app.demo import names as demo_names
from app.services.clients.records import fill_search_fields, normalize_text

CATEGORIES = ["VIP", "Newcomer", "Regular", "Problem"]
SOURCES = ["Website", "Friends", "Social networks", "Flyer", "Walk-in", "Partner company"]
INDUSTRIES = ["IT", "Banking", "Healthcare", "Education", "Retail", "Manufacturing"]
TAGS = ["Morning", "Evening", "Family", "Corporate"]  # names, as a centre writes them

ORGANISATIONS = [
    ("Solutions Lumière", "Solutions Lumière SARL", "FR40123456789", "IT",
     [("Camille Bernard", "Directrice RH", "+33 1 44 55 66 77", "c.bernard@lumiere.example")]),
    ("Банк Восход", "ПАО «Банк Восход»", "7701234567", "Banking",
     [("Ольга Соколова", "Менеджер по персоналу", "+7 495 123-45-67",
       "o.sokolova@voskhod.example")]),
    ("Ararat Med", "«Արարատ Մեդ» ՍՊԸ", "02512345", "Healthcare",
     [("Անի Սարգսյան", "HR մենեջեր", "+374 10 55 44 33", "ani@araratmed.example"),
      ("Գոռ Մկրտչյան", "Տնօրեն", "+374 10 55 44 34", None)]),
    ("Київ Освіта", "ТОВ «Київ Освіта»", "38123456", "Education",
     [("Оксана Мельник", "Керівник навчання", "+380 44 123 45 67", "o.melnyk@osvita.example")]),
    ("Greenfield Retail", "Greenfield Retail Ltd", "GB123456789", "Retail",
     [("James Carter", "Training manager", "+44 20 7946 0958", "j.carter@greenfield.example")]),
]

# (last, first, middle, age in years, gender, category, organisation short name or None)
PEOPLE = [
    ("Dubois", "Léa", None, 7, "female", "Newcomer", None),
    ("Martin", "Hugo", None, 10, "male", "Regular", None),
    ("Lefèvre", "Chloé", None, 15, "female", "Regular", None),
    ("Moreau", "Élodie", None, 34, "female", "VIP", "Solutions Lumière"),
    ("Girard", "Théo", None, 41, "male", "Regular", "Solutions Lumière"),
    ("Fournier", "Manon", None, 68, "female", "Regular", None),
    ("Rousseau", "Jules", None, 12, "male", "Newcomer", None),
    ("Petit", "Inès", None, 27, "female", "Problem", None),
    ("Garnier", "Lucas", None, 72, "male", "VIP", None),
    ("Faure", "Zoé", None, 5, "female", "Newcomer", None),
    ("Blanc", "Gabriel", None, 52, "male", "Regular", None),
    ("Chevalier", "Camille", None, 16, "female", "Regular", None),
    ("Иванов", "Алексей", "Петрович", 45, "male", "VIP", "Банк Восход"),
    ("Смирнова", "Анна", "Сергеевна", 31, "female", "Regular", "Банк Восход"),
    ("Кузнецов", "Дмитрий", "Игоревич", 9, "male", "Newcomer", None),
    ("Попова", "Мария", "Андреевна", 14, "female", "Regular", None),
    ("Соколов", "Иван", "Николаевич", 66, "male", "Regular", None),
    ("Лебедева", "Ольга", "Викторовна", 38, "female", "Problem", None),
    ("Ёлкин", "Артём", "Юрьевич", 17, "male", "Newcomer", None),
    ("Волкова", "Екатерина", "Дмитриевна", 24, "female", "Regular", None),
    ("Морозов", "Сергей", "Александрович", 57, "male", "VIP", "Банк Восход"),
    ("Новикова", "Софья", None, 6, "female", "Newcomer", None),
    ("Федоров", "Никита", "Олегович", 29, "male", "Regular", None),
    ("Шевченко", "Тарас", "Миколайович", 36, "male", "Regular", "Київ Освіта"),
    ("Коваленко", "Олена", "Іванівна", 42, "female", "VIP", "Київ Освіта"),
    ("Бондаренко", "Їжак", None, 11, "male", "Newcomer", None),
    ("Ткаченко", "Ірина", "Петрівна", 70, "female", "Regular", None),
    ("Кравченко", "Андрій", None, 15, "male", "Regular", None),
    ("Олійник", "Юлія", "Сергіївна", 26, "female", "Regular", None),
    ("Мельник", "Богдан", None, 8, "male", "Newcomer", None),
    ("Петренко", "Наталія", "Василівна", 49, "female", "Problem", None),
    ("Гончаренко", "Дмитро", None, 33, "male", "Regular", "Київ Освіта"),
    ("Սարգսյան", "Արամ", None, 39, "male", "VIP", "Ararat Med"),
    ("Հակոբյան", "Լուսինե", None, 28, "female", "Regular", "Ararat Med"),
    ("Պետրոսյան", "Դավիթ", None, 10, "male", "Newcomer", None),
    ("Գրիգորյան", "Անի", None, 13, "female", "Regular", None),
    ("Ավետիսյան", "Նարեկ", None, 61, "male", "Regular", None),
    ("Մկրտչյան", "Մարիամ", None, 6, "female", "Newcomer", None),
    ("Հովհաննիսյան", "Տիգրան", None, 44, "male", "Regular", "Ararat Med"),
    ("Վարդանյան", "Սոնա", None, 17, "female", "Regular", None),
    ("Կարապետյան", "Արմեն", None, 75, "male", "VIP", None),
    ("Smith", "Oliver", None, 35, "male", "Regular", "Greenfield Retail"),
    ("Johnson", "Emily", None, 9, "female", "Newcomer", None),
    ("Williams", "Harry", None, 16, "male", "Regular", None),
    ("Brown", "Sophie", None, 47, "female", "VIP", "Greenfield Retail"),
    ("Jones", "George", None, 80, "male", "Regular", None),
    ("Taylor", "Amelia", None, 22, "female", "Problem", None),
    ("Davies", "Jack", None, 12, "male", "Newcomer", None),
    ("Evans", "Isla", None, 30, "female", "Regular", "Greenfield Retail"),
    ("Wilson", "Noah", None, 4, "male", "Newcomer", None),
    ("Thomas", "Grace", None, 58, "female", "Regular", None),
    ("Roberts", "Leo", None, 19, "male", "Regular", None),
    ("Lambert", "Nina", None, 64, "female", "Regular", None),
    ("Bonnet", "Arthur", None, 13, "male", "Regular", None),
    ("Орлова", "Вера", "Павловна", 65, "female", "Regular", None),
    ("Савченко", "Марко", None, 14, "male", "Newcomer", None),
    ("Աբրահամյան", "Էլեն", None, 31, "female", "Regular", None),
    ("Mercier", "Louise", None, 3, "female", "Newcomer", None),
    ("Clarke", "Ethan", None, 50, "male", "Regular", None),
    ("Зайцев", "Павел", None, 11, "male", "Regular", None),
]
GUARDIAN_RELATION = {"fr": "mère", "ru": "мать", "uk": "мати", "hy": "մայր", "en": "mother"}
PARENT_NAMES = {"fr": "Claire", "ru": "Наталья", "uk": "Оксана", "hy": "Գայանե", "en": "Sarah"}
MEDICAL = ["Asthma: inhaler in the bag", "Peanut allergy", "Knee injury in 2023, no jumping",
           None, None, None]


def _script(name):
    if any("\u0530" <= ch <= "\u058f" for ch in name):
        return "hy"
    if any(ch in "іїєґІЇЄҐ" for ch in name):
        return "uk"
    if any("\u0400" <= ch <= "\u04ff" for ch in name):
        return "ru"
    return "en" if name in {p[0] for p in PEOPLE[41:53]} | {"Clarke"} else "fr"


def _guardian_last_name(last, language):
    """The mother's surname: Russian/Ukrainian masculine -ов/-ин/-ий take the feminine form."""
    if language in ("ru", "uk"):
        for masculine, feminine in (("ов", "ова"), ("ев", "ева"), ("ин", "ина"), ("ий", "а")):
            if last.endswith(masculine):
                return last[: -len(masculine)] + feminine if masculine == "ий" else \
                    last[: -len(masculine)] + feminine
    return last


def _directory(model, kind, keys):
    """``({key: record}, created)``, each record named in the demo's language."""
    return demo_names.ensure(model, kind, keys)


def _birth_date(age, index):
    today = date.today()
    return date(today.year - age, 1, 1) + timedelta(days=(index * 37) % 330)


def load(users):
    """Create the demo directories, organisations and clients that are not there yet."""
    categories, n_categories = _directory(ClientCategory, "category", CATEGORIES)
    categories["Problem"].warn_at_checkin = True  # seed 003: restrict access for problem clients
    sources, _ = _directory(ClientSource, "source", SOURCES)
    industries, _ = _directory(Industry, "industry", INDUSTRIES)
    tags, _ = _directory(Tag, "tag", TAGS)
    db.session.flush()
    organisations = {o.short_name: o for o in db.session.scalars(select(Organisation))}
    new_organisations = 0
    for short, full, tax_id, industry, contacts in ORGANISATIONS:
        if short in organisations:
            continue
        organisation = Organisation(short_name=short, full_name=full, tax_id=tax_id,
                                    industry=industries[industry], active=True,
                                    search_name=normalize_text(f"{short} {full} {tax_id}"))
        for name, position, phone, email in contacts:
            organisation.contacts.append(ContactPerson(
                full_name=name, position=position, phone=phone, email=email,
                position_search=normalize_text(position), name_search=normalize_text(name)))
        db.session.add(organisation)
        organisations[short] = organisation
        new_organisations += 1
    db.session.flush()
    manager = users.get("manager")
    existing_cards = set(db.session.scalars(select(Client.card_number)))
    new_clients = 0
    for index, (last, first, middle, age, gender, category, org) in enumerate(PEOPLE, start=1):
        card = f"DEMO-{index:04d}"
        if card in existing_cards:
            continue
        language = _script(last)
        phone = f"+33 6 {index:02d} {(index * 7) % 100:02d} {(index * 13) % 100:02d} 00"
        client = Client(
            last_name=last, first_name=first, middle_name=middle,
            birth_date=_birth_date(age, index), gender=gender, phone=phone,
            email=f"client{index}@demo.tessera.local", card_number=card,
            category=categories[category], source=sources[SOURCES[index % len(SOURCES)]],
            manager_id=manager.id if manager is not None else None,
            organisation=organisations.get(org) if org else None,
            consent_email=index % 3 != 0, consent_sms=index % 2 == 0,
            discount_percent=Decimal("10") if category == "VIP" else Decimal("0"),
            medical_notes=MEDICAL[index % len(MEDICAL)], active=True)
        if index % 4 == 0:
            client.tags.append(tags[TAGS[index % len(TAGS)]])
        if age < 18:
            client.guardians.append(Guardian(
                full_name=f"{PARENT_NAMES[language]} {_guardian_last_name(last, language)}",
                relation=GUARDIAN_RELATION[language],
                phone=f"+33 7 {index:02d} 11 22 33", phone_digits=f"337{index:02d}112233",
                email=f"parent{index}@demo.tessera.local"))
        fill_search_fields(client)
        db.session.add(client)
        new_clients += 1
    db.session.flush()
    return {"client categories": n_categories, "organisations": new_organisations,
            "clients": new_clients}
