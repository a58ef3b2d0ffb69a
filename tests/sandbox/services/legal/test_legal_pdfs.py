"""The mediation agreement and the exhibit list as drawn, read back with poppler's pdftotext."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime

from certificates.pdf.fonts import find_cjk_font
from sandbox.services.legal.agreement_pdf import AgreementFacts, Confirmation, render_agreement
from sandbox.services.legal.exhibit_pdf import Exhibit, ExhibitListFacts, render_exhibit_list

MORNING = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)  # 09:30 in Beijing
EVENING = datetime(2026, 12, 7, 16, 5, tzinfo=UTC)  # 00:05 on 8 December in Beijing


def pdftotext(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return "".join(result.stdout.decode().split())


def facts(*confirmations: Confirmation) -> AgreementFacts:
    return AgreementFacts(
        number="TJXY-2026-0007",
        enterprise="北京亦庄智驾科技有限公司",
        enterprise_uscc="91110302MA01ABCD2X",
        counterparty="京南数据标注服务有限公司",
        matter="服务商未按合同交付数据标注服务",
        outcome_zh="部分达成",
        items=("乙方退还服务费五万元", "甲方撤回投诉"),
        terms="双方再无其他争议。",
        mediator="王调解",
        organisation="亦庄商事调解中心",
        recorded_on=date(2026, 12, 7),
        case_ref="智驾数据平台，备案编号 YZSB-2026-0001",
        court="北京互联网法院",
        confirmations=confirmations,
    )


def test_the_agreement_names_parties_terms_mediator_date_and_the_judicial_confirmation() -> None:
    font = find_cjk_font()
    pending = (
        Confirmation("甲方 北京亦庄智驾科技有限公司", None, None),
        Confirmation("乙方 京南数据标注服务有限公司", None, None),
    )
    text = pdftotext(render_agreement(facts(*pending), font=font))
    expected_texts = (
        "调解协议书",
        "甲方：北京亦庄智驾科技有限公司",
        "91110302MA01ABCD2X",
        "乙方：京南数据标注服务有限公司",
        "服务商未按合同交付数据标注服务",
        "1.乙方退还服务费五万元",
        "2.甲方撤回投诉",
        "双方再无其他争议。",
        "调解员：王调解",
        "调解组织：亦庄商事调解中心",
        "协议日期：2026年12月7日",
        "部分达成",
        "三十日内共同向北京互联网法院申请司法确认",
        "《中华人民共和国人民调解法》第三十三条",
    )
    for expected in expected_texts:
        assert expected in text, expected
    assert text.count("尚未确认") == 2


def test_each_confirmation_is_printed_with_its_beijing_time_and_the_output_is_reproducible() -> None:
    font = find_cjk_font()
    confirmed = facts(
        Confirmation("甲方 北京亦庄智驾科技有限公司", "李经理", MORNING),
        Confirmation("乙方 京南数据标注服务有限公司", "张经理", EVENING),
    )
    pdf = render_agreement(confirmed, font=font)
    text = pdftotext(pdf)
    assert "李经理2026年12月7日09:30（北京时间）" in text
    assert "张经理2026年12月8日00:05（北京时间）" in text  # the Beijing date, not the UTC one
    assert "尚未确认" not in text
    assert render_agreement(confirmed, font=font) == pdf


def test_the_exhibit_list_numbers_each_piece_and_marks_the_withdrawn_one() -> None:
    digest = "3b" * 32
    listed = ExhibitListFacts(
        dispute_id=12, dispute_kind_zh="合同纠纷", case_title="智驾数据平台", filing_number="YZSB-2026-0001",
        generated_at=EVENING,
        exhibits=(
            Exhibit("交付记录", "李经理", "applicant", MORNING, "交付记录.pdf", "a1" * 32),
            Exhibit("旧版合同", "李经理", "applicant", MORNING, "旧版合同.pdf", digest, EVENING, "版本错误"),
        ),
    )  # fmt: skip
    text = pdftotext(render_exhibit_list(listed, font=find_cjk_font()))
    expected_texts = (
        "证据目录",
        "纠纷编号：12（合同纠纷）",
        "备案编号：YZSB-2026-0001",
        "生成时间：2026年12月8日00:05",
        "交付记录",
        "李经理（申请企业）",
        "2026年12月7日09:30",
        digest[:16],
        "已撤回",
        "版本错误",
    )
    for expected in expected_texts:
        assert expected in text, expected
    assert text.index("交付记录") < text.index("旧版合同")
