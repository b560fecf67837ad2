"""Small synchronous helpers over the Prefect client for watching dispatched flow runs."""

from __future__ import annotations

from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.states import Crashed


def run_state(run_id: UUID) -> tuple[str, bool]:
    """A flow run's state name and whether it is final."""
    with get_client(sync_client=True) as client:
        state = client.read_flow_run(run_id).state
    return (state.name, state.is_final()) if state is not None else ("Unknown", False)


def mark_crashed(run_id: UUID, message: str) -> None:
    """Record that a run's worker is gone, so the dashboard stops showing it as running."""
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(run_id, Crashed(message=message), force=True)
