"""A team whose pain points a real run clustered: two themes, each in Chinese and English (the proposals and
i18n tests share it, so the model clusters them once per session)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tests.support.painpoints import CHECKOUT, WELDING

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, Person

JOB_SECONDS = 180


@dataclass(frozen=True)
class ClusteredTeam:
    owner: Person
    rd: Person
    checkout: dict[str, Any]  # the cluster (id, label, keywords)
    welding: dict[str, Any]


def _recluster(api: Api, rd: Person) -> None:
    job_id = api.call(rd, "ReclusterPainPoints")["reclusterPainPoints"]["jobId"]
    deadline = time.monotonic() + JOB_SECONDS
    while time.monotonic() < deadline:
        job = api.call(rd, "Job", id=job_id)["job"]
        if job["status"] in ("SUCCEEDED", "FAILED"):
            assert job["status"] == "SUCCEEDED", job
            return
        time.sleep(0.5)
    raise AssertionError(f"the re-clustering did not end within {JOB_SECONDS} s")


def clustered_team(api: Api, owner: Person, rd: Person) -> ClusteredTeam:
    """The owner records CHECKOUT in a retail case and WELDING in a factory case; R&D re-clusters."""
    retail = api.create_case(owner, "华南零售 South China retail", "华润万家", {})
    factory = api.create_case(owner, "East China heavy industry", "Sany Heavy", {})
    inputs = [{"caseId": retail, "text": text} for text in CHECKOUT]
    inputs += [{"caseId": factory, "text": text, "customer": "Sany Heavy"} for text in WELDING]
    results = api.call(owner, "SubmitPainPoints", inputs=inputs)["submitPainPoints"]
    assert [r["__typename"] for r in results] == ["PainPoint"] * len(inputs), results
    _recluster(api, rd)
    clusters = api.call(rd, "PainPointClusters", first=20, members=20)["painPointClusters"]["nodes"]
    themes: dict[str, dict[str, Any]] = {}
    for cluster in clusters:
        texts = {p["text"] for p in cluster["painPoints"]}
        themes["checkout" if texts <= set(CHECKOUT) else "welding" if texts <= set(WELDING) else "?"] = (
            cluster
        )
    assert set(themes) == {"checkout", "welding"}, clusters
    return ClusteredTeam(owner, rd, themes["checkout"], themes["welding"])
