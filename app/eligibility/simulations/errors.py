"""Errors of simulations, each with a stable code and messages in both languages."""

from app.core.errors import AppError
from app.core.field_messages import FieldMessage, register_field_messages
from app.core.i18n import Message, register_messages


class SimulationFinished(AppError):
    """409: the simulation already ended (succeeded, failed or cancelled): nothing to cancel."""

    status = 409
    code = "simulation_finished"

    def __init__(self, state: str) -> None:
        super().__init__(params={"state": state})


register_messages(
    {
        "simulation_finished": Message(
            "模拟已结束",
            "Simulation already finished",
            "该模拟的状态为 {state}，已经结束，无法取消。",
            "The simulation is {state}: it has finished and cannot be cancelled.",
        ),
    }
)

register_field_messages(
    {
        "policy_retired": FieldMessage(
            "已停用的政策版本不能用于模拟，请选择草稿或已发布的版本",
            "a retired policy version cannot be simulated; choose a draft or a published one",
        ),
    }
)
