"""Demo shop: suppliers, drinks, kits and textbooks received into stock, a few desk sales, loans
of textbooks (one overdue) and the purchase request a low product opened.
Idempotent: suppliers and products are found by name / SKU; stock is received, sold and lent
only when the shop has no movement yet."""
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.models.clients import Client
from app.models.stock import Product, PurchaseRequest, StockMovement, Supplier
from app.services.stock import lending, movements, sales

SUPPLIERS = [
    # name, contact, email, phone
    ("Aqua Fresh SARL", "Claire Martin", "orders@aquafresh.example", "+33 1 40 00 00 01"),
    ("SportKit Pro", "Hugo Bernard", "sales@sportkit.example", "+33 1 40 00 00 02"),
    ("Librairie Linguo", "Nadia Petit", "commandes@linguo.example", "+33 1 40 00 00 03"),
]

PRODUCTS = [
    # name, sku, barcode, unit, price, cost, min, reorder, supplier, received
    ("Still water 0.5 l", "DRK-001", "3760000000011", "pcs", "1.50", "0.45", 12, 48, 0, 60),
    ("Isotonic drink 0.5 l", "DRK-002", "3760000000028", "pcs", "2.80", "1.10", 10, 24, 0, 30),
    ("Protein bar", "DRK-003", "3760000000035", "pcs", "2.20", "0.90", 10, 40, 0, 14),
    ("Swimming cap", "KIT-001", "3760000000042", "pcs", "7.90", "3.20", 3, 10, 1, 12),
    ("Yoga mat", "KIT-002", "3760000000059", "pcs", "24.00", "11.50", 2, 6, 1, 6),
    ("Boxing gloves (kids)", "KIT-003", "3760000000066", "pair", "29.00", "14.00", 2, 4, 1, 4),
    ("English Grammar in Use", "BK-001", "9781108457651", "pcs", "36.00", "24.00", 2, 5, 2, 8),
    ("Chess for beginners", "BK-002", "9781857448261", "pcs", "18.00", "9.50", 1, 3, 2, 5),
]


# the "item due back" reminder's email (app.services.communication.reminders, kind item_due_back)
DUE_BACK_TEMPLATES = {
    "en": ("Please bring back {item_name}", "Hello {recipient_name},\n\n{first_name} borrowed "
           "\"{item_name}\", due back on {item_due_date}. Please bring it to the front desk."),
    "fr": ("Merci de rapporter {item_name}", "Bonjour {recipient_name},\n\n{first_name} a "
           "emprunté « {item_name} », à rendre le {item_due_date}. Merci de le rapporter à "
           "l'accueil."),
    "ru": ("Пожалуйста, верните {item_name}", "Здравствуйте, {recipient_name}!\n\n{first_name} "
           "взял(а) «{item_name}», срок возврата — {item_due_date}. Пожалуйста, верните на "
           "ресепшен."),
    "uk": ("Будь ласка, поверніть {item_name}", "Вітаємо, {recipient_name}!\n\n{first_name} "
           "брав(ла) «{item_name}», термін повернення — {item_due_date}. Будь ласка, поверніть "
           "на рецепцію."),
    "hy": ("Խնդրում ենք վերադարձնել {item_name}", "Հարգելի {recipient_name},\n\n{first_name}-ը "
           "վերցրել է «{item_name}», վերադարձման ժամկետը՝ {item_due_date}։ Խնդրում ենք "
           "վերադարձնել ընդունարան։"),
}


def _due_back_templates():
    from app.models.communication import MessageTemplate

    created = 0
    for language, (subject, body) in DUE_BACK_TEMPLATES.items():
        if not db.session.scalar(select(MessageTemplate.id).where(
                MessageTemplate.name == "item_due_back", MessageTemplate.channel == "email",
                MessageTemplate.language == language)):
            db.session.add(MessageTemplate(name="item_due_back", channel="email",
                                           language=language, subject=subject, body=body,
                                           active=True))
            created += 1
    return created


def _suppliers():
    existing = {s.name: s for s in db.session.scalars(select(Supplier))}
    result = []
    for name, contact, email, phone in SUPPLIERS:
        if name not in existing:
            existing[name] = Supplier(name=name, contact_person=contact, email=email, phone=phone)
            db.session.add(existing[name])
        result.append(existing[name])
    db.session.flush()
    return result


def _products(suppliers):
    existing = {p.sku: p for p in db.session.scalars(select(Product))}
    created = []
    for name, sku, barcode, unit, price, cost, minimum, reorder, supplier, received in PRODUCTS:
        if sku not in existing:
            existing[sku] = Product(name=name, sku=sku, barcode=barcode, unit=unit,
                                    sale_price=Decimal(price), cost=Decimal(cost),
                                    min_stock=minimum, reorder_quantity=reorder,
                                    supplier_id=suppliers[supplier].id, active=True)
            db.session.add(existing[sku])
            created.append((existing[sku], received))
    db.session.flush()
    return existing, created


def load(users):
    _due_back_templates()
    suppliers = _suppliers()
    products, created = _products(suppliers)
    if db.session.scalar(select(func.count()).select_from(StockMovement)):
        return {"products": len(created)}
    for product, received in created:
        movements.receive(product.id, received)
    clients = list(db.session.scalars(
        select(Client).where(Client.active.is_(True)).order_by(Client.id).limit(6)))
    water, bar, cap = products["DRK-001"], products["DRK-003"], products["KIT-001"]
    sold = 0
    sales.sell([{"product_id": water.id, "quantity": 2}, {"product_id": bar.id, "quantity": 1}],
               payments=[{"method": "cash", "amount": str(2 * water.sale_price + bar.sale_price)}])
    sold += 1
    # the protein bars fall to their minimum: a purchase request to the supplier opens
    sales.sell([{"product_id": bar.id, "quantity": 3}],
               payments=[{"method": "card", "amount": str(3 * bar.sale_price)}])
    sold += 1
    if clients:
        sales.sell([{"product_id": cap.id, "quantity": 1}, {"product_id": water.id}],
                   client_id=clients[0].id,
                   payments=[{"method": "card", "amount": str(cap.sale_price)}])  # a small debt
        sold += 1
    loans = 0
    book, chess = products["BK-001"], products["BK-002"]
    today = date.today()
    if len(clients) >= 3:
        # an overdue textbook: the client's lessons show red in the timetable
        lending.lend(book.id, clients[1].id, today - timedelta(days=3),
                     on=today - timedelta(days=33))
        lending.lend(book.id, clients[2].id, today + timedelta(days=25), on=today - timedelta(days=5))
        lending.lend(chess.id, clients[0].id, today + timedelta(days=10), on=today)
        loans = 3
    db.session.flush()
    return {"products": len(created), "suppliers": len(suppliers), "shop sales": sold,
            "loans": loans,
            "purchase requests": db.session.scalar(select(func.count()).select_from(PurchaseRequest))}
