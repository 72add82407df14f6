"""Rewrite the bundled sample-centre files from the default parameters: ``python -m wfm.sample_centre``."""

from wfm.sample_centre.generate import DATA_DIR, generate, write_bundle

write_bundle(generate())
print(f"wrote the sample centre to {DATA_DIR}")
