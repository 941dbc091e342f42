"""Per-aspect retrieval for broad clinician questions (bot/aspects.py), on documents written for the test.

A made-up medicine, Zorvex (zorvimab): five pages say it makes patients immunocompromised, one says when
to vaccinate before starting it. The question's own query ranks the five first; the vaccination page
only comes in through the "before starting treatment" query.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answer import Bot
from bot.aspects import WIDEN, about, aspect_queries, merge, query_stem, subject_of
from bot.llm import LLMAnswerer
from bot.question import Entities, analyse, is_broad
from bot.retrieve import Retriever
from bot.types import Passage
from ingest.settings import Settings
from tests.fakes import FakeEmbedder, scripted_chat_model, small_index

IMMUNE = [
    "Zorvex (zorvimab) makes a patient immunocompromised, and infections are more common on Zorvex.",
    "A patient on Zorvex is immunocompromised: serious infections were reported with Zorvex.",
    "Zorvex lowers antibodies, so a patient on Zorvex is immunocompromised for months.",
    "Is a patient on Zorvex immunocompromised? Yes, Zorvex weakens the defence against infections.",
    "Clinicians should manage a patient on Zorvex as immunocompromised when infections occur.",
]
DOCS = {f"immune-{i}.md": f"# Zorvex and the immune system {i}\n\n{text}\n" for i, text in enumerate(IMMUNE)}
DOCS["vaccines.md"] = "# Vaccines and Zorvex\n\nGive vaccines at least 4 weeks before starting Zorvex treatment.\n"
DOCS["other.md"] = "# Placebin\n\nPlacebin (placebimab) vaccines should be given before starting treatment with it.\n"
QUESTION = "Does Zorvex (zorvimab) make a patient immunocompromised?"


@pytest.fixture
def retriever(tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder) -> Retriever:
    return small_index(tmp_path / "corpus", DOCS, settings, fake_embedder)


def _passage(pid: str, text: str = "", title: str = "") -> Passage:
    return Passage(id=pid, text=text or pid, title=title or pid, section="", source=f"{pid}.md")


ENTITIES = Entities.from_passages([_passage(n, text, text.splitlines()[0].lstrip("# ")) for n, text in DOCS.items()])


def test_a_yes_no_or_definition_question_about_a_medicine_is_broad() -> None:
    assert is_broad(analyse(QUESTION, ENTITIES))
    assert is_broad(analyse("What is zorvimab?", ENTITIES))


@pytest.mark.parametrize(
    "question",
    [
        "How long after the last Zorvex dose should vaccines wait?",  # a timing direction
        "Which side effects does Zorvex have?",  # a list
        "Is Zorvex given every 3 months?",  # a figure
        "What regimen of Zorvex is used off-label?",  # asks for one thing
        "Does it make a patient immunocompromised?",  # names no entity
    ],
)
def test_a_narrow_question_is_not_broad(question: str) -> None:
    assert not is_broad(analyse(question, ENTITIES))


def test_aspect_queries_name_the_medicine_and_the_topic_and_the_question_s_own_aspect_first() -> None:
    passages = [_passage(f"p{i}", text) for i, text in enumerate(IMMUNE)] + [
        _passage("m1", "Zorvex binds a target on B cells."),
        _passage("m2", "Zorvex works by removing B cells; its mechanism is depletion."),
        _passage("t1", "Zorvex is a treatment for a nerve disease."),
        _passage("t2", "Zorvex therapy is a treatment option."),
    ]
    queries = aspect_queries(QUESTION, analyse(QUESTION, ENTITIES), ENTITIES, passages)
    assert all(q.startswith("zorvex zorvimab immunocompromised ") for q in queries)
    # the best evidenced aspect first: the question's own, whose other sides (how often, which infections) its
    # wording does not find
    assert queries[0].endswith("infections and the immune system")
    assert queries[1].endswith("mechanism of action, how it works")
    assert any(q.endswith("before starting treatment") for q in queries)
    assert any(q.endswith("after the last dose") for q in queries)
    assert any(q.endswith("how common it is") for q in queries)  # a medicine's figures: how often it happened
    assert not any("treatment and therapy" in q for q in queries)  # a medicine's treatment is its indication


def test_the_corpus_background_words_stay_out_of_the_aspect_queries() -> None:
    question = "Does a Zorvex infusion make a patient immunocompromised?"
    assert query_stem(question, ENTITIES) == "zorvex infusion immunocompromised"
    # "infusion" on most pages of an infused medicine's corpus pulls every aspect query to the same passages
    assert query_stem(question, ENTITIES, frozenset({"infusion"})) == "zorvex immunocompromised"


def test_a_narrow_question_gets_no_aspect_queries() -> None:
    question = "Which side effects does Zorvex have?"
    assert aspect_queries(question, analyse(question, ENTITIES), ENTITIES, [_passage("a", IMMUNE[0])]) == []


def test_merge_keeps_the_head_adds_each_aspect_s_best_new_passage_first_and_renumbers() -> None:
    main = [_passage(f"m{i}") for i in range(1, 9)]
    per_aspect = [[main[0], _passage("a1"), _passage("a2")], [_passage("b1"), _passage("a1"), _passage("b2")]]
    merged = merge(main, per_aspect, 6)
    assert [p.id for p in merged] == ["m1", "m2", "a1", "b1", "a2", "b2"]
    assert [p.rank for p in merged] == [1, 2, 3, 4, 5, 6]


def test_merge_fills_an_unused_share_from_the_first_ranking() -> None:
    main = [_passage(f"m{i}") for i in range(1, 9)]
    assert [p.id for p in merge(main, [[main[1]]], 4)] == ["m1", "m2", "m3", "m4"]


def test_hits_about_another_entity_are_not_evidence() -> None:
    hits = [_passage("v", DOCS["vaccines.md"]), _passage("o", DOCS["other.md"], "Placebin")]
    subject = subject_of(QUESTION, ENTITIES)
    assert [p.id for p in about(hits, subject, ENTITIES)] == ["v"]


def test_search_many_embeds_the_queries_in_one_batch(retriever: Retriever, fake_embedder: FakeEmbedder) -> None:
    queries = ["Zorvex vaccines before starting treatment", "Zorvex immunocompromised infections"]
    fake_embedder.queries.clear()
    many = retriever.search_many(queries, k=3)
    assert fake_embedder.queries == []  # no one-query embedding calls
    assert [[p.id for p in hits] for hits in many] == [[p.id for p in retriever.search(q, k=3)] for q in queries]


def test_a_broad_clinician_question_retrieves_the_aspect_its_own_query_misses(
    retriever: Retriever, settings: Settings
) -> None:
    bot = Bot(retriever, settings.model_copy(update={"top_k": 1}))
    wide = 4  # the clinician's candidate set: 4 × top_k
    assert "vaccines.md" not in {Path(p.source).name for p in retriever.search(QUESTION, k=wide)}
    clinician = bot.ask(QUESTION, "clinician")
    sources = [Path(p.source).name for p in clinician.retrieved]
    # a broad question reads its aspects' passages beside its own ranking's: a wider set
    assert "vaccines.md" in sources and "other.md" not in sources and len(sources) == round(wide * WIDEN)
    patient = bot.ask(QUESTION, "patient")  # a patient's answer stays short: no per-aspect retrieval
    assert "vaccines.md" not in {Path(p.source).name for p in patient.retrieved}


def test_an_llm_answer_reads_the_first_ranking_s_head_only_so_no_aspect_query_is_run(
    retriever: Retriever, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    model = scripted_chat_model("Zorvex makes a patient immunocompromised [1].")
    bot = Bot(retriever, settings.model_copy(update={"top_k": 1}), LLMAnswerer(model, "fake"))
    fake_embedder.embedded.clear()
    bot.ask(QUESTION, "clinician")
    assert not any(t.endswith("before starting treatment") for t in fake_embedder.embedded)
