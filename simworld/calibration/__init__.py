"""Calibration to a team's own real sessions (``simworld calibrate``).

- :mod:`~simworld.calibration.bundle`: the bundle on disk (:class:`CalibrationBundle`,
  :func:`save_bundle`, :func:`load_bundle`);
- :mod:`~simworld.calibration.style_fit`: writing style per intent;
- :mod:`~simworld.calibration.chain`: intent chain (transition weights);
- :mod:`~simworld.calibration.critic`: the realism critic (:class:`Critic`, fitted in rounds
  into a :class:`CriticStack`);
- :mod:`~simworld.calibration.fit`: the whole fit (:func:`fit_bundle`).

Scenarios use a bundle with ``user_model: {calibration: DIR, select: {candidates: K}}``
(selection: :mod:`simworld.users.models.select`).
"""

from __future__ import annotations

from simworld.calibration.bundle import CalibrationBundle, load_bundle, save_bundle
from simworld.calibration.critic import Critic, CriticStack, fit_critic
from simworld.calibration.fit import fit_bundle

__all__ = [
    "CalibrationBundle",
    "Critic",
    "CriticStack",
    "fit_bundle",
    "fit_critic",
    "load_bundle",
    "save_bundle",
]
