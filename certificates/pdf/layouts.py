"""What each kind of printed credential says: title, number line, fields, wording of values, notice.

`certificates.pdf.render` draws one page for every credential type the same way; this module holds the words
(and the few distances) that differ, one `Layout` per credential type, chosen by `layout_for(credential)`.
An unknown type is printed with the exit certificate's layout, as it always was.
Standard library, reportlab's units and this package only.

Public API:
    Field(zh, en, keys, key=False)          a printed field; keys are candidates in credentialSubject,
                                            dotted keys reach into objects; `key` marks the facts the
                                            verifier compares with the page's text
    Layout(...)                             the words of one page kind
    EXIT_CERTIFICATE, LIABILITY_EXEMPTION   the two layouts
    LAYOUTS                                 credential type -> Layout
    ATTACHMENT_NAME                         "credential.json", the embedded bundle's file name
    layout_for(credential) -> Layout
    pick_value(subject, keys) -> Any        the first candidate key that holds a value
    value_lines(value, values) -> [str]     a subject value as display lines
    issuer_name(credential, layout) -> str  the issuer's name(s) as printed
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from reportlab.lib.units import mm

from certificates.exemption import EXEMPTION_TYPE, LIABILITY_EN, LIABILITY_ZH

__all__ = [
    "ATTACHMENT_NAME",
    "EXIT_CERTIFICATE",
    "LAYOUTS",
    "LIABILITY_EXEMPTION",
    "Field",
    "Layout",
    "issuer_name",
    "layout_for",
    "pick_value",
    "value_lines",
]

ATTACHMENT_NAME = "credential.json"


class Field(NamedTuple):
    zh: str
    en: str
    keys: tuple[str, ...]
    key: bool = False  # a fact the verifier compares with the page's text


@dataclass(frozen=True)
class Layout:
    """The words of one kind of printed credential (Chinese first, English second)."""

    title_zh: str
    title_en: str
    number_label: str  # printed before ": <number>"
    number_keys: tuple[str, ...]
    fields: tuple[Field, ...]
    values: Mapping[str, str]  # coded values (outcome, decision) in words, wherever they appear
    notice: tuple[str, str]
    attachment_description: str
    statement: tuple[str, str] | None = None  # printed prominently below the fields, when there is one
    remedies: str | None = None  # the remedies against a decision, printed above the notice
    # Geometry, in points: where the title sits, the gap from it to the first field, a field's least height.
    # A decision has more fields and a statement to fit on the same page, so its layout is tighter.
    title_top: float = 38 * mm
    fields_gap: float = 30 * mm
    row_min: float = 8 * mm


EXIT_CERTIFICATE = Layout(
    title_zh="出盒证明",
    title_en="Sandbox Exit Certificate",
    number_label="证书编号 Certificate No.",
    number_keys=("certificateNumber", "number", "certificateNo"),
    fields=(
        Field("企业名称", "Enterprise", ("enterprise.name", "enterpriseName", "name"), key=True),
        Field(
            "统一社会信用代码",
            "Unified Social Credit Code",
            ("enterprise.uscc", "uscc", "unifiedSocialCreditCode"),
            key=True,
        ),
        Field("项目名称", "Project", ("project.title", "project.name", "projectName", "project")),
        Field("行业", "Sector", ("sector", "project.sector")),
        Field("备案编号", "Filing No.", ("filingNumber", "project.filingNumber", "filingNo"), key=True),
        Field("测试期间", "Trial period", ("trialPeriod", "testPeriod")),
        Field("测试边界", "Tested boundaries", ("testedBoundaries", "boundaries")),
        Field("附加条件", "Conditions", ("conditions",)),
        Field("出盒日期", "Exit date", ("exitDate",)),
        Field("结论", "Outcome", ("outcome",), key=True),
    ),
    values={
        "passed": "通过 Passed",
        "conditional": "有条件通过 Passed with conditions",
        "passed_with_conditions": "有条件通过 Passed with conditions",
        "failed": "未通过 Not passed",
    },
    notice=(
        "本证明是以 Ed25519 与国密 SM2 签名的 W3C 可验证凭证，记录于公开透明日志。"
        "扫描二维码或访问下方网址核验；本文件内嵌的 credential.json 可用离线核验工具验证。"
        "打印件上的摘要须与内嵌凭证一致。",
        "This certificate is a W3C Verifiable Credential signed with Ed25519 and SM2 and recorded in a "
        "public transparency log. Scan the QR code or visit the address below to verify it; the embedded "
        "credential.json can be checked with the offline verifier. The printed digest must match it.",
    ),
    attachment_description="Signed certificate bundle (W3C Verifiable Credential)",
)

LIABILITY_EXEMPTION = Layout(
    title_zh="试错免责决定书",
    title_en="Liability Exemption Decision",
    number_label="决定书编号 Decision No.",
    number_keys=("decisionNumber",),
    fields=(
        Field("企业名称", "Enterprise", ("enterprise.name",), key=True),
        Field("统一社会信用代码", "USCC", ("enterprise.uscc",), key=True),
        Field("项目名称", "Project", ("project.title",)),
        Field("行业", "Sector", ("project.sector",)),
        Field("备案编号", "Filing No.", ("project.filingNumber",), key=True),
        Field("事件", "Incident", ("incident",)),
        Field("决定", "Decision", ("decision",), key=True),
        Field("免责范围", "Scope", ("scope",)),
        Field("理由", "Reasons", ("reasons",)),
        Field("法律意见", "Legal opinion by", ("legalOpinionBy",)),
        Field("决定日期", "Decision date", ("decisionDate",)),
    ),
    values={"granted": "予以免责 Granted", "partly_granted": "部分免责 Partly granted"},
    notice=(
        "本决定书是以 Ed25519 与国密 SM2 签名的 W3C 可验证凭证，记录于公开透明日志；"
        "其效力以核验结果为准（可被撤销）。"
        "扫描二维码或访问下方网址核验；本文件内嵌的 credential.json 可用离线核验工具验证。"
        "打印件上的摘要须与内嵌凭证一致。",
        "This decision is a W3C Verifiable Credential signed with Ed25519 and SM2 and recorded in a public "
        "transparency log; it stands only as long as it verifies (it can be revoked). Scan the QR code or "
        "visit the address below to verify it; the embedded credential.json can be checked with the "
        "offline verifier. The printed digest must match it.",
    ),
    attachment_description="Signed liability exemption decision bundle (W3C Verifiable Credential)",
    statement=(LIABILITY_ZH, LIABILITY_EN),
    # The statutory periods (行政复议法 第二十条, 行政诉讼法 第四十六条); the application states the same.
    remedies=(
        "救济途径：如不服本决定，可以自知道该决定之日起六十日内依法申请行政复议，或者六个月内依法提起"
        "行政诉讼（《中华人民共和国行政复议法》第二十条、《中华人民共和国行政诉讼法》第四十六条）。"
        "Remedies: administrative reconsideration within 60 days, or an administrative lawsuit within six "
        "months, of learning of it."
    ),
    title_top=32 * mm,
    fields_gap=25 * mm,
    row_min=6.5 * mm,
)

LAYOUTS: Mapping[str, Layout] = {
    "SandboxExitCertificate": EXIT_CERTIFICATE,
    EXEMPTION_TYPE: LIABILITY_EXEMPTION,
}


def layout_for(credential: Mapping[str, Any]) -> Layout:
    """Return the layout for the credential's own type; the exit certificate's for any other."""
    types = credential.get("type")
    for kind in types if isinstance(types, list) else ():
        if isinstance(kind, str) and kind in LAYOUTS:
            return LAYOUTS[kind]
    return EXIT_CERTIFICATE


def pick_value(subject: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    """Return the value of the first candidate key that holds one (dotted keys reach into objects)."""
    for key in keys:
        value: Any = subject
        for part in key.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        if value not in (None, "", [], {}):
            return value
    return None


def value_lines(value: Any, values: Mapping[str, str]) -> list[str]:
    """Render a subject value as display lines, whatever shape the credential gives it.

    `values` gives coded values (an outcome, a decision) in words.
    """
    if value is None:
        return ["—"]
    if isinstance(value, list):
        return [line for item in value for line in value_lines(item, values)] or ["—"]
    if not isinstance(value, dict):
        return [values.get(value, str(value)) if isinstance(value, str) else str(value)]
    if value and all(isinstance(v, dict) and set(v) == {"value", "unit"} for v in value.values()):
        # testedBoundaries: {name: {value, unit}}, one line per boundary
        return [f"{name}: {v['value']} {v['unit']}".rstrip() for name, v in value.items()]
    if "title" in value and "occurredOn" in value:  # an exemption's incident
        return [f"{value['title']}（{value['occurredOn']}）"]
    if "name" in value and "value" in value:
        return [f"{value['name']}: {value['value']} {value.get('unit', '')}".rstrip()]
    for start, end in (("start", "end"), ("from", "to"), ("startDate", "endDate")):
        if start in value and end in value:
            return [f"{value[start]} 至 to {value[end]}"]
    if "@value" in value:  # a JSON-LD language value
        return [str(value["@value"])]
    if "zh" in value or "en" in value:
        return [" / ".join(str(value[k]) for k in ("zh", "en") if k in value)]
    return ["; ".join(f"{k}: {v}" for k, v in value.items())]


def issuer_name(credential: Mapping[str, Any], layout: Layout) -> str:
    """The issuer as printed (and written into the PDF's author): its names, Chinese first."""
    issuer = credential.get("issuer")
    name = issuer.get("name") or issuer.get("id") if isinstance(issuer, dict) else issuer
    return " / ".join(value_lines(name, layout.values))
