"""Nobody grants themselves a role: not through FAB's user edit (an Admin editing its own
account), not through the self-service form, not through an API, not through the CLI; another
Admin changes roles, and that works."""
from app.security import ADMIN, INSTRUCTOR, MANAGER, TRANSLATOR


def _roles(db, user_id):
    from flask_appbuilder.security.sqla.models import User

    db.session.expire_all()
    return {role.name for role in db.session.get(User, user_id).roles}


def _edit_form(user, role_ids):
    return {"first_name": user.first_name, "last_name": user.last_name,
            "username": user.username, "email": user.email, "active": "y",
            "roles": [str(i) for i in role_ids]}


def test_an_admin_cannot_change_its_own_roles(app, db, login):
    from app.extensions import appbuilder

    admin = login(ADMIN)
    me = appbuilder.sm.get_user_by_id(admin.user_id)
    extra = appbuilder.sm.find_role(TRANSLATOR)
    response = admin.post(f"/users/edit/{me.id}",
                          data=_edit_form(me, [r.id for r in me.roles] + [extra.id]),
                          follow_redirects=True)
    assert response.status_code == 200
    assert "Nobody may change their own roles" in response.get_data(as_text=True)
    assert _roles(db, me.id) == {ADMIN}
    # its name may still be edited (only the roles are refused)
    me = appbuilder.sm.get_user_by_id(admin.user_id)
    form = _edit_form(me, [r.id for r in me.roles])
    form["first_name"] = "Renamed"
    admin.post(f"/users/edit/{me.id}", data=form)
    db.session.expire_all()
    assert appbuilder.sm.get_user_by_id(me.id).first_name == "Renamed"


def test_another_admin_changes_roles(app, db, login, make_user):
    from app.extensions import appbuilder

    admin = login(ADMIN)
    target = make_user(INSTRUCTOR)
    manager = appbuilder.sm.find_role(MANAGER)
    admin.post(f"/users/edit/{target.id}", data=_edit_form(target, [manager.id]))
    assert _roles(db, target.id) == {MANAGER}


def test_the_self_service_form_ignores_roles(app, db, login):
    from app.extensions import appbuilder

    client = login(INSTRUCTOR)
    admin_role = appbuilder.sm.find_role(ADMIN)
    saved = client.post("/userinfoeditview/form", data={"first_name": "I", "last_name": "Me",
                                                        "roles": str(admin_role.id)})
    assert saved.status_code in (200, 302)
    assert appbuilder.sm.get_user_by_id(client.user_id).last_name == "Me"  # the form works
    assert _roles(db, client.user_id) == {INSTRUCTOR}
    # and the user screens themselves are Admin's
    assert client.post(f"/users/edit/{client.user_id}",
                       data={"roles": str(admin_role.id)}).status_code in (302, 403)
    assert _roles(db, client.user_id) == {INSTRUCTOR}


def test_no_api_changes_users_or_roles(app, db, api_token, login):
    """FAB's security API (users, roles, permissions) is not registered: roles are builtin."""
    for headers in (api_token(ADMIN), api_token(MANAGER)):
        for path in ("/api/v1/security/users/", "/api/v1/security/roles/"):
            assert app.test_client().get(path, headers=headers).status_code == 404
            assert app.test_client().post(path, json={"roles": [1]},
                                          headers=headers).status_code in (404, 405)


def test_the_rule_holds_below_the_screens(app, db, make_user):
    """The same refusal on any flush made in a request by the user itself."""
    import pytest
    from flask import g

    from app.extensions import appbuilder
    from app.services.platform import Forbidden

    user = make_user(INSTRUCTOR)
    with app.test_request_context("/"):
        g.user = appbuilder.sm.get_user_by_id(user.id)
        g.user.roles.append(appbuilder.sm.find_role(ADMIN))
        with pytest.raises(Forbidden):
            db.session.flush()
        db.session.rollback()
    assert _roles(db, user.id) == {INSTRUCTOR}


def test_the_cli_never_changes_an_existing_accounts_roles(app, db, make_user):
    user = make_user(INSTRUCTOR)
    from flask_appbuilder.cli import fab as fab_cli

    runner = app.test_cli_runner()
    fab = runner.invoke(fab_cli, args=["create-user", "--role", ADMIN, "--username", user.username,
                              "--firstname", "F", "--lastname", "L", "--email", "x@y.local",
                              "--password", "violet staircase 42"])
    assert "already exists" in fab.output
    ours = runner.invoke(args=["users", "create-admin", "--username", user.username,
                               "--firstname", "F", "--lastname", "L", "--email", "x@y.local",
                               "--password", "violet staircase 42"])
    assert ours.exit_code != 0 and "already exists" in ours.output
    assert _roles(db, user.id) == {INSTRUCTOR}
