"""wfm: workforce management for e-commerce customer-service centres.

The domain (:mod:`wfm.domain`), contact-history import (:mod:`wfm.history`), the bundled sample centre
(:mod:`wfm.sample_centre`) and the ``wfm`` command line (:mod:`wfm.cli`).
"""

__version__ = "0.1.0"
