"""Array aliases shared by the clustering modules."""

from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray

# (n, d) float32, each row L2-normalised so that a dot product is a cosine similarity.
Embeddings: TypeAlias = NDArray[np.float32]
# (n,) cluster number per item; -1 is unclustered.
Labels: TypeAlias = NDArray[np.intp]

UNCLUSTERED = -1
