"""Listeners other parts of the application attach to course events (the documents domain
issues an organisation's invoice, a certificate of completion and an organisation's receipt) without courses knowing them.

Rule. A listener runs inside the event's transaction, after it is flushed: ``registered`` gets
(registration, participants added) for an organisation's registration; ``certified`` gets the
participant when their certificate number is first issued (never again for the same person);
``organisation_paid`` gets an organisation's payment just recorded (the automatic receipt).
Listeners are registered once per process and read their own settings when called.
"""
REGISTERED = "registered"
CERTIFIED = "certified"
ORGANISATION_PAID = "organisation_paid"
_LISTENERS = {REGISTERED: [], CERTIFIED: [], ORGANISATION_PAID: []}


def listen(event, listener):
    """Call ``listener(*args)`` on every ``event``; registering twice is harmless."""
    listeners = _LISTENERS[event]
    if listener not in listeners:
        listeners.append(listener)


def fire(event, *args):
    for listener in list(_LISTENERS[event]):
        listener(*args)
