"""Batch rendering: papermill executes a notebook per wave; nbconvert publishes HTML pages."""

from survey_analysis.render.batch import RenderFailure, RenderJob, RenderOutcome, plan_jobs, render
from survey_analysis.render.execute import KERNEL_NAME, ExecutionFailed

__all__ = [
    "KERNEL_NAME",
    "ExecutionFailed",
    "RenderFailure",
    "RenderJob",
    "RenderOutcome",
    "plan_jobs",
    "render",
]
