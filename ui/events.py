"""Key events page: the analyst adds, edits and removes the events drawn on the trend chart (the
demo's among them, marked, until the demo is removed)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from pipeline import events as key_events
from pipeline import views
from pipeline.models import Event
from ui.access import permitted, visitor
from ui.shared import shared

EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)  # the date picker's reach
_NEW = {"event_date": None, "event_label": "", "event_note": "", "event_link": ""}
_MESSAGE = "events_message"  # (kind, text) shown once, after the click that wrote or refused


def _report(kind: str, text: str) -> None:
    st.session_state[_MESSAGE] = (kind, text)


def _refused(problems: list[key_events.EventProblem]) -> None:
    _report("error", "Nothing was stored: " + "; ".join(str(p) for p in problems) + ".")


def _add() -> None:
    """The Add button's callback: store the typed event, or say what is wrong with it."""
    if not permitted("manage_events", "Adding an event"):
        return
    state = st.session_state
    checked = key_events.check_event(
        state["event_date"], state["event_label"], state["event_note"], state["event_link"]
    )
    if not isinstance(checked, Event):
        _refused(checked)
        return
    key_events.add_event(shared().db, checked, shared().pair or None)
    state.update(_NEW)  # an empty form for the next one
    _report("success", f"Added {checked.date} · {checked.label}.")


def _save(event_id: int) -> None:
    if not permitted("manage_events", "Saving an event"):
        return
    state = st.session_state
    key = f"-{event_id}"
    checked = key_events.check_event(
        state[f"event_date{key}"], state[f"event_label{key}"], state[f"event_note{key}"], state[f"event_link{key}"]
    )
    if not isinstance(checked, Event):
        _refused(checked)
        return
    if key_events.update_event(shared().db, event_id, checked, shared().settings.watched_pair().id):
        _report("success", f"Saved {checked.date} · {checked.label}.")
    else:
        _report("warning", "That event was removed meanwhile; nothing was saved.")


def _remove(event: Event) -> None:
    if not permitted("remove_data", "Removing an event"):
        return
    if event.id is not None and key_events.remove_event(shared().db, event.id, shared().settings.watched_pair().id):
        _report("success", f"Removed {event.date} · {event.label}.")
    st.session_state.pop("edit_event", None)


def _fields(key: str) -> None:
    """Date, label, note and link inputs, keyed ``<field>`` + ``key`` (their values in the session)."""
    left, right = st.columns([1, 3])
    left.date_input("Date", min_value=EARLIEST, max_value=LATEST, key=f"event_date{key}")
    right.text_input(f"Label (at most {key_events.LABEL_MAX} characters)", key=f"event_label{key}")
    st.text_area("Note (optional)", height=68, key=f"event_note{key}")
    st.text_input("Link (optional, http:// or https://)", key=f"event_link{key}")


run = shared()
stored = key_events.read_events(run.db, run.pair or None)
whose = f"{run.title()}'s key events: " if len(run.titles) > 1 else ""  # each pair has its own
st.caption(
    views.escape_markdown(whose)
    + "Key events are drawn on the trend chart as dotted lines with their labels. Date and label are required; "
    "the note shows on hover, the link here. Events of the bundled demo are marked and go with "
    "**Remove demo articles**."
)
if (message := st.session_state.pop(_MESSAGE, None)) is not None:
    kind, text = message
    getattr(st, kind)(views.escape_markdown(text))

with st.expander("Add an event", expanded=not stored):
    for name, empty in _NEW.items():
        st.session_state.setdefault(name, empty)
    _fields("")
    st.button("Add event", key="add_event", on_click=_add, type="primary")

if not stored:
    st.info("No key events yet: add the first above.")
    st.stop()

st.dataframe(
    pl.DataFrame(
        {
            "date": [e.date for e in stored],
            "label": [e.label for e in stored],
            "note": [e.note for e in stored],
            "link": [e.link or None for e in stored],
            "demo": ["demo" if e.is_demo else "" for e in stored],
        }
    ),
    hide_index=True,
    key="events_table",
    column_config={
        "date": st.column_config.DateColumn(format="YYYY-MM-DD", width="small"),
        "label": st.column_config.TextColumn(width="medium"),
        "note": st.column_config.TextColumn(width="large"),
        "link": st.column_config.LinkColumn("link", width="medium"),
        "demo": st.column_config.TextColumn(width="small"),
    },
)

by_id = {e.id: e for e in stored if e.id is not None}
chosen = st.selectbox(
    "Edit or remove an event",
    list(by_id),
    index=None,
    placeholder="choose an event",
    format_func=lambda i: f"{by_id[i].date} · {by_id[i].label}" + (" (demo)" if by_id[i].is_demo else ""),
    key="edit_event",
)
if chosen is not None:
    event = by_id[chosen]
    key = f"-{chosen}"
    # The stored values, the first time this event is opened (later its widgets keep what was typed).
    for name, value in (("date", event.date), ("label", event.label), ("note", event.note), ("link", event.link)):
        st.session_state.setdefault(f"event_{name}{key}", value)
    _fields(key)
    if event.link:
        st.link_button("Open the link", event.link)
    save, remove = st.columns(2)
    save.button("Save changes", key="save_event", on_click=_save, args=(chosen,), type="primary")
    if visitor().may("remove_data"):  # removing is the admin's; analysts add and edit
        remove.button("Remove event", key="remove_event", on_click=_remove, args=(event,))
