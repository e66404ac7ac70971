"""Settings: one base module; the environment decides the rest."""

from metodset.settings.base import *  # noqa: F403
