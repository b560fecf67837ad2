"""Small synchronous helpers over the Prefect client for watching dispatched flow runs."""

from __future__ import annotations

from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.states import Crashed


def final_state_of(run_id: UUID) -> str | None:
    """The state name of a finished flow run, or None while it is scheduled or running."""
    with get_client(sync_client=True) as client:
        state = client.read_flow_run(run_id).state
    return state.name if state is not None and state.is_final() else None


def mark_crashed(run_id: UUID, message: str) -> None:
    """Record that a run's worker is gone, so the dashboard stops showing it as running."""
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(run_id, Crashed(message=message), force=True)
