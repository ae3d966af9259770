"""Field errors of home visits, with messages in both languages."""

from app.core.field_messages import FieldMessage, register_field_messages

register_field_messages(
    {
        "not_a_visitor": FieldMessage(
            "须为该家庭的派驻社工或所在社区的社区工作者",
            "must be the household's assigned social worker or a community worker of its community",
        ),
        "household_closed": FieldMessage(
            "该家庭已退出台账或申请未获受理，不再安排入户",
            "the household has left the ledger or was declined: no visits",
        ),
        "not_on_file": FieldMessage(
            "不是该家庭档案中的有效材料", "not a document of the household's file (or voided)"
        ),
    }
)
