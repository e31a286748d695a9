"""Synthetic, seeded demo survey waves calibrated to "The battle: Tensorflow vs Pytorch"."""

from survey_analysis.demo.generator import DEMO_WAVES, generate_wave, write_demo_waves

__all__ = ["DEMO_WAVES", "generate_wave", "write_demo_waves"]
