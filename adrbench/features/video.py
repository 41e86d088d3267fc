"""Video decoding with PyAV (FFmpeg bindings): each video is decoded once, keeping only the sampled keyframes."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from adrbench.data.kinematics import sample_keyframes
from adrbench.errors import DataError


def _av():  # type: ignore[no-untyped-def]
    try:
        import av
    except ImportError as exc:  # pragma: no cover - exercised only without the optional dependency
        raise DataError("av", "decoding videos needs PyAV", hint="pip install 'av>=12'") from exc
    return av


def count_frames(path: str | Path) -> int:
    """Number of video frames: the container's count where it has one, else counted by demuxing (no decoding)."""
    av = _av()
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if stream.frames > 0:
            return int(stream.frames)
        return sum(1 for packet in container.demux(stream) if packet.size > 0)


def read_keyframes(path: str | Path, n_keyframes: int) -> np.ndarray:
    """K×H×W×3 uint8 RGB frames at `sample_keyframes(n_frames, K)`, decoded in one pass over the video.

    If the container's frame count was too high, missing tail keyframes repeat the last decoded frame.
    """
    av = _av()
    n_frames = count_frames(path)
    if n_frames <= 0:
        raise DataError(path, "the video has no frames")
    wanted = sample_keyframes(n_frames, n_keyframes)
    targets, stop = set(wanted.tolist()), int(wanted[-1])
    keep: dict[int, np.ndarray] = {}
    last = None
    try:
        with av.open(str(path)) as container:
            for index, frame in enumerate(container.decode(container.streams.video[0])):
                last = frame
                if index in targets:
                    keep[index] = frame.to_ndarray(format="rgb24")
                if index >= stop:
                    break
            fallback = (
                keep[max(keep)] if keep else (last.to_ndarray(format="rgb24") if last is not None else None)
            )
    except av.error.FFmpegError as exc:
        raise DataError(path, f"cannot decode video: {exc}") from exc
    if fallback is None:
        raise DataError(path, "no frame could be decoded")
    if len(keep) < len(targets) and last is not None:
        fallback = last.to_ndarray(format="rgb24")
    return np.stack([keep.get(int(i), fallback) for i in wanted])


def write_video(path: str | Path, frames: np.ndarray, fps: int = 30, codec: str = "mpeg4") -> None:
    """Write T×H×W×3 uint8 RGB frames as a video file (used by tests and benchmarks to make inputs)."""
    av = _av()
    frames = np.asarray(frames, dtype=np.uint8)
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream(codec, rate=fps)
        stream.height, stream.width = frames.shape[1], frames.shape[2]
        stream.pix_fmt = "yuv420p"
        for image in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
