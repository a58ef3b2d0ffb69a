"""The exhibit list (证据目录) of a dispute's evidence package: the rows gathered from the evidence record,
drawn by `exhibit_pdf`, handed to the package builder as one more file (so the manifest and its signature
cover it). 证明目的 (what a piece is meant to prove) is not recorded with evidence, so it is not listed.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from certificates.package import PackageFile
from certificates.pdf.fonts import find_cjk_font
from sandbox.models.accounts import User
from sandbox.models.cases import Case
from sandbox.models.disputes import Dispute, EvidenceItem
from sandbox.services.common.settings import settings_of
from sandbox.services.legal.exhibit_pdf import FILE_NAME, Exhibit, ExhibitListFacts, render_exhibit_list

KIND_ZH = {
    "appeal": "对监管决定的申诉",
    "process_complaint": "程序投诉",
    "third_party_complaint": "第三方投诉",
    "contract": "合同纠纷",
    "certificate_review": "出盒证明撤销复核",
}


def exhibit_list_file(
    session: Session, dispute: Dispute, case: Case, items: list[EvidenceItem], created: datetime
) -> PackageFile:
    """The exhibit list of `items` as a package file, made at `created` (the package's own time)."""
    people = {user.id: user for user in session.exec(select(User).where(
        col(User.id).in_({item.added_by_id for item in items}))).all()} if items else {}  # fmt: skip
    exhibits = tuple(
        Exhibit(
            title=item.title,
            submitted_by=people[item.added_by_id].display_name if item.added_by_id in people else "—",
            side=item.added_by_role,
            submitted_at=item.added_at,
            filename=item.filename,
            sha256=item.sha256,
            withdrawn_at=item.withdrawn_at,
            withdrawn_reason=item.withdrawal_reason,
        )
        for item in items
    )
    facts = ExhibitListFacts(
        dispute_id=dispute.id,  # type: ignore[arg-type]
        dispute_kind_zh=KIND_ZH.get(dispute.kind.value, dispute.kind.value),
        case_title=case.title,
        filing_number=case.filing_number or "",
        generated_at=created,
        exhibits=exhibits,
    )
    content = render_exhibit_list(facts, font=find_cjk_font(settings_of(session).font_path))
    return PackageFile(
        name=FILE_NAME, content=content, added_by="platform", added_at=created, kind="exhibit_list"
    )
