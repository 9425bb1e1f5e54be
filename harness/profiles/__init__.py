"""Profiles (``quick``, ``full`` or a user's YAML file) and the helpers suites declare them with."""

from harness.profiles.profile import BUILTIN_PROFILES, Profile, load_profile
from harness.profiles.schema import build_section, setting

__all__ = ["BUILTIN_PROFILES", "Profile", "build_section", "load_profile", "setting"]
