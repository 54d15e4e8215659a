"""Stock REST API: products, suppliers, movements, sales with return, purchase requests,
loans; refusals as JSON naming the field; roles; the OpenAPI spec."""
from datetime import date, timedelta
from decimal import Decimal

from app.models.stock import PurchaseRequest
from app.security import ACCOUNTANT, FRONT_DESK, INSTRUCTOR, STOREKEEPER
from app.services.money import client_balances
from app.services.stock import movements
from tests.factories.clients import make_client
from tests.factories.stock import make_product, make_supplier

TODAY = date.today()


def test_storekeeper_manages_products_and_records_movements(app, db, api_token):
    supplier = make_supplier()
    db.session.commit()
    headers = api_token(STOREKEEPER)
    api = app.test_client()
    created = api.post("/api/v1/product/", headers=headers, json={
        "name": "Water", "sku": "W-1", "barcode": "123", "unit": "pcs", "sale_price": "1.50",
        "cost": "0.40", "min_stock": 2, "reorder_quantity": 12, "supplier": supplier.id,
        "active": True})
    assert created.status_code == 201, created.json
    product_id = created.json["id"]
    refused = api.post("/api/v1/product/", headers=headers, json={"name": " ", "sku": "W-2"})
    assert refused.status_code == 400 and refused.json["field"] == "name"
    receipt = api.post("/api/v1/stockmovement/", headers=headers, json={
        "kind": "receipt", "product_id": product_id, "quantity": 5})
    assert receipt.status_code == 201 and receipt.json["result"]["unit_price"] == "0.40"
    too_many = api.post("/api/v1/stockmovement/", headers=headers, json={
        "kind": "write_off", "product_id": product_id, "quantity": 9, "reason": "Lost"})
    assert too_many.status_code == 400 and too_many.json["field"] == "quantity"
    assert "Not enough Water" in too_many.json["message"]
    bad = api.post("/api/v1/stockmovement/", headers=headers, json={
        "kind": "sale", "product_id": product_id, "quantity": 1})
    assert bad.status_code == 400 and bad.json["field"] == "kind"
    off = api.post("/api/v1/stockmovement/", headers=headers, json={
        "kind": "write_off", "product_id": product_id, "quantity": 3, "reason": "Broken"})
    assert off.status_code == 201
    listed = api.get("/api/v1/product/", headers=headers).json["result"]
    assert [(p["name"], p["on_hand"]) for p in listed] == [("Water", 2)]
    requests = api.get("/api/v1/purchaserequest/", headers=headers).json["result"]
    assert [(r["product_id"], r["quantity"], r["status"]) for r in requests] == [
        (product_id, 12, "open")]
    received = api.post(f"/api/v1/purchaserequest/{requests[0]['id']}/receive", headers=headers,
                        json={})
    assert received.status_code == 200 and received.json["result"]["status"] == "received"
    again = api.post(f"/api/v1/purchaserequest/{requests[0]['id']}/receive", headers=headers)
    assert again.status_code == 409
    assert movements.stock_levels([product_id]) == {product_id: 14}


def test_front_desk_sells_and_returns(app, db, api_token):
    water = make_product(stock=5, name="Water", sale_price=Decimal("2.00"))
    ann = make_client(discount_percent=Decimal("10"))
    db.session.commit()
    headers = api_token(FRONT_DESK)
    api = app.test_client()
    sold = api.post("/api/v1/sale/", headers=headers, json={
        "client_id": ann.id, "lines": [{"product_id": water.id, "quantity": 3}],
        "payments": [{"method": "cash", "amount": "5.00"}]})
    assert sold.status_code == 201, sold.json
    sale = sold.json["result"]
    assert (sale["total"], sale["paid"], sale["due"]) == ("5.40", "5.00", "0.40")
    assert client_balances([ann.id])[ann.id] == Decimal("0.40")
    short = api.post("/api/v1/sale/", headers=headers, json={
        "lines": [{"product_id": water.id, "quantity": 3}],
        "payments": [{"method": "cash", "amount": "6.00"}]})
    assert short.status_code == 400 and short.json["field"] == "quantity"
    stranger = api.post("/api/v1/sale/", headers=headers, json={
        "client_id": 999999, "lines": [{"product_id": water.id}], "payments": []})
    assert stranger.status_code == 404 and stranger.json["field"] == "client_id"
    ghost = api.post("/api/v1/sale/", headers=headers, json={
        "lines": [{"product_id": 999999}], "payments": []})
    assert ghost.status_code == 404 and ghost.json["field"] == "product_id"
    bad_money = api.post("/api/v1/sale/", headers=headers, json={
        "lines": [{"product_id": water.id}], "payments": [{"method": "cash", "amount": "abc"}]})
    assert bad_money.status_code == 400 and bad_money.json["field"] == "payments"
    malformed = api.post("/api/v1/sale/", headers=headers, json={"lines": "water"})
    assert malformed.status_code == 400 and malformed.json["field"] == "lines"
    no_reason = api.post(f"/api/v1/sale/{sale['id']}/return", headers=headers, json={})
    assert no_reason.status_code == 400 and no_reason.json["field"] == "reason"
    back = api.post(f"/api/v1/sale/{sale['id']}/return", headers=headers,
                    json={"reason": "Changed mind"})
    assert back.status_code == 200 and back.json["result"]["status"] == "returned"
    assert api.post(f"/api/v1/sale/{sale['id']}/return", headers=headers,
                    json={"reason": "Again"}).status_code == 409
    assert api.post("/api/v1/sale/999/return", headers=headers,
                    json={"reason": "x"}).status_code == 404
    assert movements.stock_levels([water.id]) == {water.id: 5}


def test_loans_lend_and_return(app, db, api_token):
    book = make_product(stock=1, name="Grammar")
    ann = make_client()
    db.session.commit()
    headers = api_token(STOREKEEPER)
    api = app.test_client()
    due = (TODAY + timedelta(days=10)).isoformat()
    stranger = api.post("/api/v1/loan/", headers=headers, json={
        "product_id": book.id, "client_id": 999999, "due_date": due})
    assert stranger.status_code == 404 and stranger.json["field"] == "client_id"
    lent = api.post("/api/v1/loan/", headers=headers, json={
        "product_id": book.id, "client_id": ann.id, "due_date": due})
    assert lent.status_code == 201 and lent.json["result"]["due_date"] == due
    none_left = api.post("/api/v1/loan/", headers=headers, json={
        "product_id": book.id, "client_id": ann.id, "due_date": due})
    assert none_left.status_code == 400 and none_left.json["field"] == "quantity"
    bad_date = api.post("/api/v1/loan/", headers=headers, json={
        "product_id": book.id, "client_id": ann.id, "due_date": "tomorrow"})
    assert bad_date.status_code == 400 and bad_date.json["field"] == "due_date"
    loan_id = lent.json["result"]["id"]
    returned = api.post(f"/api/v1/loan/{loan_id}/return", headers=headers)
    assert returned.status_code == 200 and returned.json["result"]["returned_on"] == TODAY.isoformat()
    assert api.post(f"/api/v1/loan/{loan_id}/return", headers=headers).status_code == 409


def test_roles(app, db, api_token):
    make_product(stock=1)
    db.session.commit()
    api = app.test_client()
    accountant = api_token(ACCOUNTANT)
    assert api.get("/api/v1/sale/", headers=accountant).status_code == 200
    assert api.get("/api/v1/product/", headers=accountant).status_code == 403
    assert api.post("/api/v1/sale/", headers=accountant, json={}).status_code == 403
    instructor = api_token(INSTRUCTOR)
    assert api.get("/api/v1/loan/", headers=instructor).status_code == 403
    keeper = api_token(STOREKEEPER)
    assert api.get("/api/v1/client/", headers=keeper).status_code == 403
    assert api.post("/api/v1/sale/", headers=keeper, json={}).status_code == 403
    assert db.session.query(PurchaseRequest).count() == 0


def test_stock_routes_are_in_the_openapi_spec(app, login):
    paths = login("Admin").get("/api/v1/_openapi").json["paths"]
    for route in ["/api/v1/product/", "/api/v1/supplier/", "/api/v1/stockmovement/",
                  "/api/v1/sale/", "/api/v1/sale/{pk}/return", "/api/v1/purchaserequest/",
                  "/api/v1/purchaserequest/{pk}/receive", "/api/v1/loan/",
                  "/api/v1/loan/{pk}/return"]:
        assert route in paths, route
    assert "post" in paths["/api/v1/sale/"] and "post" in paths["/api/v1/loan/"]
