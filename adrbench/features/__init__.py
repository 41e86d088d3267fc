"""Per-video features computed once and cached: pose statistics, visual-encoder embeddings, imported arrays.

Importing this package loads nothing heavy; the video decoder and the encoders are imported when used.
"""

from adrbench.features.pose import pose_keyframe_features, pose_summary

__all__ = ["pose_keyframe_features", "pose_summary"]
