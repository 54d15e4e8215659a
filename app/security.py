"""Roles and permissions: the one place where who may do what is declared.

Every view and API names a *resource* (``class_permission_name``) and maps its methods onto a few
*actions* (``read``, ``write``, ``delete`` and domain verbs such as ``refund``), so FAB checks
``can_<action>`` on ``<resource>`` for the page and for the REST API alike. The roles below are
FAB *builtin roles* (``FAB_ROLES``): they live in code, are checked in memory and cannot be
clicked together in the UI. A menu entry is shown to a role that may ``read`` the resource of the
view behind it (see ``register_menu``), so the menu never offers a page that would refuse you.
"""
import re

from flask_appbuilder.security.sqla.manager import SecurityManager

ADMIN = "Admin"
MANAGER = "Manager"
FRONT_DESK = "Front desk"
INSTRUCTOR = "Instructor"
ACCOUNTANT = "Accountant"
STOREKEEPER = "Storekeeper"
TRANSLATOR = "Translator"
ROLES = (ADMIN, MANAGER, FRONT_DESK, INSTRUCTOR, ACCOUNTANT, STOREKEEPER, TRANSLATOR)

R, W, D = "read", "write", "delete"
RW = (R, W)
RWD = (R, W, D)

# What every logged-in member of staff may do with their own account.
_SELF_SERVICE = [
    ("UserDBModelView", ("userinfo", "resetmypassword")),
    ("ResetMyPasswordView", ("this_form_get", "this_form_post")),
    ("UserInfoEditView", ("this_form_get", "this_form_post")),
    ("Job", (R,)),  # the status of one's own background jobs (progress bars)
    ("MenuApi", ("get",)),  # FAB's menu API, already filtered by permissions
]

# resource -> actions, per role. Sections follow the product's domains.
GRANTS = {
    MANAGER: [
        # --- clients ---
        ("Client", RWD + ("read_all", "import", "export", "reassign")),
        ("ClientMedical", RW),
        ("ClientDocument", RWD),
        ("Guardian", RWD),
        ("Organisation", RWD + ("export",)),
        ("ContactPerson", RWD),
        ("ClientDirectory", RWD),
        # --- passes and money ---
        ("Service", RWD),
        ("PassPlan", RWD),
        ("Pass", (R, "sell", "freeze", "extend", "refund")),
        ("SalesDesk", (R,)),  # the front-desk pages: sell a pass, take a payment
        ("Payment", RW),
        ("Discount", RWD),
        ("GiftCertificate", RW),
        ("Bonus", RW),
        ("Debt", (R,)),
        ("CashDesk", RW),
        ("CashReport", (R,)),
        # --- timetable and attendance ---
        ("Room", RWD),
        ("Group", RWD),
        ("Lesson", (W,)),  # add, move, cancel single lessons; reading is the Timetable
        ("Holiday", RWD),
        ("Timetable", (R,)),
        ("Attendance", RW + ("undo",)),
        ("LessonResult", RW),
        ("CheckIn", RW),
        # --- client portal: booking mode of groups, invitations, booking for a client ---
        ("BookingSettings", RWD),
        ("CancellationRule", RWD),
        ("BookingPenalty", (R,)),
        ("PortalAccess", ("invite", "book", "waive")),
        ("CalendarFeed", (R, "manage")),  # instructors' iCal links, anyone's
        ("OnlineCheckout", (R,)),  # payments asked online, mismatches
        # --- staff ---
        ("Employee", (R,)),
        # --- communication ---
        ("MessageTemplate", RWD),
        ("Mailing", RW),
        ("Message", (R,)),
        ("Task", RWD),
        ("Call", RW),
        ("TaskDirectory", RWD),
        ("ManagerDesk", (R,)),
        ("ManagerControl", (R,)),
        # --- reports ---
        ("Dashboard", (R,)),
        ("Report", RW),
        ("Audit", (R,)),
        # --- documents ---
        ("Document", RW + ("cancel", "send")),
        ("DocumentTemplate", (R,)),  # preview; editing templates is Admin's
        # --- courses ---
        ("Course", RWD + ("register", "mark", "certify", "invite")),
        ("CourseDirection", RWD),
        ("CourseCost", RWD),
        ("OrganisationPayment", RW),
        ("OrganisationBalance", (R, "call")),
        ("SalesPlan", RW),  # own plans; Admin (all actions) reads everyone's ("read_all")
        # --- stock ---
        ("StockReport", (R,)),
        ("Sale", (R,)),
    ],
    FRONT_DESK: [
        ("Client", RW + ("read_all", "export")),
        ("ClientDocument", RW),
        ("Guardian", RW),
        ("Organisation", (R,)),
        ("ContactPerson", (R,)),
        ("ClientDirectory", (R,)),
        ("Service", (R,)),
        ("PassPlan", (R,)),
        ("Pass", (R, "sell", "freeze")),
        ("SalesDesk", (R,)),
        ("Payment", RW),
        ("Discount", (R,)),
        ("GiftCertificate", RW),
        ("Bonus", RW),
        ("Debt", (R,)),
        ("CashDesk", RW),
        ("Room", (R,)),
        ("Group", (R,)),
        ("Timetable", (R,)),
        ("Attendance", RW + ("undo",)),
        ("CheckIn", RW),
        ("BookingSettings", (R,)),
        ("PortalAccess", ("invite", "book")),
        ("Task", RW),
        ("Call", RW),
        ("Document", RW + ("send",)),
        ("Course", (R, "register")),
        ("OrganisationPayment", RW),
        ("OrganisationBalance", (R,)),
        # --- stock: the shop desk and lending ---
        ("Product", (R,)),
        ("Sale", RW + ("return",)),
        ("Loan", RW),
    ],
    INSTRUCTOR: [
        # An instructor sees its own lessons and their members; services filter to "own"
        # (no "read_all" on "Client": only the clients of its own work, see clients_scope).
        ("Client", (R,)),
        ("ClientMedical", (R,)),
        ("Guardian", (R,)),
        ("Timetable", (R,)),  # the grid and its API: instructors' own lessons are marked there
        ("Attendance", RW),
        ("Payslip", (R,)),
        ("Course", (R, "mark")),  # the sessions of own courses (services check "own")
        ("LessonResult", RW),  # marks and observations at own lessons (services check "own")
        ("CalendarFeed", (R,)),  # the iCal link of own lessons
    ],
    ACCOUNTANT: [
        ("Client", (R, "read_all", "export")),
        ("Organisation", (R, "export")),
        ("Service", (R,)),
        ("PassPlan", (R,)),
        ("Pass", (R,)),
        ("Payment", (R,)),
        ("Discount", (R,)),
        ("GiftCertificate", (R,)),
        ("Bonus", (R,)),
        ("Debt", (R,)),
        ("CashReport", (R,)),
        ("OnlineCheckout", (R,)),
        ("Employee", RWD),
        ("PayRule", RWD),
        ("Payroll", RW + ("approve",)),
        ("Payslip", (R,)),
        ("Dashboard", (R,)),
        ("Report", RW),
        ("Document", RW + ("cancel", "send")),
        ("Course", (R,)),
        ("CourseCost", RWD),
        ("OrganisationPayment", RW),
        ("OrganisationBalance", (R,)),
        ("StockReport", (R,)),
        ("Sale", (R,)),
    ],
    STOREKEEPER: [
        # Lending needs a client's name and card number only: the lending form has its own
        # lookup (no client list, card or CRM read).
        ("Product", RWD),
        ("Supplier", RWD),
        ("StockMovement", RW),
        ("PurchaseRequest", RW),
        ("Loan", RW),
        ("StockReport", (R,)),
    ],
    TRANSLATOR: [
        ("Translation", RW),  # the workbench: read the catalogs, edit and upload translations
    ],
}

# Admin may do everything, including the actions no other role has (payroll reversal, job admin).
_ADMIN_PATTERNS = [[".*", ".*"]]

# menu item name -> resource whose ``read`` shows it; filled by ``register_menu``.
MENU_RESOURCES = {}
# category name -> its items' names
MENU_CATEGORIES = {}


def register_menu(name, resource, category=None):
    """Remember which resource a menu entry opens, so its visibility follows the permission."""
    MENU_RESOURCES[name] = resource
    if category:
        MENU_CATEGORIES.setdefault(category, set()).add(name)


def _pattern(resource, actions):
    names = "|".join(re.escape(action) for action in actions)
    return [f"^{re.escape(resource)}$", f"^can_({names})$"]


def role_definitions():
    """FAB_ROLES: role name -> [[resource regex, permission regex], ...]."""
    roles = {ADMIN: _ADMIN_PATTERNS}
    for role in ROLES[1:]:
        grants = list(_SELF_SERVICE) + GRANTS.get(role, [])
        roles[role] = [_pattern(resource, actions) for resource, actions in grants]
    return roles


def role_can(role_name, action, resource):
    """Whether a builtin role holds ``can_<action>`` on ``resource`` (no request needed)."""
    if role_name == ADMIN:
        return True
    for res, actions in GRANTS.get(role_name, []) + _SELF_SERVICE:
        if res == resource and action in actions:
            return True
    return False


class TesseraSecurityManager(SecurityManager):
    """FAB's security manager with menu visibility derived from resource permissions."""

    # FAB's "User's Statistics" chart loads Google Charts from the internet: nothing of ours may
    # make the browser call out, so the view is not registered.
    userstatschartview = None

    def _has_access_builtin_roles(self, role, permission_name, view_name):
        # Builtin roles are code: an answer never changes while the process runs, so it is kept
        # (FAB matches every pattern of the role with re.match on each of a page's ~90 checks).
        key = (role.name, permission_name, view_name)
        answers = self.__dict__.setdefault("_builtin_answers", {})
        answer = answers.get(key)
        if answer is None:
            if permission_name == "menu_access" and role.name != ADMIN:
                answer = self._menu_visible(role.name, view_name)
            else:
                answer = super()._has_access_builtin_roles(role, permission_name, view_name)
            answers[key] = answer
        return answer

    def _menu_visible(self, role_name, menu_name):
        # An item may share its category's name: check items' resources, never recurse.
        resource = MENU_RESOURCES.get(menu_name)
        if resource is not None and role_can(role_name, R, resource):
            return True
        return any(role_can(role_name, R, MENU_RESOURCES[item])
                   for item in MENU_CATEGORIES.get(menu_name, ()) if item in MENU_RESOURCES)

    def is_item_public(self, permission_name, view_name):
        """Nothing is public: every page and API needs a logged-in role granting it, and the
        Public role holds no permission (roles are code, above). FAB would read the Public
        role and its permissions from the database — twice on every API request."""
        return False

    def can(self, action, resource):
        """``current user may <action> <resource>`` — for templates and services."""
        return self.has_access(f"can_{action}", resource)
