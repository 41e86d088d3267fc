"""Typed records that flow through adrbench: videos, pairs and predictions (one JSON object per line on disk)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Unit = Literal["pair", "video"]


class Video(BaseModel):
    """One performance: a take (ADR), a trial (JIGSAWS) or a clip (FitnessAQA)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    task: str = Field(description="task family: 'adr', 'jigsaws' or 'fitnessaqa'")
    split: str = Field(
        description="'train' or 'test' (JIGSAWS: the fold's role is given by the Dataset splits)"
    )
    group: str = Field(description="sub-activity (ADR), surgical task (JIGSAWS) or exercise (FitnessAQA)")
    category: str = Field(
        description="sport (ADR: Basketball, Soccer, Rock Climbing), 'surgery' or 'fitness'"
    )
    performer: str = Field(description="person id; no performer is in two splits of a selection protocol")
    score: float | None = Field(
        None, description="ground-truth score: mean expert rating (ADR), GRS total (JIGSAWS)"
    )
    item_scores: dict[str, float] = Field(default_factory=dict, description="per-expert ratings or GRS items")
    labels: dict[str, int] = Field(
        default_factory=dict, description="binary error labels (FitnessAQA), 1 = error"
    )
    comments: list[str] = Field(default_factory=list, description="expert comments (training only)")
    keypoints_path: str | None = Field(
        None, description="file with the video's keypoints/kinematics, relative to the dataset root"
    )
    video_path: str | None = Field(None, description="video file relative to the dataset root, if any")
    meta: dict[str, Any] = Field(
        default_factory=dict, description="provenance and generator truth (e.g. decisive joints)"
    )


class Pair(BaseModel):
    """Two videos of the same sub-activity and the ground-truth description of how they differ (ADR)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    task: str
    split: str
    group: str
    category: str
    video_1: str
    video_2: str
    description: str | None = Field(None, description="ground-truth difference description")
    meta: dict[str, Any] = Field(default_factory=dict)


class PairPrediction(BaseModel):
    """A model's output for one ADR pair. None fields mean the model failed on them (counted, never imputed)."""

    model_config = ConfigDict(extra="forbid")

    pair_id: str
    score_1: float | None = None
    score_2: float | None = None
    description: str | None = None
    swapped: bool = Field(False, description="the pair was presented to the model as (video_2, video_1)")
    meta: dict[str, Any] = Field(
        default_factory=dict, description="failure reasons, token usage, chosen path..."
    )


class VideoPrediction(BaseModel):
    """A model's output for one video (JIGSAWS score, FitnessAQA error labels)."""

    model_config = ConfigDict(extra="forbid")

    video_id: str
    score: float | None = None
    labels: dict[str, int] = Field(default_factory=dict)
    meta: dict[str, Any] = Field(default_factory=dict)


Prediction = PairPrediction | VideoPrediction


def prediction_id(pred: Prediction) -> str:
    """The id of the item a prediction is for (a pair id or a video id)."""
    return pred.pair_id if isinstance(pred, PairPrediction) else pred.video_id
