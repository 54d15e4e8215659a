"""Listeners other parts of the application attach to course events (the documents domain
issues an organisation's invoice and a certificate of completion) without courses knowing them.

Rule. A listener runs inside the event's transaction, after it is flushed: ``registered`` gets
(registration, participants added) for an organisation's registration; ``certified`` gets the
participant when their certificate number is first issued (never again for the same person).
Listeners are registered once per process and read their own settings when called.
"""
REGISTERED = "registered"
CERTIFIED = "certified"
_LISTENERS = {REGISTERED: [], CERTIFIED: []}


def listen(event, listener):
    """Call ``listener(*args)`` on every ``event``; registering twice is harmless."""
    listeners = _LISTENERS[event]
    if listener not in listeners:
        listeners.append(listener)


def fire(event, *args):
    for listener in list(_LISTENERS[event]):
        listener(*args)
