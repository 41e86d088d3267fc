"""What an LVLM is shown for one item: the prompt's text parts around each video's frames (shared by the
zero-shot adapters and LoRA finetuning, so both see the same input)."""

from __future__ import annotations

from adrbench.dataset import Dataset
from adrbench.llm import prompts
from adrbench.llm.messages import Part
from adrbench.records import Pair, Video
from baselines.lvlm.frames import FrameSource

ADR_RANGE, GRS_RANGE = (1.0, 10.0), (6.0, 30.0)  # used when a dataset states no score_range


def labels_for(data: Dataset, video: Video) -> tuple[str, ...]:
    """The error labels of the video's exercise (FitnessAQA names are '<Exercise>_<error>')."""
    own = tuple(n for n in data.label_names if n.split("_")[0].lower() == video.group.lower())
    return own or tuple(data.label_names)


def video_parts(frames: FrameSource, video: Video, media: str) -> list[Part]:
    """One image part per frame, or one video part holding all frames (media='video')."""
    images = frames.frames(video)
    if media == "video":
        return [Part.of_video(images, frames.mime)]
    return [Part.of_image(f, frames.mime) for f in images]


def item_parts(data: Dataset, item: Pair | Video, frames: FrameSource, media: str) -> tuple[Part, ...]:
    """The user message for an ADR pair (both videos, two scores + description), a JIGSAWS trial (GRS) or a
    FitnessAQA clip (yes/no per error)."""
    n = frames.n
    if isinstance(item, Pair):
        low, high = data.score_range or ADR_RANGE
        first, second = data.videos[item.video_1], data.videos[item.video_2]
        return (
            Part.of_text(prompts.pair_intro(item.group, item.category, frames.kind(first), n)),
            Part.of_text("Video 1:"),
            *video_parts(frames, first, media),
            Part.of_text("Video 2:"),
            *video_parts(frames, second, media),
            Part.of_text(prompts.pair_instruction(low, high)),
        )
    source = frames.kind(item)
    if data.label_names:
        text = prompts.errors_instruction(item.group, labels_for(data, item), source, n)
    else:
        text = prompts.score_instruction(item.group, *(data.score_range or GRS_RANGE), source, n)
    return (*video_parts(frames, item, media), Part.of_text(text))
