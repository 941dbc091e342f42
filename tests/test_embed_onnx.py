"""The ONNX Runtime backends: vectors match torch float32, graphs are cached by key, an index remembers
its backend, and the query path runs without torch. Integration tests: the real bundled model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import ingest.embed_onnx as embed_onnx
from ingest.embed import SentenceTransformerEmbedder, bundled_model_path, make_embedder, resolve_backend
from ingest.embed_onnx import OnnxEmbedder, ensure_graph, graph_key
from ingest.errors import IndexMismatch
from ingest.index import ChunkStore
from ingest.pipeline import build_stamp, ingest
from ingest.settings import Settings
from tests.fakes import FakeEmbedder

ROOT = Path(__file__).resolve().parents[1]

# Real sentences of different lengths, so one batch is padded (the export must honour the attention mask).
SENTENCES = [
    "Does Ocrevus make a patient immunocompromised?",
    "Ocrelizumab is a humanised monoclonal antibody that depletes CD20-positive B cells.",
    "Shingrix is a recombinant, adjuvanted zoster vaccine given as two doses two to six months apart; "
    "it can be given to adults who are immunosuppressed because it contains no live virus.",
    "Live vaccines should be avoided while B cells are depleted.",
    "MS",
]


@pytest.fixture(scope="module")
def torch_vectors() -> np.ndarray:
    return np.asarray(SentenceTransformerEmbedder(dtype="float32", cache_size=0).embed_documents(SENTENCES))


@pytest.mark.parametrize(("quantized", "floor"), [(False, 0.9999), (True, 0.99)], ids=["onnx", "onnx-int8"])
def test_onnx_vectors_match_torch_float32(
    model_cache: Path, torch_vectors: np.ndarray, quantized: bool, floor: float
) -> None:
    emb = OnnxEmbedder(quantized=quantized, cache_dir=model_cache, cache_size=0)
    got = np.asarray(emb.embed_documents(SENTENCES))
    assert got.shape == torch_vectors.shape
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)
    cos = np.sum(got * torch_vectors, axis=1)
    assert cos.min() >= floor, cos
    assert cos.mean() >= 0.995, cos
    # Alone (no padding) as in the padded batch: the export honours the attention mask, and int8 scales
    # activations per token, so a text's vector does not depend on its batch mates.
    alone = np.asarray([emb.embed_query(s) for s in SENTENCES])
    assert np.sum(alone * got, axis=1).min() >= 0.99999


def test_graph_is_exported_once_and_keyed_by_model_and_exporter(
    model_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = bundled_model_path()
    graph = ensure_graph(model, quantized=False, cache_dir=model_cache)
    mtime = graph.stat().st_mtime_ns
    assert ensure_graph(model, quantized=False, cache_dir=model_cache) == graph
    assert graph.stat().st_mtime_ns == mtime  # reused, not exported again
    key = graph_key(model, quantized=False)
    assert key != graph_key(model, quantized=True)
    int8 = graph_key(model, quantized=True)
    monkeypatch.setattr(embed_onnx, "RECIPE", replace(embed_onnx.RECIPE, float32=("layer.0/output/dense",)))
    assert graph_key(model, quantized=True) != int8  # a new quantisation recipe never reuses an old graph
    assert graph_key(model, quantized=False) == key  # ... and leaves the float32 graph alone
    monkeypatch.setattr(embed_onnx, "EXPORT_VERSION", embed_onnx.EXPORT_VERSION + 1)
    assert graph_key(model, quantized=False) != key  # a new exporter never reuses an old graph


def test_recipe_keeps_named_nodes_float32_and_rejects_unknown_ones(model_cache: Path, tmp_path: Path) -> None:
    import onnx

    fp32 = ensure_graph(bundled_model_path(), quantized=False, cache_dir=model_cache)
    recipe = embed_onnx.QuantRecipe("test", float32=("embeddings", "layer.5/output/dense"))
    embed_onnx.quantize_graph(fp32, tmp_path / "q.onnx", recipe)
    nodes = onnx.load(str(tmp_path / "q.onnx")).graph.node
    float_matmuls = [n.name for n in nodes if n.op_type == "MatMul" and "/attention/self/" not in n.name]
    assert float_matmuls == ["/encoder/encoder/layer.5/output/dense/MatMul"]
    assert sum(n.op_type == "MatMulIntegerToFloat" for n in nodes) == 35
    assert not any(n.op_type == "DequantizeLinear" for n in nodes)  # embedding tables stayed float32
    assert not any(n.op_type == "DynamicQuantizeLinear" for n in nodes)  # per-token, not per-batch, scales
    with pytest.raises(ValueError, match=r"layer\.9/output/dense"):
        embed_onnx.quantize_graph(fp32, tmp_path / "r.onnx", embed_onnx.QuantRecipe("bad", ("layer.9/output/dense",)))


def test_unsupported_model_head_is_a_clear_error(tmp_path: Path) -> None:
    model = tmp_path / "model"
    (model / "1_Pooling").mkdir(parents=True)
    (model / "modules.json").write_text(
        json.dumps(
            [
                {"type": "sentence_transformers.models.Transformer", "path": ""},
                {"type": "sentence_transformers.models.Pooling", "path": "1_Pooling"},
                {"type": "sentence_transformers.models.Dense", "path": "2_Dense"},
            ]
        )
    )
    (model / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_mean_tokens": True}))
    with pytest.raises(embed_onnx.ModelNotExportable, match="CITEBOT_EMBED_BACKEND=torch"):
        embed_onnx.export_graph(model, tmp_path / "out.onnx")


def test_backend_is_chosen_by_name() -> None:
    assert resolve_backend("torch") == "torch" and resolve_backend("onnx") == "onnx"
    assert resolve_backend("auto") in ("onnx-int8", "torch")
    assert make_embedder(Settings(embed_backend="torch")).backend == "torch"
    assert make_embedder(Settings(embed_backend="onnx")).backend == "onnx"
    assert make_embedder(Settings(embed_backend="onnx-int8")).backend == "onnx-int8"


def test_index_built_with_one_backend_refuses_another(settings: Settings) -> None:
    built = FakeEmbedder()
    built.backend = "onnx-int8"
    ChunkStore.open(settings, build_stamp(built), create=True)
    other = FakeEmbedder()
    other.backend = "torch"
    with pytest.raises(IndexMismatch) as err:
        ChunkStore.open(settings, build_stamp(other))
    message = str(err.value)
    assert "embed_backend 'onnx-int8' (now 'torch')" in message
    assert "--rebuild" in message and "CITEBOT_EMBED_BACKEND=onnx-int8" in message
    assert ChunkStore.open(settings, build_stamp(built)).count() == 0  # the same backend still opens it


def test_index_built_with_an_older_int8_recipe_asks_for_a_rebuild(settings: Settings, tmp_path: Path) -> None:
    old = FakeEmbedder()
    old.backend = "onnx-int8"  # stamped before recipes were recorded
    ChunkStore.open(settings, build_stamp(old), create=True)
    new = FakeEmbedder()
    new.backend, new.recipe = "onnx-int8", embed_onnx.RECIPE.tag
    with pytest.raises(IndexMismatch, match=f"embed_recipe None \\(now '{embed_onnx.RECIPE.tag}'\\).*--rebuild"):
        ChunkStore.open(settings, build_stamp(new))
    # The same recipe name with other float32 parts is another graph: its tag differs, so it asks too.
    ChunkStore.open(settings, build_stamp(new), create=True, rebuild=True)
    edited = FakeEmbedder()
    edited.backend = "onnx-int8"
    edited.recipe = replace(embed_onnx.RECIPE, float32=("embeddings",)).tag
    assert edited.recipe != new.recipe and edited.recipe.startswith(embed_onnx.RECIPE.name)
    with pytest.raises(IndexMismatch, match="embed_recipe"):
        ChunkStore.open(settings, build_stamp(edited))
    # An unquantised backend records no recipe, so its indexes from before recipes still open.
    torch = FakeEmbedder()
    torch.backend = "torch"
    other = settings.model_copy(update={"index": tmp_path / "torch-index"})
    ChunkStore.open(other, build_stamp(torch), create=True)
    assert ChunkStore.open(other, build_stamp(torch)).count() == 0


def test_ask_and_search_on_an_onnx_index_never_import_torch(tmp_path: Path, model_cache: Path) -> None:
    settings = Settings(index=tmp_path / "index", data_dir=tmp_path / "data", embed_backend="onnx-int8")
    docs = sorted(p for p in (ROOT / "corpus").rglob("*.md") if p.name != "README.md")[:3]
    emb = make_embedder(settings.model_copy(update={"cache_dir": model_cache}))
    assert ingest(docs, settings, emb, progress=False).chunks_total > 0
    heavy = ["torch", "sentence_transformers", "transformers", "langchain", "langchain_core", "gradio", "fastapi"]
    probe = (
        "import sys\n"
        "from citebot.cli import main\n"
        f"assert main(sys.argv[1:]) == 0\n"
        f"print('LOADED', sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CITEBOT_EMBED_BACKEND": "onnx-int8",
        "CITEBOT_CACHE_DIR": str(model_cache),
        "HF_HUB_OFFLINE": "1",
    }
    for args in (["ask", "Does Ocrevus make a patient immunocompromised?"], ["search", "ocrelizumab infections"]):
        out = subprocess.run(
            [sys.executable, "-c", probe, *args, "--index", str(settings.index)],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=300,
            check=False,
        )
        assert out.returncode == 0, out.stderr[-2000:]
        assert "LOADED []" in out.stdout, out.stdout[-500:]


def test_batches_side_by_side_give_the_same_vectors_in_input_order(model_cache: Path) -> None:
    """workers > 1 runs batches on threads of their own (one ONNX thread each); order, duplicates and
    progress must be what one batch at a time gives."""
    texts = [*SENTENCES, SENTENCES[0], *reversed(SENTENCES)]
    one = OnnxEmbedder(cache_dir=model_cache, cache_size=0, batch_size=2, workers=1)
    two = OnnxEmbedder(cache_dir=model_cache, cache_size=0, batch_size=2, workers=2)
    done: list[int] = []
    got = np.asarray(two.embed_documents(texts, progress=done.append))
    assert np.array_equal(got, np.asarray(one.embed_documents(texts)))
    assert sum(done) == len(texts)
    assert two._pool is not None and one._pool is None
    assert two.embed_documents([]) == []
    assert two.model.get_session_options().intra_op_num_threads == 1
