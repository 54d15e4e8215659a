"""Listeners other parts of the application attach to money events, so that they can react to a
payment or a pass sale (the documents domain issues receipts and contracts) without money
knowing them.

Rule. A listener is called inside the transaction of the event, after the payment or pass is
flushed, with that object; what it writes commits or rolls back with the event, and an error it
raises refuses the event. Listeners are registered once per process (at application start) and
read their own on/off settings when called.
"""
PAYMENT_TAKEN = "payment_taken"
PASS_SOLD = "pass_sold"
_LISTENERS = {PAYMENT_TAKEN: [], PASS_SOLD: []}


def listen(event, listener):
    """Call ``listener(obj)`` on every ``event`` (``payment_taken``: the new payment;
    ``pass_sold``: the new pass). Registering the same function twice is harmless."""
    listeners = _LISTENERS[event]
    if listener not in listeners:
        listeners.append(listener)


def fire(event, obj):
    for listener in list(_LISTENERS[event]):
        listener(obj)
