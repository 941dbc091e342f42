"""The embedding model on ONNX Runtime: no torch at query time, and int8 weights for bulk speed.

The graph is exported once from the local sentence-transformers model (torch is needed only then; no
download) and kept in the user cache, keyed by the model's files and the exporter's versions, so a
changed model or exporter never reuses a stale graph. Tokenising uses the ``tokenizers`` package.
Measured on a 2-core EPYC (docs/PERFORMANCE.md): float32 ONNX gives the same vectors as torch float32
(cosine 1.0000); the int8 graph (``RECIPE``: per-channel weights, per-token activations, the most
sensitive parts float32) has cosine ~0.999, with recall@5 on PubMedQA, MedQuAD and the external gold set
within 0.005 of float32. With one text per worker thread, a worker per core, int8 embeds 2.6-3.3x the plain
LangChain pipeline's chunks per second.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from dataclasses import asdict, dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from ingest.embed import BatchedEmbedder, usable_cpus
from ingest.errors import CitebotError
from ingest.settings import default_cache_dir

# Bump when the exported graph changes (pooling, opset, quantisation options): old cache entries are
# then ignored rather than reused.
EXPORT_VERSION = 1
OPSET = 17
_WEIGHTS = ("model.safetensors", "pytorch_model.bin")
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class ModelNotExportable(CitebotError):
    """The local model has modules the ONNX export does not reproduce."""


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def graph_key(model: Path, quantized: bool) -> str:
    """A digest of what the graph depends on: the model's files (path, size, mtime) and the exporters."""
    files = sorted(p for p in model.rglob("*") if p.is_file() and p.suffix in (".json", ".safetensors", ".bin"))
    parts: dict[str, Any] = {
        "model": str(model.resolve()),
        "files": [(str(p.relative_to(model)), p.stat().st_size, p.stat().st_mtime_ns) for p in files],
        "export_version": EXPORT_VERSION,
        "quantized": quantized,
        "versions": [_version(p) for p in ("torch", "transformers", "onnxruntime")],
    }
    if quantized:  # only then: the float32 graph's key (and cached export) stays what it was
        parts["recipe"] = asdict(RECIPE)
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def _pooling(model: Path) -> tuple[str, bool]:
    """The sentence-transformers head as (pooling, normalise); anything the export does not reproduce raises."""
    modules = json.loads((model / "modules.json").read_text()) if (model / "modules.json").exists() else []
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    unsupported = [k for k in kinds if k not in ("Transformer", "Pooling", "Normalize")]
    pooling = "mean"
    for m in modules:
        if m["type"].endswith("Pooling"):
            cfg = json.loads((model / m["path"] / "config.json").read_text())
            modes = [k for k, v in cfg.items() if k.startswith("pooling_mode_") and v]
            if modes not in (["pooling_mode_mean_tokens"], ["pooling_mode_cls_token"]):
                unsupported.append(f"Pooling {modes}")
            pooling = "cls" if modes == ["pooling_mode_cls_token"] else "mean"
    if unsupported:
        raise ModelNotExportable(
            f"the model at {model} has modules the ONNX backend does not reproduce ({', '.join(unsupported)}); "
            "set CITEBOT_EMBED_BACKEND=torch"
        )
    return pooling, "Normalize" in kinds


def export_graph(model: Path, dest: Path) -> None:
    """Trace the transformer plus pooling and normalisation into a float32 ONNX graph (needs torch)."""
    import torch
    from transformers import AutoModel

    pooling, normalise = _pooling(model)
    # Eager attention traces to plain MatMul/Softmax, which ONNX Runtime fuses into its Attention kernel.
    encoder = AutoModel.from_pretrained(str(model), attn_implementation="eager", local_files_only=True).eval()

    class Head(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            if pooling == "cls":
                vec = hidden[:, 0]
            else:
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                vec = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(vec, dim=-1) if normalise else vec

    sample = torch.ones(2, 16, dtype=torch.long)
    axes = {name: {0: "batch", 1: "tokens"} for name in _INPUTS}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer warnings about Python control flow on shapes
        torch.onnx.export(
            Head(),
            (sample, sample, torch.zeros_like(sample)),
            str(dest),
            dynamo=False,
            input_names=list(_INPUTS),
            output_names=["embedding"],
            dynamic_axes={**axes, "embedding": {0: "batch"}},
            opset_version=OPSET,
        )


@dataclass(frozen=True)
class QuantRecipe:
    """How the int8 graph is made; part of the cache key and of the build stamp, so a new recipe re-exports
    the graph and asks for a rebuild of indexes made with the old one.

    ``float32`` names the parts left unquantised: weight MatMuls (``layer.N/<module>``) or ``embeddings``
    (the token/position embedding tables, which ONNX Runtime's quantiser also makes int8), chosen as the
    most sensitive by a measured per-node sensitivity on public calibration text
    (``python -m evals.bench.sensitivity``).
    """

    name: str
    float32: tuple[str, ...] = ()

    @property
    def tag(self) -> str:
        """The name plus a digest of the whole recipe, for the build stamp: an edited float32 list under an
        unchanged name still asks for a rebuild rather than mixing vectors of two graphs in one index."""
        digest = hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:8]
        return f"{self.name}-{digest}"


# Activations: symmetric int8 per token (one scale per row, from that row's own max |x|), so a text's vector
# does not depend on its batch mates or on padding, and one outlier token no longer coarsens every other
# token's grid (per-tensor dynamic scales: cosine 0.993 to float32; per token: 0.997). Weights: int8 per
# output channel. float32: the parts ``python -m evals.bench.sensitivity`` ranks above the first
# feed-forward matrix by loss per multiply-accumulate: the embedding tables (a lookup, free) and the value
# projections of layers 1-5 (384x384 each; calibration cosine 0.9971 -> 0.9989). Keeping only layers 3-4's
# values (0.9984) was a little faster but missed the external gold set's answer-precision gate and lost
# demo MRR (docs/PERFORMANCE.md). Changing this changes the graph's cache key and the build stamp.
RECIPE = QuantRecipe(
    name="int8-token-v1",
    float32=("embeddings", *(f"layer.{i}/attention/self/value" for i in range(1, 6))),
)


def quantize_graph(src: Path, dest: Path, recipe: QuantRecipe = RECIPE) -> None:
    """int8 weights per output channel, int8 activations per token; ``recipe.float32`` MatMuls stay float32."""
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(str(src))
    names = [n.name for n in model.graph.node if n.op_type in ("MatMul", "Gather")]
    keep = [n for n in names if any(f"/{part}/" in n for part in recipe.float32)]
    missing = [part for part in recipe.float32 if not any(f"/{part}/" in n for n in names)]
    if missing:
        raise ValueError(f"quantisation recipe {recipe.name} names MatMuls the graph lacks: {missing}")
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantiser logs a generic pre-processing tip on the root logger
    try:
        quantize_dynamic(str(src), str(dest), weight_type=QuantType.QInt8, per_channel=True, nodes_to_exclude=keep)
    finally:
        root.setLevel(level)
    quantized = onnx.load(str(dest))
    per_token_activations(quantized)
    onnx.save(quantized, str(dest))


def per_token_activations(model: Any) -> None:
    """Rewrite ONNX Runtime's per-tensor ``DynamicQuantizeLinear`` into symmetric per-token quantisation.

    Each activation row x gets s = max|x| / 127 and q = round(x / s) + 128 (uint8, zero point 128, the
    layout the fast u8·s8 kernel takes; one per-axis ``QuantizeLinear`` over the rows). Each
    ``MatMulInteger`` → Cast → ×(activation scale · weight scale) becomes ``MatMulIntegerToFloat`` with
    the weight scales only (activation scale 1), then × the row scale. The row scale must not reach
    MatMulIntegerToFloat's activation-scale input, which takes one scale per tensor (or per *column*):
    ONNX Runtime's own fusion of the unfused form silently misreads a per-row scale (cosine 0.61).
    """
    import numpy as np
    from onnx import helper, numpy_helper

    graph = model.graph
    graph.initializer.extend(
        [
            numpy_helper.from_array(np.array(1 / 127, np.float32), "citebot_q_inv127"),
            numpy_helper.from_array(np.array(1e-12, np.float32), "citebot_q_eps"),
            numpy_helper.from_array(np.array(1.0, np.float32), "citebot_q_one"),
            numpy_helper.from_array(np.array(128, np.uint8), "citebot_q_zero"),
            numpy_helper.from_array(np.array([-1], np.int64), "citebot_q_flat"),
        ]
    )
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    inits = {i.name: i for i in graph.initializer}
    quantizers = {n.output[0]: n for n in graph.node if n.op_type == "DynamicQuantizeLinear"}
    consumers: dict[str, list[Any]] = {}
    for n in graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    width: dict[str, int] = {}  # quantised activation -> its row length (the weight's input dimension)
    # Nodes by their first output's name (unique in a graph): MatMulInteger -> what takes its place, and
    # the nodes it makes redundant (its Cast, rescale Mul and scale-product Mul).
    replaced: dict[str, list[Any]] = {}
    dropped: set[str] = set()
    for n in graph.node:
        if n.op_type != "MatMulInteger":
            continue
        q, weight, _, weight_zero = n.input
        width[q] = int(inits[weight].dims[0])
        (cast,) = consumers[n.output[0]]
        (rescale,) = consumers[cast.output[0]]
        product = next(p for p in graph.node if p.output[0] in rescale.input and p.op_type == "Mul")
        row_scale, weight_scale = product.input
        fused = f"{n.name}_to_float"
        dropped.update(m.output[0] for m in (n, cast, rescale, product))
        replaced[n.output[0]] = [
            helper.make_node(
                "MatMulIntegerToFloat",
                [q, weight, "citebot_q_one", weight_scale, "citebot_q_zero", weight_zero],
                [fused],
                name=fused,
                domain="com.microsoft",
            ),
            helper.make_node("Mul", [fused, row_scale], [rescale.output[0]], name=f"{n.name}_row_scale"),
        ]
    if not replaced or set(width) != set(quantizers):
        raise ValueError("unexpected quantised graph: a quantised activation feeds something but MatMulInteger")
    out = []
    for n in graph.node:
        if n.op_type == "DynamicQuantizeLinear":
            x, (q, scale, _), p = n.input[0], n.output, n.name
            out += [
                helper.make_node("Abs", [x], [f"{p}_abs"]),
                helper.make_node("ReduceMax", [f"{p}_abs"], [f"{p}_max"], axes=[-1], keepdims=1),
                helper.make_node("Max", [f"{p}_max", "citebot_q_eps"], [f"{p}_max_eps"]),
                helper.make_node("Mul", [f"{p}_max_eps", "citebot_q_inv127"], [scale]),  # [..., 1]
                helper.make_node("Reshape", [scale, "citebot_q_flat"], [f"{p}_rows_scale"]),  # [rows]
                helper.make_node("Shape", [f"{p}_rows_scale"], [f"{p}_rows"]),
                helper.make_node("Expand", ["citebot_q_zero", f"{p}_rows"], [f"{p}_rows_zero"]),
                helper.make_node(
                    "Constant",
                    [],
                    [f"{p}_2d"],
                    value=numpy_helper.from_array(np.array([-1, width[q]], np.int64)),
                ),
                helper.make_node("Reshape", [x, f"{p}_2d"], [f"{p}_x2d"]),
                helper.make_node(
                    "QuantizeLinear", [f"{p}_x2d", f"{p}_rows_scale", f"{p}_rows_zero"], [f"{p}_q2d"], axis=0
                ),
                helper.make_node("Shape", [x], [f"{p}_shape"]),
                helper.make_node("Reshape", [f"{p}_q2d", f"{p}_shape"], [q]),
            ]
        elif n.output[0] in replaced:
            out += replaced[n.output[0]]
        elif n.output[0] not in dropped:
            out.append(n)
    del graph.node[:]
    graph.node.extend(out)


def ensure_graph(model: Path, quantized: bool, cache_dir: Path | None = None) -> Path:
    """The cached graph for ``model``, exporting (and quantising) it first if needed; safe across processes."""
    from filelock import FileLock

    root = (cache_dir or default_cache_dir()) / "onnx"
    folder = root / f"{model.name}-{graph_key(model, quantized)}"
    graph = folder / ("model-int8.onnx" if quantized else "model.onnx")
    if graph.exists():
        return graph
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder / ".lock")):
        if graph.exists():  # another process exported it while this one waited
            return graph
        tmp = folder / f".{graph.name}.{os.getpid()}.tmp"
        try:
            if quantized:
                full = folder / f".float32.{os.getpid()}.onnx"
                export_graph(model, full)
                try:
                    quantize_graph(full, tmp)
                finally:
                    full.unlink(missing_ok=True)
            else:
                export_graph(model, tmp)
            os.replace(tmp, graph)  # atomic: readers see the whole graph or none
        finally:
            tmp.unlink(missing_ok=True)
    return graph


@cache
def _padded_tokenizer(path: str, max_tokens: int) -> Any:
    """The model's tokenizer with its special tokens, truncated as sentence-transformers does, padded per batch."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(path) / "tokenizer.json"))
    tok.enable_truncation(max_length=max_tokens)
    tok.enable_padding()
    return tok


def _max_tokens(model: Path) -> int:
    cfg = model / "sentence_bert_config.json"
    if cfg.exists():
        value = json.loads(cfg.read_text()).get("max_seq_length")
        if value:
            return int(value)
    return int(json.loads((model / "config.json").read_text()).get("max_position_embeddings", 512))


class OnnxEmbedder(BatchedEmbedder):
    """The local model on ONNX Runtime (CPU), float32 or with int8 weights."""

    def __init__(
        self,
        path: str | Path | None = None,
        batch_size: int = 1,
        quantized: bool = True,
        cache_dir: Path | None = None,
        cache_size: int = 8192,
        workers: int = 0,
    ) -> None:
        super().__init__(path, batch_size, cache_size, workers or usable_cpus())
        self.quantized = quantized
        self.backend = "onnx-int8" if quantized else "onnx"
        self.recipe = RECIPE.tag if quantized else ""
        self.cache_dir = cache_dir
        self.max_tokens = _max_tokens(self.path)

    def _load(self) -> Any:
        import onnxruntime as ort

        graph = ensure_graph(self.path, self.quantized, self.cache_dir)
        options = ort.SessionOptions()
        # Like OMP_WAIT_POLICY=PASSIVE for torch: idle workers sleep instead of spinning, which on a
        # shared 2-core machine keeps them from stalling other threads (and each other).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        if self.workers > 1:
            # Texts run side by side, one thread and one text each: on 2 cores 1.5x the throughput of
            # batches of 16 split over both cores, in 0.7x the CPU time (no padding, no barrier between
            # threads, a text's activations stay in cache); a lone query is as fast (docs/PERFORMANCE.md).
            options.intra_op_num_threads = 1
        return ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])

    def _encode(self, texts: list[str]) -> Any:
        import numpy as np

        session = self.model
        enc = _padded_tokenizer(str(self.path), self.max_tokens).encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        feed = {
            "input_ids": ids,
            "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
            "token_type_ids": np.zeros_like(ids),
        }
        wanted = {i.name for i in session.get_inputs()}  # the exporter drops inputs the graph ignores
        (vecs,) = session.run(["embedding"], {k: v for k, v in feed.items() if k in wanted})
        return vecs.astype(np.float32)
