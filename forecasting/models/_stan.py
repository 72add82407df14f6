"""A faster way to hand Prophet's data to Stan.

Prophet passes its design matrix to cmdstanpy as a dict, and cmdstanpy writes it to JSON with a
pure-Python encoder: for an hourly fit (thousands of rows, a hundred or more seasonality and event
columns) that took about two thirds of the fit time. This backend writes the same data with the
standard library's C encoder to a temporary file and hands Stan the path. The optimisation itself,
its settings and its result are Prophet's own.
"""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from prophet.models import CmdStanPyBackend

logger = logging.getLogger(__name__)


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


class FastDataBackend(CmdStanPyBackend):
    """Prophet's CmdStanPy backend, writing Stan's input JSON with the C encoder."""

    def fit(self, stan_init: dict[str, Any], stan_data: dict[str, Any], **kwargs: Any) -> Any:
        inits, data = self.prepare_data(stan_init, stan_data)
        with tempfile.TemporaryDirectory(prefix="wfm-stan-") as folder:
            data_path = Path(folder) / "data.json"
            inits_path = Path(folder) / "inits.json"
            data_path.write_text(json.dumps({k: _plain(v) for k, v in data.items()}), encoding="utf-8")
            inits_path.write_text(json.dumps({k: _plain(v) for k, v in inits.items()}), encoding="utf-8")
            args: dict[str, Any] = {
                "data": str(data_path),
                "inits": str(inits_path),
                "algorithm": "Newton" if float(data["T"]) < 100 else "LBFGS",  # type: ignore[arg-type]
                "iter": int(1e4),
            }
            args.update(kwargs)
            try:
                self.stan_fit = self.model.optimize(**args)
            except RuntimeError:
                if args["algorithm"] == "Newton":
                    raise
                logger.warning("Stan's LBFGS stopped abnormally; retrying with Newton")
                args["algorithm"] = "Newton"
                self.stan_fit = self.model.optimize(**args)
        params = self.stan_to_dict_numpy(self.stan_fit.column_names, self.stan_fit.optimized_params_np)
        for name in params:
            params[name] = params[name].reshape((1, -1))
        return params


def use_fast_backend(model: Any) -> Any:
    """Give a Prophet model the faster backend (same optimiser and settings); returns the model."""
    model.stan_backend = FastDataBackend()
    return model
