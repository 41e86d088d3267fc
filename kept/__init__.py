"""KEPT, the paper's model (§3, appendix E): keypoint-guided tree search, expert knowledge alignment and
keypoint-graph action difference reasoning. `kept.adapter.KeptModel` is the adrbench model `kept`."""
