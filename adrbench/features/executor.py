"""Per-video work in this process or as Ray tasks; the driver stores each result in the feature cache at once.

The caller plans (each video's cache key, skipping those already stored) and hands the executor a lazy stream of
`Job`s; the executor only computes, calling the same work function (`KeypointWork`, `FeatureWork`) whichever it
is, so a Ray run writes byte-identical entries to a local one. The driver writes every entry: the cache needs no
storage shared with the workers, there is one writer, and a killed or failed run keeps every video finished so
far (the next run skips them). Only the video files must be readable by the workers at the same paths.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from adrbench.errors import AdrbenchError, ConfigError
from adrbench.features.cache import FeatureCache

EXECUTORS = ("local", "ray")
RAY_HINT = "pip install 'adrbench[ray]'"
Tick = Callable[[int], None]  # in-process progress within one video (frames done), local executor only


@dataclass(frozen=True)
class Job:
    """One video to compute: its id and file (for messages), its cache entry (`key`, `metadata`; key None: no
    cache) and the argument of the work function (`item`, picklable)."""

    video_id: str
    video_file: str | None
    key: str | None
    item: Any
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Output:
    """What the work function made of one video: the tensors to store, counters for the report, and its cost
    (wall and CPU seconds of the process that ran it)."""

    tensors: np.ndarray | Mapping[str, np.ndarray]
    stats: dict[str, Any] = field(default_factory=dict)
    wall_s: float = 0.0
    cpu_s: float = 0.0


class Work(Protocol):
    """A picklable per-video function: `item` → `Output` (`tick(frames)` may report progress within a video)."""

    def __call__(self, item: Any, tick: Tick | None = None) -> Output: ...


@dataclass(frozen=True)
class Failure:
    """Why one video's work raised, as plain text: it crosses process boundaries whatever the exception was (not
    every exception class can be unpickled by the driver)."""

    kind: str
    message: str

    @classmethod
    def of(cls, exc: BaseException) -> Failure:
        return cls(type(exc).__name__, str(exc))


class VideoFailed(AdrbenchError):
    """One video's work raised: names the video and its file; the videos finished before are in the cache."""

    def __init__(self, job: Job, failure: Failure) -> None:
        self.video_id, self.video_file, self.failure = job.video_id, job.video_file, failure
        where = f"video {job.video_id!r}" + (f" ({job.video_file})" if job.video_file else "")
        super().__init__(f"{where}: {failure.kind}: {failure.message}; the videos finished before it are kept in "
                         "the cache (rerun to resume)")  # fmt: skip


def timed(work: Work, item: Any, tick: Tick | None = None) -> Output:
    """Run the work on one item and record its wall and CPU time (the cost per video)."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = work(item, tick)
    out.wall_s, out.cpu_s = time.perf_counter() - wall, time.process_time() - cpu
    return out


Results = Generator[tuple[Job, Output], None, None]  # closable: closing it stops the work in flight


class Executor(Protocol):
    name: str

    def map(self, jobs: Iterable[Job], work: Work, tick: Tick | None = None) -> Results:
        """Each job with its output as it finishes (in any order); raise `VideoFailed` once no work is left."""
        ...


class LocalExecutor:
    """One video at a time in this process, in order; stops at the first failure."""

    name = "local"

    def map(self, jobs: Iterable[Job], work: Work, tick: Tick | None = None) -> Results:
        for job in jobs:
            try:
                out = timed(work, job.item, tick)
            except Exception as exc:
                raise VideoFailed(job, Failure.of(exc)) from exc
            yield job, out


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigError(f"--executor ray needs Ray: {RAY_HINT}") from None
    return ray


_LOADED: dict[str, Any] = {}  # in a Ray worker: the work of the current run, unpickled once per process


def _ray_task(token: str, boxed: list[Any], item: Any) -> Output | Failure:
    """The Ray task: the run's work (fetched and unpickled once per worker process, so a model loads once) on
    one item. `boxed` holds the work's object ref in a list so that Ray does not fetch it for every task."""
    try:
        work = _LOADED.get(token)
        if work is None:
            _LOADED.clear()
            work = _LOADED[token] = _ray().get(boxed[0])
        return timed(work, item)
    except Exception as exc:
        return Failure.of(exc)


class RayExecutor:
    """One Ray task per video, at most `in_flight` at a time (memory stays flat for any number of videos).

    `address` None starts a local Ray with `workers` CPUs (default: all); "auto" or "HOST:PORT" joins a running
    cluster (`ray start --head`), whose CPUs are used. A Ray already initialised in this process is used as it
    is. On a failure no new task is started, those running finish (and are stored), then `VideoFailed` is raised.
    """

    name = "ray"

    def __init__(
        self, address: str | None = None, workers: int | None = None, in_flight: int | None = None,
        cpus_per_task: float = 1.0,
    ) -> None:  # fmt: skip
        if workers is not None and workers < 1:
            raise ConfigError(f"--workers must be at least 1, got {workers}")
        self.address, self.workers, self.cpus_per_task = address, workers, cpus_per_task
        self._in_flight = in_flight

    def _connect(self, ray: Any) -> bool:
        """Initialise Ray unless it already is; True when this call did (and so shuts it down after)."""
        if ray.is_initialized():
            return False
        if self.address:
            ray.init(address=self.address, log_to_driver=False)
        else:
            ray.init(address="local", num_cpus=self.workers or os.cpu_count(), include_dashboard=False,
                     log_to_driver=False)  # fmt: skip
        return True

    def in_flight(self, ray: Any) -> int:
        """Tasks submitted at once: twice the task slots (one running and one queued per slot)."""
        if self._in_flight is not None:
            return self._in_flight
        slots = self.workers or int(ray.cluster_resources().get("CPU", 1) // self.cpus_per_task)
        return 2 * max(slots, 1)

    def map(self, jobs: Iterable[Job], work: Work, tick: Tick | None = None) -> Results:
        ray = _ray()
        started = self._connect(ray)
        try:
            yield from self._map(ray, iter(jobs), work)
        finally:
            if started:
                ray.shutdown()

    def _map(self, ray: Any, jobs: Iterator[Job], work: Work) -> Results:
        remote = ray.remote(num_cpus=self.cpus_per_task)(_ray_task)
        token, boxed = uuid.uuid4().hex, [ray.put(work)]
        limit = self.in_flight(ray)
        pending: dict[Any, Job] = {}
        failure: VideoFailed | None = None
        try:
            while True:
                while failure is None and len(pending) < limit:
                    job = next(jobs, None)
                    if job is None:
                        break
                    pending[remote.remote(token, boxed, job.item)] = job
                if not pending:
                    break
                (ref,), _ = ray.wait(list(pending), num_returns=1)
                job = pending.pop(ref)
                try:
                    out = ray.get(ref)
                except Exception as exc:  # the task did not return: its worker died, or it was cancelled
                    out = Failure.of(exc)
                if isinstance(out, Failure):
                    failure = failure or VideoFailed(job, out)
                    continue
                yield job, out
        finally:
            for ref in pending:  # stopped early (Ctrl-C, a caller's error): drop the work not yet collected
                ray.cancel(ref)
        if failure is not None:
            raise failure


def make_executor(name: str = "local", address: str | None = None, workers: int | None = None) -> Executor:
    """The executor `name` ('local', or 'ray' with `address` and `workers`); options that need Ray refused
    without it."""
    if name == "local":
        if address is not None or workers is not None:
            raise ConfigError("--ray-address and --workers need --executor ray")
        return LocalExecutor()
    if name == "ray":
        return RayExecutor(address=address, workers=workers)
    raise ConfigError(f"unknown executor {name!r}; known: {', '.join(EXECUTORS)}")


def run_videos(
    jobs: Iterable[Job], work: Work, cache: FeatureCache | None, executor: Executor,
    on_done: Callable[[Job, Output], None], tick: Tick | None = None,
) -> None:  # fmt: skip
    """Run every job on `executor`, storing each output in `cache` (here, in the driver) as soon as it arrives,
    then `on_done(job, output)`."""
    with closing(executor.map(jobs, work, tick)) as results:  # closed at once if on_done raises (Ctrl-C)
        for job, out in results:
            if cache is not None and job.key is not None:
                cache.put(job.key, out.tensors, job.metadata)
            on_done(job, out)
