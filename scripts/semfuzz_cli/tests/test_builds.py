"""Build configurations read from CMakePresets.json."""

import unittest

from semfuzz_cli import builds
from semfuzz_cli.common import ROOT, Failure


class ConfigTest(unittest.TestCase):
    def test_every_visible_preset_resolves_its_build_directory_and_cache(self):
        for name, preset in builds._presets().items():
            if preset.get("hidden"):
                continue
            cfg = builds.config(name)
            self.assertTrue(str(cfg.build_dir).startswith(str(ROOT)), name)
            self.assertNotIn("${", str(cfg.build_dir))
            self.assertIsInstance(cfg.packages, tuple)

    def test_inherited_cache_variables_and_sanitizers(self):
        self.assertIn("address", builds.config("asan-fuzz").sanitizers)
        self.assertIn("thread", builds.config("tsan-fuzz").sanitizers)

    def test_an_unknown_preset_names_the_known_ones(self):
        with self.assertRaises(Failure) as raised:
            builds.config("nosuch")
        self.assertIn("asan-fuzz", str(raised.exception))
