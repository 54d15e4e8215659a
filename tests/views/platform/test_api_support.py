"""The shared REST plumbing: refusals as JSON, one transaction per action, field parsers with
messages naming the field, lenient query-string values, money and date serializers."""
from datetime import date, datetime
from decimal import Decimal

import pytest
from flask_appbuilder.api import BaseApi
from sqlalchemy.orm.exc import StaleDataError

from app.models.timetable import Room
from app.security import FRONT_DESK
from app.services.platform.errors import Conflict, DomainError, NotFound
from app.views.platform.api_support import (api_action, arg_date, arg_int, domain_error_response, iso,
                                   json_body, json_bool, json_date, json_decimal, json_int,
                                   json_object, money_json)
from app.views.platform.base import STALE_MESSAGE


class FakeApi:
    response = staticmethod(BaseApi.response)


def refusal(parse, payload, key, **kwargs):
    with pytest.raises(DomainError) as caught:
        parse(payload, key, **kwargs)
    assert caught.value.field == key
    return str(caught.value.message)


# --- refusals as JSON ----------------------------------------------------------------------------

def test_error_shape_with_field_and_details(app, db):
    with app.test_request_context():
        exc = Conflict("The room is busy.", field="room_id", other_lesson_id=7,
                       names=["A", "B"], unserializable=object())
        response = domain_error_response(FakeApi(), exc)
    assert response.status_code == 409
    assert response.json == {"message": "The room is busy.", "field": "room_id",
                             "other_lesson_id": 7, "names": ["A", "B"]}


def test_error_shape_without_field(app, db):
    with app.test_request_context():
        response = domain_error_response(FakeApi(), NotFound("No such client."))
    assert response.status_code == 404 and response.json == {"message": "No such client."}


def test_action_commits_and_answers_with_its_status(app, db):
    @api_action(201)
    def create(api):
        db.session.add(Room(name="Blue", capacity=8))
        return {"created": True}

    with app.test_request_context():
        response = create(FakeApi())
    db.session.remove()
    assert response.status_code == 201 and response.json == {"created": True}
    assert db.session.query(Room).filter_by(name="Blue").count() == 1


def test_refused_action_saves_nothing(app, db):
    @api_action()
    def create(api):
        db.session.add(Room(name="Red", capacity=8))
        db.session.flush()
        raise DomainError("Refused.", field="name")

    with app.test_request_context():
        response = create(FakeApi())
    db.session.remove()
    assert response.status_code == 400
    assert response.json == {"message": "Refused.", "field": "name"}
    assert db.session.query(Room).count() == 0


def test_stale_version_is_a_conflict_and_a_response_passes_through(app, db):
    @api_action()
    def stale(api):
        raise StaleDataError("row changed")

    @api_action(201)
    def ready(api):
        return api.response(418, teapot=True)

    with app.test_request_context():
        conflict = stale(FakeApi())
        passed = ready(FakeApi())
    assert conflict.status_code == 409 and conflict.json == {"message": str(STALE_MESSAGE)}
    assert passed.status_code == 418 and passed.json == {"teapot": True}


# --- JSON request fields -------------------------------------------------------------------------

def test_json_body(app):
    with app.test_request_context(json=[1, 2]):
        with pytest.raises(DomainError) as caught:
            json_body()
        assert str(caught.value.message) == "A JSON object is expected."
    with app.test_request_context():
        assert json_body(optional=True) == {}
        with pytest.raises(DomainError):
            json_body()
    with app.test_request_context(json={"a": 1}):
        assert json_body() == {"a": 1}


def test_required_fields_name_the_field(app):
    with app.test_request_context():
        for parse in (json_int, json_decimal, json_date):
            assert refusal(parse, {}, "start") == "start is required."
            assert refusal(parse, {"start": ""}, "start") == "start is required."
            assert parse({}, "start", required=False) is None
        assert refusal(json_bool, {}, "held", required=True) == "held is required."
        assert refusal(json_object, {}, "segment", required=True) == "segment is required."


def test_int(app):
    with app.test_request_context():
        assert json_int({"n": 12}, "n") == 12
        assert json_int({"n": "12"}, "n") == 12
        assert json_int({"n": 12.0}, "n") == 12
        for bad in ("abc", "1.5", 2.5, True, [1]):
            assert refusal(json_int, {"n": bad}, "n") == "n must be a whole number."


def test_decimal_never_goes_through_float(app):
    with app.test_request_context():
        amount = json_decimal({"amount": "12.30"}, "amount")
        assert isinstance(amount, Decimal) and amount == Decimal("12.30")
        assert str(amount) == "12.30"
        assert json_decimal({"amount": 12}, "amount") == Decimal("12")
        assert json_decimal({"amount": "-0.10"}, "amount") == Decimal("-0.10")
        message = 'amount must be an amount sent as a string, like "12.50".'
        for bad in ("abc", 12.3, "NaN", "Infinity", True, {"x": 1}):
            assert refusal(json_decimal, {"amount": bad}, "amount") == message


def test_date(app):
    with app.test_request_context():
        assert json_date({"d": "2025-01-31"}, "d") == date(2025, 1, 31)
        for bad in ("2025-13-01", "31.01.2025", 20250131):
            assert refusal(json_date, {"d": bad}, "d") == "d must be a date like 2025-01-31."


def test_bool(app):
    with app.test_request_context():
        assert json_bool({}, "held") is False
        assert json_bool({}, "held", default=True) is True
        assert json_bool({"held": True}, "held") is True
        assert json_bool({"held": "false"}, "held") is False
        assert json_bool({"held": 1}, "held") is True
        assert json_bool({"held": "0"}, "held") is False
        for bad in ("maybe", 2, [True]):
            assert refusal(json_bool, {"held": bad}, "held") == "held must be true or false."


def test_object(app):
    with app.test_request_context():
        assert json_object({}, "segment") == {}
        assert json_object({"segment": {"min_age": 5}}, "segment") == {"min_age": 5}
        assert json_object({"segment": '{"min_age": 5}'}, "segment") == {"min_age": 5}
        for bad in ("{broken", "[1]", [1]):
            assert refusal(json_object, {"segment": bad}, "segment") == \
                "segment must be a JSON object."


# --- lenient values and serializers --------------------------------------------------------------

def test_lenient_query_string_values():
    assert arg_int("7") == 7
    assert arg_int("") is None and arg_int(None) is None and arg_int("x") is None
    assert arg_date("2025-02-03") == date(2025, 2, 3)
    assert arg_date("soon") is None and arg_date("", date(2020, 1, 1)) == date(2020, 1, 1)
    # the calendar's ends: a page stepping a day or a week from them would fail
    assert arg_date("9999-12-31", date(2020, 1, 1)) == date(2020, 1, 1)
    assert arg_date("0001-01-01") is None and arg_date("2999-12-31") == date(2999, 12, 31)


def test_serializers():
    assert money_json(Decimal("12.30")) == "12.30" and money_json(None) is None
    assert iso(date(2025, 1, 31)) == "2025-01-31"
    assert iso(datetime(2025, 1, 31, 9, 5)) == "2025-01-31T09:05:00" and iso(None) is None


# --- through a real endpoint ---------------------------------------------------------------------

def test_endpoint_refuses_a_bad_field_by_name(app, db, api_token):
    headers = api_token(FRONT_DESK)
    api = app.test_client()
    response = api.post("/api/v1/pass/sell", json={"client_id": "abc", "plan_id": 1},
                        headers=headers)
    assert response.status_code == 400
    assert response.json == {"message": "client_id must be a whole number.", "field": "client_id"}
    response = api.post("/api/v1/payment/", json={"client_id": 1, "amount": 1.1}, headers=headers)
    assert response.status_code == 400 and response.json["field"] == "amount"
    response = api.post("/api/v1/pass/sell", data="not json", headers=headers,
                        content_type="application/json")
    assert response.status_code == 400
    assert response.json == {"message": "A JSON object is expected."}
