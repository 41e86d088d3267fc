"""Video decoding with PyAV (FFmpeg bindings): each video is decoded once, keeping only the sampled keyframes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

from adrbench.data.kinematics import sample_keyframes
from adrbench.errors import DataError


def _av():  # type: ignore[no-untyped-def]
    try:
        import av
    except ImportError as exc:  # pragma: no cover - exercised only without the optional dependency
        raise DataError("av", "decoding videos needs PyAV", hint="pip install 'av>=12'") from exc
    return av


Source = str | Path | BinaryIO  # a file, or a seekable handle from `adrbench.data.media.open_media`


def _open(source: Source):  # type: ignore[no-untyped-def]
    """An input container on a path or (rewound) binary handle."""
    av = _av()
    if isinstance(source, (str, Path)):
        return av.open(str(source))
    source.seek(0)
    return av.open(source)


def count_frames(path: Source) -> int:
    """Number of video frames: the container's count where it has one, else counted by demuxing (no decoding)."""
    with _open(path) as container:
        stream = container.streams.video[0]
        if stream.frames > 0:
            return int(stream.frames)
        return sum(1 for packet in container.demux(stream) if packet.size > 0)


def read_keyframes(path: Source, n_keyframes: int, name: str | Path | None = None) -> np.ndarray:
    """K×H×W×3 uint8 RGB frames at `sample_keyframes(n_frames, K)`, decoded in one pass over the video.

    If the container's frame count was too high, missing tail keyframes repeat the last decoded frame. `name`
    labels errors when `path` is a handle.
    """
    av = _av()
    label = name if name is not None else (path if isinstance(path, str | Path) else "video")
    try:
        n_frames = count_frames(path)
    except av.error.FFmpegError as exc:  # not a video at all (truncated, or another format)
        raise DataError(label, f"cannot decode video: {exc}") from exc
    if n_frames <= 0:
        raise DataError(label, "the video has no frames")
    wanted = sample_keyframes(n_frames, n_keyframes)
    targets, stop = set(wanted.tolist()), int(wanted[-1])
    keep: dict[int, np.ndarray] = {}
    last = None
    try:
        with _open(path) as container:
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
        raise DataError(label, f"cannot decode video: {exc}") from exc
    if fallback is None:
        raise DataError(label, "no frame could be decoded")
    if len(keep) < len(targets) and last is not None:
        fallback = last.to_ndarray(format="rgb24")
    return np.stack([keep.get(int(i), fallback) for i in wanted])


def iter_frames(source: Source, name: str | Path, chunk: int = 16) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Every decoded frame once, in chunks: (K×H×W×3 uint8 RGB, K float64 seconds from the stream's start).

    Times come from each frame's pts × time_base (so variable frame rates stay right); a frame without pts is
    placed one average frame interval after the previous one. Frames whose time does not increase are dropped.
    `name` labels errors (the video's path).
    """
    av = _av()
    frames: list[np.ndarray] = []
    times: list[float] = []
    last: float | None = None
    start: float | None = None
    try:
        with _open(source) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            step = 1.0 / float(stream.average_rate) if stream.average_rate else None
            for frame in container.decode(stream):
                t = frame.time
                if t is None:
                    if last is None or step is None:
                        raise DataError(name, "a frame has no timestamp and the stream no frame rate")
                    t = last + step
                if last is not None and t <= last:
                    continue
                start = t if start is None else start
                last = t
                frames.append(frame.to_ndarray(format="rgb24"))
                times.append(t - start)
                if len(frames) == chunk:
                    yield np.stack(frames), np.asarray(times)
                    frames, times = [], []
    except av.error.FFmpegError as exc:
        raise DataError(name, f"cannot decode video: {exc}") from exc
    if frames:
        yield np.stack(frames), np.asarray(times)
    if start is None:
        raise DataError(name, "no frame could be decoded")


def write_video(
    target: str | Path | BinaryIO,
    frames: np.ndarray,
    fps: int = 30,
    codec: str = "mpeg4",
    options: dict[str, str] | None = None,
    container_format: str | None = None,
    container_options: dict[str, str] | None = None,
) -> None:
    """Write T×H×W×3 uint8 RGB frames as a video, to a file or a binary handle (then name `container_format`):
    the twins' rendered videos, and the inputs that tests and benchmarks make."""
    av = _av()
    frames = np.asarray(frames, dtype=np.uint8)
    where = str(target) if isinstance(target, str | Path) else target
    with av.open(where, mode="w", format=container_format, options=container_options or {}) as container:
        stream = container.add_stream(codec, rate=fps, options=options or {})
        stream.height, stream.width = frames.shape[1], frames.shape[2]
        stream.pix_fmt = "yuv420p"
        for image in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
