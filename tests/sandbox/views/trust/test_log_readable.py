"""The transparency log browser names certificates by number, but only those publicly listed (issue 17 §3)."""

from __future__ import annotations

from tests.sandbox.api.trust.test_certificate_publicity import exited


def test_log_shows_numbers_of_public_certificates_only(client, session) -> None:
    _, hidden = exited(client, session, name="不愿公开名称的数据科技有限公司", consent=["title", "uscc"])
    _, shown = exited(client, session, name="同意公开名称的数据科技有限公司", consent=["enterprise_name"])
    for locale, withheld in (("zh", "证书（未公开）"), ("en", "Certificate (not public)")):
        client.post("/language", data={"locale": locale})
        log = client.get("/transparency").get_data(as_text=True)
        assert shown.number in log and hidden.number not in log
        assert withheld in log and "certId=" not in log
        assert hidden.id not in log and "wrap-anywhere" in log
    client.post("/language", data={"locale": "zh"})
    page = client.get(f"/transparency/{shown.log_index}").get_data(as_text=True)
    assert f'出盒证明 <span class="cert-no">{shown.number}</span>' in page
    withheld_page = client.get(f"/transparency/{hidden.log_index}").get_data(as_text=True)
    assert hidden.number not in withheld_page and "证书（未公开）" in withheld_page
