"""Lists in package leaflets and NIH pages, written for the test about a made-up medicine, Zentrab.

A list reaches the reader as one point: its lead-in once, then its items, each item verified and highlighted in
its source (not "Tell your doctor ... signs of infection: fever." then "...: chills."); a frequency class
("Very common (may affect more than 1 in 10 people)") leads the items under it and is never shown alone; a list
question gets its list whole.
"""

from __future__ import annotations

from bot.cite import HeuristicJudge, verify
from bot.extractive import Candidate, ExtractiveAnswerer, is_referral
from bot.listing import blocks
from bot.question import Entities, analyse
from bot.render import answer_text
from bot.types import Answer, Passage
from bot.units import units
from bot.web.ui import highlighted
from evals.metrics import fact_recall, reading_grade, review_sentences
from tests.fakes import FakeEmbedder

INFECTIONS = (
    "- You might get infections more easily with Zentrab. The following infections have been seen in patients "
    "treated with Zentrab:\n\n"
    "- Very common (may affect more than 1 in 10 people)\n"
    "- sore throat and runny nose (upper respiratory tract infection)\n"
    "- flu\n"
    "- Common (may affect up to 1 in 10 people)\n"
    "- sinus infection\n"
    "- bronchitis (bronchial tube inflammation)\n\n"
    "Some of them might be serious.\n"
)
RISK = (
    "Anyone can get zentritis, but those more likely to get it are people who\n\n"
    "- were born to a mother who had zentritis at the time of the birth of the child\n"
    "- are in contact with blood, needles, or body fluids at work in a hospital or a clinic\n"
    "- live with someone who currently has an active zentritis infection at home with them\n"
    "- have had more than one sex partner in the last 6 months or a sexually transmitted disease\n"
    "- are on kidney dialysis, the process of filtering wastes and extra water from the blood\n"
    "- are taking medicines that suppress the immune system, such as steroids or chemotherapy\n"
    "- have lived in or travel often to parts of the world where zentritis is very common\n\n"
    "Zentritis is an infection of the liver caused by the zentritis virus.\n"
)


class _AdmitAll:
    def admits(self, pick: Candidate, chosen: list[Candidate]) -> bool:
        return True


def test_a_frequency_class_listed_as_an_item_leads_the_items_under_it_and_is_never_shown_alone() -> None:
    """The class was read as one more item ("...: Very common (may affect ...); sore throat ...; flu; Common (...);
    sinus infection ..."), so "how common is flu?" could not be answered from it and the class read as a claim."""
    got = {u.text: u for u in units(INFECTIONS)}
    very = "The following infections have been seen in patients treated with Zentrab — Very common (may affect more "
    common = "The following infections have been seen in patients treated with Zentrab — Common (may affect up to "
    assert f"{very}than 1 in 10 people): sore throat and runny nose (upper respiratory tract infection); flu." in got
    assert f"{common}1 in 10 people): sinus infection; bronchitis (bronchial tube inflammation)." in got
    assert not any("; Common (" in t or "people); " in t for t in got)  # a class is never one of the items
    unit = got[f"{very}than 1 in 10 people): sore throat and runny nose (upper respiratory tract infection); flu."]
    assert unit.items == ("sore throat and runny nose (upper respiratory tract infection)", "flu")
    assert "Very common" in INFECTIONS[unit.start : unit.end] and INFECTIONS[unit.start : unit.end].endswith("flu")


def test_a_passage_opening_inside_a_list_of_plain_lines_reads_them_under_its_section() -> None:
    """A chunk that began after the lead-in of an unbulleted list took its first item for the lead-in of the rest
    ("hives: redness of the face or skin; ...")."""
    text = "hives\n\nredness of the face or skin\n\nwheezing\n\nIf you have a reaction, you will be given medicines.\n"
    got = [u.text for u in units(text, "4. Possible side effects")]
    assert got[0] == "Possible side effects: hives; redness of the face or skin; wheezing."
    assert not any(t.startswith("hives:") for t in got)


def test_a_section_named_by_a_question_is_no_lead_in_for_the_items_a_chunk_opens_with() -> None:
    text = "- Gut - vomiting, diarrhea, cramps\n- Nervous system - dizziness or fainting\n\nCall 9-1-1 if severe.\n"
    got = [u.text for u in units(text, "What is (are) Zentrab allergy ?")]
    assert not any(t.startswith("What is (are)") for t in got), got


def _answer(question: str, passages: list[Passage], audience: str = "patient") -> str:
    answerer = ExtractiveAnswerer(FakeEmbedder(), stop_rule=_AdmitAll())
    return "".join(answerer.generate(question, passages, audience))  # type: ignore[arg-type]


RISK_PAGE = Passage("p1", RISK, "Zentritis (NIDDK)", "Who is at risk for zentritis?", "zentritis.md",
                    audience="patient", dense_score=0.6, rank=1)  # fmt: skip


def test_items_of_one_list_are_one_point_with_the_lead_in_once() -> None:
    """Each long item had been its own point after its own copy of the lead-in."""
    answer = _answer("Are people on kidney dialysis or in contact with blood at work more likely to get zentritis?",
                     [RISK_PAGE])  # fmt: skip
    assert answer.count("those more likely to get it are people who") == 1, answer
    point = next(b for b in blocks(answer) if "people who" in b.body)
    items = " | ".join(point.items)
    assert "kidney dialysis" in items and "blood, needles" in items, answer
    # in the document's order, each item a bullet of its own under the lead-in
    assert items.index("blood, needles") < items.index("kidney dialysis")


def test_a_list_question_gets_every_item_of_its_list() -> None:
    """Five points from one source at most, and the relevance floor, had cut the list short."""
    assert analyse("Who is more likely to get zentritis?", Entities.from_passages([])).wants_list
    answer = _answer("Who is more likely to get zentritis?", [RISK_PAGE])
    for item in ("born to a mother", "blood, needles", "live with someone", "sex partner", "kidney dialysis",
                 "suppress the immune system", "travel often"):  # fmt: skip
        assert item in answer, (item, answer)
    assert answer.count("more likely to get it are people who") == 1, answer


def test_list_questions_are_recognised_by_what_they_ask_for() -> None:
    none = Entities.from_passages([])
    for question in ("Which populations are at increased risk of zentritis?", "Causes of secondary zentritis?",
                     "Which infections are typical with Zentrab?", "What kinds of zentritis are there?"):  # fmt: skip
        assert analyse(question, none).wants_list, question
    assert not analyse("How long does a Zentrab infusion take?", none).wants_list


def _candidate(passage: int, text: str, position: int, score: float, vector: tuple[float, ...]) -> Candidate:
    return Candidate(passage, text, 0, len(text), score, 0.6, vector, frozenset(), position)


def test_a_point_leaning_on_the_sentence_before_waits_for_it_rather_than_being_dropped() -> None:
    """ "Other exceptions are people who have: ..." came up before the sentence it follows and was dropped for
    good, though that sentence was chosen next."""
    lead = _candidate(1, "Everyone 6 months of age and older should get a zentritis vaccine every season.", 0, 1.0,
                      (1.0, 0.0, 0.0, 0.0))  # fmt: skip
    other = _candidate(2, "Other exceptions are people who have: had reactions to the vaccine before; a fever.", 1,
                       0.9, (0.0, 1.0, 0.0, 0.0))  # fmt: skip
    first = _candidate(2, "People with egg allergies should check with their doctors before getting a vaccine.", 0,
                       0.8, (0.0, 0.0, 1.0, 0.0))  # fmt: skip
    chosen = ExtractiveAnswerer(FakeEmbedder(), stop_rule=_AdmitAll()).select(
        [lead, other, first], "patient", ["", "a", "b"], []
    )
    assert [c.text for c in chosen] == [lead.text, first.text, other.text]


def test_a_list_that_says_another_list_and_more_takes_its_place() -> None:
    """The same signs listed in two sections of a leaflet, under two wordings of the lead-in, were both shown."""
    short = _candidate(1, "Tell your nurse straight away if you notice any of these signs of infection: fever or "
                          "chills; cough which does not go away.", 0, 1.0, (1.0, 0.0, 0.0))  # fmt: skip
    longer = _candidate(2, "Tell your nurse straight away if you notice any of these signs of infection during "
                           "treatment: fever or chills; cough which does not go away; cold sores.", 0, 0.9,
                        (0.0, 1.0, 0.0))  # fmt: skip
    other = _candidate(3, "Your nurse will wait until the infection is resolved before giving you Zentrab.", 0, 0.8,
                       (0.0, 0.0, 1.0))  # fmt: skip
    chosen = ExtractiveAnswerer(FakeEmbedder(), stop_rule=_AdmitAll()).select(
        [short, longer, other], "patient", ["", "a", "b", "c"], []
    )
    assert [c.text for c in chosen] == [longer.text, other.text]


SIGNS = (
    "Tell your nurse straight away if you notice any of these signs of infection:\n\n"
    "- fever or chills\n- cough which does not go away\n- cold sores on the lips\n\n"
    "Your nurse will wait until the infection is resolved before giving you Zentrab.\n"
)
SIGNS_PAGE = Passage("p1", SIGNS, "Zentrab leaflet", "Infections", "zentrab.md", audience="patient")


def test_each_item_of_a_list_point_is_verified_and_highlighted_in_its_source() -> None:
    """One span per citation had marked only the lead-in; and an item no passage states rode on the others."""
    judge = HeuristicJudge()
    lead = "Tell your nurse straight away if you notice any of these signs of infection"
    claim = f"{lead}: fever or chills; cold sores [1]."
    out = verify(claim, [SIGNS_PAGE], judge)
    assert out.supported_claims == 1
    quoted = [SIGNS[s:e] for s, e in out.citations[0].spans]
    assert quoted == ["Tell your nurse straight away if you notice any of these signs of infection:",
                      "- fever or chills", "- cold sores on the lips"]  # fmt: skip
    assert "cough" not in " ".join(quoted)  # an item the answer does not show is not marked
    html = highlighted(SIGNS, out.citations[0].span, out.citations[0].spans)
    assert html.count("<mark>") == 3
    shown = answer_text(Answer("q", out.text, "answered", "patient", out.sentences, out.citations))
    assert "“- fever or chills”" in shown and "“- cold sores on the lips”" in shown

    forged = "Tell your nurse straight away if you notice any of these signs of infection: fever or chills; " \
             "cough which does not go away; a purple tongue [1]."  # fmt: skip
    out = verify(forged, [SIGNS_PAGE], judge)
    assert out.supported_claims == 0 and "purple tongue" in out.removed[0].reason


def test_a_list_question_ends_with_its_list() -> None:
    """Points ranked after the whole list were shown too, almost all of them past the answer."""
    page = Passage("p2", RISK.replace("Zentritis is an infection", "Zentritis is a rare infection"), "Zentritis",
                   "About zentritis", "zentritis-2.md", audience="patient", dense_score=0.6, rank=2)  # fmt: skip
    answer = _answer("Who is more likely to get zentritis?", [RISK_PAGE, page])
    last = blocks(answer.rsplit("\n\n", 1)[0])[-1]  # the point before "Talk to your care team"
    assert "people who" in last.body and last.items and "Zentritis is" not in answer, answer


def test_adverse_events_written_as_aes_ask_for_side_effects() -> None:
    """ "Most frequent AEs with ofatumumab?" was read as about nothing in particular and answered with indications."""
    none = Entities.from_passages([])
    assert "side_effects" in analyse("Most frequent AEs with Zentrab in RMS?", none).aspects
    assert "side_effects" not in analyse("How is Zentrab given?", none).aspects


CLASSES = (
    "Very common (may affect more than 1 in 10 people)\n\n"
    "- injection-site reactions, such as redness, pain and swelling where Zentrab was injected\n"
    "- urinary tract infections\n\n"
    "Common (may affect up to 1 in 10 people)\n\n"
    "- oral herpes infections\n"
    "- chest infections\n"
)
CLASS_PAGE = Passage("p1", CLASSES, "Zentrab leaflet", "4. Possible side effects", "zentrab.md", audience="patient",
                     dense_score=0.6, rank=1)  # fmt: skip


def test_a_question_naming_a_frequency_class_is_answered_from_that_class_only() -> None:
    """ "Very common AEs with ofatumumab?" opened with "Common (may affect up to 1 in 10 people): ..."."""
    answer = _answer("Which very common infections may affect people on Zentrab?", [CLASS_PAGE])
    assert "urinary tract infections" in answer and "oral herpes" not in answer, answer
    both = _answer("Which common infections may affect people on Zentrab?", [CLASS_PAGE])  # everyday "common": both
    assert "urinary tract infections" in both and "oral herpes" in both, both


def test_a_short_item_a_chunk_opens_with_is_not_read_under_the_section_name() -> None:
    """ "Possible side effects: oral herpes." stood as a claim (and a fragment to a reader); the chunk before holds
    the item under its own class."""
    text = "- decrease in the blood level of a protein called immunoglobulin M, which helps protect against infection\n"
    text += "- oral herpes\n"
    got = [u.text for u in units(text, "4. Possible side effects")]
    assert "Possible side effects: oral herpes." not in got
    assert any(t.startswith("Possible side effects: decrease in the blood level") for t in got), got


RISK_ITEMS = [line[2:] for line in RISK.splitlines() if line.startswith("- ")]
RISK_LEAD = "Anyone can get zentritis, but those more likely to get it are people who"


def test_a_list_point_is_its_cited_lead_in_then_one_bullet_per_item_read_back_as_one_point() -> None:
    """A list's items were joined by semicolons into one sentence: a wall of text (one 12-item answer read at grade
    59) where a reader scans a list."""
    question = "Who is more likely to get zentritis?"
    out = verify(_answer(question, [RISK_PAGE]), [RISK_PAGE], HeuristicJudge())
    lines = out.text.splitlines()
    assert lines[0] == f"{RISK_LEAD} [1]:", out.text  # the lead-in once, with the point's citation
    assert lines[1 : 1 + len(RISK_ITEMS)] == [f"- {item}" for item in RISK_ITEMS], out.text  # one bullet an item
    # the verifier judged the one point the list makes, each item against the passage, and marks each item
    claim = f"{RISK_LEAD}: {'; '.join(RISK_ITEMS)}."
    assert [s.text for s in out.sentences if s.factual] == [claim]
    assert len(out.citations[0].spans) == len(RISK_ITEMS) + 1
    assert highlighted(RISK, out.citations[0].span, out.citations[0].spans).count("<mark>") == len(RISK_ITEMS) + 1
    # the sentence metrics read one point, no fragment; a lead-in shown without its items is still a fragment
    reviews = review_sentences(out.text, "patient", [question], [r"kidney dialysis"])
    assert [(r.text, r.flags, r.supported_by_pattern) for r in reviews] == [(claim, {}, True)]
    alone = review_sentences(lines[0], "patient", [question])
    assert alone[0].flags.get("fragment_rate") == "list lead-in"
    assert fact_recall(out.text, [r"people who: were born to a mother"]) == 1.0
    # each item read as a sentence of its own, as a reader reads a bulleted list
    grade = reading_grade(out.text)
    close = "Talk to your care team about what this means for you."
    assert grade == reading_grade("\n".join([f"{RISK_LEAD}.", *(f"{item}." for item in RISK_ITEMS), close]))
    assert grade is not None and grade < (reading_grade(claim) or 0) - 10


def test_a_list_point_among_bullets_nests_its_items_and_is_kept_or_removed_whole() -> None:
    """Under a bulleted lead-in the items are nested bullets; the section's heading above a cited lead-in is kept
    (a short line ending in ':' had read as an empty heading); an item no passage states removes the point."""
    lead = "Tell your nurse straight away if you notice any of these signs of infection"
    answer = (f"**Answer:** Your nurse will wait until the infection is resolved before giving you Zentrab [1].\n\n"
              f"**Infections**\n- {lead} [1]:\n  - fever or chills\n  - cold sores on the lips\n")  # fmt: skip
    out = verify(answer, [SIGNS_PAGE], HeuristicJudge())
    assert out.text.splitlines()[2:] == ["**Infections**", f"- {lead} [1]:", "  - fever or chills",
                                         "  - cold sores on the lips"], out.text  # fmt: skip
    assert [s.text for s in out.sentences if s.factual][1] == f"{lead}: fever or chills; cold sores on the lips."
    assert len(out.citations[0].spans) == 4  # the first point's sentence, the lead-in and the two items
    forged = answer.replace("cold sores on the lips", "a purple tongue")
    out = verify(forged, [SIGNS_PAGE], HeuristicJudge())
    assert "tongue" not in out.text and "fever" not in out.text and "Infections" not in out.text, out.text
    assert "purple tongue" in out.removed[0].reason
    # bullets that cite their own sources are points of their own, judged one by one as before
    own = verify(f"- {lead} [1]:\n  - fever or chills [1]\n  - a purple tongue [1]\n", [SIGNS_PAGE], HeuristicJudge())
    assert "fever or chills" in own.text and "tongue" not in own.text


OTHER_EFFECTS = (
    "Very common (may affect more than 1 in 10 people)\n\n"
    "- sore throat and runny nose (upper respiratory tract infections)\n"
    "- chest infections\n\n"
    "Other side effects\n\n"
    "Common (may affect up to 1 in 10 people)\n\n"
    "- low levels of neutrophils, a type of white blood cell\n"
    "- pain in the arms or legs\n"
)


def test_a_question_setting_something_aside_does_not_get_a_list_of_it() -> None:
    """ "any other common side effects besides infections?": the list of infections is what the user sets aside;
    the other list is still a candidate."""
    passage = Passage("p1", OTHER_EFFECTS, "Zentrab (zentrabumab) — Package leaflet", "4. Possible side effects",
                      "zentrab.md", audience="patient", dense_score=0.6, rank=1)  # fmt: skip
    answerer = ExtractiveAnswerer(FakeEmbedder(), stop_rule=_AdmitAll())
    question = "any other common side effects of Zentrab besides infections?"
    analysis, entities = answerer.analysis(question, [passage], [])
    assert analysis.excluded == {"infect"}
    got = [c.text for c in answerer.candidates(question, question, [passage], "patient", analysis, entities)]
    assert any("neutrophils" in t for t in got) and not any("chest infections" in t for t in got), got


def test_a_best_unit_that_leans_on_the_sentence_before_it_leads_with_that_sentence() -> None:
    """ "This can take from six months to two and a half years" answered "how long does B-cell repletion take?"
    best, but could not stand alone, so the answer led with a sentence about another time; the sentence it leans
    on is shown first, then it. Not when that sentence is far below the relevance span, nor itself leaning."""
    before = _candidate(1, "Your blood B-cells will gradually increase to normal levels after Zentrab.", 3, 0.7,
                        (1.0, 0.0, 0.0))  # fmt: skip
    best = _candidate(1, "This can take from six months to two and a half years.", 4, 1.0, (0.9, 0.1, 0.0))
    other = _candidate(2, "You may be asked to stop some medicines for 12 hours before each infusion.", 0, 0.95,
                       (0.0, 0.0, 1.0))  # fmt: skip
    answerer = ExtractiveAnswerer(FakeEmbedder(), stop_rule=_AdmitAll())
    chosen = answerer.select([before, best, other], "patient", ["", "a", "b"], [])
    assert [c.text for c in chosen][:2] == [before.text, best.text]
    far = _candidate(1, before.text, 3, 0.3, before.vector)
    chosen = answerer.select([far, best, other], "patient", ["", "a", "b"], [])
    assert chosen[0].text == other.text


def test_an_answer_does_not_lead_with_whom_to_tell_unless_the_question_asks_it() -> None:
    """Leaflets close their sections with whom to tell ("Tell your doctor before being given Zentrab if you are
    pregnant ..."), and that sentence, naming the question's words, led "how long after exposure do symptoms show
    up?"-like questions above the sentence that answers. A list of signs read with its lead-in states them."""
    tell = _candidate(1, "See a doctor right away if you or a child in your care has symptoms of zentritis.", 0, 1.0,
                      (1.0, 0.0, 0.0))  # fmt: skip
    answer = _candidate(2, "When symptoms occur, they can begin 2 to 5 months after contact with the virus.", 0, 0.9,
                        (0.0, 1.0, 0.0))  # fmt: skip
    other = _candidate(3, "Zentritis is a liver infection caused by the zentritis virus.", 0, 0.3, (0.0, 0.0, 1.0))
    answerer = ExtractiveAnswerer(FakeEmbedder(), stop_rule=_AdmitAll())
    sources = ["", "a", "b", "c"]
    assert answerer.select([tell, answer], "patient", sources, [], referral_asked=False)[0] is answer
    assert answerer.select([tell, answer], "patient", sources, [], referral_asked=True)[0] is tell
    assert answerer.select([tell, other], "patient", sources, [], referral_asked=False)[0] is tell  # 0.7 below
    signs = Candidate(1, "Tell your doctor straight away if you notice any of these signs of infection: fever or "
                         "chills; cough.", 0, 10, 1.0, 0.6, (1.0, 0.0, 0.0), frozenset(), 0,
                      lead="Tell your doctor straight away if you notice any of these signs of infection",
                      items=("fever or chills", "cough"))  # fmt: skip
    why = _candidate(1, "Call your care team if you have diarrhoea that does not stop, because Zentrab can cause "
                        "bowel inflammation.", 0, 1.0, (1.0, 0.0, 0.0))  # fmt: skip
    assert is_referral(tell) and not is_referral(signs) and not is_referral(answer) and not is_referral(why)
    assert answerer.select([signs, answer], "patient", sources, [], referral_asked=False)[0] is signs
