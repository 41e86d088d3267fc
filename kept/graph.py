"""Expert knowledge alignment (§3.3, eq. 4) and the keypoint graph with its implicit knowledge graph (§3.4, eqs. 5-6)."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from kept.tree import mlp


def semantic_loss(f_cm: torch.Tensor, f_vm: torch.Tensor) -> torch.Tensor:
    """L_semantic = 1 - cos(mean f_CM, mean f_VM) (eq. 4) per video; inputs are already average-pooled B×d."""
    return 1.0 - F.cosine_similarity(f_cm, f_vm, dim=-1)


class ExpertAlignment(nn.Module):
    """f_CM = MHCA(f_C, f'_M) and f_VM = MHCA(f_V, f'_M): comment and video queries over the chosen path.

    One attention module serves both queries, so aligning the pooled outputs (eq. 4) teaches the video queries
    to read the reasoning path the way the experts' comments do.
    """

    def __init__(self, text_dim: int, d: int, heads: int) -> None:
        super().__init__()
        self.comment_map = mlp(text_dim, d)  # f_C into the width d
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)

    def video(self, f_v: torch.Tensor, f_m: torch.Tensor) -> torch.Tensor:
        return self.attn(f_v, f_m, f_m, need_weights=False)[0]

    def comments(self, comments: torch.Tensor, mask: torch.Tensor, f_m: torch.Tensor) -> torch.Tensor:
        """mean f_CM over each video's valid comments: B×d (comments B×C×text_dim, mask B×C)."""
        f_cm = self.attn(self.comment_map(comments), f_m, f_m, need_weights=False)[0]
        m = mask.to(f_cm.dtype).unsqueeze(-1)
        return (f_cm * m).sum(dim=1) / m.sum(dim=1).clamp_min(1.0)


def skeleton_adjacency(n_joints: int, edges: tuple[tuple[int, int], ...]) -> torch.Tensor:
    """𝒢: g_ij = 1 where the skeleton connects joints i and j (symmetric, no self-loops)."""
    g = torch.zeros(n_joints, n_joints)
    for a, b in edges:
        g[a, b] = g[b, a] = 1.0
    return g


def normalise(adj: torch.Tensor) -> torch.Tensor:
    """Row-normalised adjacency with self-loops, so a GNN layer averages a node with its neighbours."""
    eye = torch.eye(adj.shape[-1], dtype=adj.dtype, device=adj.device)
    full = adj + eye
    return full / full.sum(dim=-1, keepdim=True)


class ImplicitKnowledgeGraph(nn.Module):
    """𝒢_IKG (eq. 5): on the complement 𝒫 of the skeleton graph, P_ij = exp(-φ(x_i,x_j)) / Σ_𝒫 exp(-φ), kept if ≥ τ.

    φ is a two-layer MLP on [x_i; x_j]; its first layer is split into per-node projections so all P² pairs cost
    P·d² + P²·d. The threshold is hard in the forward pass; gradients reach φ straight through the probabilities.
    τ ≤ 0 means the uniform level 1/|𝒫|: an edge is kept when φ makes it likelier than average.
    """

    complement: torch.Tensor

    def __init__(self, d: int, skeleton_adj: torch.Tensor, tau: float) -> None:
        super().__init__()
        self.left = nn.Linear(d, d)
        self.right = nn.Linear(d, d, bias=False)
        self.out = nn.Linear(d, 1)
        n = skeleton_adj.shape[0]
        complement = (1.0 - skeleton_adj) * (1.0 - torch.eye(n))
        self.register_buffer("complement", complement.bool(), persistent=False)
        n_pairs = int(complement.sum().item())
        self.tau = tau if tau > 0 else 1.0 / max(n_pairs, 1)

    def probabilities(self, x: torch.Tensor) -> torch.Tensor:
        """P_ij over the complement pairs (zero elsewhere): ...×P×P summing to 1 over the last two axes."""
        phi = self.out(F.gelu(self.left(x).unsqueeze(-2) + self.right(x).unsqueeze(-3))).squeeze(-1)
        logits = (-phi).masked_fill(~self.complement, float("-inf"))
        flat = logits.flatten(-2).softmax(dim=-1)
        return flat.view_as(phi).nan_to_num(0.0)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(binary 𝒢_IKG with a straight-through gradient, P) for node embeddings ...×P×d."""
        prob = self.probabilities(x)
        hard = (prob >= self.tau).to(prob.dtype) * self.complement
        return hard + prob - prob.detach(), prob


class KeypointGraph(nn.Module):
    """f'_K, 𝒢_IKG, the two-layer GNN ℋ = σ(𝒢_IKG σ(𝒢 f'_K W) W_IKG) and the segment-averaged score ŝ (eq. 6).

    The printed f'_K = MHCA(f_VM, f_K) would have N rows (the query count); a keypoint embedding needs P rows,
    so the keypoints are the queries and f_VM (the segment's keyframes) the keys and values.
    """

    skeleton: torch.Tensor

    def __init__(
        self,
        traj_dim: int,
        n_joints: int,
        d: int,
        heads: int,
        skeleton_adj: torch.Tensor,
        tau: float,
        use_gnn: bool,
        n_outputs: int,
        dropout: float = 0.0,
        n_activities: int = 0,
    ) -> None:
        super().__init__()
        self.drop = nn.Dropout(dropout)
        # score_pool=activity: one learnt query per action category weighs the keypoints before FC (else: mean)
        self.pool = nn.Embedding(n_activities + 1, d) if n_activities else None
        if self.pool is not None:
            nn.init.zeros_(self.pool.weight)
        self.keypoints = mlp(traj_dim, d)  # F_K
        self.joint_embedding = nn.Parameter(torch.randn(n_joints, d) * 0.02)
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.ikg = ImplicitKnowledgeGraph(d, skeleton_adj, tau)
        self.register_buffer("skeleton", normalise(skeleton_adj), persistent=False)
        self.w = nn.Linear(d, d)
        self.w_ikg = nn.Linear(d, d)
        self.use_gnn = use_gnn
        self.head = nn.Linear(d, n_outputs)  # FC: the score (or one logit per error label)

    def forward(
        self, joints: torch.Tensor, f_vm: torch.Tensor, activity: torch.Tensor | None = None
    ) -> dict[str, torch.Tensor]:
        """joints B×S×P×t, f_VM B×N×d → H (B×P×d, averaged over segments), output B×n_outputs, IKG B×S×P×P."""
        b, s, p, _ = joints.shape
        f_k = self.keypoints(joints) + self.joint_embedding  # B×S×P×d
        memory = f_vm.reshape(b * s, -1, f_vm.shape[-1])  # each segment reads its own keyframes
        queries = f_k.reshape(b * s, p, -1)
        f_k2 = queries + self.attn(queries, memory, memory, need_weights=False)[0]
        ikg, _ = self.ikg(f_k2)
        if self.use_gnn:
            h1 = F.gelu(self.skeleton @ self.w(f_k2))
            h = F.gelu(normalise(ikg) @ self.w_ikg(h1))
        else:  # Δ GNN: the same two layers without message passing
            h = F.gelu(self.w_ikg(F.gelu(self.w(f_k2))))
        h = h.view(b, s, p, -1)
        if self.pool is None or activity is None:
            pooled = h.mean(dim=2)
        else:  # the action's query picks the keypoints that decide its score (zero init: the mean)
            w = torch.einsum("bspd,bd->bsp", h, self.pool(activity)) / h.shape[-1] ** 0.5
            pooled = torch.einsum("bsp,bspd->bsd", w.softmax(dim=-1), h)
        out = self.head(self.drop(pooled)).mean(dim=1)  # ŝ = (1/S) Σ_s FC(ℋ_s)
        return {"H": h.mean(dim=1), "out": out, "ikg": ikg.view(b, s, p, p).detach()}
