"""A run clusters the vectors of one model only: after a model change both models' vectors are in the table,
and the run reads the configured one's."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from server.clustering import DEFAULT_MODEL, Embedder
from server.clustering.embedding import resolve_model
from server.clustering.models import BILINGUAL, MINILM, MINILM_DIMENSION, USE_DIMENSION, view_for
from server.domain.cases import actions as cases
from server.domain.clusters import runs as cluster_runs
from server.domain.painpoints import vectors as painpoint_vectors
from server.domain.painpoints.vectors import from_bytes
from server.infra.config import Settings
from server.infra.db import Database
from server.models import PainPoint, PainPointEmbedding, User
from server.models.base import utcnow
from tests.support.painpoints import labelled_rows, seed
from tests.support.people import make_person

pytestmark = pytest.mark.model


async def test_a_run_reads_only_the_vectors_of_its_model(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    rows = [row for row in labelled_rows() if row.lang == "zh"][:3] + [
        row for row in labelled_rows() if row.lang == "en"
    ][:3]
    person = await make_person(db, "owner@a.com")
    async with db.transaction() as session:
        user = await session.get(User, person.id)
        assert user is not None
        case = await cases.create_case(session, user, title="Case", customer="Contoso")
    ids = await seed(db, settings, person.id, [case.id], rows)
    assert case.team_id is not None

    # A second model (the bundled weights under another path) embeds half of them, as a re-embedding
    # stopped midway would leave it.
    copy = tmp_path / "minilm-copy"
    shutil.copytree(resolve_model(MINILM), copy)
    other = Embedder(str(copy))
    half = ids[::2]
    async with db.sessions() as session:
        texts = {p.id: p.normalized_text for p in (await session.execute(PainPoint.__table__.select())).all()}
    encoded = await painpoint_vectors.encode(other, [texts[i] for i in half])
    async with db.transaction() as session:
        assert await painpoint_vectors.store(session, half, encoded) == len(half)

    async with db.sessions() as session:
        new = await cluster_runs.load_inputs(session, case.team_id, str(copy))
        old = await cluster_runs.load_inputs(session, case.team_id, DEFAULT_MODEL)
        stored = {
            (e.pain_point_id, e.model): from_bytes(e.vector, e.dimension)
            for e in (await session.execute(PainPointEmbedding.__table__.select())).all()
        }
    assert (new.model, sorted(new.ids)) == (str(copy), sorted(half))
    assert (old.model, sorted(old.ids)) == (DEFAULT_MODEL, sorted(ids))
    for inputs in (new, old):
        for row, pain_point_id in enumerate(inputs.ids):
            assert np.array_equal(inputs.vectors[row], stored[(pain_point_id, inputs.model)])


def test_a_mixed_teams_run_times_its_neighbours_and_an_english_teams_has_none() -> None:
    rng = np.random.default_rng(11)
    english = rng.normal(size=(40, MINILM_DIMENSION))
    multilingual = rng.normal(size=(40, USE_DIMENSION))
    vectors = np.hstack([english, multilingual]).astype(np.float32)
    view = view_for(BILINGUAL, vectors.shape[1])

    def run(rows: np.ndarray) -> dict[str, float]:
        inputs = cluster_runs.RunInputs(
            team_id="team",
            model=BILINGUAL,
            ids=[f"p{i}" for i in range(len(rows))],
            vectors=rows,
            texts=[f"text {i}" for i in range(len(rows))],
            created_at=[utcnow()] * len(rows),
            case_ids=["case"] * len(rows),
            customers=["Contoso"] * len(rows),
            previous={},
        )
        return cluster_runs.compute(inputs, view).result.seconds

    assert "neighbours" not in run(vectors)  # every row has the English part: MiniLM's space alone
    mixed = vectors.copy()
    mixed[::3, :MINILM_DIMENSION] = 0  # a third of the team writes Chinese
    seconds = run(mixed)
    assert next(iter(seconds)) == "neighbours"
    assert seconds["neighbours"] > 0
