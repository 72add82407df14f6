"""The sample centre: a seeded, realistic e-commerce customer-service centre bundled with the package.

``load_sample_centre()`` reads the bundled files (``load_sample_plan()`` all but the history);
``generate()`` rebuilds them from :class:`SampleParameters` (every assumption lives there).
"""

from wfm.sample_centre.generate import SampleCentre, generate, load_bundle, load_plan
from wfm.sample_centre.parameters import Event, QueueVolume, SampleParameters

load_sample_centre = load_bundle
load_sample_plan = load_plan

__all__ = [
    "Event",
    "QueueVolume",
    "SampleCentre",
    "SampleParameters",
    "generate",
    "load_sample_centre",
    "load_sample_plan",
]
