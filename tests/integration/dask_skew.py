"""A ``dask worker --preload``: this worker runs other enrichment code than the flow (as a machine not yet upgraded
would), so the flow must refuse it."""

from transforms import versions

versions.ENRICH = 99
