"""citebot's evaluation harness: the gold set, metrics, judges, reports and public benchmarks.

Layering: ``evals`` imports ``bot`` and ``ingest``; nothing in ``bot`` or ``ingest`` imports
``evals``, so the harness can measure the product without the product depending on it.

What the citation judge checks (default: the offline ``heuristic`` judge, the same rules the bot's
verifier applies — ``bot.cite.HeuristicJudge`` with the index's embedder):

* every number in the sentence (digits or number words: doses, percentages, intervals) must appear
  in the cited passages' full text;
* the sentence's stemmed content words must be covered by the cited passages (share >= 0.6), or,
  below that, the sentence must be semantically close (cosine >= 0.72) to one passage sentence
  while still sharing at least 35 % of its content words.

Known failure modes: it cannot see a negation flip ("is" vs "is not") or a reversed relation
("A causes B" vs "B causes A"), it accepts a claim stitched together from words that each occur
somewhere in the passage, it rejects a correct paraphrase that uses other words, and because it is
the verifier's own rule set it mostly confirms that verification survived rendering and
renumbering rather than giving an independent verdict. Set ``CITEBOT_JUDGE_LLM`` for an LLM judge
(an independent reader); if that judge fails on a claim the failure is recorded and the heuristic
verdict is used for that claim.
"""
