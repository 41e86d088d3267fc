"""Per-video features computed once and cached: pose statistics, visual-encoder embeddings, imported arrays.

Importing this package loads nothing heavy; the video decoder (PyAV) and the encoders (transformers) are imported
when a visual source is used.
"""

from adrbench.features.cache import FeatureCache, default_cache_dir
from adrbench.features.extract import FeatureExtractor
from adrbench.features.pose import pose_keyframe_features, pose_summary
from adrbench.features.spec import FeatureSpec

__all__ = [
    "FeatureCache",
    "FeatureExtractor",
    "FeatureSpec",
    "default_cache_dir",
    "pose_keyframe_features",
    "pose_summary",
]
