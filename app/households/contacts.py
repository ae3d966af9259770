"""A member's guardian and caregiver (监护人、照料人, DOMAIN 4; Beijing 3(2), 3(3)): who, how
related, which phone, masked like every other personal field.

A person row stores each as a JSON object `{name, relation, phone}` (relation a
code of the `kinship` table). Before revision 0012 they were free text, which
carried names and phone numbers past the masking; the migration turned the
text it could read ("侄子 赵强 13800000000") into that structure and kept the
rest whole as `note`, which goes only to roles that may see names and phones.
History entries written before then still hold the text itself.
"""

import re
from collections.abc import Mapping
from typing import Any

from app.core.masking import PersonalField, Viewer, shown

CONTACT_FIELDS = ("guardian", "caregiver")
"""The person fields that hold a contact."""

Contact = Mapping[str, Any]
"""A contact as stored: `name`, `relation`, `phone`, and `note` for unread legacy text."""

RELATION_WORDS: dict[str, str] = {
    **dict.fromkeys(("配偶", "老伴", "丈夫", "妻子", "爱人"), "spouse"),
    **dict.fromkeys(("儿子", "长子", "次子", "小儿子"), "son"),
    **dict.fromkeys(("女儿", "长女", "次女", "小女儿"), "daughter"),
    **dict.fromkeys(("儿媳", "女婿"), "child_in_law"),
    **dict.fromkeys(("父母", "父亲", "母亲", "爸爸", "妈妈"), "parent"),
    **dict.fromkeys(
        ("祖父母", "祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶", "外公", "外婆"),
        "grandparent",
    ),
    **dict.fromkeys(("孙子女", "孙子", "孙女", "外孙", "外孙女"), "grandchild"),
    **dict.fromkeys(("兄弟姐妹", "兄弟", "姐妹", "哥哥", "姐姐", "弟弟", "妹妹"), "sibling"),
    **dict.fromkeys(
        (
            *("其他亲属", "亲戚", "亲属", "侄子", "侄女", "外甥", "外甥女"),
            *("叔叔", "伯伯", "姑姑", "舅舅", "姨妈"),
        ),
        "relative",
    ),
    "邻居": "neighbour",
    "朋友": "friend",
    **dict.fromkeys(("居委会", "村委会", "民政部门"), "organization"),
    "其他": "other",
}
"""Words free text used for a relation, and the `kinship` code each means."""

_BY_LENGTH = sorted(RELATION_WORDS, key=len, reverse=True)
_PHONE = re.compile(r"\+?\d[\d-]{5,18}\d")
_SEPARATORS = re.compile(r"[\s\u3000,，、;；:：/()（）\[\]【】]+")
_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]+·[\u4e00-\u9fff·]+|[A-Za-z][A-Za-z.'-]+")
"""What a name looks like: two to four Chinese characters, a transcribed name with `·`,
or one Latin word (a longer phrase is more likely a description than a name)."""


def _relation_word(token: str) -> tuple[str | None, str]:
    """The kinship code a token starts with, and the rest of the token."""
    for word in _BY_LENGTH:
        if token.startswith(word):
            return RELATION_WORDS[word], token[len(word) :]
    return None, token


def contact_from_text(text: str) -> dict[str, str]:
    """Free text about a guardian or caregiver as a contact.

    Text made of at most one relation word, one name and one phone number, in
    any order and with any separators ("侄子 赵强", "女儿张丽 13800000000"),
    becomes those parts; anything else is kept whole as `note`.
    """
    phones = _PHONE.findall(text)
    relation: str | None = None
    names: list[str] = []
    for token in _SEPARATORS.split(_PHONE.sub(" ", text)):
        if relation is None:
            relation, token = _relation_word(token)
        if token:
            names.append(token)
    readable = (
        len(phones) <= 1
        and len(names) <= 1
        and (relation is not None or names)
        and all(_NAME.fullmatch(name) for name in names)
    )
    if not readable:
        return {"note": text}
    parts = {
        "name": names[0] if names else None,
        "relation": relation,
        "phone": next(iter(phones), None),
    }
    return {key: value for key, value in parts.items() if value is not None}


def recorded(value: Contact | None) -> bool:
    """Whether a guardian or caregiver is recorded (completeness): a contact with any part,
    so a record whose legacy text was kept as `note` stays as complete as it was."""
    return value is not None and any(
        isinstance(part, str) and part.strip() for part in value.values()
    )


def shown_contact(value: Contact | str | None, viewer: Viewer) -> dict[str, str | None] | None:
    """A contact as this viewer may see it: name and phone masked as names and phones are,
    legacy text hidden whole; legacy text in a history entry reads as a `note`."""
    if value is None:
        return None
    contact: Contact = {"note": value} if isinstance(value, str) else value
    return {
        "name": shown(contact.get("name"), PersonalField.name, viewer),
        "relation": contact.get("relation"),
        "phone": shown(contact.get("phone"), PersonalField.phone, viewer),
        "note": shown(contact.get("note"), PersonalField.text, viewer),
    }
