"""What each row error means, in Chinese, for the downloadable errors file.

The codes are those the API reports for the same rule; a code without an
entry here keeps the rule's English message.
"""

ROW_MESSAGES = {
    "required": "必填项为空",
    "missing": "必填项为空",
    "unknown_code": "不是有效的代码或名称",
    "invalid_date": "日期格式有误，应为 YYYY-MM-DD",
    "string_too_long": "内容过长",
    "string_pattern_mismatch": "格式有误",
    "too_long": "填写的项目过多",
    "id_number_length": "身份证号应为 18 位",
    "id_number_format": "身份证号格式有误：前 17 位为数字，最后一位为数字或 X",
    "id_number_checksum": "身份证号校验位不正确",
    "id_number_birth_date": "身份证号中的出生日期无效",
    "sex_mismatch": "性别与身份证号不一致",
    "birth_date_mismatch": "出生日期与身份证号不一致",
    "region_level": "所属区划应为社区或网格",
    "region_out_of_scope": "区划不在您的管辖范围内",
    "category_not_plausible": "困难类别与此人的年龄或残疾等级不符（高龄须年满 80 周岁，困境老年人须年满 60 周岁，困境儿童须未满 18 周岁，重度残疾须为一级或二级）",
    "subtype_mismatch": "困难子类与困难类别不对应",
    "head_count": "每户必须有且仅有一名户主（与户主关系为“本人”）",
    "too_many_members": "一户最多 20 名成员",
    "household_key_repeated": "户编号与前面不相邻的行重复：同一户的各行必须相邻",
    "person_already_in_household": "此人已是台账中一户家庭的在册成员",
    "contact_unreadable": "无法识别为关系、姓名、电话，请分列填写姓名、关系、电话",
}

REPEATED_IN_FILE = "此身份证号在本文件前面的行中已出现过"


def row_message(code: str, fallback: str) -> str:
    return ROW_MESSAGES.get(code, fallback)[:500]
