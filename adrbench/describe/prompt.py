"""The instruction prompt that turns two players' expert comments into an ADR difference description.

A reconstruction of the paper's Fig. 2 (§2): the instruct prompt plus the merged expert comments on video 1 and
video 2 go to the LLM, and the prompt stresses that the summary must say which player does better in which part.
The scores are never shown to the LLM, so the audit (a reader guesses the better player from the text alone)
tests what the comments carry. Change any wording here and bump PROMPT_VERSION: the version is part of every
request's cache key and is recorded with every description.
"""

from __future__ import annotations

from adrbench.records import Video

PROMPT_VERSION = "adr-describe-fig2/1"

SYSTEM = (
    "You are an experienced coach who compares two athletes performing the same action. You write precise, "
    "factual summaries for other coaches."
)

_INSTRUCTION = (
    "Below are the comments that expert coaches made while watching two players, Player 1 and Player 2, perform "
    "the same activity: {group} ({category}).\n\n"
    "Summarize the differences between the actions of Player 1 and Player 2 in one paragraph. For each part of "
    "the body or phase of the movement that the comments discuss, say which player does better and how the two "
    "differ. Stress which player does better in which part. Use only what the comments say; do not invent "
    'details. Refer to the athletes only as "Player 1" and "Player 2". Do not mention the experts, the '
    "comments, ratings or scores. Write plain prose (no lists, headings or markdown), at most {max_sentences} "
    "sentences.\n\n"
    "Expert comments on Player 1:\n{comments_1}\n\n"
    "Expert comments on Player 2:\n{comments_2}"
)

_NO_COMMENTS = "- (no comments)"


def merged_comments(video: Video) -> str:
    """The take's expert comments as a bullet list, in their order, with blank and repeated lines removed."""
    seen: set[str] = set()
    lines = []
    for comment in video.comments:
        text = " ".join(comment.split())
        if text and text not in seen:
            seen.add(text)
            lines.append(f"- {text}")
    return "\n".join(lines) or _NO_COMMENTS


def describe_prompt(video_1: Video, video_2: Video, max_sentences: int = 6) -> str:
    """The user message for one pair: the Fig. 2 instruction and both players' merged comments (no scores)."""
    return _INSTRUCTION.format(
        group=video_1.group,
        category=video_1.category,
        max_sentences=max_sentences,
        comments_1=merged_comments(video_1),
        comments_2=merged_comments(video_2),
    )
