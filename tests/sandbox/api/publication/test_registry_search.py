"""The registry's search index and order: words of one or two characters are found by an index probe,
longer ones are confirmed against the shown text, hidden text is never indexed, the index follows renames
and re-filings in the same transaction, and filing numbers sort as numbers (…-10000 after …-9999)."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from sandbox.models.accounts import Enterprise
from sandbox.models.cases import FilingSequence
from sandbox.models.publication import PUBLISHABLE_FIELDS, RegistryGram, RegistryText
from sandbox.services.cases.calendar import beijing_today
from sandbox.services.publication import registry_index
from tests.sandbox.api.publication.test_registry import (
    HIDDEN_NAME,
    SHOWN_NAME,
    filed,
    new_case,
)


def found(client, query: str) -> list[str]:
    body = client.get("/api/v1/registry", query_string={"q": query}).get_json()
    assert body["total"] == len(body["items"])
    return [item["filing_number"] for item in body["items"]]


@pytest.mark.parametrize("rare", [registry_index.RARE, 1], ids=["rarest-gram", "every-gram"])
def test_words_of_any_length_are_found_and_hidden_text_never(client, session, monkeypatch, rare) -> None:
    monkeypatch.setattr(registry_index, "RARE", rare)  # 1: no gram is rare, every gram must be held
    hidden = new_case(client, session, name=HIDDEN_NAME, title="甲乙乙丙的医疗项目", objectives="隐藏目标XYZ",
                      consent=["title"])  # fmt: skip
    hidden_number = filed(hidden)
    shown = new_case(client, session, name=SHOWN_NAME, title="交通数据项目", objectives="公开目标",
                     consent=list(PUBLISHABLE_FIELDS))  # fmt: skip
    shown_number = filed(shown)
    assert found(client, "医疗") == [hidden_number]  # a two-character word: one index probe
    assert found(client, "疗") == [hidden_number]  # one character
    assert sorted(found(client, "项目")) == sorted([hidden_number, shown_number])
    assert found(client, "乙乙丙的医疗") == [hidden_number]  # longer: its pairs, then the text
    # 甲乙 and 乙丙 are both in the title, 甲乙丙 is not: holding every pair is not containing the word.
    assert found(client, "甲乙丙") == []
    assert found(client, "公开名称") == [shown_number]  # the consented enterprise name
    assert found(client, "ABC交通") == []
    # A word made of the end of one shown piece and the start of the next matches neither piece.
    assert found(client, f"{shown_number[-2:]}交通") == []
    assert found(client, shown_number.lower()) == [shown_number]
    assert found(client, shown_number[-6:]) == [shown_number]  # digits: found by their runs of three
    assert found(client, hidden_number[:-1] + "9") == []
    for secret in ("隐名", HIDDEN_NAME, "隐藏目标", "xyz"):
        assert found(client, secret) == [], secret
    indexed = " ".join(session.exec(select(RegistryText.text)).all())
    assert "隐名" not in indexed and "xyz" not in indexed and "医疗" in indexed
    assert session.exec(select(RegistryGram).where(RegistryGram.gram == "隐名")).first() is None


def test_the_index_follows_a_rename_and_cases_filed_later(client, session) -> None:
    shown = new_case(client, session, name=SHOWN_NAME, title="交通数据项目", objectives="公开目标",
                     consent=list(PUBLISHABLE_FIELDS))  # fmt: skip
    number = filed(shown)
    enterprise = session.get(Enterprise, shown.users["applicant"].enterprise_id)
    enterprise.name = "更名以后的科技有限公司"
    session.add(enterprise)
    session.commit()
    assert found(client, "更名以后") == [number]
    assert found(client, "公开名称") == []
    draft = new_case(client, session, name="新晋企业", title="新近备案的能源项目", objectives="目标",
                     consent=list(PUBLISHABLE_FIELDS))  # fmt: skip
    assert found(client, "能源") == []  # not filed yet: not public, not indexed
    later = filed(draft)
    assert found(client, "能源") == [later]


def test_filing_numbers_sort_as_numbers(client, session) -> None:
    year = beijing_today().year
    flows = [
        new_case(client, session, name=f"序号企业{n}", title=f"序号项目{n}", objectives="目标",
                 consent=["title"])  # fmt: skip
        for n in range(3)
    ]
    numbers = [filed(flows[0])]
    sequence = session.exec(select(FilingSequence).where(col(FilingSequence.year) == year)).one()
    sequence.last_value = 9998  # as if 9,997 more filings came in this year
    session.add(sequence)
    session.commit()
    numbers += [filed(flows[1]), filed(flows[2])]
    assert numbers[1:] == [f"YZSB-{year}-9999", f"YZSB-{year}-10000"]
    listed = [item["filing_number"] for item in client.get("/api/v1/registry").get_json()["items"]]
    assert listed == [numbers[2], numbers[1], numbers[0]]  # newest first, by number not by text
    second = client.get("/api/v1/registry?per_page=1&page=2").get_json()["items"]
    assert [item["filing_number"] for item in second] == [numbers[1]]
    assert client.get(f"/api/v1/registry?year={year}").get_json()["total"] == 3
    page = client.get("/registry").get_data(as_text=True)
    assert page.index(numbers[2]) < page.index(numbers[1]) < page.index(numbers[0])
