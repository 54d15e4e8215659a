"""Listeners other parts of the application attach to shop sales (the documents domain gives
every sale its numbered receipt) without stock knowing them.

Rule. A listener runs inside the sale's transaction, after the sale, its lines and payments are
flushed, with the sale; an error it raises refuses the sale. Listeners are registered once per
process (at application start).
"""
SOLD = "sold"
_LISTENERS = {SOLD: []}


def listen(event, listener):
    """Call ``listener(sale)`` on every ``event``; registering twice is harmless."""
    listeners = _LISTENERS[event]
    if listener not in listeners:
        listeners.append(listener)


def fire(event, *args):
    for listener in list(_LISTENERS[event]):
        listener(*args)
