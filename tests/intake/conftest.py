import pytest

from tests.builders import VIGNETTES as VIGNETTE_PATHS
from tests.builders import load_vignette

VIGNETTES = {path.stem: load_vignette(path) for path in VIGNETTE_PATHS}


@pytest.fixture(params=sorted(VIGNETTES))
def vignette(request) -> dict:
    return VIGNETTES[request.param]
