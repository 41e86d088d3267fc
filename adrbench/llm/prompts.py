"""Every LVLM prompt of adrbench, in one versioned place.

The JSON Schemas of the answers live here too. Change any wording or schema here and bump PROMPT_VERSION: the version is part of each request's cache key and of the
model's config, so results made with different prompts never mix.
"""

from __future__ import annotations

from typing import Any

PROMPT_VERSION = "lvlm-2"  # 2: a pair as one video for servers that take one video per prompt

SYSTEM = (
    "You are an expert coach and judge of human motor skill. You look closely at how each body part moves "
    "and you answer with a single JSON object and nothing else."
)

_FRAMES = {
    "video": "{n} frames sampled evenly in time from the video",
    "keypoints": "{n} stick-figure drawings of the person's tracked body joints, sampled evenly in time "
    "(front view, head at the top)",
}

# FitnessAQA error definitions (Parmar et al., Domain Knowledge-Informed Self-Supervised Representations).
ERROR_DEFINITIONS: dict[str, str] = {
    "OHP_knee": "the knees bend during the press (leg drive instead of a strict press)",
    "OHP_elbow": "the elbows flare out or are not stacked under the bar during the press",
    "Squat_forward": "the knees travel too far forward, past the toes",
    "Squat_inward": "the knees cave inward (valgus) while going down or coming up",
}


def frames_caption(source: str, n: int) -> str:
    """What the images of one video are ('video' frames or 'keypoints' renderings)."""
    return _FRAMES[source].format(n=n)


def _scale(low: float, high: float) -> str:
    return f"from {low:g} to {high:g}"


def pair_intro(group: str, category: str, source: str, n: int) -> str:
    """Text before the two videos of an ADR pair (paper §2: two people doing the same action)."""
    return (
        f"Two people perform the same action: {group} ({category}). For each of them you get "
        f"{frames_caption(source, n)}."
    )


def pair_instruction(low: float, high: float) -> str:
    """Text after the two videos: both scores on the task's scale and the difference description, as JSON."""
    return (
        f"Rate the skill of each performer on a scale {_scale(low, high)} (higher is better). Then describe in "
        "one to three sentences how their actions differ: which body parts move differently, and who does it "
        "better. Answer with JSON only, exactly in this form:\n"
        '{"score_1": <number>, "score_2": <number>, "description": "<text>"}'
    )


def score_instruction(group: str, low: float, high: float, source: str, n: int) -> str:
    """JIGSAWS: the Global Rating Score (six items of 1–5 summed) of one surgical trial, as JSON."""
    return (
        f"The images are {frames_caption(source, n)} of a surgeon performing the {group} task of a robotic "
        "surgery training session. Rate the performance with the Global Rating Score (GRS): the sum of six "
        "items each scored 1 to 5 (respect for tissue, suture and needle handling, time and motion, flow of the "
        "operation, overall performance, quality of the final product), so the total goes "
        f"{_scale(low, high)}. Answer with JSON only, exactly in this form:\n"
        '{"score": <number>}'
    )


def errors_instruction(exercise: str, label_names: tuple[str, ...], source: str, n: int) -> str:
    """FitnessAQA: yes/no for each form error of the exercise, as JSON."""
    lines = "\n".join(
        f"- {name}: {ERROR_DEFINITIONS.get(name, name.replace('_', ' '))}" for name in label_names
    )
    form = ", ".join(f'"{name}": "yes" or "no"' for name in label_names)
    return (
        f"The images are {frames_caption(source, n)} of a person doing the {exercise} exercise. For each form "
        f'error below, answer "yes" if the person makes it and "no" otherwise.\n{lines}\n'
        "Answer with JSON only, exactly in this form:\n"
        f'{{"errors": {{{form}}}}}'
    )


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    """A closed JSON Schema object with every property required (what OpenAI's strict structured outputs need)."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def pair_schema() -> dict[str, Any]:
    """The JSON Schema of a pair_instruction answer, for servers that constrain replies by schema."""
    return _object(
        {"score_1": {"type": "number"}, "score_2": {"type": "number"}, "description": {"type": "string"}}
    )


def score_schema() -> dict[str, Any]:
    """The JSON Schema of a score_instruction answer."""
    return _object({"score": {"type": "number"}})


def errors_schema(label_names: tuple[str, ...]) -> dict[str, Any]:
    """The JSON Schema of an errors_instruction answer: "yes" or "no" for each label."""
    flag = {"type": "string", "enum": ["yes", "no"]}
    return _object({"errors": _object({name: flag for name in label_names})})
