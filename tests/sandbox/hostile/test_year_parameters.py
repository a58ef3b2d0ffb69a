"""Every year a URL carries — in its path or as `?year=` — is checked before it reaches a date or a query:
out-of-range years are a 404 (path) or a 422 problem (API filter), never a 500. One range for all of
them (`sandbox.validators.FIRST_YEAR` … `LAST_YEAR`)."""

from __future__ import annotations

import pytest

from sandbox.validators import FIRST_YEAR, LAST_YEAR, read_year
from tests import factories
from tests.case_flow import token

# Endpoint → a URL of it with {year} in the path.
PATH_YEARS = {
    "api.typical_case_collection": "/api/v1/typical-cases/collections/healthcare/{year}",
    "typical.collection_pdf": "/typical-cases/healthcare/{year}.pdf",
    "statistics.annual_report": "/statistics/annual-report/{year}.pdf",
}
API_FILTERS = [
    "/api/v1/typical-cases?year={year}",
    "/api/v1/registry?year={year}",
    "/api/v1/statistics?year={year}",
]
PAGE_FILTERS = ["/typical-cases?year={year}", "/registry?year={year}", "/statistics?year={year}",
                "/statistics/cases_by_stage.csv?year={year}"]  # fmt: skip
OUT_OF_RANGE = ["9999", "10000", "0", "0000", "1999", "2101", "99999999999999999999", "-1", "²", "2O26"]


def test_every_route_with_a_year_in_its_path_is_covered(app) -> None:
    with_year = {rule.endpoint for rule in app.url_map.iter_rules() if "year" in rule.arguments}
    assert with_year == set(PATH_YEARS)


@pytest.fixture
def regulator(client, session) -> dict[str, str]:
    user = factories.make_user(session, "regulator")
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return token(client, user)


@pytest.mark.parametrize("year", OUT_OF_RANGE)
def test_out_of_range_years_in_a_path_are_not_found(client, regulator, year: str) -> None:
    for template in PATH_YEARS.values():
        url = template.format(year=year)
        response = client.get(url, headers=regulator)
        assert response.status_code == 404, url
        if url.startswith("/api/"):
            assert response.mimetype == "application/problem+json", url


@pytest.mark.parametrize("year", OUT_OF_RANGE)
def test_out_of_range_year_filters_are_refused_by_the_api_and_ignored_or_refused_by_pages(
    client, regulator, year: str
) -> None:
    for template in API_FILTERS:
        url = template.format(year=year)
        response = client.get(url, headers={**regulator, "Accept-Language": "en"})
        assert response.status_code == 422, url
        problem = response.get_json()
        assert response.mimetype == "application/problem+json"
        assert [error["field"] for error in problem["errors"]] == ["year"], url
        assert "year" in problem["errors"][0]["message"], url
    for template in PAGE_FILTERS:
        url = template.format(year=year)
        assert client.get(url).status_code in (200, 422), url


def test_years_in_range_are_served(client, regulator) -> None:
    for year in (FIRST_YEAR, 2026, LAST_YEAR):
        for template in API_FILTERS:
            assert client.get(template.format(year=year), headers=regulator).status_code == 200
        for template in PAGE_FILTERS:
            assert client.get(template.format(year=year)).status_code == 200
        # Nothing was published in that year: the collection does not exist, it is not an error.
        assert client.get(PATH_YEARS["api.typical_case_collection"].format(year=year)).status_code == 404
    assert client.get(PATH_YEARS["statistics.annual_report"].format(year=2026)).status_code == 200


def test_read_year_accepts_four_ascii_digits_in_range_only() -> None:
    assert [read_year(text) for text in ("2000", "2026", "2100")] == [2000, 2026, 2100]
    refused = ("", " 2026", "2026 ", "１９９９", "²０２６", "1999", "2101")
    assert [read_year(text) for text in refused] == [None] * len(refused)


def test_the_services_refuse_years_they_cannot_compute_with(session) -> None:
    from sandbox.errors import NotFound, ValidationFailed
    from sandbox.services.publication import typical_public

    for year in (0, 1999, 2101, 9999):
        with pytest.raises(NotFound):
            typical_public.collection_pdf(session, sector="healthcare", year=year)
        with pytest.raises(ValidationFailed):
            typical_public.list_published(session, year=year)
