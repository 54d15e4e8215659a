"""Portal jobs: promoting the waitlist of a lesson when a place frees (exactly once per place,
see ``app.services.portal.booking``) and telling each promoted client by their channel; a
periodic sweep promotes any waitlist a lost job left behind."""
from app.jobs import RETRY_REBUILD, app_job, enqueue, report_progress


def enqueue_promotion(lesson_id):
    """Start the promotion job of one lesson (after a cancellation committed)."""
    return enqueue(promote_lesson_waitlist, lesson_id, kind="portal_promote",
                   retry=RETRY_REBUILD)


@app_job
def promote_lesson_waitlist(lesson_id):
    """Promote the waiting clients of one lesson into its free places, then notify them."""
    from app.jobs.communication import enqueue_delivery
    from app.services.portal.booking import promote_waitlist
    from app.services.portal.notices import promotion_notices

    bookings = promote_waitlist(lesson_id)
    ids = promotion_notices(bookings)
    enqueue_delivery(ids)
    report_progress(1, 1, promoted=len(bookings))
    return len(bookings)


@app_job
def promote_waitlists():
    """Periodic: promote every lesson's waitlist that still has free places."""
    from app.jobs.communication import enqueue_delivery
    from app.services.portal.booking import lessons_with_waitlist, promote_waitlist
    from app.services.portal.notices import promotion_notices

    total = 0
    for lesson_id in lessons_with_waitlist():
        bookings = promote_waitlist(lesson_id)
        enqueue_delivery(promotion_notices(bookings))
        total += len(bookings)
    report_progress(1, 1, promoted=total)
    return total


@app_job
def charge_booking_penalties():
    """Periodic: charge the late cancels and no-shows of ended lessons (each once)."""
    from app.services.portal.penalties import charge_penalties

    made = charge_penalties()
    report_progress(1, 1, charged=len(made))
    return len(made)


@app_job
def excuse_cancelled_lessons():
    """Periodic: bookings of lessons the centre cancelled become excused, with make-up credits."""
    from app.services.portal.makeup import credits_for_cancelled_lessons

    done = credits_for_cancelled_lessons()
    report_progress(1, 1, excused=done)
    return done


@app_job
def reconcile_online_payments():
    """Nightly: compare the checkouts paid at the payment provider with the payments recorded,
    and list every mismatch (paid there but not recorded, recorded but not paid there, another
    amount) in the job's result for staff."""
    from app.services.portal.online_payment import reconcile
    from app.services.portal.providers import get_provider

    provider = get_provider()
    if provider is None:
        return []
    found = [list(row) for row in reconcile(provider)]
    report_progress(1, 1, mismatches=len(found))
    return found
