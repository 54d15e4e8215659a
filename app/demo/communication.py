"""Demo communication data: message templates in the five languages for the mailing and every
reminder kind, the directory of call results (answers and refusal reasons), and a few tasks and
calls for the demo manager. Idempotent: everything is looked up by its natural key first."""
from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models.communication import Call, MessageTemplate, Task, TaskResult

# name -> channel -> language -> (subject, body)
TEMPLATES = {
    "news": {"email": {
        "en": ("News from {centre_name}", "Dear {recipient_name},\n\nNew groups start next month "
               "at {centre_name}. We would be glad to see {first_name} there.\n\nSee you soon!"),
        "fr": ("Des nouvelles de {centre_name}", "Bonjour {recipient_name},\n\nDe nouveaux groupes "
               "commencent le mois prochain à {centre_name}. Nous serions ravis d'y accueillir "
               "{first_name}.\n\nÀ bientôt !"),
        "ru": ("Новости {centre_name}", "Здравствуйте, {recipient_name}!\n\nВ следующем месяце в "
               "{centre_name} открываются новые группы. Будем рады видеть {first_name}.\n\n"
               "До встречи!"),
        "uk": ("Новини {centre_name}", "Вітаємо, {recipient_name}!\n\nНаступного місяця в "
               "{centre_name} відкриваються нові групи. Будемо раді бачити {first_name}.\n\n"
               "До зустрічі!"),
        "hy": ("{centre_name}-ի նորությունները", "Հարգելի {recipient_name},\n\nՀաջորդ ամսից "
               "{centre_name}-ում մեկնարկում են նոր խմբեր։ Ուրախ կլինենք տեսնել {first_name}-ին։"
               "\n\nՄինչ հանդիպում։"),
    }},
    "pass_running_out": {"email": {
        "en": ("Your pass is running out", "Hello {recipient_name},\n\n{first_name}'s pass "
               "\"{pass_name}\" has {sessions_left} sessions left and ends on {pass_end_date}. "
               "Renew it at the front desk to keep your place."),
        "fr": ("Votre abonnement arrive à son terme", "Bonjour {recipient_name},\n\nIl reste "
               "{sessions_left} séances sur l'abonnement « {pass_name} » de {first_name}, valable "
               "jusqu'au {pass_end_date}. Renouvelez-le à l'accueil pour garder votre place."),
        "ru": ("Абонемент заканчивается", "Здравствуйте, {recipient_name}!\n\nНа абонементе "
               "«{pass_name}» ({first_name}) осталось занятий: {sessions_left}, он действует до "
               "{pass_end_date}. Продлите его на ресепшене, чтобы сохранить место."),
        "uk": ("Абонемент закінчується", "Вітаємо, {recipient_name}!\n\nНа абонементі "
               "«{pass_name}» ({first_name}) залишилося занять: {sessions_left}, він діє до "
               "{pass_end_date}. Продовжте його на рецепції, щоб зберегти місце."),
        "hy": ("Աբոնեմենտը մոտենում է ավարտին", "Բարև, {recipient_name},\n\n{first_name}-ի "
               "«{pass_name}» աբոնեմենտում մնացել է {sessions_left} պարապմունք, այն գործում է "
               "մինչև {pass_end_date}։ Երկարաձգեք այն ընդունարանում՝ տեղը պահելու համար։"),
    }},
    "debt": {"email": {
        "en": ("Balance reminder", "Hello {recipient_name},\n\nThe balance for {client_name} is "
               "{due_amount}. You can settle it at the front desk or by transfer."),
        "fr": ("Rappel de solde", "Bonjour {recipient_name},\n\nLe solde de {client_name} s'élève "
               "à {due_amount}. Vous pouvez le régler à l'accueil ou par virement."),
        "ru": ("Напоминание о задолженности", "Здравствуйте, {recipient_name}!\n\nЗадолженность "
               "по клиенту {client_name} составляет {due_amount}. Оплатить можно на ресепшене "
               "или переводом."),
        "uk": ("Нагадування про заборгованість", "Вітаємо, {recipient_name}!\n\nЗаборгованість "
               "клієнта {client_name} становить {due_amount}. Сплатити можна на рецепції або "
               "переказом."),
        "hy": ("Հիշեցում պարտքի մասին", "Բարև, {recipient_name},\n\n{client_name}-ի պարտքը "
               "կազմում է {due_amount}։ Կարող եք վճարել ընդունարանում կամ փոխանցումով։"),
    }},
    "lesson_tomorrow": {"sms": {
        "en": (None, "{first_name}: {lesson_name} tomorrow at {lesson_time}. See you!"),
        "fr": (None, "{first_name} : {lesson_name} demain à {lesson_time}. À demain !"),
        "ru": (None, "{first_name}: {lesson_name} завтра, {lesson_time}. Ждём вас!"),
        "uk": (None, "{first_name}: {lesson_name} завтра, {lesson_time}. Чекаємо на вас!"),
        "hy": (None, "{first_name}՝ {lesson_name} վաղը, {lesson_time}։ Սպասում ենք ձեզ։"),
    }},
    "birthday": {"email": {
        "en": ("Happy birthday, {first_name}!", "Dear {recipient_name},\n\nThe whole team of "
               "{centre_name} wishes {first_name} a happy birthday!"),
        "fr": ("Joyeux anniversaire, {first_name} !", "Chère, cher {recipient_name},\n\nToute "
               "l'équipe de {centre_name} souhaite un joyeux anniversaire à {first_name} !"),
        "ru": ("С днём рождения, {first_name}!", "Дорогой {recipient_name}!\n\nВся команда "
               "{centre_name} поздравляет {first_name} с днём рождения!"),
        "uk": ("З днем народження, {first_name}!", "Шановний {recipient_name}!\n\nУся команда "
               "{centre_name} вітає {first_name} з днем народження!"),
        "hy": ("Շնորհավոր ծնունդդ, {first_name}։", "Հարգելի {recipient_name},\n\n{centre_name}-ի "
               "ողջ թիմը շնորհավորում է {first_name}-ի ծննդյան օրը։"),
    }},
}

RESULTS = [
    ("Will come", "answer"), ("Will renew the pass", "answer"),
    ("Asked to call back later", "answer"), ("Interested, thinking it over", "answer"),
    ("Agrees to attend the course", "yes"),
    ("Too expensive", "refusal"), ("Moved away", "refusal"), ("No time", "refusal"),
    ("Schedule does not suit", "refusal"), ("Health reasons", "refusal"),
]

# (days from today, hour, text, call minutes or None, result name, reaction)
TASKS = [
    (-2, 11, "Email sent — call back: autumn groups", 4, "Will come", "Pleased, asked about evening groups"),
    (-1, 15, "Remind about the debt", 2, "Asked to call back later", "Busy at work"),
    (0, 10, "Offer pass renewal", None, None, None),
    (0, 16, "Invite to the open day", None, None, None),
    (1, 12, "Ask for feedback after the trial lesson", None, None, None),
    (-5, 9, "Call after the refund request", 6, "Too expensive", "Disappointed with the price rise"),
]


def load(users):
    from app.models.clients import Client

    created = {"message templates": 0, "task results": 0, "tasks": 0, "calls": 0}
    for name, channels in TEMPLATES.items():
        for channel, languages in channels.items():
            for language, (subject, body) in languages.items():
                exists = db.session.scalar(select(MessageTemplate.id).where(
                    MessageTemplate.name == name, MessageTemplate.channel == channel,
                    MessageTemplate.language == language))
                if not exists:
                    db.session.add(MessageTemplate(name=name, channel=channel, language=language,
                                                   subject=subject, body=body, active=True))
                    created["message templates"] += 1
    results = {}
    for name, kind in RESULTS:
        result = db.session.scalar(select(TaskResult).where(TaskResult.name == name))
        if result is None:
            result = TaskResult(name=name, kind=kind, active=True)
            db.session.add(result)
            created["task results"] += 1
        results[name] = result
    db.session.flush()

    manager = users.get("manager")
    clients = db.session.scalars(select(Client).order_by(Client.id).limit(len(TASKS))).all()
    if manager is None or not clients:
        return created
    today = datetime.combine(datetime.now().date(), time())
    for (days, hour, text, minutes, result_name, reaction), client in zip(TASKS, clients):
        due_at = today + timedelta(days=days, hours=hour)
        task = db.session.scalar(select(Task).where(Task.text == text, Task.client_id == client.id))
        if task is not None:
            continue
        result = results.get(result_name)
        task = Task(text=text, due_at=due_at, manager_id=manager.id, client_id=client.id,
                    status="done" if minutes else "open", result=result, reaction=reaction,
                    done_at=due_at + timedelta(minutes=30) if minutes else None)
        db.session.add(task)
        created["tasks"] += 1
        if minutes:
            db.session.add(Call(at=due_at + timedelta(minutes=20), manager_id=manager.id,
                                client_id=client.id, duration_seconds=minutes * 60 + 17,
                                result=result, reaction=reaction, task=task))
            created["calls"] += 1
    return created
