"""Batch rendering: papermill executes a notebook per page; nbconvert publishes HTML pages."""

from survey_analysis.render.batch import render
from survey_analysis.render.execute import KERNEL_NAME, ExecutionFailed
from survey_analysis.render.jobs import (
    RenderFailure,
    RenderJob,
    RenderOutcome,
    plan_jobs,
    plan_trends_job,
)
from survey_analysis.render.progress import Progress, ProgressDisplay

__all__ = [
    "KERNEL_NAME",
    "ExecutionFailed",
    "Progress",
    "ProgressDisplay",
    "RenderFailure",
    "RenderJob",
    "RenderOutcome",
    "plan_jobs",
    "plan_trends_job",
    "render",
]
