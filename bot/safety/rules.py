"""The safety layer's rule TABLES: word lists and regular expressions, no matching logic.

How they are applied (strong vs context patterns, hypothetical and past framing, sentence scope) is
in ``bot.safety.match``; docs/SAFETY.md explains both. Patterns run on normalised text: casefolded,
apostrophes removed ("can't" -> "cant"), dashes turned into spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Who is experiencing the symptom. "my husband", "his wife", "the patient", "I", "she" ...
_EXP = (
    r"(?:i|we|he|she|they|someone|somebody|"
    r"(?:my|his|her|their|our)\W+\w+|"
    r"(?:the|this|our)\W+(?:patient|baby|child|kid|person|man|woman|guy|lady|boy|girl))"
)
# Contractions that already carry subject + auxiliary ("I'm", "he's" ...), after apostrophe removal.
# "IM adrenaline" (intramuscular) is not "I'm", nor "the adrenaline dose IM for adult anaphylaxis", "0.5 mg IM"
_EXP_AUX = (
    r"(?:(?<!dose )(?<!doses )(?<!mg )(?<!mcg )(?<!adrenaline )(?<!adrenalin )(?<!epinephrine )(?<!given )(?<!give )"
    r"im(?!\W+(?:adrenaline|adrenalin|epinephrine|injections?|route|glucagon|naloxone|midazolam)\b)|"
    r"ive|hes|shes|theyre|theyve|weve)"
)
_VERB = (
    r"(?:am|is|are|has|have|having|got|getting|gets|feel|feels|feeling|experiencing|experience|"
    r"experiences|developed|developing|started|starting|starts|suffering|keep|keeps|cant|cannot|wont|"
    r"just|suddenly|now|still|seems|looks)"
)
# Words that turn "I have ... <symptom>" into talk ABOUT the symptom rather than having it.
_BLOCK = (
    r"(?:question|questions|asking|ask|asked|read|reading|heard|hear|wondering|wonder|curious|"
    r"worried|worry|worries|concerned|concern|concerns|afraid|scared|fear|fears|risk|risks|chance|"
    r"terrified|nervous|anxious|word|chances|history|report|reports|reported|cases|studies|study|trial|trials|data|info|"
    r"information|diagnosed|had|ever|previous|previously|never|no|not|without|sometimes|"
    r"occasional|occasionally|often|usually|always|every|learn|learned|know|knew|understand|"
    r"explain|mean|means|if|whether|because|seeing|seen|noticed|observed|treated|treating|"
    r"managing|manage|prevent|preventing|avoid|avoiding|lower|reduce|increase|increased|"
    # studying it: "we have an exam on anaphylaxis next week"
    r"exam|exams|osce|osces|viva|quiz|lecture|lectures|tutorial|seminar|revising|revision|essay|assignment|homework)"
)
CUE_BEFORE = re.compile(
    rf"\b(?:{_EXP}\W+(?:(?!{_BLOCK}\b)\w+\W+){{0,2}}?{_VERB}|{_EXP_AUX})"
    rf"(?:\W+(?!{_BLOCK}\b)\w+){{0,4}}\W*$"
)
HYPOTHETICAL = re.compile(
    # a polite "if" frames the message, not the event: "sorry if this is the wrong place to ask. … tonight I've got 39.7"
    r"\b(?:(?<!sorry )(?<!apologies )if(?! (?:this|its|it is|thats) (?:is )?(?:the |a )?(?:wrong|right|silly|stupid|dumb|"
    r"daft|odd) (?:place|question|forum|thing to ask))|in case|whether|what if|suppose|supposing|imagine|hypothetically|whenever|unless|"
    r"when\W+(?:a|an|the)?\W*(?:patient|patients|people|person|someone|somebody|anyone|you|one)|"
    # "what does it look like when a baby is struggling to breathe": any baby, not this one
    r"when\W+(?:a|an)\W+(?:baby|newborn|infant|toddler|child|kid|teenager|adult|elderly person)|"
    # any person, not one: "what are the signs someone is having a heart attack?", "give water to someone having a fit"
    r"(?:signs?|symptoms?|tell|know|sure) (?:that |if |when |whether )?(?:someone|somebody|a person|a patient|people|"
    r"anyone) (?:is|are) |(?:to|for|with|of|in|help|helping|around|near) (?:someone|somebody|anyone|a person) (?:who is |whos |"
    r"thats )?(?:having|who has|with)\b|"
    r"is it (?:dangerous|safe|bad|harmful|possible|risky) to|"
    # a claim checked ("is it true you should never put anything in the mouth of someone having a seizure?") and how
    # best to raise a worry with someone ("the best way to tell a friend you're worried they might be suicidal")
    r"is it (?:true|a myth)|myth that|old wives|(?:best|right|good|gentlest|kindest) way to (?:tell|ask|talk to|approach|"
    r"bring (?:it )?up|raise|say|support))\b"
)
INVERTED_QUESTION = re.compile(r"(?:^|\W)(?:can|could|would|will|might|may|does|do)\W+\w+")
PRESENT_ANYWHERE = re.compile(
    r"\b(?:right now|just now|at the moment|as we speak|this minute|ongoing|in progress|"
    r"for (?:the )?(?:last |past )?(?:about |over |almost |a few |several |\d+ |ten |twenty |thirty |an? )?"
    r"(?:minutes?|mins?|hours?)|"
    r"since (?:this morning|an hour ago|(?:\w+ ){0,2}?minutes? ago)|"
    r"started (?:\w+ ){0,2}?(?:minutes?|mins?|an hour) ago)\b"
)
# "still" in "can I still take it" / "is it still safe" is not a present-time marker.
# "watched a documentary about anaphylaxis and now wants us both to carry antihistamines": "now" before what someone
# wants, thinks or fears tells what the story led to, not a sign in the present.
PRESENT_AFTER = re.compile(
    r"^(?:\W+\w+){0,6}?\W+(?:now|currently)\b(?! (?:(?:hes|shes|im|i|he|she|we|they|theyre|were|my \w+|(?:he|she|i) (?:is|am)) )?"
    r"(?:wants?|wanted|wonders?|wondering|worries|worrying|worried|thinks?|thinking|asks?|asking|keeps? (?:asking|worrying|"
    r"thinking|talking)|(?:get|gets|am|is|are|feel|feels) (?:\w+ )?(?:scared|worried|nervous|anxious|paranoid|curious)|"
    r"scared|afraid|terrified|nervous|anxious|paranoid|curious|cant stop thinking|planning|plans?|insists?)\b)"
)
# Talk ABOUT symptoms: suppresses the broad NARRATIVE rules below (never the strong or suicidal ones).
INFORMATIONAL = re.compile(
    r"\b(?:signs?|symptoms?|warning|side effects?|adverse|listed|labelled|trials?|studies|"
    # what the leaflet told the writer to do is an instruction weighed, not talk about symptoms: "tonight I've got a
    # temperature of 38.4 … the leaflet said something about calling"
    r"(?:leaflet|label)(?! (?:said|says|told (?:me|us)) (?:\w+ ){0,3}?(?:call|calling|ring|ringing|phone|phoning|"
    r"contact|contacting|go to|going to|get help|a ?e|999|111|112|911|hospital))|"
    r"what (?:is|are|causes?|does|happens)|how (?:common|often|likely|is|are|do you|does one|to|can you tell)|"
    r"can (?:ocrevus|kesimpta|briumvi|shingrix|it|this|ocrelizumab|ofatumumab|ublituximab) cause|"
    r"(?:does|do|will|would|could) (?:ocrevus|kesimpta|briumvi|shingrix|it|ocrelizumab|ofatumumab) (?:cause|make|lead)|"
    r"difference between|recogni[sz]e|tell (?:if|whether|the difference)|first aid|risk of|chance of|at risk|risk for|"
    r"who (?:is|are|gets(?! (?:her|his|my|their|our|the) ))|inherited|genetic|survival|survive|survives|prognosis|statistics|how many (?:people|patients)|"
    r"out of curiosity|curious|(?:more|less) likely|different things|mix(?:ing|es)? (?:\w+ )?up(?! (?:my |his |her |their )?words)|"
    # why a group is so ("why do people with diabetes sometimes smell of pear drops?"), and school work ("asking for a
    # biology project")
    r"why (?:do|does|is|are|would|can|might|did) (?:some |many |most )?(?:people|someone|a person|patients|diabetics|"
    r"children|kids|babies|adults|women|men|you|one)|(?:for|doing) (?:a|an|my|our|his|her) (?:\w+ )?(?:project|homework|"
    r"assignment|essay|dissertation|coursework|presentation)|"
    r"in general|typically|usually|general question|meme|joke|joking|"
    # teaching and courses: "Teaching question: where does a non-blanching rash sit in the traffic light table?", "red
    # flags for cauda equina to cover on our back-pain course"
    # (not "on a course of antibiotics", "on the golf course", "he has the red flags of sepsis": a teaching word asks)
    r"teaching (?:question|session|point|slides?)|(?:what|which) (?:\w+ ){0,2}?red flags?|"
    r"(?:to|we|should we|do we|i) (?:cover|teach|include|put) (?:\w+ ){0,3}?(?:on|in) (?:our|the|a|my|this) (?:\w+ ){0,3}?"
    r"(?:course|module|study day|training day|training session|teaching session)|"
    # a reference question: "what criteria define status epilepticus?", "standard adult dose … per guidelines?"
    r"criteria|define|defines|defined|definition|guidelines?|protocols?|"
    r"(?:per|according to|in line with) (?:the )?(?:\w+ ){0,3}?(?:bnf|nice|guidance|guidelines?|protocols?|policy)|"
    r"standard (?:adult |paediatric |pediatric |child )?(?:dose|dosing|management|treatment)|"
    # evidence and comparisons, and learning what to do: "evidence for tranexamic acid in PPH", "heart attack vs cardiac
    # arrest", "which is which", "best way to learn CPR"
    r"evidence (?:for|on|behind|base|that)|literature|vs|versus|which is which|management of|"
    # "people keep using heart attack and cardiac arrest as if they're the same thing": words compared
    r"(?:are|is|as if) (?:they|it|theyre|its|them) (?:\w+ )?(?:the )?same(?: thing)?|"
    r"(?<!asking )(?<!asks )(?<!saying )(?<!says )(?<!repeating )(?<!repeats )the same thing|"
    r"(?:learn|learning|teach|teaching|taught|course|class|training|trained) (?:\w+ ){0,2}?(?:cpr|first aid|resus\w*|bls|ils|als)|"
    # "the manager asked us to learn what to do when a customer is choking"
    r"(?:learn|learning|teach|teaching|taught|training|trained) (?:\w+ ){0,2}?(?:what to do|how to (?:help|deal|handle|respond))|"
    # a story read or heard: "I read about a footballer who collapsed with cardiac arrest. How common is that?"
    r"(?:read|heard|seen|saw) (?:\w+ )?(?:about|an article|a story|a news|a report|in the (?:news|paper|papers))|"
    r"in the news|news (?:story|article|report)|"
    # a story on screen or in a book: "just been watching Casualty and someone had an overdose …, why does that happen"
    r"(?:watching|watched|saw|seen|on|in) (?:\w+ ){0,2}?(?:tv|telly|television|film|movie|programme|program|show|"
    r"documentary|series|soap|drama|episode|casualty|holby|holby city|greys anatomy|greys|hospital drama|medical drama|novel|"
    r"podcast))\b"
)
PAST = re.compile(
    r"\b(?:ago|yesterday|last (?:night|week|month|year|time|infusion|dose)|in the past|previously|"
    r"history of|used to|years|months|as a child|childhood|as a (?:kid|baby|toddler|teenager|teen))\b"
)
# Long past: "years ago", "last year", "as a child" (an hour ago is still now for an overdose).
LONG_PAST = re.compile(
    r"\b(?:years?|months?|weeks?) ago\b|"
    # a span up to now ("in the last week I've started bumping into things", "over the past few days") is not long past
    r"\b(?<!in the )(?<!over the )(?<!for the )(?<!during the )(?<!within the )(?<!in )(?<!for )(?<!over )(?:last|a) "
    r"(?:year|month|week)\b|\b(?:in the past(?! (?:few |couple of |\d+ |two |three |several )?(?:days?|weeks?|hours?|month))|"
    r"previously|history of|"
    r"used to|as a child|childhood|as a (?:kid|baby|toddler|teenager|teen|youngster|little (?:boy|girl|one))|"
    # non-native "had the stroke two years before, now he is walking again": "before" for "ago", not "before he …"
    r"(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|many|some|few) (?:years?|months?) before"
    r"(?! (?:the|a|an|my|his|her|their|our|he|she|i|we|they|it|that|this|you)\b)|"
    r"when (?:he|she|they) (?:was|were) (?:little|small|a baby|a kid|a child|a toddler)|"
    # "my chest gets a bit wheezy in the cold, has done since I was a kid"
    r"since (?:i|he|she|they|we) (?:was|were) (?:little|small|young|a baby|a kid|a child|a toddler|a teenager|a teen)|"
    r"since childhood|"
    # a complaint long-standing, not new: "my chest gets tight on the stairs, has done for years"
    r"(?:has|have|had) done (?:so |this |that )?for (?:years|decades)|(?:been )?like (?:this|that) for (?:years|"
    r"decades)|for (?:many |several )?(?:years|decades) now|"
    r"once had|back in|when i was|last (?:infusion|dose|time(?! (?:you|youll|you will|anyone|ill|i will) (?:ever )?see))|(?:fine|ok|okay|better|"
    r"all right|alright) now|went away|settled|resolved|recovered|(?:i|he|she|we|they) once|"
    r"in (?:january|february|march|april|may|june|july|august|september|october|november|december)|"
    r"came back (?:completely|fully|to normal)|back to (?:normal|(?:his |her |their |my )?baseline))\b"
)
# A long-past marker is background when the message then moves to the present: "diagnosed last year and I've been
# throwing up all day", "Last year he had a fall. This afternoon he hit his head". Resolution words ("went away",
# "fine now") are never background.
PRESENT_ANCHOR = re.compile(
    r"\b(?:today|tonight|this (?:morning|afternoon|evening|week)|all day|since (?:this morning|last night|yesterday)|"
    r"(?:an|half an|about an|\d+|a few|few|a couple of|couple of|two|three|ten|twenty) (?:minutes?|mins|hours?|hrs) ago|"
    r"right now|at the moment|currently|just now|by the hour|now (?:hes|shes|im|theyre|he is|she is|i am|its|he|she|i|"
    r"his|her|my) (?:\w+ ){0,2}?(?:getting|started|starting|having|been|vomit\w*|keeps?|cant|wont|not|can only|is|are|has)|"
    # clinical shorthand moving a story to the present: "started ramipril last week, now coarse tremor, vomiting, confused"
    r"now (?:a |an )?(?:coarse|vomit\w*|confus\w*|drowsy|unresponsive|shaking|shaky|wobbly|unsteady|ataxic|slurr\w*|"
    r"breathless|wheez\w*|jerk\w*|twitch\w*|febrile|pyrexial|hypotensive|tachycardic|sweaty|clammy|grey|floppy|fitting))\b"
)
RESOLVED = re.compile(
    r"\b(?:(?:fine|ok|okay|better|all right|alright) now|went away|settled|resolved|recovered|"
    # it passed with a treatment or a rest: "hives and a swollen lip, and it went with antihistamine"
    r"(?:it|they|that|the \w+) went (?:down |off )?(?:with|after) (?:a |an |some |the |his |her |my )?\w+|"
    # a diagnosis that settled it: "it turned out he'd just fainted", "turned out to be only a panic attack"
    r"turn(?:ed|s) out (?:to be |it was |its |(?:hed|shed|id|theyd|he|she|i|they) (?:had |was |were )?)(?:just|only|nothing)"
    r"(?! (?:taken|swallowed|drunk|eaten|overdosed|injected|had (?:a|an) (?:stroke|seizure|fit|heart attack)))|"
    r"came back (?:completely|fully|to normal)|back to (?:normal|(?:his |her |their |my )?baseline))\b"
)
# "now wheezy", "now very drowsy": "now" just before the symptom places it in the present.
PRESENT_BEFORE = re.compile(r"\bnow\W+(?:(?:very|really|so|more|getting|quite|a bit)\W+)?$")
# "now stable", "now 3 years without one": a long-past event that has settled, not a present marker.
RESOLVED_NOW = re.compile(
    r"\bnow (?:stable|fine|well|ok|okay|settled|controlled|seizure free|(?:\d+|one|two|three|four|five|six) "
    r"(?:years?|months?))\b|"
    # "she is good now", "now she is good", "now is better", "now no more", "hes 4 now", "doing great", "died of"
    r"\b(?:fine|ok|okay|good|well|better|great|normal|healthy) now\b|\bnow (?:(?:hes|shes|im|he is|she is|i am|its|it is|is|"
    r"they are|theyre) (?:\w+ )?)(?:good|fine|ok|okay|well|better|great|normal|healthy|recovered|back to normal)\b|"
    r"\bnow no more\b|"
    # "now he is walking again and good": back to what the illness took away
    r"\bnow (?:hes|shes|im|he is|she is|i am|they are|theyre) (?:walking|talking|working|driving|running|eating) "
    r"(?:again|normally)\b|"
    r"\b(?:hes|shes|im|he is|she is|i am) (?:\d+|two|three|four|five|six|seven|eight|nine|ten) (?:years old )?now\b|"
    r"\b(?:doing|done) (?:great|well|fine|brilliantly)\b|\bnever had (?:another|one since|it again|any more)\b|"
    r"\b(?:died|passed away) (?:of|from)\b"
)
# The whole message says the event is over ("it went away after he sat up … today he's fine"): a plain-words
# description (a narrative rule) is then history, unless something places it in the present.
SETTLED_MESSAGE = re.compile(
    r"\b(?:(?:hes|shes|im|i am|he is|she is|theyre|were|its|it is|all) (?:\w+ )?(?:fine|ok|okay|better|back to normal) "
    r"(?:now|today)|(?:today|now) (?:hes|shes|im|he is|she is|i am|theyre|its) (?:\w+ )?(?:fine|ok|okay|better)|"
    r"went away|passed (?:after|within)|came back (?:completely|fully|to normal)|"
    # a mild present picture said outright: "no other symptoms", "playing and eating like normal", "its stopped now"
    r"(?:i|he|she|they) (?:feel|feels|seem|seems) (?:completely |totally |absolutely )?fine(?! but)|no other symptoms|"
    # "they checked me over and I've been totally fine since"
    r"(?:been|felt|feeling) (?:completely |totally |absolutely |perfectly )?(?:fine|ok|okay|well|normal) (?:ever )?since"
    # … unless the story then moves on: "He's been fine since. This evening he started with chest pressure"
    r"(?!.*\b(?:today|tonight|this (?:morning|afternoon|evening)|now|started|starting|suddenly|just)\b)|"
    r"(?:playing|eating|feeding|weeing) (?:\w+ ){0,3}?(?:like )?(?:normal|normally|fine)|(?:its|it has|has) stopped now|"
    # fine again soon after, reassured after a check, a brief pain that passes, survived
    r"(?:was|were) (?:\w+ )?(?:fine|ok|okay|normal|back to normal) (?:straight away|again|afterwards|after|within|by)|"
    r"without (?:any )?problems|(?:ecg|ekg|scan|tests?|bloods?|x ray|ct) (?:\w+ )?(?:was|were|came back) (?:all )?"
    r"(?:normal|fine|clear)|(?:said|says|say|told (?:me|us|him|her)) (?:(?:it was|its|it is|is|was) )?(?:the |just )?"
    r"(?:muscle|muscular|nothing|viral|anxiety|a panic attack)|(?:then|and) it (?:goes|passes|stops|settles)"
    r"(?: away| off)?(?! (?:down|into|to|up|through|round|across|worse))|"
    r"(?:he|she|they|i|and) survived)\b"
)
# A few days back ("on Sunday", "the other day", "last weekend", "3 days ago"): not long past for one sentence's
# rules, but the start of a story when the message also says it ended well (``SETTLED_MESSAGE``).
STORY_PAST = re.compile(
    r"\bon (?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(?:the other|a few|two|three|four|five|\d+|couple of) days? "
    r"(?:ago|back)\b|\b(?:the other|earlier this|last) (?:day|weekend|week)\b|\bat the weekend\b"
)
# A story in a book, play or film ("My book club is reading a novel where a character has a stroke. The author describes
# her face drooping"): with nothing in the present, the signs are the story's, not the writer's.
FICTION = re.compile(
    r"\b(?:book club|radio play|screenplay|short story|"
    r"(?:reading|read|writing|wrote|write|writing) (?:a|an|the|my|our|this) (?:\w+ )?(?:novel|book|story|play|script)|"
    r"(?:novel|book|story|play|script|film|movie|episode) (?:where|in which)|"
    # non-native "in the film the man have the heart attack and they use the machine with electricity, how it work?"
    r"in (?:the|a|this|that) (?:film|movie|cartoon|tv show|series|episode|soap|novel|book|play) (?:\w+ ){0,2}?"
    r"(?:the|a|an|one|this) (?:man|woman|boy|girl|character|guy|lady|doctor|nurse|hero|actor|actress)\b|"
    r"(?:a|the|main|one) character (?:who|in|has|had|with|is|was|gets|goes|takes|dies|collapses)|"
    r"the (?:author|writer|narrator) (?:describes|writes|says))\b"
)
# A past event told, then a question about being ready next time ("Someone near us collapsed last weekend … Are there
# short courses for ordinary people?", "turned out it was apple skin … what should I know about choking for next time"):
# with the event placed in the past and nothing in the present, the question is about learning, not an emergency now.
LESSON_QUESTION = re.compile(
    r"\b(?:for (?:the )?next time|next time (?:it|this|that|something|someone|he|she|i|we)|in (?:the )?future|"
    r"(?:if|when|in case) (?:it|this|that) (?:ever )?(?:happens|happened) again|(?:short |first aid |cpr |life support )?"
    r"courses?|classes|be (?:better )?(?:prepared|ready)|(?:where|how) (?:can|could|do|should) (?:i|we) learn)\b"
)
# The message itself says the alarming words are said in jest or loosely ("she's laughing when she says it", "language
# like that", "as a joke"): a third person's "wants to die" is then a figure of speech to talk about, not intent. Never
# for a first-person statement (the ``always`` rules), nor when the message says it is not a joke.
JEST = re.compile(
    r"\b(?<!not )(?<!isnt )(?<!wasnt )(?<!stopped )(?:laughing|laughs|laughed|giggling|joking|jokes|joked|as a joke|jokingly|"
    r"(?:big |an |with an )?eye ?roll(?:s|ing)?|rolls? (?:her|his|their) eyes|(?:just|pure|typical|teenage) drama|"
    r"figure of speech|just an expression|(?:language|words|phrases?|things) like that|being dramatic|drama queen|"
    r"doesnt mean it|does not mean it|not serious(?:ly)?)\b"
)
# An attempt told as long past ("Two years ago I tried to end my life and I'm doing well now"): in a story that ended well
# (``RESOLVED_NOW``, nothing in the present) the suicidal words are history, even in the first person; read just before
# the suicidal rule's match.
PAST_ATTEMPT = re.compile(r"\b(?:tried|attempted) to $")
# Someone else's first-person words, reported ("my brother say 'I will kill myself if my team lose again' haha, he is
# joking"): with ``JEST`` they are a figure of speech to ask about, even in the first person. Never the writer's own.
REPORTED_SPEECH = re.compile(
    r"\b(?:he|she|they|(?:my|his|her|our|their) \w+) (?:\w+ )?(?:says?|said|saying|keeps? saying|texted|posted|wrote|"
    r"tells? (?:me|us|everyone)|told (?:me|us)|goes) (?:that )?(?:i|im|ill|id) (?:will |am going to |going to |want to |wanna |gonna |"
    r"could |would |just )?(?:kill|end|die|hurt)\b"
)
# A breathing sign that recurs over days ("wheezy at night this week", "short of breath on and off for a few days"): a
# bare breathing word then asks about control (a reliever, a dose), not an airway closing now; it silences the context
# rules of the breathing signs (``anaphylaxis_word``) only, never a strong or narrative rule nor a present marker.
RECURRING = re.compile(
    r"\b(?:at night|every night|most nights|(?:in the |every )mornings?|this week|for (?:a few|several|\d+|two|three|four) "
    r"(?:days|nights|weeks)|(?:all|the whole) week|lately|on and off|off and on)\b"
)
URGENT = re.compile(
    r"(?:^\W*help\b|\bhelp\s*!|\bhelp me\b|\bplease help\b|\b(?:someone|somebody|anyone) help\b|"
    r"\bhelp us\b|\bcan (?:someone|somebody|anyone|you) help\b|\bneed help (?:now|fast|asap)\b|"
    # "should I take an aspirin or just call 999?": one option of a question, not a call for help now
    r"(?<!\bor )(?<!\bor just )(?<!\bor should i )\bcall(?:ing)? (?:911|112|999|an ambulance)\b|\bhurry\b|\bsos\b)"
)

_POSS = r"(?:my|his|her|their|our|the patients|(?:my|his|her|our) \w+s)"


# Fever, and the signs that make a fever on an immunosuppressant an emergency (whole-message clusters).
_FEVER = (
    r"(?:(?<!hay )(?<!cabin )fever|feverish|febrile|temperature|temp of|high temp|burning up|burning hot|boiling hot|boiling|very hot|"
    r"really hot|so hot|(?:hes|shes|im|is|feels) (?:very |really |so )?hot|pyrexial|3[89](?:\.\d)?(?! ?%) ?(?:c|degrees)?|4[01](?:\.\d)?(?! ?%) ?(?:c|degrees)?|10[2-5] ?(?:f|degrees))"
)
_MENINGITIS_SIGN = (
    r"(?:stiff neck|neck (?:is )?(?:so |very )?stiff|wont (?:bend|move) (?:his|her|my) neck|light hurts|hurts (?:her|his|my) "
    r"eyes|cant (?:bear|stand) the light|photophobia|"
    # the glass test in lay words: "little dark red spots that don't fade when I press on them"
    r"(?:rash|spots|dots|marks|blotches) (?:on (?:the |his |her )?skin )?(?:that )?(?:doesnt|does not|wont|dont|do not|not) "
    r"(?:fade|go away|disappear)|"
    r"purple (?:spots|stains|dots|rash)|non blanching|bruise like (?:dots|spots))"
)
_SEPSIS_SIGN = (
    r"(?:confused|confusion|muddled|not making sense|without sense|no sense|talking nonsense|drowsy|very sleepy|"
    r"nodding off|hard to wake|cant keep|wont wake|mottled|blotchy|breathing (?:really |very )?(?:fast|hard)|racing|"
    r"shaking (?:violently|uncontrollably|so hard)|cant stop (?:shaking|shivering)|teeth (?:are )?chattering|rigors|not peeing|peeing hardly|hardly peeing|no urine|clammy|hypotensi\w*|"
    r"tachycardic|dying|delirious|unresponsive|blue|pass out|passed out|faint|seeing double|(?:so|too|very) weak|"
    r"chemo|chemotherapy|neutrophils|anc|clozapine|"
    r"cant (?:get up|stand up|stand)|"
    r"(?:[5-9]\d|1\d\d) ?(?:/|over) ?[3-5]\d|pressure (?:is )?(?:very |really )?low|(?:bp|blood pressure) (?:is )?(?:very |really )?low)"
)


# Pregnancy and the signs that make it an emergency (whole-message clusters, like the fever ones).
_PREGNANT = (
    r"(?:pregnant|expecting|gestation|primip|multip|in labou?r|waters? (?:have |has )?(?:broken|broke|went|gone)|"
    r"\d{2} ?/ ?40|\d{2} weeks? (?:\w+ )?(?:pregnant|gone|along))"
)
_OBSTETRIC_SIGN = (
    r"(?:(?<!light )(?<!slight )(?<!little )(?<!of )(?<!some )(?<!spotting and )(?<!gums are )(?<!gums )(?<!nose )"
    r"bleeding(?! a bit| a little| slightly| gums| when)|bleeding heavily|"
    r"seizure|fit|fitting|convuls\w*|cord|(?:terrible|severe|awful|agonising|agonizing|excruciating|unbearable|really bad) "
    r"(?:\w+ )?pain|worst headache|flashing lights|(?:cant|cannot) feel (?:the )?baby|baby (?:isnt|is not|hasnt|has not|"
    r"stopped) moving|fhr (?:decel\w*|drop\w*))"
)
# Diabetes, and a sign of a hypo or DKA that a bystander sees (acting drunk, not making sense, fruity breath ...).
_DIABETIC = (
    r"(?:diabetic|diabetes|type 1|type one|t1dm|t1d|on insulin|takes insulin|her insulin|his insulin|my insulin)"
)
_DIABETES_SIGN = (
    r"(?:acting drunk|seems drunk|not making sense|slurr\w*|confused|unresponsive|fruity|nail polish|pear drops|"
    r"ketones|breathing (?:really |very )?(?:deep\w*|fast)|drowsy|wont wake|cant wake|fitting)"
)
# A blow to the head, and what makes it an emergency (vomiting, repeating, drowsy, an anticoagulant, ...).
_HEAD_HIT = (
    r"(?<!didnt )(?<!did not )(?<!never )(?<!not )(?:(?:hit|banged|bumped|smacked|knocked|struck|cracked) (?:\w+ ){0,4}?head|head (?:injury|knock|trauma)|knocked out|"
    r"fell (?:\w+ ){0,4}?(?:and|hitting|onto|on) (?:\w+ ){0,3}?head)"
)
_HEAD_FLAG = (
    r"(?:vomit\w*|been sick|thrown up|threw up|throwing up|same question|repeating (?:himself|herself|themselves)|"
    r"keeps asking|(?:asking|saying|repeating) the same (?:thing|question)|drowsy|confused|wont wake|cant wake|unequal|pupils|clear fluid|(?<!not on )(?<!no )blood thinners?|anticoagula\w*|apixaban|"
    r"rivaroxaban|warfarin|edoxaban|dabigatran|eliquis|xarelto|fitting|seizure|(?:killer|worst|bad|severe|terrible) headache|"
    r"headache (?:is )?getting worse|seeing double|double vision)"
)


# Affairs put in order, or belongings handed out: "who gets her jewellery" sorted, the dog given to a neighbour
_AFFAIRS = (
    r"(?:(?:put|putting|puts|sorted|sorting|sorts|got|getting|gets) (?:\w+ )?(?:affairs|things) in order|"
    r"(?:sorted|sorting|decided|deciding|worked|working) (?:out )?who (?:gets|will get|should get|is getting|is having) "
    r"(?:her|his|my|their) \w+|giv(?:ing|en|e) (?:away )?(?:the|my|his|her|their) (?:dog|dogs|cat|cats|pets?|puppy|kitten) "
    r"(?:away|to)|"
    # a treasured possession handed over: "gave me her grandmother's ring", "gave his gaming PC to his cousin"
    r"(?:gave|given|giving|give) (?:away )?(?:(?:me|him|her|us|them|(?:my|his|her|their) \w+) )?(?:my|his|her|their) "
    r"(?:\w+s )?(?:\w+ )?(?:ring|rings|watch|jewellery|jewelry|necklace|guitar|medals|collection|gaming pc|pc|laptop|"
    r"console|playstation|xbox|games|bike|car|tools|records|vinyl|savings)\b(?! (?:back|for (?:repair|a (?:service|clean)))))"
)
# "cannot swallow tablets, so we have the syrup": a pill too big to swallow is no airway sign
_NOT_A_PILL = r"(?! (?:\w+ )?(?:tablets?|pills?|capsules?|caps|meds|medicines?|medication|them whole|it whole))"
# Not a thing poison centres call non-toxic in a mouthful ("accidentally swallowed some toothpaste"): a lookahead
# after a verb of swallowing by mistake.
_NOT_NON_TOXIC = (
    r"(?! (?:\w+ ){0,3}?(?:toothpaste|chewing gum|gum|silica gel|crayons?|play ?doh|playdough|sand|bath water|"
    r"pool water|water|ice|a (?:bit|piece) of (?:paper|crayon))\b)"
)


@dataclass(frozen=True)
class Rule:
    """One red-flag pattern; ``strong`` means it carries its own first-person present framing."""

    category: str
    name: str  # reported in ``Answer.safety.rule`` as "<category>.<name>"
    pattern: re.Pattern[str]
    strong: bool
    always: bool = False  # fire even inside a hypothetical (first-person suicidal statements)
    narrative: bool = False  # a lay description: fires unless hypothetical OR informational (``INFORMATIONAL``)
    whole_message: bool = False  # a cluster of signs that may sit in different sentences ("Fever. Now drowsy.")


# the two signs of the bladder rule below, which may come in either order
_BACK_OR_LEGS = r"(?:back pain|bad back|sciatica|legs? (?:\w+ ){0,2}?(?:weak|numb|gone|giving way))"
_BLADDER_UNFELT = (
    r"(?:cant|cannot|couldnt) (?:tell|feel|know) (?:if|when|whether) (?:i|he|she|they) (?:need|needs|needed) "
    r"(?:a wee|to wee|a pee|to pee|to go|the toilet|to urinate)"
)


def _rule(category: str, name: str, pattern: str, *, strong: bool, always: bool = False) -> Rule:
    return Rule(category, name, re.compile(pattern), strong, always)


def _narrative(category: str, name: str, pattern: str, *, whole_message: bool = False) -> Rule:
    return Rule(category, name, re.compile(pattern), strong=True, narrative=True, whole_message=whole_message)


EMERGENCY_RULES: tuple[Rule, ...] = (
    # ---- suicidal / self-harm
    _rule(
        "suicidal",
        "kill_myself",
        r"\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting) myself\b"
        # a cut by accident: "if I cut myself on a rusty nail", "cut myself shaving", "cutting myself with the bread knife"
        r"(?! (?:on (?:a|an|the|some|my|broken)|shaving|while|when (?:cooking|chopping|"
        r"shaving|gardening)|by accident|accidentally|with (?:a|the|my) (?:\w+ )?(?:knife|razor|scissors|tin|can|glass|saw)\b "
        r"(?:\w+ ){0,3}?(?:cooking|chopping|cutting|opening|making|gardening)))",
        strong=True,
        always=True,
    ),
    _rule(
        "suicidal",
        "end_my_life",
        # "take it all in the morning instead of split" is a dose moved within the day, not "end it all"
        r"\b(?:end|ending|take|taking) (?:my|it) (?:own )?(?:life|all)\b"
        r"(?! (?:in the (?:morning|evening)|in one (?:dose|go)|first thing|instead|with (?:food|breakfast)))"
        # "can I take it all at night instead of the morning": a time of day instead of another
        r"(?! (?:at (?:night|bedtime|breakfast|lunch|lunchtime|dinner|teatime|tea)|before bed) (?:instead|rather than))"
        # "I didn't take it all in" (what the pharmacist said): understanding, not intent
        r"(?! in\b(?! (?:the|a|an|one|my|his|her|bed|\d+)\b))",
        strong=True,
        always=True,
    ),
    _rule(
        "suicidal",
        "i_want_to_die",
        r"\b(?:i|im|i am)\W+(?:\w+\W+){0,2}?(?:want|wanna|wish|going|gonna|ready|planning|plan|need) "
        r"(?:to )?(?:die|be dead|not be alive|not wake up)\b",
        strong=True,
        always=True,
    ),
    _rule(
        "suicidal",
        "dont_want_to_live",
        r"\b(?:i|we)\W+(?:\w+\W+)?(?:dont|do not|no longer) (?:really |even |actually )?want to (?:live|be alive|be here|"
        r"wake up|go on)\b",
        strong=True,
        always=True,
    ),
    _rule(
        "suicidal", "better_off_dead", r"\b(?:im|i am|i feel|i would be) better off dead\b", strong=True, always=True
    ),
    _rule(
        "suicidal",
        "no_reason_to_live",
        r"\bno (?:reason|point) (?:to|in) (?:live|living|go on|going on)\b",
        strong=True,
    ),
    _rule(
        "suicidal",
        "third_person_self_harm",
        r"\b(?:wants?|wanted|going|gonna|planning|trying|tried|threatening|threatened|talking about|talks about|"
        r"thinking about|thinks about|says he wants|says she wants) (?:to )?(?:kill|hurt|harm) (?:himself|herself)\b",
        strong=True,
    ),
    _rule(
        "suicidal", "third_person_wants_to_die", r"\b(?:he|she|they|my \w+) (?:\w+ ){0,2}?wants? to die\b", strong=True
    ),
    _rule(
        "suicidal",
        "suicidal_word",
        r"\b(?:suicidal|suicide|self harm|self harming|selfharm|harming (?:myself|himself|herself))\b"
        r"(?! (?:risk|rates?|data|reports?|prevention|warnings?|in (?:the )?trials?))",
        strong=False,
    ),
    # ---- overdose / poisoning
    _rule(
        "overdose",
        "took_too_many_of",
        r"\b(?:took|taken|swallowed|ate|drank|injected|given|gave (?:me|him|her|them)) "
        r"(?:\w+ ){0,3}?(?:too many|too much|way too much|an? (?:whole|entire|full) (?:bottle|pack|box)|"
        r"the (?:whole|entire) (?:bottle|pack|box)|all (?:of )?(?:my|his|her|the|their) "
        r"(?:pills|tablets|meds|medications?|medicines?))\b",
        strong=True,
    ),
    _rule("overdose", "took_too_much", r"\b(?:took|swallowed) (?:way |far )?too (?:many|much)\b", strong=True),
    _rule(
        "overdose",
        "overdosed",
        r"\b(?:i|we|he|she|they|my \w+|someone|somebody)(?: \w+){0,2}? (?:overdosed|od)\b"
        # "she nearly overdosed on chocolate at Easter": a food or a pastime is a figure of speech
        r"(?! on (?:chocolate|sugar|sweets|candy|cake|biscuits|crisps|carbs|junk food|pizza|coffee|netflix|tv|telly|"
        r"christmas|easter eggs|sun|sunshine|love|work|revision)\b)",
        strong=True,
    ),
    _rule(
        "overdose",
        "accidentally_took",
        rf"\baccidentally (?:took|taken|got|given|gave|injected|received|swallowed|had)\b{_NOT_NON_TOXIC}",
        strong=True,
    ),
    # someone else's medicine taken or given by mistake ("took my friend's insulin pen by mistake thinking it was mine")
    _rule(
        "overdose",
        "someone_elses_medicine_by_mistake",
        r"\b(?:took|taken|injected|swallowed|used|had|gave|given)\W+(?:him\W+|her\W+|them\W+)?(?:my \w+s|someone elses|"
        r"somebody elses|(?:his|her) \w+s|the wrong)\W+(?:\w+\W+){0,2}?(?:insulin|pens?|pills?|tablets?|medicine|meds|"
        r"medication|injection|patch)\b(?:\W+\w+){0,6}?\W+(?:by mistake|accidentally|thinking (?:it|they) (?:was|were))\b",
        strong=True,
    ),
    # lithium toxicity: a level of 1.5 or more, or a coarse tremor or unsteadiness with vomiting or confusion
    _narrative(
        "overdose",
        "lithium_toxicity",
        r"^(?=.*\blithium\b)(?!.*\b(?:can|could|does|do|will|would|might) (?:\w+ )?(?:cause|make|lead|give)\b)(?:(?=.*\b(?:level|li)\W+(?:of |is |was |at |now )?(?:[2-9](?:\.\d+)?|1\.[5-9]\d*)\b)|"
        r"(?=.*\b(?:coarse tremor|ataxic|ataxia|unsteady|slurred|slurring|wobbly|shaky on (?:my|his|her) feet|(?:hands?|arms?) "
        r"(?:\w+ ){0,2}?(?:shaking|trembling) (?:so much|badly|really badly|uncontrollably))\b)"
        r"(?=.*\b(?:vomit\w*|diarrh\w*|the runs|being sick|been sick|throwing up|confus\w*|drowsy)\b))",
        whole_message=True,
    ),
    # serotonin toxicity: a serotonergic medicine with jerking or twitching muscles and heat, a racing heart or confusion
    # ("I take tramadol and venlafaxine. Now my body is jumping, I am very hot and my heart go very fast"); not a cause
    # question
    _narrative(
        "overdose",
        "serotonin_toxicity",
        r"^(?=.*\b(?:tramadol|sertraline|citalopram|escitalopram|fluoxetine|paroxetine|venlafaxine|duloxetine|mirtazapine|"
        r"linezolid|ssris?|snris?|antidepressants?|sumatriptan|triptans?|mdma|ecstasy|st johns wort|methylene blue)\b)"
        r"(?!.*\b(?:can|could|does|do|will|would|might) (?:\w+ ){0,4}?(?:cause|make|lead|give)\b)"
        r"(?=.*\b(?:jerk\w*|twitch\w*|jumping|clonus|(?:muscles?|legs?|body) (?:\w+ ){0,2}?(?:rigid|stiff|spasm\w*))\b)"
        r"(?=.*\b(?:(?:very|really|so|burning) hot|burning up|fever|temperature|sweat\w*|heart (?:\w+ ){0,3}?(?:fast|racing|"
        r"pounding)|racing heart|confus\w*|agitated)\b)",
        whole_message=True,
    ),
    # ---- anaphylaxis / airway
    _rule(
        "anaphylaxis",
        "my_throat_swelling",
        rf"\b{_POSS} (?:throat|tongue|lips?|mouth|face|airway|eyes?)(?: and (?:throat|tongue|lips?|mouth|face))? "
        r"(?:\w+ ){0,2}?(?:swelling|swollen|swelled|closing|closed|tight|tightening|puffing|puffed|puffy|blowing up)\b",
        strong=True,
    ),
    _rule(
        "anaphylaxis",
        "throat_is_swelling",
        r"\b(?:throat|tongue|lips?|mouth|airway) (?:is|are|feels?|keeps?|started|starting|starts|getting|seems?|going) "
        r"(?:\w+ )?(?:swelling|swollen|closing|tight|tightening|puffing up)\b",
        strong=True,
    ),
    _rule(
        "anaphylaxis",
        "cant_breathe",
        r"\b(?:cant|cannot|can not|unable to|struggling to|struggle to|fighting to|barely) (?:\w+ )?breath(?:e|ing)?\b",
        strong=True,
    ),
    _rule("anaphylaxis", "gasping", r"\bgasping for (?:air|breath)\b", strong=True),
    _rule(
        "anaphylaxis",
        "anaphylaxis_word",
        r"\b(?:anaphylaxis|anaphylactic(?: shock| reaction)?|(?:severe |bad |serious )?allergic reaction|"
        r"(?:throat|tongue|lip|lips|face|facial) swelling|swollen (?:throat|tongue|lips?|face)|"
        r"(?:trouble|difficulty|problems?) breathing|hard to breathe|short(?:ness)? of breath|wheezing|wheezy)\b",
        strong=False,
    ),
    # ---- stroke
    _rule("stroke", "worst_headache_of_life", r"\bworst headache (?:of|in) (?:my|his|her|their) life\b", strong=True),
    _rule(
        "stroke",
        "face_drooping",
        rf"\b{_POSS} (?:face|mouth|smile) (?:is |looks |seems |started |has started |)(?:\w+ )?"
        r"(?:drooping|droopy|crooked|lopsided|sagging)\b",
        strong=True,
    ),
    _rule(
        "stroke",
        "speech_slurred",
        rf"\b{_POSS} (?:speech|words|voice) (?:is |are |seems |sounds |)(?:\w+ )?"
        r"(?:slurred|slurring|garbled|jumbled)\b",
        strong=True,
    ),
    _rule("stroke", "slurring_words", r"\b(?:slurring|slurs) (?:my|his|her|their) (?:words|speech)\b", strong=True),
    _rule(
        "stroke",
        "cant_move_limb",
        r"\b(?:cant|cannot|can not|unable to) (?:move|feel|lift|raise) (?:my|his|her|their) (?:left |right )?"
        r"(?:arm|leg|hand|face|side)\b"
        # a range of movement, not a limb gone: "sore shoulder for months, he can't lift his arm above his head"
        r"(?! (?:above|over|past|higher than) (?:my|his|her|their|shoulder|head)\b)",
        strong=True,
    ),
    _rule(
        "stroke",
        "sudden_vision_loss",
        r"\b(?:suddenly|sudden) (?:went|gone|going|lost|lose|losing) (?:\w+ )?(?:blind|vision|sight)\b",
        strong=True,
    ),
    _rule(
        "stroke",
        "cant_see_eye",
        r"\b(?:cant|cannot) see (?:out of|in|with) (?:my|his|her|one) (?:left |right )?eye\b",
        strong=True,
    ),
    _rule(
        "stroke",
        "stroke_word",
        # "she's in the stroke unit": a ward or service named after the condition is not a sign
        r"\b(?:stroke(?! (?:unit|ward|clinic|rehab\w*|nurses?|team|service|survivors?|support|club|association|"
        r"physio\w*|specialists?|consultants?|doctors?))|face (?:is )?drooping|facial droop|drooping face|slurred speech|slurring|"
        r"sudden (?:weakness|numbness|paralysis)|(?:weakness|numbness|paralysis) (?:on|in|of) "
        r"(?:one|my|his|her|the left|the right) side|one side of (?:my|his|her) (?:body|face)|"
        r"sudden (?:vision loss|loss of vision|blindness)|worst headache)\b",
        strong=False,
    ),
    # ---- chest pain / heart attack
    _rule(
        "chest_pain",
        "my_chest_hurts",
        rf"\b{_POSS} chest (?:is |feels |keeps |has been |is still )?(?:\w+ )?(?:hurts|hurting|tight|tightening|heavy|crushing|squeezing|"
        r"pounding|on fire|burning|pain|pains)\b",
        strong=True,
    ),
    _rule(
        "chest_pain",
        "pain_radiating",
        r"\bpain (?:\w+ ){0,2}?(?:spreading|radiating|going|shooting) (?:down|to|into|up) (?:my|his|her) (?:left )?"
        r"(?:arm|jaw|neck)\b",
        strong=True,
    ),
    _rule(
        "chest_pain",
        "chest_pain_word",
        r"\b(?:chest (?:pain|pains|pressure|tightness|heaviness|discomfort)|pain in (?:my|his|her|the) chest|"
        r"heart attack|cardiac arrest)\b",
        strong=False,
    ),
    # ---- seizure
    _rule(
        "seizure",
        "seizure_wont_stop",
        r"\b(?:seizure|seizures|seizing|fit|fits|convulsions?|convulsing|jerking)\W+(?:\w+\W+)?"
        r"(?:wont|will not|isnt|is not|hasnt|has not|not) (?:\w+ )?(?:stop|stopping|stopped|ending|ended)\b",
        strong=True,
    ),
    _rule(
        "seizure",
        "is_seizing",
        r"\b(?:im|hes|shes|theyre|i am|he is|she is|they are|(?:my|his|her|the|this|our) \w+ is) (?:\w+ )?"
        r"(?:having (?:a |another )?(?:seizure|fit|convulsion)s?|seizing|convulsing|fitting)\b",
        strong=True,
    ),
    _rule("seizure", "seizure_word", r"\b(?:seizure|seizures|seizing|convulsions?|convulsing|fitting)\b", strong=False),
    # ---- unconscious / unresponsive
    _rule(
        "unconscious",
        "not_waking_up",
        r"\b(?:isnt|is not|not|arent|are not) (?:\w+ )?(?:waking up|responding|breathing|conscious)\b"
        r"(?! (?:to|well)\b)",
        strong=True,
    ),
    _rule(
        "unconscious",
        "wont_wake_up",
        r"\b(?:wont|will not|cant|cannot|can not) (?:\w+ )?(?:wake (?:up|him|her|them)|respond|come to)\b(?! to\b)",
        strong=True,
    ),
    _rule(
        "unconscious",
        "collapsed",
        r"\b(?:he|she|they|i|my \w+|the patient)\W+(?:just\W+|suddenly\W+|has\W+|have\W+)?"
        r"(?:collapsed|stopped breathing|turned blue|went limp)\b",
        strong=True,
    ),
    _rule(
        "unconscious",
        "unconscious_word",
        r"\b(?:unconscious|unresponsive|not conscious|limp|turning blue|blue lips|lips are blue|passed out|"
        r"collapsed)\b",
        strong=False,
    ),
    # ---- pregnancy with a red flag anywhere in the message; a cord seen or felt; post-partum haemorrhage
    _narrative(
        "obstetric",
        "pregnancy_red_flag",
        rf"\b{_PREGNANT}\b(?:\W+\w+){{0,30}}?\W+{_OBSTETRIC_SIGN}\b|\b{_OBSTETRIC_SIGN}\b(?:\W+\w+){{0,30}}?\W+{_PREGNANT}\b|"
        r"\bcord (?:is )?(?:visible|prolapsed|prolapsing|coming out|hanging|out)\b|"
        r"\b(?:feel|see|felt|saw) (?:\w+ ){0,8}?(?:the |umbilical )cord\b|\bthink (?:it )?is the cord\b|"
        r"\bpost ?partum (?:h(?:a)?emorrhage|bleed\w*)\b|\b(?:boggy uterus|uterus (?:is )?boggy)\b",
        whole_message=True,
    ),
    # ---- severe bleeding
    _rule(
        "bleeding",
        "cant_stop_bleeding",
        r"\b(?:cant|cannot|can not|wont|will not|isnt|is not) (?:\w+ )?stop(?:ping)? (?:the |his |her |my )?bleeding\b",
        strong=True,
    ),
    _rule(
        "bleeding",
        "bleeding_wont_stop",
        r"\b(?:bleeding|blood) (?:\w+ )?(?:wont|will not|isnt|is not|hasnt|has not) (?:\w+ )?stop(?:ping|ped)?\b",
        strong=True,
    ),
    _rule(
        "bleeding",
        "blood_everywhere",
        r"\b(?:blood everywhere|pool of blood|soaked (?:through )?with blood|spurting blood)\b",
        strong=True,
    ),
    _rule(
        "bleeding",
        "heavy_bleeding_word",
        r"\b(?:bleeding (?:really |very |so )?(?:heavily|a lot|badly|profusely|everywhere|nonstop|non stop)|"
        r"heavy bleeding|severe bleeding|massive bleeding|vomiting blood|throwing up blood|coughing up blood|"
        r"(?:lot|lots) of blood)\b",
        strong=False,
    ),
    # ---- fever with stiff neck / confusion (meningitis / serious infection on an immunosuppressant)
    _rule(
        "fever_stiff_neck",
        "fever_with_stiff_neck",
        r"\bfever\b(?:\W+\w+){0,8}?\W+(?:stiff neck|neck is stiff|neck stiffness|confused|confusion)\b|"
        r"\b(?:stiff neck|neck is stiff|neck stiffness)\b(?:\W+\w+){0,8}?\W+(?:high )?fever\b",
        strong=False,
    ),
    # ================ NARRATIVE rules: how patients, caregivers and clinicians describe the event
    # ---- serious infection on an immunosuppressant: fever with a red flag anywhere in the message (first, so a
    # febrile hypotensive patient gets the sepsis wording, not the anaphylaxis one)
    _narrative(
        "fever_stiff_neck",
        "fever_with_meningitis_signs",
        rf"\b{_FEVER}\b(?:\W+\w+){{0,24}}?\W+{_MENINGITIS_SIGN}\b|\b{_MENINGITIS_SIGN}\b(?:\W+\w+){{0,24}}?\W+{_FEVER}\b",
        whole_message=True,
    ),
    _narrative(
        "sepsis",
        "fever_with_red_flag",
        rf"\b{_FEVER}\b(?:\W+\w+){{0,24}}?\W+{_SEPSIS_SIGN}\b|\b{_SEPSIS_SIGN}\b(?:\W+\w+){{0,24}}?\W+{_FEVER}\b",
        whole_message=True,
    ),
    _narrative(
        "fever_stiff_neck",
        "confusion_with_bad_headache",
        r"\b(?:confused|confusion|muddled|drowsy)\b(?:\W+\w+){0,8}?\W+(?:terrible|severe|awful|worst|splitting|"
        r"excruciating|bad) headache\b|\b(?:terrible|severe|awful|worst|splitting|excruciating) headache\b"
        r"(?:\W+\w+){0,8}?\W+(?:confused|confusion|muddled|drowsy|vomiting|seeing double)\b|"
        r"\b(?:headache|head pain)\b(?:\W+\w+){0,10}?\W+(?:never (?:in my life|before|had)|like never|thunderclap|"
        r"came on suddenly|come suddenly|all of a sudden)\b",
        whole_message=True,
    ),
    # ---- anaphylaxis / airway, in plain words and in clinical shorthand
    _narrative(
        "anaphylaxis",
        "lay_airway",
        r"\b(?:throats?|airway)\W+(?:\w+\W+){0,4}?(?:thick|narrow|tight|tighter|tightening|closing|swelling|swollen|narrowing)\b|"
        r"\btongues?\W+(?:\w+\W+){0,2}?(?:thick|swollen|swelling|huge)\b|"
        # swelling in similes: "my lips look like I've had fillers", "tongue feels twice its size"
        r"\b(?:lips?|face|tongue|eyes?|mouth)s? (?:\w+ )?(?:looks?|feels?|are|is|gone|went) (?:\w+ ){0,2}?(?:like (?:\w+ ){0,4}?"
        r"(?:fillers|botox|balloons?|sausages?|been stung|been punched)|huge|massive|enormous|twice (?:its|their|the) size)\b|"
        r"\b(?:can|could)\W*(?:hardly|barely|not|nt|t)\W+(?:swallow|breathe?|get (?:any )?air|catch (?:my|his|her) breath)\b"
        rf"{_NOT_A_PILL}|"
        r"\b(?:cant|cannot|couldnt) (?:\w+ )?(?:swallow|catch (?:my|his|her|their) breath|get (?:any )?air(?: in)?)\b"
        rf"{_NOT_A_PILL}|"
        r"\b(?:struggling|fighting|gasping|struggle) for (?:air|breath)\b|"
        r"\blips? (?:\w+ ){0,3}?(?:swelling|swollen|swell|puffing|puffy|puffed|blue|tingling and swelling)\b|"
        r"\b(?:face|eyes|mouth) (?:\w+ ){0,3}?(?:swelling|swollen|puffing up|blowing up|swollen shut)\b",
    ),
    _narrative(
        "anaphylaxis",
        "hives_with_systemic_signs",
        r"\b(?:hives|urticaria|welts|itching everywhere|itchy everywhere|itching all over|itchy all over|"
        r"rash (?:is )?spreading|flushed|flushing)\b"
        r"(?:\W+\w+){0,14}?\W+(?:faint|dizzy|lightheaded|light headed|woozy|breath|breathing|wheez\w*|throat|swell\w*|"
        r"lips?|tongue|hypotensi\w*|bp|sats|"
        r"tachycardic|pass out|collaps\w*|hoarse|voice)\b|"
        r"\b(?:faint|dizzy|breath|breathing|wheez\w*|throat|swell\w*|hypotensi\w*)\b(?:\W+\w+){0,14}?\W+"
        r"(?:hives|urticaria|welts|itching everywhere|itchy all over)\b",
    ),
    _narrative(
        "anaphylaxis",
        "clinical_acute_reaction",
        r"\b(?:pt|patient|he|she|i|im|my \w+|our \w+|resident|client)\b(?:\W+\w+){0,14}?\W+"
        r"(?:stridor|angioedema|bronchospasm|hypotensive|desaturating|desatting|"
        r"sats (?:\w+ )?(?:falling|dropping|low)|bp (?:\w+ )?(?:dropping|falling|crashing))\b|"
        r"\bbp\W*[1-8]\d\W*/\W*\d+\b",
    ),
    _narrative("anaphylaxis", "wheezing_badly", r"\bwheezing (?:a lot|badly|really badly|loudly|and)\b"),
    # a sign of the airway within minutes of an exposure: "pt had COVID booster 8 mins ago, c/o throat tightness, hoarse"
    _narrative(
        "anaphylaxis",
        "airway_sign_minutes_after",
        r"\b(?:\d+|a few|few|five|ten|fifteen|twenty) (?:minutes?|mins?) (?:ago|after|since|post)\b(?:\W+\w+){0,15}?\W+"
        r"(?:throat (?:is |feels )?(?:tight\w*|closing|swell\w*)|tight (?:throat|chest)|hoarse\w*|stridor|wheez\w*|"
        r"(?:lips?|tongue|face) (?:is |are )?(?:swell\w*|swollen)|swollen (?:lips?|tongue|face))\b",
    ),
    # ---- stroke
    _narrative(
        "stroke",
        "lay_speech_loss",
        r"\b(?:talking|speaking|saying) (?:\w+ )?(?:gibberish|nonsense|funny|strange|weird|oddly)\b|"
        r"\bspeech (?:is |has gone |went |sounds )?(?:\w+ )?(?:weird|strange|funny|off|odd|garbled|slurred|thick)\b|"
        r"\bwords (?:\w+ )?(?:wont|will not|dont|arent|are not) (?:come|coming) out\b|"
        r"\b(?:cant|cannot|unable to|couldnt) (?:find (?:the |my |his |her )?words|(?:talk|speak) (?:properly|right|clearly))\b|"
        r"\b(?:aphasia|aphasic|dysarthria|hemiparesis|facial droop)\b",
    ),
    _narrative(
        "stroke",
        "lay_one_sided_weakness",
        r"\b(?:one|left|right|whole|other) (?:side|half)(?: of (?:my|his|her|their|the) (?:body|face))?"
        r"(?:\W+\w+){0,3}?\W+(?:numb|weak|weaker|dead|not working|wont work|droopy|drooping|paralysed|paralyzed|"
        r"heavy)\b|"
        r"\b(?:left|right) sided weakness\b|"
        r"\b(?:left|right) (?:arm|leg|hand|foot)s?(?: and (?:arm|leg|hand|foot)s?)? (?:\w+ ){0,2}?(?:weak|weaker|numb|"
        r"paralysed|paralyzed|not moving|wont move)\b|\bcant see (?:to|on) the (?:left|right)\b|"
        r"\b(?:arm|leg|hand|face)\b(?:\W+\w+){0,2}?\W+(?:feels dead|went (?:numb|dead|limp)|not working|wont work|"
        r"gone (?:numb|dead|weak))\b|"
        r"\b(?:face|mouth|smile)\b(?:\W+\w+){0,3}?\W+(?:lopsided|crooked|droopy|drooping|sagging)\b|"
        r"\b(?:cant|cannot) smile properly\b",
    ),
    _narrative(
        "stroke",
        "sudden_headache_or_vision",
        r"\b(?:worst|worse|terrible|horrendous|excruciating) headache (?:\w+ ){0,3}?(?:ever|thunderclap|sudden\w*)|"
        r"\bthunderclap\b|"
        r"\b(?:sudden\w*|all of a sudden)\b(?:\W+\w+){0,6}?\W+(?:headache|blind\w*|vision|seeing double|double vision|"
        r"cant see|numb\w*|weak\w*|cant (?:talk|speak|walk|stand))\b|"
        r"\blost (?:half |part |the sight )?(?:of )?(?:my|his|her) (?:vision|sight)\b",
    ),
    # ---- chest pain
    _narrative(
        "chest_pain",
        "lay_chest_pain",
        r"\b(?:clutching|holding|grabbing|grabbed|clutched) (?:his|her|my|their) chest\b|"
        r"\b(?:standing|sitting|kneeling) on (?:my|his|her) chest\b|"
        r"\b(?:pain|pressure|tightness|heaviness|squeezing) in (?:my |his |her |their |the )?chest\b|"
        r"\bcrushing (?:\w+ )?(?:pain|chest|pressure)\b|"
        # a chest feeling in other words, spreading: "a crushing feeling in the middle of my chest that's gone into my jaw"
        r"\b(?:crushing|squeezing|heavy|tight|pressing|gripping) (?:\w+ )?(?:feeling|sensation|ache|weight|band) "
        r"(?:\w+ ){0,5}?chest\b(?:\W+\w+){0,8}?\W+(?:arm|jaw|back|neck|sweat\w*|faint|grey|gray|clammy)\b|"
        r"\b(?:elephant|weight) (?:\w+ ){0,2}?(?:on|sitting on) (?:my|his|her) chest\b|"
        r"\bchest\b(?:\W+\w+){0,2}?\W+(?:tight|heavy|squeezing|crushing|pain|hurts|hurting|pressure)\b"
        r"(?:\W+\w+){0,8}?\W+(?:arm|jaw|back|neck|sweat\w*|sick|faint|pale|grey|gray|breath\w*|vomit\w*|dizzy|die|dying)\b|"
        r"\bpain (?:\w+ ){0,2}?(?:goes|going|spreading|radiating|shooting|moving) (?:down |up |in|into |to )+"
        r"(?:my|his|her|the) (?:left )?(?:arm|jaw|back|neck)\b",
    ),
    # ---- seizure
    _narrative(
        "seizure",
        "lay_seizure",
        r"\b(?:shaking|jerking|twitching|convulsing|thrashing) (?:\w+ )?(?:all over|uncontrollably|and not responding|"
        r"and (?:wont|isnt|not) (?:respond|answer|wake|stop))\w*|"
        r"\bfoaming at the mouth\b|\beyes (?:have )?rolled (?:back|up)\b|"
        r"\b(?:started|is|keeps|been|still|was) (?:\w+ )?(?:fitting|seizing|convulsing)\b|"
        r"\b(?:seizure|fit)s? (?:\w+ ){0,2}?(?:one after (?:the )?other|back to back|without waking)\b|"
        r"\b(?:another|second|third) (?:seizure|fit)\b|\bstatus epilepticus\b(?! is| are| treated)|"
        r"\b(?:one|a) (?:seizure|fit|convulsion) after (?:another|the other)\b|"
        r"\b(?:doesnt|does not|isnt|is not|hasnt|has not|didnt|not) (?:\w+ )?(?:come|coming) (?:round|around|to)\b"
        r"(?:\W+\w+){0,3}?\W+(?:between|in between)\b|"
        r"\b(?:\d+|two|three|four|five|several|multiple) (?:seizures|fits|convulsions) (?:\w+ ){0,3}?(?:today|tonight|"
        r"this (?:morning|evening|afternoon)|in (?:an|the last|a row)|back to back)\b|"
        r"\bwhole body (?:is )?(?:\w+ )?(?:stiff|shaking|jerking)\b",
    ),
    # ---- unconscious / unresponsive
    _narrative(
        "unconscious",
        "lay_unrousable",
        r"\b(?:cant|cannot|can not|couldnt|unable to) (?:keep|wake|rouse|get) (?:him|her|them|my \w+|the \w+)"
        r"(?: \w+)? (?:awake|up|to wake|to respond|to answer)\b|"
        r"\b(?:cant|cannot|couldnt) (?:wake|rouse) (?:him|her|them|my \w+)\b|"
        r"\b(?:not|isnt|wont|hardly|barely|stopped) (?:\w+ )?(?:responding|answering|answer|respond|responds|"
        r"conscious|responsive|rousable)\b(?! to (?:treatment|ocrevus|kesimpta|the drug|the medication|therapy))|"
        r"\b(?:hard|difficult|impossible) to (?:wake|rouse)\b|"
        # "not breathe": a non-native "not breath" after spelling folding ("a man fall down and not breath")
        r"\b(?:floppy|unrousable|obtunded|no pulse|stopped breathing|not breathing|not breathe)\b|"
        # a baby that will not wake for feeds
        r"\b(?:wont|will not|cant|cannot|not|doesnt|does not) (?:\w+ )?wake (?:up )?for (?:feeds?|feeding|a feed|(?:his|her) feeds?)\b|"
        r"\bgcs (?:of )?(?:[3-9]|1[0-4])\b|"  # 15 is normal
        r"\bfound (?:him|her|them|my \w+) (?:on the floor|collapsed|unconscious|unresponsive)\b|"
        r"\bbreathing (?:is )?(?:strange|weird|funny|noisy|gurgling|shallow)\b|\bsnoring noises\b|"
        r"\b(?:keeps|keep) (?:drifting off|nodding off|passing out|slumping)\b",
    ),
    # ---- bleeding
    _narrative(
        "bleeding",
        "lay_bleeding",
        r"\bblood (?:\w+ )?(?:pouring|gushing|spurting|everywhere|pumping)\b|"
        r"\b(?:pouring|gushing|spurting) blood\b|"
        r"\b(?:nose ?bleed|nosebleed|bleeding|bleed)\b(?:\W+\w+){0,6}?\W+(?:over an hour|hours|not stopping|wont stop|"
        r"keeps going|keeps bleeding|everywhere)\b|"
        r"\b(?:throwing up|threw up|vomiting|vomited|coughing up|coughed up|spitting up|puking) "
        r"(?:\w+ ){0,3}?(?:blood|coffee grounds)\b|\bcoffee grounds?\b|"
        # "I've vomited twice and there was a lot of blood in it"
        r"\b(?:vomited|vomiting|threw up|thrown up|throwing up|been sick)\b(?:\W+\w+){0,8}?\W+blood in (?:it|there)\b|"
        r"\b(?:black|tarry) (?:\w+ ){0,2}?(?:stool|stools|poo|poop)|(?:stool|stools|poo|poop) (?:is |are )?(?:black|like tar)\b|"
        r"\bblood in (?:my|his|her|the) (?:poo|stool|stools|poop|vomit|sick|pee|urine)\b|"
        r"\bsoak(?:ed|ing)? (?:through )?(?:a |my |her )?pads?\b|"
        r"\b(?:uncontrolled|uncontrollable|massive|profuse) (?:bleeding|haemorrhage|hemorrhage)\b|"
        r"\bbleeding (?:heavily|a lot|badly|profusely)\b",
    ),
    # ---- overdose / poisoning
    _narrative(
        "overdose",
        "lay_overdose",
        r"\b(?:got into|into) (?:my|the|her|his|their|grandmas?|grandads?) (?:medicine|medication|meds|pills|tablets)\b|"
        r"\b(?:ate|swallowed|took|taken|eaten|chewed) (?:\w+ ){0,2}?(?:some|a handful|handful|a few|a bunch|several|"
        r"a whole|the whole|a strip|a packet|a pack|all|loads|lots|a load|a lot|a heap|a pile|\d+) (?:of )?(?:\w+ ){0,2}?"
        r"(?:\w+ ){0,2}?(?:pills|tablets|meds|medicine|medication|capsules|paracetamol|tylenol|antidepressants|"
        r"painkillers|sleeping pills|insulin|opioids|codeine|morphine)\b|"
        r"\b(?:took|taken|swallowed|had) (?:\w+ )?(?:[2-9]\d|\d{3}|twenty|thirty|forty|fifty|sixty|a hundred) of "
        r"(?:each|them|those|these|it|the lot)\b|"
        r"\b(?:took|taken|taking|swallowed) (?:them all|all (?:of )?(?:those|these|them)(?: \w+)?)\b|"
        r"\b(?:took|taken|injected|used|gave|given|had|received|taking) (?:\w+ ){0,3}?"
        r"(?:two|2|both|double|twice|three|ten times|2x|extra|another)\b(?:\W+\w+){0,5}?\W+"
        r"(?:by mistake|by accident|accidentally|in error|by error|instead of one)\b|"
        r"\b(?:by mistake|by accident|accidentally|in error|by error),? (?:i |he |she |we |they )?(?:took|taken|injected|"
        rf"used|gave|given|had|received|swallowed|double)\b{_NOT_NON_TOXIC}|"
        # a child ate someone else's tablets, nobody knows how many: "ate the tablets of her grandfather"
        r"\b(?:ate|eaten|swallowed|chewed|got into) (?:\w+ ){0,2}?(?:pills|tablets|meds|medicine|medication|capsules) "
        r"(?:of|from|belonging to) (?:her|his|my|the|their|our) \w+|"
        r"\b(?:ate|eaten|swallowed|chewed) (?:\w+ ){0,3}?(?:pills|tablets|meds|medicine|medication|capsules)\b(?:\W+\w+){0,8}?"
        r"\W+(?:dont|do not|not) (?:\w+ )?know how (?:much|many)\b|"
        r"\b(?:dont|do not|not) (?:\w+ )?know how (?:much|many) (?:of (?:them|it|those|these) )?(?:he|she|they|the baby|"
        r"my \w+) (?:ate|took|swallowed|had|has eaten|has taken|drank)\b|"
        r"\b(?:took|taken|takes|had|gave|given) (?:an )?overdose\b|\bempty (?:pill |tablet )?(?:packets|bottles|blisters|packs)\b|"
        r"\b(?:took|taken|had) (?:her|his|my|their) (?:tablets|pills|meds|medication|medicine|dose) twice\b|"
        r"\b(?:took|taken|had|gave|given) (?:\w+ )?double (?:his|her|my|their|the) (?:\w+ )?(?:dose|medication|meds|pills|tablets)\b|"
        # a child found someone's tablets and may have had some: "my toddler found my blood pressure tablets, might have
        # had three or four" (the dose is unknown and the harm can come hours later, however well he seems now)
        r"\b(?:found|got hold of|got at|opened|got the lid off) (?:\w+ ){0,3}?(?:pills|tablets|meds|medicine|medication|"
        r"capsules)\b(?:\W+\w+){0,8}?\W+(?:might|may|could|must) have (?:had|taken|eaten|swallowed|chewed)\b|"
        r"\b(?:took|taken|swallowed|had) (?:\w+ ){0,2}?(?:sleeping|pain|heart|blood pressure) ?(?:pills|tablets|killers|meds)\b"
        r"(?:\W+\w+){0,8}?\W+(?:sleepy|drowsy|unresponsive|wont wake|not waking|confused|dizzy|slow|vomiting)\b",
    ),
    # more than should have been taken, and a sign now: "took a few more than I should have this morning. Now I'm boiling,
    # sweating buckets and my heart is going crazy" (a sign is needed: "had a few more than I should" is also a night out)
    _narrative(
        "overdose",
        "more_than_should_with_a_sign",
        r"\b(?:took|taken|had|swallowed|used|injected) (?:(?:a few|a lot|lots|loads|way|a couple|some|two|three|several|"
        r"a bit|far|\d+) )?more (?:\w+ )?than (?:i|he|she|they|we) (?:should|was supposed to|were supposed to|meant to)\b"
        r"(?:\W+\w+){0,24}?\W+(?:boiling|burning up|sweat\w*|heart (?:is )?(?:racing|pounding|going (?:crazy|mad|like))|"
        r"racing heart|palpitations|vomit\w*|throwing up|drows\w*|confus\w*|shaking|cant (?:breathe|stay awake)|"
        r"pass(?:ed|ing)? out|faint\w*|cant see|seeing double|slurr\w*)\b",
        whole_message=True,
    ),
    # ---- a danger to self from psychosis: "hearing voices, he's now standing on the roof edge saying he can fly"
    _narrative(
        "suicidal",
        "psychosis_danger",
        r"\b(?:standing|stood|sitting|climbed|climbing) (?:on|onto) (?:the )?(?:roof|ledge|edge|bridge|parapet|railings?)\b|"
        r"\bsaying (?:he|she|they) can fly\b|\bvoices? (?:\w+ ){0,3}?telling (?:him|her|me|them) to (?:kill|hurt|jump|harm)\b",
    ),
    # ---- suicidal intent said indirectly
    _narrative(
        "suicidal",
        "indirect_intent",
        r"\b(?:saving|saved|stockpiling|stockpiled|hoarding|hoarded|collecting|stashing) (?:up )?(?:\w+ )?"
        r"(?:pills|tablets|meds|medication|medicine)\b|"
        r"\bgiv(?:ing|en|e) (?:away )?(?:\w+ )?(?:things|stuff|belongings|possessions|everything)(?: away)?\b|"
        # "this is the last time you'll see me like this"
        r"\bthe last time (?:you|youll|you will) (?:ever )?(?:see|hear from) (?:me|him|her)\b|"
        r"\bsa(?:ying|id|ys) (?:\w+ )?goodbyes?\b|\bgoodbye (?:letters?|notes?)\b|"
        r"\b(?:wrote|written|writing|left) (?:\w+ )?(?:letters?|a note|notes) (?:to|for) (?:\w+ )?(?:family|kids|children|everyone|wife|husband)\b|"
        r"\bbetter off without (?:me|him|her|them)\b|"
        r"\bnot (?:be |being )?(?:around|here|alive) (?:anymore|any more|much longer|for long)\b|"
        r"\b(?:wont|will not|not) be a burden (?:much longer|for long|anymore|any more)\b|"
        r"\b(?:never|not) (?:to )?wake up\b|\bend (?:it|things|everything)(?: all)?\b|"
        r"\b(?:want|wants|wanted|need) (?:\w+ )?(?:out|it (?:all )?to (?:be over|end|stop))\b|"
        r"\bjump(?:ing|ed)? (?:off|from|in front of)\b|"
        r"\b(?:has|have|got|bought|buying|found|hid|hidden|hiding) (?:a |some |the )?(?:rope|gun|noose|hosepipe|charcoal|"
        r"razor blades)\b|"
        r"\b(?:engine|car) (?:is |still )?running (?:\w+ ){0,5}?(?:garage|closed|shut)\b|"
        r"\b(?:pills|tablets|meds) (?:\w+ ){0,2}?(?:counted out|lined up|laid out|all out)\b|"
        # what was saved, counted out, without naming it: "tonight I've counted out what I've been saving"
        r"\bcounted (?:out )?(?:what|everything|all) (?:\w+ ){0,2}?(?:been )?(?:saving|saved|collecting|collected|stockpiling|"
        r"keeping)\b(?! (?:up )?(?:for|towards|money|cash|pennies|coins))|"
        r"\b(?:got|have|laid|put|lined) (?:\w+ ){0,2}?(?:all )?(?:my|his|her) (?:pills|tablets|meds) (?:out|lined up|counted)\b|"
        r"\bhow many (?:of )?(?:my |his |her )?(?:pills|tablets) (?:\w+ )?(?:it would|would it|it will|will it) take\b|"
        r"\b(?:intends?|plans?|planning|going|gonna|says (?:hes|shes) going) to (?:take|inject|swallow|use) (?:them |it )?all\b|"
        r"\b(?:take|inject|swallow) all (?:of )?(?:his|her|my|their) (?:insulin|pills|tablets|meds|medication)\b|"
        r"\b(?:nothing|no reason) (?:left )?to live for\b|\b(?:no one|nobody|noone) (?:will|would) (?:miss|notice)\b|"
        # things given away "because he won't need them", pills "all in front of me": what the plan has already done
        r"\b(?:because|cos|coz|as|since) (?:hes|shes|he|she|im|i|they|theyre) (?:wont|will not|wouldnt|will no longer) need "
        r"(?:it|them|those|these|any of it|anything)\b(?! (?:after|once|when|until|for|at|in|on|now that|because|if)\b)|"
        r"\b(?:got|have|put|laid) (?:them|it|\w+) all (?:\w+ )?(?:in front of me|on the (?:table|bed)|lined up|counted out)\b|"
        # belongings handed out, then "won't be needing either after this weekend": no reason given but an end
        rf"\b{_AFFAIRS}\b(?:\W+\w+){{0,12}}?\W+(?:wont|will not) (?:be )?need(?:ing)? (?:either|it|them|any of (?:it|them)|"
        r"anything|those|these)(?: (?:after|past|beyond) \w+| anymore\b|$| \.)|"
        r"\b(?:wont|will not) need (?:it|them|this) (?:where|when) (?:im|hes|shes|i am)\b|"
        r"\b(?:wont|will not|not) (?:be )?(?:around|here) (?:for (?:christmas|her birthday|his birthday|much longer|long)|much longer)\b|"
        r"\bplanning how to do it\b|\bgoodbye world\b|\bwant to kill me\b|\bgot it all (?:sorted|planned)\b|"
        r"\b(?:message|text|note|letter|texted|messaged|wrote|emailed|posted|voicemail) (?:\w+ ){0,6}?(?:sorry for "
        r"everything|goodbye|goodbyes|forgive me)\b|"
        r"\bhow many (?:\w+ )?(?:pills|tablets) (?:would|will|it takes to) (?:be enough|kill)\b|"
        r"\b(?:life )?(?:isnt|is not|not) worth (?:living|it anymore|going on)\b|"
        r"\b(?:no point|pointless) (?:in )?(?:going on|living|carrying on|being here)\b|"
        r"\b(?:dont|do not) see the point (?:of|in) (?:going on|living|carrying on|anything)\b|"
        r"\b(?:suicidal (?:intent|ideation|plan)|active (?:suicidal|si)|plan to (?:end|kill))\b|"
        r"\bcar running\b|\blocked (?:himself|herself|themselves) in\b|"
        r"\b(?:wont|will not|not) be (?:coming back|coming home|here tomorrow)\b|"
        r"\b(?:took|taken|has|got|grabbed) (?:the|a|his|her|my|dads) (?:gun|shotgun|rifle|noose)\b|"
        # "I've got my dad's old shotgun"
        r"\b(?:took|taken|has|have|got|grabbed|found) (?:(?:his|her|my|their|our) (?:\w+s )?|\w+s )(?:old |loaded )?"
        r"(?:gun|shotgun|rifle)\b|"
        r"\b(?:cant|cannot) (?:do|take) (?:this|it) (?:anymore|any more)\b|"
        r"\b(?:going|gonna|planning|plan|want|wants|about) to (?:take|swallow) (?:all|every one) (?:of )?(?:my|his|her|the|their) "
        r"(?:pills|tablets|meds|medication)\b",
    ),
    # belongings handed out, then a farewell: "gave his gaming PC to his cousin … messaged me 'thanks for everything'"
    _narrative(
        "suicidal",
        "belongings_handed_out_with_farewell",
        rf"\b{_AFFAIRS}\b(?:\W+\w+){{0,30}}?\W+(?:thanks|thank you) for everything\b",
        whole_message=True,
    ),
    # affairs put in order by someone low: "he's put his affairs in order and asked me to look after his cat 'after'. He's
    # been very down since the divorce" (whole message: the mood may be told in another sentence)
    _narrative(
        "suicidal",
        "affairs_in_order_and_low",
        rf"\b{_AFFAIRS}\b(?:\W+\w+){{0,40}}?\W+"
        r"(?:(?:very|really|so|been|feeling|feels) (?:\w+ )?(?:down|low|rubbish)|depressed|hopeless|divorce|split up|broke up|"
        r"lost (?:his|her|their|my) (?:job|wife|husband|partner)|not (?:himself|herself)|withdrawn|(?:like|being) a burden)\b|"
        r"\b(?:(?:very|really|so|been|feeling|feels) (?:\w+ )?(?:down|low|rubbish)|depressed|hopeless|divorce|"
        rf"(?:like|being) a burden)\b(?:\W+\w+){{0,40}}?\W+{_AFFAIRS}\b",
        whole_message=True,
    ),
    # ---- serious infection on an immunosuppressant: fever with any red flag, in one sentence
    # ---- clinical shorthand for an acute event (a clinician reporting a patient)
    _narrative(
        "collapse",
        "clinical_red_flag_terms",
        # "what's the CPR ratio for adults now?" asks about the technique, not an arrest now
        r"\b(?:pulseless|cpr(?! (?:ratio|rate|guidelines?|steps|course|class|training|certificate|mannequin|manikin|"
        r"dummy|refresher)\b)|cardiac arrest|peri arrest|arrested|crash call|code blue|resus(?! council)|rosc|"
        r"(?:k\+?|potassium) (?:of |is |at |was |now )?(?:6\.[5-9]|[7-9]\.\d)|(?:broad|wide) (?:complex|qrs)|"
        r"hemiplegia|hemiparesis|hemianopia|dense (?:left|right) (?:sided )?weakness|lkw|last known well|"
        r"haemoptysis|hemoptysis|haematemesis|hematemesis|melaena|melena|"
        r"saddle (?:anaesthesia|anesthesia)|cauda equina|urinary retention|ascending weakness|fvc|"
        r"tonic clonic|status epilepticus|seizure ongoing|ongoing seizure|"
        r"non blanching|photophobia|neck stiffness|mottled|map \d+|qrs \d+|gcs (?:[3-9]|1[0-4])\b|"
        r"gcs (?:has )?(?:dropped|down|fallen|fell|dropping|falling|gone down|drop)\b|"
        r"overdose of|\d+ x \d+ ?mg|resp(?:iratory)? rate [3-6]\d|rr [3-6]\d|sats [5-8]\d|spo2 [5-8]\d|"
        r"st elevation (?:in )?(?:v\d|leads?|ii|inferior|anterior|lateral)|(?:crushing|central) cp|kussmaul|ph (?:6\.\d+|7\.(?:0\d*|1\d*|2[0-4]\d*))|ketones (?:[3-9]|\d\d)|"
        r"in dka|pph|boggy|ebl (?:now )?\d|cord prolapse|fhr (?:decel\w*|drop\w*|\d+)|decelerations)\b",
    ),
    # ---- breathing, colour and consciousness in plain words
    _narrative(
        "breathing",
        "lay_breathing",
        r"\b(?:breathing|breathe|breath|breaths)\b(?:\W+\w+){0,2}?\W+(?:really |very |so )?(?:fast|quick|hard|"
        r"shallow|slow|noisy|weird|strange)\b|"
        r"\b(?:more and more|getting more|increasingly|so|very|really) (?:breathless|short of breath)\b|"
        r"\b(?:lips?|face|fingers|hands|skin) (?:\w+ ){0,2}?(?:blue|bluish|purple|grey|gray|dusky)\b|"
        r"\b(?:hardly|barely|not) breathing\b|\bgasping\b|\bchoking\b|"
        # a child's ribs pulled in with each breath (recession): "her ribs are sucking in", "skin pulling in under his ribs"
        r"\b(?:ribs?|ribcage|rib cage|chest|skin (?:between|under|below) (?:the |her |his |their )?ribs?) (?:is |are )?"
        r"(?:\w+ )?(?:sucking|sucked|pulling|pulled|caving|caved|sinking|sucks|pulls|caves|sinks) in\b|"
        # stridor in lay words: "a high whistling noise every time she breathes in"
        r"\b(?:whistl\w*|squeak\w*|crowing|high pitched|harsh|rasping) (?:noise|sound)s? (?:\w+ ){0,4}?(?:when|as|every time|"
        r"each time) (?:she|he|they|i|the baby|baby) breathes? in\b",
    ),
    # a near drowning: "dragged under by a wave, he's breathing but coughing a lot and confused" (lungs can fail hours on)
    _narrative(
        "breathing",
        "after_being_under_water",
        r"\b(?:(?:dragged|pulled|went|gone|held|pushed|slipped|was|were) under(?: the)? (?:water|waves?|by (?:a |the )?"
        r"(?:wave|current))|(?:pulled|dragged|fished|got) (?:him|her|them|me) out of (?:the )?(?:water|pool|sea|river|lake|"
        r"canal|bath))\b"
        r"(?:\W+\w+){0,20}?\W+(?:coughing|confused|vomit\w*|drowsy|sleepy|breathing (?:fast|hard|funny|weird)|blue|grey|"
        r"not (?:himself|herself|right)|frothy)\b",
        whole_message=True,
    ),
    # a weekly drug taken daily: "on methotrexate and I think I took it every day instead of once a week"
    _narrative(
        "overdose",
        "weekly_taken_daily",
        r"\bmethotrex\w*\b(?:\W+\w+){0,12}?\W+(?:every day|daily|each day) instead of (?:once )?(?:a |per )?week(?:ly)?\b",
        whole_message=True,
    ),
    # jaundice after a lot of paracetamol (a staggered overdose): "skin and eyes have gone yellow … she's been taking lots
    # of paracetamol for her back"
    _narrative(
        "overdose",
        "jaundice_after_paracetamol",
        r"\b(?:skin|eyes|whites of (?:his|her|my|their) eyes) (?:\w+ ){0,4}?(?:yellow|jaundiced)\b(?:\W+\w+){0,25}?\W+"
        r"(?:lots of|loads of|a lot of|too much|too many|extra|handfuls of|more than (?:\w+ )?(?:dose|allowed|should))\W+"
        r"(?:\w+\W+)?(?:paracetamol|acetaminophen|tylenol|co codamol|cocodamol|panadol)\b",
        whole_message=True,
    ),
    _narrative(
        "collapse",
        "collapsed_or_fitting",
        r"\b(?:collapsed|passed out|blacked out|keeled over|fainted and)\b|"
        r"\b(?:having|had|has) (?:a |another )?(?:fit|seizure|convulsion)\b(?:\W+\w+){0,10}?\W+"
        r"(?:not (?:properly )?awake|wont wake|not waking|hit (?:their|his|her) head|first time|still)\b|"
        r"\bbitten by a (?:snake|spider)\b|\b(?:snake|adder) bite\b",
    ),
    # ---- an electric shock with a sign after it: "went through the cable. He got a big shock … now his chest feels
    # odd" (the heart's rhythm can go hours later)
    _narrative(
        "collapse",
        "electric_shock_with_sign",
        r"\b(?:electrocuted|electric shock|(?:cable|wire|wiring|socket|mains|live wire|plug|electric fence|pylon|power line|lightning)\b"
        r"(?:\W+\w+){0,12}?\W+(?:a |an )?(?:\w+ )?shock)\b(?:\W+\w+){0,30}?\W+(?:chest|heart\w*|palpitations|pulse|burns?|"
        r"unconscious|passed out|collapsed|confused|not breathing|numb)\b",
        whole_message=True,
    ),
    # ---- a wild plant eaten by mistake, then sick: "ate what he thought was wild garlic … awful vomiting … pulse is weak"
    _narrative(
        "poisoning",
        "wild_plant_mistaken",
        r"\b(?:(?:ate|eaten|eating|picked|foraged|cooked|had) (?:\w+ ){0,5}?(?:what )?(?:he|she|they|i|we) (?:thought|assumed) "
        r"(?:it |they )?(?:was|were)|thinking (?:it|they) (?:was|were)|mistook|mistaken for|"
        r"(?:picked|foraged|found) (?:some )?(?:wild )?(?:leaves|berries|mushrooms|plants?|flowers|bulbs|roots|seeds))\b"
        r"(?:\W+\w+){0,40}?\W+(?:vomit\w*|diarrhoea|diarrhea|dizzy|pulse|drowsy|confused|collapsed|faint\w*|hallucinat\w*|"
        r"drooling|sweating|fitting|seizure)\b",
        whole_message=True,
    ),
    # ---- a household product, plant or battery swallowed
    _narrative(
        "poisoning",
        "swallowed_product",
        r"\b(?:drank|drunk|swallowed|ate|eaten|bit into|bitten into|chewed|licked|sucked|had) (?:\w+ ){0,4}?"
        r"(?:bleach|dishwasher (?:liquid|tablet|pod)s?|washing (?:pods?|liquid|tablets?|powder)|liquitabs?|detergent|antifreeze|"
        r"button batter(?:y|ies)|batter(?:y|ies)|weedkiller|weed killer|rat poison|poison|caustic|drain cleaner|oven cleaner|"
        r"white spirit|petrol|paraffin|lamp oil|lighter fluid|screenwash|mushrooms from|berries from|magnets)\b|"
        r"\bbutton batter(?:y|ies) (?:\w+ ){0,3}?(?:in (?:his|her|their) mouth|swallowed|missing|cant find)\b",
    ),
    # ---- a meter or lab glucose far out of range: < 3 mmol/l, 25-40 (mmol/l high or mg/dl low), >= 500 mg/dl, HI/LO
    _narrative(
        "hypoglycaemia",
        "glucose_extreme",
        r"\b(?:blood sugars?|sugars?|glucose|bm|cbg|bg|sugar reading|meter|bgl)\b(?:\W+\w+){0,3}?\W+"
        r"(?:(?:[0-2]\.\d)|(?:2[5-9]|3\d|40)(?:\.\d)?|[5-9]\d\d|hi|lo)\b(?! ?%)(?! (?:years?|weeks?|days?|months?|units))",
    ),
    # ---- diabetes with the signs of a hypo or DKA in plain words
    _narrative(
        "hypoglycaemia",
        "diabetes_red_flag",
        rf"\b{_DIABETIC}\b(?:\W+\w+){{0,20}}?\W+{_DIABETES_SIGN}\b|\b{_DIABETES_SIGN}\b(?:\W+\w+){{0,20}}?\W+{_DIABETIC}\b",
        whole_message=True,
    ),
    # ---- bleeding in plain words: how much, how long, through what
    _narrative(
        "bleeding",
        "lay_heavy_bleeding",
        r"\b(?:theres|there is|so much|such a lot of) (?:so much |a lot of |lots of |loads of )?blood\b|"
        r"\bblood (?:is )?(?:\w+ )?(?:dripping|flowing|going out|running|pumping|soaking)\b|"
        r"\bstill (?:pouring|bleeding|gushing) (?:\w+ ){0,2}?after\b|\bbleeding for (?:like |about |over )?(?:half an hour|"
        r"an hour|(?:[2-9]\d|\d{3}) (?:minutes|mins)|\d+ hours?)\b|\bthrough (?:loads of |several |lots of |\d+ |two |three |four |five )?"
        r"(?:towels|tea towels)\b",
    ),
    # ---- a PML-like deficit in plain words on a drug that carries the risk (whole message: the drug may be named first)
    _narrative(
        "neuro",
        "pml_like_deficit",
        r"\b(?:tysabri|natalizumab|ofatumumab|kesimpta|ocrevus|ocrelizumab|briumvi|ublituximab|fingolimod|gilenya|"
        r"dimethyl fumarate|tecfidera)\b(?:\W+\w+){0,40}?\W+(?:bumping into (?:\w+ ){0,3}?on (?:her|his|my|their|the|that|one) "
        r"(?:left|right|side)|(?:hand|arm|leg) (?:has |have )?(?:stopped (?:doing what|working)|wont do what))\b",
        whole_message=True,
    ),
    # ---- cauda equina and sudden leg loss
    _narrative(
        "neuro",
        "cauda_equina_or_legs",
        r"\bnumb (?:\w+ ){0,2}?(?:between (?:my|his|her) legs|round (?:my|his|her) (?:bottom|bum)|bum|saddle)\b|"
        r"\bwet (?:myself|himself|herself) without (?:knowing|realising|realizing|noticing|feeling)\b|"
        r"\b(?:couldnt|cant|cannot|havent|hasnt|not) (?:been able to )?pee(?:d)? (?:at all|all day|since)\b|"
        r"\b(?:cant|cannot) feel (?:my|his|her|their) legs\b",
    ),
    # the bladder's feeling lost, with weak legs or back pain: "my legs have gone weak since this afternoon and I can't
    # tell if I need a wee, I've had back pain for weeks"
    # (strong, not narrative: "can't tell if" is no informational "tell if")
    _rule(
        "neuro",
        "bladder_feeling_lost_with_back_or_legs",
        rf"\b{_BACK_OR_LEGS}\b(?:\W+\w+){{0,20}}?\W+{_BLADDER_UNFELT}\b|"
        rf"\b{_BLADDER_UNFELT}\b(?:\W+\w+){{0,20}}?\W+{_BACK_OR_LEGS}\b",
        strong=True,
    ),
    # ---- a baby: fever under three months, bulging fontanelle, grunting, no wet nappies
    _narrative(
        "paediatric",
        "baby_red_flag",
        r"\b(?:baby|infant|newborn)\b(?:\W+\w+){0,6}?\W+(?:[1-9]|1[0-2]|one|two|three|four|five|six|seven|eight|nine|ten|"
        r"eleven|twelve) ?(?:(?:weeks?|days?|wks?) old|/52)\b(?:\W+\w+){0,20}?\W+(?:fever|feverish|burning up|high temp\w*|"
        r"3[89](?:\.\d)?|4[01](?:\.\d)?)\b|"
        r"\bbulging (?:soft spot|fontanelle)|(?:soft spot|fontanelle) (?:is )?bulging\b|\bhigh pitched (?:cry|scream)\b|"
        r"\bgrunting (?:when|as) (?:he|she|they) breathes?\b|\b(?:no|not had a|hasnt had a|hasnt had any) wet nappy\b",
    ),
    # ---- head injury with a red flag anywhere in the message (vomiting, repeating, drowsy, an anticoagulant ...)
    _narrative(
        "head_injury",
        "head_injury_red_flag",
        rf"\b{_HEAD_HIT}\b(?:\W+\w+){{0,30}}?\W+{_HEAD_FLAG}\b|\b{_HEAD_FLAG}\b(?:\W+\w+){{0,30}}?\W+{_HEAD_HIT}\b",
        whole_message=True,
    ),
    # ---- weakness that climbs (Guillain-Barre-like) or spreads by the hour
    _narrative(
        "neuro",
        "ascending_weakness",
        r"\b(?:weaker|weakness|numb\w*|tingl\w*|paralys\w*) (?:\w+ ){0,3}?(?:by the hour|every hour|spreading up|moving up|"
        r"creeping up|going up|climbing)\b|"
        r"\b(?:now|has|is|its|gone) (?:\w+ ){0,2}?up to (?:my|his|her|their|the) (?:hips|waist|knees|chest|thighs|arms|belly)\b|"
        r"\bgetting weaker (?:and weaker|by the hour|every hour)\b",
    ),
    # ---- sudden loss of sight in plain words ("like a black curtain came down")
    _narrative(
        "stroke",
        "lay_vision_loss",
        r"\b(?:vision|sight) (?:in|of|from) (?:my|his|her|one|the|their) (?:left |right )?eye (?:\w+ ){0,2}?(?:went|gone|has gone|"
        r"disappeared|black|dark|blacked out)\b|\b(?:black|dark|grey|gray) curtain\b|\bcurtain (?:\w+ ){0,3}?(?:came|coming|"
        r"come|falling|fell|dropped) (?:down|over|across)\b",
    ),
    # ---- serious burns
    # the signs of a full-thickness burn in plain words: "the skin is white and leathery and the middle doesn't even hurt"
    _narrative(
        "burns",
        "full_thickness_burn",
        r"\b(?:burn(?:ed|t|s)?|scald(?:ed|s)?)\b(?:\W+\w+){0,20}?\W+(?:leathery|charred|waxy|(?:doesnt|does not|dont|do not) "
        r"(?:even )?hurt|no feeling|cant feel (?:it|anything))\b|"
        # or what burnt named: "spilled a pan of boiling oil down my front … white and leathery, doesn't even hurt"
        r"\b(?:(?:boiling|scalding|hot) (?:oil|fat|water|wax)|chip pan)\b(?:\W+\w+){0,20}?\W+(?:leathery|charred|waxy|"
        r"(?:doesnt|does not|dont|do not) even hurt|no feeling|cant feel (?:it|anything))\b",
    ),
    # heat stroke: hours in the heat, very hot, and not sweating, confused or collapsed ("working in the field in the sun
    # all day, now he is very hot but not sweating, confuse and he fall down")
    _narrative(
        "collapse",
        "heat_stroke",
        r"^(?=.*\b(?:in the (?:sun|heat)|heat ?wave|hot (?:day|weather|sun|car)|sun all day|sauna|heat ?stroke|sun ?stroke|"
        r"(?:working|playing|running|walking) (?:\w+ ){0,2}?(?:outside|outdoors|in the (?:field|garden|fields)))\b)"
        r"(?=.*\b(?:(?:very|really|so|burning|boiling) hot|burning up|temperature (?:is )?(?:very |really |so )?high|"
        r"high temperature|4[01](?:\.\d)? ?(?:c|degrees))\b)"
        r"(?=.*\b(?:not sweating|stopped sweating|isnt sweating|no sweat|skin (?:is )?(?:\w+ )?dry|confus\w*|not making sense|"
        r"collapsed|fell down|fall down|falls down|passed out|fainted|fitting|seizure|wont wake|cant wake)\b)",
        whole_message=True,
    ),
    _narrative(
        "burns",
        "serious_burn",
        r"\b(?:badly|severely|seriously|really badly|very badly) (?:burn(?:ed|t)|scalded)\b|"
        r"\b(?:clothes|clothing|hair|dress|shirt|top|pyjamas) (?:\w+ )?(?:caught|on|set on) fire\b|"
        r"\bburns? (?:to|on|all over) (?:his|her|my|their|the) (?:face|airway|chest|whole|body)\b|"
        r"\b(?:chemical|acid|bleach|(?:oven|drain|toilet|bathroom|floor) cleaner|caustic soda|lye|ammonia|descaler|"
        r"limescale remover|cement|dishwasher (?:liquid|tablet|pod|powder)|washing (?:pod|liquid|powder)|liquitab)s? "
        r"(?:\w+ )?(?:in|into) (?:his|her|my|their) eyes?\b",
    ),
    # ---- a known allergy, the exposure, and a symptom now; adrenaline used or still needed
    _narrative(
        "anaphylaxis",
        "allergen_exposure",
        r"\b(?:allerg\w*|anaphyla\w*)\b(?:\W+\w+){0,12}?\W+(?:ate|eaten|had|swallowed|stung|bitten|touched|given|got|"
        r"exposed)\b(?:\W+\w+){0,12}?\W+(?:wheez\w*|swell\w*|swollen|hives|throat|breath\w*|drowsy|floppy|vomit\w*|"
        r"tongue|lips|coughing)\b|"
        r"\b(?:no|not|havent|have not|hasnt|has not) (?:\w+ )?(?:adrenaline|epipen|epinephrine|epi pen) (?:given|yet|used)\b|"
        r"\b(?:used|given|gave|jabbed|injected) (?:\w+ ){0,2}?(?:epipen|epi pen|adrenaline|epinephrine)\b",
    ),
    # ---- asthma that the reliever is not touching; speech cut to a few words
    _narrative(
        "breathing",
        "severe_asthma",
        r"\b(?:inhaler|nebuliser|nebulizer|ventolin|salbutamol|blue one|reliever|pump)\b(?:\W+\w+){0,4}?\W+(?:isnt|is not|not|wont|"
        r"doesnt|does not|arent|are not) (?:\w+ )?(?:working|helping|doing anything|touching|making a difference)\b|"
        r"\b(?:can|could) only (?:say|get|speak|manage|talk in) (?:out )?(?:a few|a couple of|one or two|\d|two|three|single|short) "
        # "two or three words out between breaths"
        r"(?:or \w+ )?(?:\w+ )?words\b|\b(?:cant|cannot|unable to) (?:finish|complete|say) (?:a |his |her |my )?(?:full )?sentences?\b|"
        r"\bworst asthma attack\b",
    ),
    _narrative(
        "bleeding",
        "bleeding_cannot_stop",
        r"\b(?:bleeding|blood)\b(?:\W+\w+){0,6}?\W+(?:cannot|cant|wont|will not|doesnt|does not) stop\b|"
        r"\bbleeding from (?:the |his |her |my )?(?:mouth|ears?|eyes?|bottom|back passage|head)\b",
    ),
)


# An extra dose taken by mistake, with no sign of harm, and a question about the NEXT dose ("injected two pens by
# mistake, should she skip next month's?", "took it twice, shud i skip tomorrows"): a dose question, not an overdose.
# Any symptom, a child, or a drug whose double dose is dangerous on its own keeps the overdose reading.
NEXT_DOSE_QUESTION = re.compile(
    r"\b(?:skip|miss|leave out|hold|delay|drop|omit)\W+(?:\w+\W+){0,3}?(?:next|tomorrows?|todays|tonights|evening|"
    r"morning|next (?:months?|weeks?)s?|the next one)\b|\bwhen (?:do|should|can|shall) (?:i|we|he|she) (?:\w+ )?(?:do|take|"
    r"have|give|get) (?:\w+ )?next\b|\beven (?:it|things) out\b"
)
OVERDOSE_DANGER = re.compile(
    r"\b(?:drows\w*|sleep\w*|faint\w*|sweat\w*|shak\w*|confus\w*|vomit\w*|sick|slurr\w*|slow\w*|breath\w*|"
    r"unresponsive|answer\w*|dizzy|collaps\w*|seizure|fit|fitting|pain|chest|pass(?:ed|ing)? out|weak|unconscious|"
    r"blurr\w*|strange|weird|not right|hypo|low|racing|pounding|palpitations|child|son|daughter|toddler|baby|kid|boy|girl|"
    r"insulin|units|lantus|novorapid|opioid\w*|morphine|oxycodone|fentanyl|methadone|codeine|tramadol|paracetamol|"
    r"acetaminophen|tylenol|calpol|methotrexate|lithium|digoxin|iron|warfarin|amitriptyline|sulfonylurea|gliclazide|"
    # a count of ten or more, not an age ("she's 74 and took her bisoprolol twice by mistake")
    r"whole|all|handful|lots|loads|ten|(?<!shes )(?<!hes )(?<!im )(?<!aged )(?<!age )\d{2,}(?! ?(?:years?|yrs?|yo|y o)\b))\b"
)

# --------------------------------------------------------------------------------------------
# Personal dose-request detection
# --------------------------------------------------------------------------------------------

_PERSON_NOUN = (
    r"(?:son|daughter|child|children|kid|kids|baby|husband|wife|partner|spouse|mom|mum|mother|dad|father|"
    r"patient|brother|sister|friend|teen|teenager|toddler|grandma|grandpa|grandmother|grandfather|boy|girl|"
    r"infant|parent|aunt|uncle|niece|nephew|client|resident)"
)
_WEIGHT_AGE = r"(?:\d+\W*(?:kg|kgs|kilos?|lb|lbs|pounds?|years?\W+old|year|yr|yrs|yo|months?\W+old)\W+)"
_SUBJ_D = (
    rf"(?:i|we|he|she|they|(?:my|our|this|his|her)\W+{_WEIGHT_AGE}?{_PERSON_NOUN}|"
    r"my\W+\d+\W*(?:year|yr|month)s?\W+old|"
    rf"(?:a|the)\W+\d+\W*(?:kg|kgs|lb|lbs|year\W+old)\W+{_PERSON_NOUN})"
)
_PERSON_OBJ = rf"(?:me|myself|him|her|us|them|{_SUBJ_D})"
_MODAL = r"(?:should|shall|can|could|do|does|must|would|will|may|ought\W+to)"
_TAKE = (
    r"(?:take|get|receive|use|inject|give|administer|infuse|prescribe|order|be\W+given|be\W+taking|be\W+getting|"
    r"be\W+on|be\W+having|be\W+receiving|need|start|start\W+with|start\W+on|have\W+to\W+take|have)"
)
# A medicine by what it is called, whatever the drug: generic nouns ("water tablet", "patches", "insulin"),
# the WHO INN stems that end most generic names (-pril, -olol, -statin, -xaban, -oxetine, -mab ...; a stem
# needs three letters before it, so "pram" or "apine" alone are not drugs) and a few common names no stem
# covers. Dose rules need one: "should I skip my ramipril?" asks the same thing as "... my Ocrevus?".
_INN_STEM = (
    r"(?:pril|prilat|sartan|olol|alol|dipine|statin|formin|gliptin|gliflozin|glutide|xaban|gatran|parin|trigine|"
    r"racetam|azepam|azolam|oxetine|pram|traline|triptyline|pramine|apine|idone|peridol|zumab|ximab|umab|"
    r"tinib|cycline|cillin|mycin|faxine|phenidate|floxacin|prazole|conazole|lukast|olone|isone|asone|semide|thiazide|profen|"
    r"codone|morphone|tadine|setron|dronate|gabalin|apentin|citabine|trexate|platin|rubicin|fenac|coxib|tidine|"
    r"zolam|barbital|vudine|navir|ciclovir|thyroxine|mazepine|proate|fenacin|sonide|ticasone|tropium|"
    r"lamide|tamide|oxacin|nidazole|imod|osin|penem|bactam|grel|grelor)"
)
_MEDICINE = (
    r"(?:pills?|tablets?|tabs?|capsules?|caps|"
    # "a red itchy patch on her earlobes" is skin
    r"(?<!red )(?<!itchy )(?<!dry )(?<!scaly )(?<!rough )(?<!sore )(?<!bald )(?<!raw )(?<!flaky )(?<!pink )(?<!skin )"
    r"(?<!white )(?<!dark )(?<!rash )patch(?:es)?|syrup|liquid|drops|"
    # a device part is no medicine: "how often should I change my insulin needle"
    r"insulin(?! (?:pen )?(?:needles?|lancets?|sites?|cannulas?|sets?|tubing|sensors?|cartridge holders?))|units|puffs?|inhalers?|medicines?|"
    r"medications?|meds|antidepressants?|anti ?depressants?|antibiotics?|antivirals?|painkillers?|pain killers?|"
    r"blood thinners?|thinners|water (?:tablets?|pills?)|(?:blood pressure|bp|heart|sleeping|thyroid|epilepsy|"
    r"seizure|diabetes|sugar|pain|iron|water) (?:pills?|tablets?|meds|medicines?|medications?)|steroids?|"
    r"lithium|warfarin|aspirin|codeine|morphine|oramorph|fentanyl|methadone|tramadol|paracetamol|acetaminophen|"
    r"ibuprofen|naproxen|prednisolone|prednisone|hydrocortisone|levothyroxine|thyroxine|keppra|eliquis|xarelto|"
    r"copaxone|mavenclad|tecfidera|tysabri|gilenya|aubagio|epilim|tegretol|lamictal|novorapid|lantus|humalog|"
    r"ozempic|mounjaro|calpol|nurofen|tylenol|advil|piriton|melatonin|zopiclone|hrt|prep|gaviscon|laxatives?|"
    r"statins?|clozapine|metformin|chewables?|benadryl|claritin|zyrtec|allegra|co codamol|co dydramol|puffers?|gumm(?:y|ies)|boosters?|iron|folic acid|b12|"
    r"vit(?:amin)? [a-z]\d{0,2}|vitamins?|supplements?|magnesium|zinc|fish oil|cod liver oil|"
    # a medicine by its purpose or colour: "the water one", "the pink medicine", "the blue one"
    r"(?:water|blood pressure|bp|heart|sleeping|thyroid|sugar|diabetes|pink|white|yellow|blue|brown|orange) (?:ones?)|"
    r"(?:pink|white|yellow|orange|brown) (?:medicine|stuff|liquid)|donepezil|ritalin|concerta|elvanse|adderall|methylphenidate|mefenamic|enoxaparin|clexane|heparin|digoxin|amiodarone|furosemide|baclofen|"
    # gout, thyroid and other common tablets named without an INN stem
    r"allopurinol|febuxostat|colchicine|imodium|loperamide|tazocin|carbimazole|liothyronine|omeprazole|lansoprazole|sertraline|citalopram|"
    # transplant and immune drugs named without an INN stem the list knows
    r"mycophenol\w*|tacrolimus|sirolimus|everolimus|ciclosporin|cyclosporine?|azathioprine|hydroxychloroquine|"
    r"sulfasalazine|leflunomide|mesalazine|"
    rf"\w{{3,}}{_INN_STEM})"
)
_DOSE_NOUN = (
    r"(?:dose|doses|dosage|dosages|infusion|infusions|injection|injections|shot|shots|"
    r"ocrevus|ocrelizumab|zunovo|kesimpta|ofatumumab|briumvi|ublituximab|shingrix|pens?(?! needles?)|jab|jabs|"
    rf"treatment|\d+\W*(?:mg|mcg|micrograms?|units|ml)|{_MEDICINE})"
)
_CHANGE = (
    r"(?:double|triple|halve|half|split|skip|miss|delay|postpone|push\W+back|move|space\W+out|stretch\W+out|"
    r"stretch|increase|decrease|reduce|lower|raise|up|adjust|change|stop|cut|taper|repeat|redo|bring\W+forward|"
    r"take\W+(?:an\W+)?extra|take\W+more|take\W+less|take\W+half|take\W+(?:my|his|her)\W+next|"
    r"give\W+myself|give\W+(?:him|her)|inject\W+myself|infuse\W+myself|self\W+administer|self\W+inject|"
    r"double\W+up\W+on)"
)
_OK_TO = (
    r"(?:is\W+it\W+(?:ok|okay|safe|fine|alright|all\W+right|possible|bad|dangerous|better|wise)\W+"
    r"(?:to|if\W+i|if\W+we|for\W+me\W+to|for\W+(?:him|her)\W+to)|am\W+i\W+allowed\W+to|"
    r"do\W+i\W+(?:need|have)\W+to)"
)
_QUANTITY = (
    r"(?:\d+|more|less|extra|another|a\W+second|an\W+extra|half|a\W+higher|a\W+lower|a\W+bigger|a\W+smaller|"
    r"the\W+higher|the\W+lower|a\W+double|double|twice|a\W+different)"
)
_NOT_DOSE_HOW_MUCH = (
    r"(?!\W+(?:time|longer|later|earlier|sooner|money|infusions|times|years|months|weeks|days|hours|minutes|"
    r"visits|appointments|treatments|courses|people|patients)\b)"
    # "How many Shingrix shots do I need?" asks for the labelled schedule, not a personal dose.
    # ... and "How many doses of Shingrix do I need?", "How many injections of Ocrevus will I get?"
    r"(?!(?:\W+\w+)?\W+(?:shots?|doses|injections|infusions|jabs|vaccinations|pens)(?:\W+of\W+(?:the\W+)?\w+)?\W+"
    r"(?:do|will|does|would)\W+\w+\W+"
    r"(?:need|get|have|receive)\b)"
)
_QUANT_CHANGE = (
    r"(?:two|2|both|double|half|another|an\W+extra|a\W+second|extra|a\W+top\W+up|top\W+up|the\W+rest|a\W+smaller|"
    r"a\W+bigger|a\W+lower|a\W+higher|a\W+reduced|a\W+different|the\W+full|more|less|two\W+doses)"
)
# "every day for months at a time", "every day or does it thin the skin?": continued use and its harm, not a new schedule
_EVERY = (
    r"every(?! (?:day|night|morning|evening)\b(?:\W+\w+){0,4}?\W+(?:long term|longterm|for (?:months|years|weeks|ages|"
    r"a long time|a while|life)|(?:or|and) (?:is|does|will|would|can) (?:it|that|this|they) (?:\w+ )?(?:bad|harm\w*|thin|"
    r"damage|safe|ok|okay)))"
)
_TIMING = (
    rf"(?:early|late|earlier|later|sooner|instead|{_EVERY}|once\W+a|twice\W+a|a\W+(?:week|month|day)\W+(?:early|late))"
)
# "What does the leaflet say to do?": a request for the labelled instructions, answered with citations.
LEAFLET_FRAMING = re.compile(
    r"\bwhat\W+(?:does|do|did|would|will)\W+(?:the\W+|my\W+|its\W+)?(?:patient\W+)?(?:leaflet|label|package\W+insert|"
    r"product\W+information|prescribing\W+information|information\W+leaflet|smpc|pil|instructions|guidance|"
    r"guidelines)\W+(?:\w+\W+)?(?:say|says|advise|recommend|tell|state)|\baccording\W+to\W+the\W+(?:leaflet|label|"
    r"product\W+information|package\W+insert|smpc)\b|\bwhat\W+(?:is|are)\W+the\W+(?:label|leaflet)(?:s)?\W+"
    r"(?:instructions|advice|recommendations)\b|\b(?:leaflet|label)\b.*\b(?:explain|mean|means|understand)\b|"
    # the leaflet named, then asked about: "my wife's Kesimpta leaflet talks about missed doses. What does it say?"
    r"\b(?:leaflet|label|package\W+insert|pil)\b.*\bwhat\W+(?:does|do|did|would)\W+(?:it|they)\W+(?:say|says|advise|"
    r"recommend|tell)\b|"
    # what an instruction on the pack means: "What mean 'take with food' on the box of my antibiotic?"
    # … the instruction quoted before "mean" ("what does 'take two hours before or after food' mean on my son's medicine
    # label", non-native "what mean 'every 8 hours' on the medicine")
    r"\bwhat (?:does |do |did )?(?:it |this |that |(?:\w+ ){1,10}?)?(?:mean|means)\b(?:\W+\w+){0,8}?\W+(?:on|in) "
    r"(?:the|my|his|her|this|that) (?:\w+ ){0,2}?(?:leaflet|label|box|packet|pack|bottle|sticker|instructions|prescription|"
    r"carton|packaging|medicine|medication)\b|"
    # what a printed source says: "what dose of Calpol does the bottle say for a 3 year old?", "what does the BNF say"
    r"\b(?:does|do|did) (?:the|its|this|that) (?:\w+ )?(?:bottle|box|packet|pack|carton|chart|dosing chart|leaflet|label|"
    r"insert|bnf|bnfc|smpc|spc|pil|green book) (?:\w+ )?(?:say|says|recommend|advise|state|list|give)\b"
)
# General questions ("in general, can I take paracetamol with it?") are not about one person's dose.
GENERAL_FRAMING = re.compile(
    r"\b(?:(?:per|according to|in line with) (?:the )?(?:\w+ ){0,3}?(?:nice|bnf|guidance|guidelines?|protocols?|policy)|"
    r"(?:for|an|our|the|clinical) audit|how many of (?:our|my|the|your) (?:pts|patients|residents|clients)|in general|generally|(?<!i )(?<!we )(?<!he )(?<!she )(?<!they )(?:typically|usually|normally)|people|(?<!asking )(?<!ask )(?<!telling )(?<!tell )(?<!checking with )anyone|someone(?! my| like me| of my)|"
    r"(?<!my )(?<!our )(?<!this )(?<!the )patients|(?:ive|i have|i) (?:heard|read))\b"
)

# Not a dose decision: how long to wait after a medicine or jab before an ACTIVITY ("how long do I need to wait after my flu
# jab before I can give blood?"), or how to help someone swallow tablets at all ("how do I get my 7 year old to swallow
# tablets instead of liquid medicine?"). A medicine after "before" ("before I can take another") stays a decision.
NOT_A_DOSE_DECISION = re.compile(
    r"\bwait\b(?:\W+\w+){0,8}?\W+before (?:i|he|she|we|they|you) (?:can |could |should )?(?:give blood|donate|drive|fly|"
    r"travel|swim|go swimming|exercise|go to the gym|play (?:\w+ )?(?:sport|football|rugby)|get a tattoo|have a tattoo|"
    r"get (?:my|his|her) ears pierced|have a drink|drink alcohol)\b|"
    r"\b(?:get|help|teach|train|encourage) (?:\w+ ){0,5}?to swallow (?:\w+ )?(?:tablets?|pills?|capsules?)\b"
)

# "What JCV antibody index should make me stop natalizumab?", "at what platelet count should I hold it?": a
# question for the criterion itself (the label's threshold), not a decision for a person, unless the message
# gives the person's own reading (a number).
CRITERION_QUESTION = re.compile(
    r"\b(?:what|which)\W+(?:\w+\W+){0,3}?(?:index|level|levels|count|value|threshold|cut ?off|score|titre|titer)\W+"
    r"(?:should|would|do you|does|is)\b"
)

DOSE_PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in (
        # "How much Ocrevus should I take?", "how many mg should my daughter get"
        (
            "how_much_should_i_take",
            rf"\bhow\W+(?:much|many){_NOT_DOSE_HOW_MUCH}(?:\W+\w+){{0,4}}?\W+{_MODAL}\W+"
            rf"{_SUBJ_D}(?:\W+\w+){{0,2}}?\W+{_TAKE}\b",
        ),
        # "How much should I give my patient?" -- giver is "I", receiver is a person object
        (
            "how_much_should_i_give",
            rf"\bhow\W+(?:much|many){_NOT_DOSE_HOW_MUCH}(?:\W+\w+){{0,3}}?\W+{_MODAL}\W+"
            rf"(?:i|we)\W+(?:give|administer|infuse|inject)\W+{_PERSON_OBJ}\b",
        ),
        # "What dose should I give my 50 kg patient?", "Which dose should I start with?"
        (
            "what_dose_should",
            rf"\b(?:what|which)\W+(?:\w+\W+)?(?:dose|dosage|amount|strength|quantity|mg|milligrams)"
            rf"(?:\W+of\W+\w+)?\W+{_MODAL}\W+{_SUBJ_D}(?:\W+\w+){{0,2}}?\W+(?:{_TAKE}|have)\b",
        ),
        # "What's the right dose for me?", "Is the standard dose ok for me?", "dose for my 40 kg son"
        (
            "dose_for_person",
            rf"\b(?:dose|dosage|amount|how\W+much|how\W+many\W+mg|\d+\W*mg)\W+(?:\w+\W+){{0,5}}?for\W+"
            rf"{_PERSON_OBJ}\b",
        ),
        # "Can I double my dose?", "Should I skip my next infusion?", "Can I split the 600 mg dose ..."
        (
            "can_i_change_dose",
            rf"\b{_MODAL}\W+{_SUBJ_D}\W+(?:\w+\W+){{0,2}}?{_CHANGE}\W+(?:\w+\W+){{0,4}}?"
            rf"{_DOSE_NOUN}\b",
        ),
        # "Is it ok to skip my next infusion?", "Is it safe to delay my next dose?"
        (
            "ok_to_change_my_dose",
            rf"\b(?:{_OK_TO}|{_MODAL})\W+(?:\w+\W+){{0,2}}?{_CHANGE}\W+(?:\w+\W+){{0,2}}?"
            rf"(?:my|his|her|our|this\W+patients|my\W+\w+s)\W+(?:\w+\W+){{0,2}}?{_DOSE_NOUN}\b",
        ),
        # "Is it okay if I stop my infusions?" / "Do I need to take a higher dose?"
        ("ok_to_change_dose", rf"\b{_OK_TO}\W+(?:\w+\W+){{0,2}}?{_CHANGE}\W+(?:\w+\W+){{0,3}}?{_DOSE_NOUN}\b"),
        ("ok_to_take_quantity", rf"\b{_OK_TO}\W+(?:take|get|receive|use)\W+{_QUANTITY}\b"),
        # "I want to skip my next infusion", "I plan to give myself the shot"
        (
            "i_plan_to_change_dose",
            rf"\b{_SUBJ_D}\W+(?:\w+\W+){{0,2}}?(?:want|wants|plan|plans|planning|going|gonna|"
            rf"would\W+like|need|needs|thinking\W+of|thinking\W+about|decided|intend|intending)\W+(?:to\W+)?"
            rf"{_CHANGE}\W+(?:\w+\W+){{0,4}}?{_DOSE_NOUN}\b",
        ),
        # "Should I take 300 mg or 600 mg?", "Can I take an extra dose?"
        (
            "should_i_take_quantity",
            rf"\b(?:should|shall|can|could|may|must)\W+{_SUBJ_D}\W+(?:take|get|receive|use|"
            rf"be\W+given|go\W+with|start\W+with|start\W+on|switch\W+to)\W+{_QUANTITY}\b",
        ),
        # Self-administration: "give myself the infusion", "I self-inject"
        ("give_myself", r"\b(?:give|inject|infuse|administer)\W+(?:it\W+to\W+|the\W+\w+\W+to\W+)?myself\b"),
        ("give_it_to_myself", r"\b(?:give|inject|infuse|administer)\W+(?:\w+\W+){0,4}?(?:to\W+)?myself\b"),
        ("self_administer", rf"\b(?:i|we|{_SUBJ_D})\W+(?:\w+\W+){{0,2}}?self\W+(?:administer|inject|infuse)\w*"),
        # "adjust my dose", "lower his dosage" (imperative or statement about a specific person's dose)
        (
            "adjust_my_dose",
            r"\b(?:adjust|change|increase|decrease|lower|reduce|raise|double|halve|cut|split)\W+"
            r"(?:my|his|her|our|my\W+\w+s|this\W+patients)\W+(?:\w+\W+)?(?:dose|doses|dosage|infusion\W+dose)\b",
        ),
        # "reduce him to 600 or 400?", "bump her to 1.25 g", "switch her to 6 weekly dosing": a person's dose changed
        (
            "change_person_to",
            r"\b(?:reduce|increase|lower|raise|bump|drop|up|titrate|wean|switch|move|put|cut|take|bring)\W+"
            r"(?:him|her|them|me|my\W+(?:patient|pt)|the\W+(?:patient|pt)|this\W+(?:patient|pt))\W+(?:down\W+|up\W+|back\W+)?"
            r"(?:to|onto)\W+(?:\d|a\W+lower|a\W+higher|half|one|two|\w+\W+weekly|\w+\W+monthly)",
        ),
        # "son 25kg how much calpol", "how much ibuprofen, I'm 65 kg": a person's weight and a quantity of a medicine
        (
            "weight_how_much",
            # a person, or an age in clinical shorthand ("11mo, 9.2kg", "34F 58kg")
            rf"\b(?:{_PERSON_NOUN}|i|im|he|she|hes|shes|\d+ ?(?:mo|m|f|yo|y|months?|yrs?))\W+(?:is\W+|am\W+)?(?:\w+\W+)?"
            r"\d+\W*(?:kg|kgs|kilos?|lbs?|stone)\b"
            rf"(?:\W+\w+){{0,8}}?\W+(?:how\W+much|how\W+many|what\W+dose|what\W+amount)\W+(?:\w+\W+){{0,2}}?{_MEDICINE}\b|"
            rf"\b(?:how\W+much|how\W+many|what\W+dose|what\W+amount)\W+(?:\w+\W+){{0,2}}?{_MEDICINE}\b(?:\W+\w+){{0,8}}?"
            rf"\W+(?:{_PERSON_NOUN}|i|im|he|she|hes|shes)\W+(?:is\W+|am\W+)?(?:\w+\W+)?\d+\W*(?:kg|kgs|kilos?|lbs?|stone)\b",
        ),
        # ---- broader phrasings (issue 11): quantities, timing, who decides
        # "can I take two next time to catch up?", "can my daughter have a smaller dose?", "get the rest today?"
        (
            "can_i_take_more_or_less",
            rf"\b{_MODAL}\W+{_SUBJ_D}\W+(?:\w+\W+)?(?:take|inject|use|do|have|get|give|ask\W+for)\W+"
            rf"{_QUANT_CHANGE}\b",
        ),
        (
            "person_should_take_more_or_less",
            rf"\b{_SUBJ_D}\W+(?:should|can|could|must|needs?\W+to)\W+(?:\w+\W+)?"
            rf"(?:take|inject|use|do|have|get|receive)\W+{_QUANT_CHANGE}\b",
        ),
        (
            "should_i_give_person_more",
            rf"\b{_MODAL}\W+(?:i|we)\W+(?:\w+\W+)?(?:give|inject)\W+{_PERSON_OBJ}\W+{_QUANT_CHANGE}\b",
        ),
        # "can I double up next month?", "take two to make up for the missed one?"
        (
            "double_up",
            rf"\b(?:{_MODAL}|{_OK_TO})\W+(?:{_SUBJ_D}\W+)?(?:\w+\W+)?(?:double|triple)\W+up\b|"
            r"\b(?:catch\W+up|make\W+up\W+for)\W+(?:on\W+)?(?:the\W+|my\W+|his\W+|her\W+)?(?:missed|dose|one|injection|pen)",
        ),
        # "should her Ocrevus be reduced to 300 mg?", "should my dose be lower?"
        (
            "should_dose_be_changed",
            rf"\b(?:should|could|can|would|does|do|must|will)\W+(?:my|his|her|their|our|this\W+patients)"
            rf"\W+(?:\w+\W+)?{_DOSE_NOUN}\W+(?:\w+\W+)?be\W+(?:\w+\W+)?(?:reduced|lowered|increased|cut|halved|"
            rf"doubled|changed|adjusted|lower|higher|smaller|bigger|less|more|different|delayed|moved|stopped|paused)\b",
        ),
        # "drop her Ocrevus to 300 mg", "get my next infusion at 900 mg"
        (
            "change_to_mg",
            r"\b(?:drop|reduce|lower|cut|increase|raise|bump|up|change|switch|go\W+down|go\W+up|get|have|take)\W+"
            r"(?:\w+\W+){0,4}?(?:to|at)\W+\d+\W*mg\b",
        ),
        # "could I take my Kesimpta a week early?", "is it fine if I do my Kesimpta every two months instead?"
        (
            "personal_timing_change",
            rf"\b(?:{_MODAL}|{_OK_TO}|ok\W+for\W+me\W+to|safe\W+for\W+me\W+to|fine\W+if\W+i|ok\W+if\W+i)\W+"
            rf"(?:\w+\W+){{0,3}}?(?:take|do|have|get|give|inject|use)\W+(?:my|his|her|our|the)\W+"
            rf"(?:\w+\W+)?{_DOSE_NOUN}\W+(?:\w+\W+){{0,3}}?{_TIMING}\b",
        ),
        (
            "push_my_treatment",
            r"\b(?:push|move|bring|space|stretch|shift)\W+(?:my|his|her|our|the\W+patients)\W+"
            r"(?:\w+\W+){0,2}?(?:out|back|forward|earlier|later|apart)\b",
        ),
        # "should I stop my Ocrevus?", "should I continue my Kesimpta while I have shingles or pause it?"
        (
            "should_i_stop_my_treatment",
            rf"\b(?:{_MODAL}|{_OK_TO})\W+{_SUBJ_D}\W+(?:\w+\W+)?(?:stop|pause|continue|restart|hold|drop|quit|"
            rf"keep\W+taking|come\W+off|go\W+off)\W+(?:taking\W+)?(?:my|his|her|their|our)\W+"
            rf"(?:\w+\W+)?(?:{_DOSE_NOUN}|steroids|premedication|premeds|antihistamines?)\b"
            r"(?!\W+(?:with|alongside|on top of)\b)",  # "keep taking my pill with Ocrevus?" asks about a combination
        ),
        # "what should my dose be?", "work out my dose", "what dose would that be (for me)?"
        (
            "what_should_my_dose_be",
            r"\bwhat\W+(?:should|would|will)\W+(?:my|his|her|our|the\W+patients)\W+(?:\w+\W+){0,3}?"
            r"(?:dose|dosage)\W+be\b|\bwhat\W+(?:dose|amount|dosage)\W+would\W+(?:that|it)\W+be\b",
        ),
        (
            "work_out_my_dose",
            r"\b(?:work\W+out|calculate|figure\W+out|decide|choose|pick|tell\W+me)\W+(?:\w+\W+)?"
            r"(?:my|his|her|our|the\W+right|the\W+correct|the\W+best)\W+(?:dose|dosage)\b",
        ),
        (
            "how_much_i_should_take",
            rf"\bhow\W+(?:much|many){_NOT_DOSE_HOW_MUCH}(?:\W+\w+){{0,3}}?\W+{_SUBJ_D}\W+"
            rf"(?:\w+\W+)?{_MODAL}\W+(?:\w+\W+)?{_TAKE}\b",
        ),
        # Missed / skipped a dose + a question about what to do now
        (
            "missed_dose_what_now",
            rf"\b(?:i|we|he|she|they|{_SUBJ_D})\W+(?:\w+\W+){{0,2}}?(?:missed|skipped|forgot|"
            rf"delayed|postponed|didnt\W+get|did\W+not\W+get|never\W+got)\W+(?:\w+\W+){{0,3}}?{_DOSE_NOUN}\b"
            r".*\b(?:what|how|when|should|can|do|does|now)\b",
        ),
    )
}
PRONOUN_FOLLOW_UP = re.compile(
    rf"\b(?:{_MODAL}|{_OK_TO})\W+(?:{_SUBJ_D}\W+)?(?:\w+\W+)?{_CHANGE}\W+(?:it|that|this|them|the\W+next\W+one)\b"
)
# A decision asked in one bare word after turns that named the person's medicine ("59M on rivaroxaban 20 for AF", "eGFR
# now 14" -> "continue?"): the whole message is the decision.
BARE_DECISION_FOLLOW_UP = re.compile(
    r"^\W*(?:so |and |then |ok so )?(?:continue|stop|hold|omit|withhold|restart|reduce|halve|double|skip|carry on|keep going)"
    r"(?: (?:it|them|or (?:stop|hold|continue|reduce|switch|omit|restart)))?\W*\?\W*$"
)
DOSE_TOPIC = re.compile(r"\b(?:dose|doses|dosage|dosing|mg|infusion|infusions|injection|shot|ocrevus|ocrelizumab)\b")
# A personal fact said in an earlier turn ("I weigh 50 kg", "my son is 12") that a later quantity question
# ("so how much should I take?", "what about for her?") refers to: the two turns together are a dose request.
PERSONAL_FACT = re.compile(
    r"\b(?:i|im|my \w+|he|hes|she|shes|(?:my|the|this) (?:patient|pt))\b(?:\W+\w+){0,4}?\W+(?:weigh|weighs|\d+ ?(?:kg|kgs|kilos?|"
    r"lbs?|pounds|stone)|\d+ (?:years? old|yo|yrs?)|is \d+|am \d+|pregnant|breastfeeding|kidney|renal|liver)\b"
)
QUANTITY_FOLLOW_UP = re.compile(
    r"\b(?:how (?:much|many)(?! time| longer| does| is)|what (?:dose|amount|dosage)|which dose|"
    r"what (?:about|would (?:that|it) be) (?:for )?(?:me|him|her|them|my \w+)|and for (?:me|him|her|them|my \w+)|"
    r"(?:so |then )?what (?:should|do) (?:i|we|he|she) (?:take|give|use|inject)|"
    # a clinician's follow-up: "she's 58kg, eGFR normal, we're thinking of lithium" -> "what would you start her on?"
    r"what (?:would|should|do) (?:you|i|we) (?:start|put|give) (?:him|her|them|me) (?:on|with)|is that (?:enough|too much|ok|okay|right) "
    r"for (?:me|him|her|them))\b"
)

# A clinician's question about one described patient (``match._is_clinical_dose_question``): the patient in clinical
# shorthand ("pt", "resident", "68M", "23F", "11mo") and a dose or timing decision asked for them.
CLINICAL_PATIENT = re.compile(
    r"\b(?:pt|patient|resident|client|\d{1,3} ?(?:m|f|mo|yo)|\d{2,3} ?kgs? (?:m|f|male|female))\b"
)
CLINICAL_DOSE_ASK = re.compile(
    r"\b(?:(?:what|which) (?:\w+ ){0,3}?dose|(?:initial|starting|start|loading|treatment|maintenance|24 ?h|daily) dose|"
    r"how much (?:\w+ )?(?:tonight|today|now|this (?:morning|evening))|"
    r"(?:reduce|drop|cut|go down|step down|increase|go up|switch) to \d+(?:\.\d+)? ?(?:\w+ )?or (?:stop|hold|omit|continue|keep|"
    r"restart)|(?:give|start|continue|do) (?:it |them )?(?:now )?or (?:restart|wait|hold|stop|delay|defer)|"
    r"when (?:exactly )?(?:to|should (?:i|we|he|she|they)|do (?:i|we)) (?:stop|hold|restart|start|step down|switch|reduce|"
    r"omit|give)|cap (?:it |the dose )?at|full weight based|"
    # shorthand with no decision verb: "3yo 14kg, UTI, nitrofurantoin - dose?", "apixaban ?dose", "amoxicillin dose and
    # duration?", "pivmecillinam at full dose?", "enox 40 or 20?"
    r"dose(?: and (?:duration|frequency|interval|route|length))?(?= ?\?)|(?<=\?)dose|"
    r"(?:at|on|give|use) (?:a |the )?(?:full|half|reduced|lower|higher|renal) dose(?= ?\?)|"
    r"\d+(?:\.\d+)? ?(?:mg|mcg|units|ml)? or \d+(?:\.\d+)? ?(?:mg|mcg|units|ml)?(?= ?\?)|"
    # a change asked with its target left open: "gabapentin 300 tds, drowsy, reduce to what?", "3 PRNs, increase to?"; how
    # many doses to leave out: "INR 5.8 - omit how many doses?"; whether the usual dose stands: "dose ok as normal?"
    r"(?:reduce|drop|cut|decrease|lower|increase|raise|titrate|uptitrate|wean|go up|go down|step down|switch|change) "
    r"(?:it |him |her |them |(?:the )?dose )?to(?: what| how much| which)?(?= ?\?)|"
    r"(?:omit|hold|withhold|skip|miss) how many|how many (?:doses? )?(?:to )?(?:omit|hold|withhold|skip|miss)\b|"
    r"dose (?:ok|okay|fine|safe|right|the same|unchanged|as (?:normal|usual))(?: \w+){0,2}(?= ?\?)|"
    # the decision as the message's last bare word, or a bare "?" after the regimen: "due metformin 500 bd - continue?",
    # "78F, 52kg, eGFR 28, on apixaban 5 bd - ?"
    r"(?:continue|hold|stop|omit|withhold|restart|halve|skip)(?: it| them)?(?= ?\?\W*$)|"
    r"(?:\d|\b(?:bd|tds|qds|od|nocte|mane|prn|daily|weekly|stat)) \?\W*$)"
)
# "what's the usual dose of gentamicin for a pt with renal impairment?": the labelled dose, asked as a reference
CLINICAL_REFERENCE = re.compile(
    r"\b(?:usual|standard|typical|normal|licensed|recommended|maximum|max) (?:\w+ )?(?:dose|dosing|dosage)\b|"
    r"\b(?:teaching|slides|exam|revision|osce|students?)\b"
)

# --------------------------------------------------------------------------------------------
# Clinical framing: a clinician reporting a patient gets the clinician emergency wording
# --------------------------------------------------------------------------------------------

_CLINICAL_SUBJECT = r"\b(?:pt|pts|patient|patients|resident|client)\b"
_CLINICAL_CONTEXT = (
    r"\b(?:bp|blood pressure|sats?|spo2|o2|hr|rr|gcs|news2?|obs|vitals|infusion|infusing|minutes? into|"
    r"mid infusion|infusion rate|iv|cannula|line|ward|bay|clinic|unit|stridor|urticaria|hypotensive|hypotension|"
    r"tachycardic|bradycardic|desaturating|desatting|rigors|febrile|pyrexial|obtunded)\b"
)
CLINICAL_REPORT = re.compile(
    rf"{_CLINICAL_SUBJECT}(?:\W+\w+){{0,12}}?\W+{_CLINICAL_CONTEXT}|{_CLINICAL_CONTEXT}(?:\W+\w+){{0,12}}?\W+"
    rf"{_CLINICAL_SUBJECT}|\bbp\W*\d+\W*/\W*\d+|\b(?:sats?|spo2)\W+(?:of\W+)?\d+"
)

# --------------------------------------------------------------------------------------------
# Common misspellings and chat shorthand, folded before any rule runs ("cant breth" -> "cant breath")
# --------------------------------------------------------------------------------------------

SPELLING: dict[str, str] = {
    w: canonical
    for canonical, variants in {
        "breathe": "breath breth brethe breeth breathe",
        "breathing": "breathin brething breathng breating breahting breething breathign",
        "generally": "generaly genrally generelly",
        "throat": "throught throte throat throut",
        "tight": "tite tigth tite",
        "closing": "closin clossing closeing",
        "swelling": "swellin sweling swolling",
        "swollen": "swolen swolan sollen",
        "tongue": "tung tounge tonge",
        "confused": "confusd confussed confuzed",
        "seizure": "sezure seizur siezure seazure sezzure seezure seizre siezre seisure",
        "seizures": "sezures siezures",
        "unconscious": "unconcious unconsious",
        "bleeding": "bleding bleedin",
        "really": "realy reely rly",
        "giving": "givin",
        "saying": "sayin",
        "goodbye": "goodby gudbye",
        "enough": "enuf enuff",
        "should": "shud shld shoud sould shuold",
        "can": "cn",
        "pressure": "presure pressur preasure",
        "sertraline": "sertaline setraline sertralin",
        "amlodipine": "amlodipene amlodopine amlodipin amlodapine amlodepine",
        "what": "wat wot wht",
        "have": "hav",
        "early": "erly",
        "instead": "insted instaed",
        "every": "evry",
        "years": "yeers yeres yaers",
        "infusion": "infushun infusin infution infuson",
        "injection": "injecshun injecton injektion",
        "just": "jus",
        "you": "u",
        "before": "b4",
        "because": "bc cos coz bcoz",
        "please": "pls plz",
        "medicine": "medcine medicin",
        "pills": "pils",
        "stopping": "stoppin",
        "missed": "missd mised",
        "forgot": "forgt",
        "dizzy": "dizy",
        "vomiting": "vomitting vommiting vomitin",
        "headache": "hedache headach",
        "chest": "chst",
        "pain": "pian pane",
        "anaphylaxis": "anafilaxis anaphalaxis anaphylaxsis",
        "leaflet": "leafelt leaflett leafet leflet leaflit",
        "allergic": "alergic allergik",
        "reaction": "reacshun",
        "double": "dubble",
        "tomorrow": "tmrw tomoro tomorow tommorow tommorrow",
        "overdose": "overdoes",
        "much": "mutch mich",
        "ibuprofen": "ibuprofin ibuprofine ibuprophen",
        "many": "mnay meny",
        "insulin": "insuln insulen insolin insuline",
        "another": "anuther anotha anothr",
        "tonight": "tonite 2nite",
        "night": "nite",
        "tomorrows": "tomorows tmrws",
        "twice": "twise twic",
        "break": "brake",
        "better": "beter",
        "antidepressants": "antidepressents antidepresants",
        "depressants": "depressents depresants",
        "warfarin": "warfrin warferin",
        "levothyroxine": "levotiroxine levothyroxin levotyroxine levothyroxene",
        "prednisolone": "prednisolon prednisalone",
        "paracetamol": "paracetemol paracetomol",
        "ocrevus": "ocrevous ocrevis ocravus ocrevas",
        "stiff": "stif",
        "shaking": "shakin",
        "sweating": "sweatin",
        "everything": "evrything everyting",
        "message": "msg",
        "daughter": "dauter daugter",
        "heart": "hart",
        "suddenly": "sudenly suddently suddnly",
        "drooping": "droopin",
        "collapsed": "colapsed collasped collapsd",
        "bleach": "bleech",
        "throwing": "throwin",
        "minutes": "minits mins minites minuts",
        "temperature": "temprature temperture",
        "shivering": "shiverring shiverin",
        "sugar": "sugr shugar",
        "weird": "wierd",
        "lithium": "lithum",
        "stop": "stopp",
        "steroids": "steriods steriods steroides",
        "again": "agian agan agin",
        "seizing": "siezing seazing",
    }.items()
    for w in variants.split()
    if canonical.isalpha() and w.isalpha() and w != canonical
}

# "what dose that mean", "what dose anaphylaxis look like": "does" misspelt as "dose" before a bare verb that no dose
# request uses (a dose is taken, given or needed, never "means" or "looks like"); folded before any rule runs. Not after
# a pronoun ("what dose he take?" asks for his dose).
DOES_MISSPELT = re.compile(
    r"\b(what|how|why|where|when) dose (?=(?:(?:it|that|this|the \w+|an? \w+|(?!(?:i|he|she|we|they|you)\b)\w+) )"
    r"(?:mean|means|look|looks|say|says|stand)\b)"
)

# --------------------------------------------------------------------------------------------
# Personal treatment decision: the four parts of "should my husband put his Ocrevus off a week?"
# A message is a personal dose request when it has ALL of: a specific person (I / my X / he / my
# patient), a decision question (should / can / is it OK / when should ...), a treatment (drug,
# infusion, pen, jab, dose, painkiller ...) and, in the same sentence as the question, a change to
# dose or timing (early, skip, put off, restart, two, half, every, instead, how much ...).
# --------------------------------------------------------------------------------------------

DECISION_PERSON = re.compile(
    r"\b(?:i|im|ive|id|ill|we|were|me|my|mine|our|he|hes|him|his|she|shes|her|pt|gf|bf|"
    r"(?:my|the|this|our) (?:patient|pt)|resident|client)\b"
)
DECISION_QUESTION = re.compile(
    r"\b(?:should|shall|can|could|may|must|would you|do i (?:need|just)|does (?:he|she) need|do (?:we|they) need|"
    r"need to|is (?:it|that|this) (?:ok|okay|fine|alright|all right|safe|better|wise|a good idea|bad|dangerous|too)|"
    r"is okay|(?:ok|okay|alright|safe|fine) (?:for|if) (?:me|him|her|them|i|he|she)|when (?:should|can|do|does|will)|"
    r"(?:do (?:i|we|he|she)|does (?:he|she)) (?:still |just )?(?:take|inject|give|use|have|double|skip|start|stop|cut|wait|switch|"
    r"shift|leave|restart|repeat|do (?:it|them|the next|the missed)|put|apply|change|stay|keep|carry on|continue|add)|"
    # a team's decision: "do we hold tonights or halve it" (not "how long do I hold the pen")
    r"do (?:we|they) (?:hold|halve|omit|withhold|reduce|increase|decrease|lower|drop)|"
    r"is (?:it|that|this) (?:the )?right (?:for|thing)|"
    # "is that a sensible step for me?", non-native "he need the more big dose or same?", "is better I change the day"
    r"is (?:it|that|this) (?:a |an )?(?:sensible|reasonable|good|wise|safe|bad)(?: \w+)? (?:idea|step|plan|move|option|thing)|"
    r"(?:i|we|he|she) needs? (?:the |a )?(?:more|less|bigger|smaller|higher|lower|same|different|double|half)\b|"
    r"is (?:it )?better (?:i|we|he|she) \w+|(?:do|should|can) (?:i|we|he|she) go back|is (?:it )?possible (?:i|he|she|we|for|to)|"
    r"it is (?:ok|okay|allowed|possible|good|safe|fine|alright)|is allowed|"
    r"when (?:i|we|he|she) (?:take|give|inject|have|do|make|put|use)|"
    r"how many (?:more |extra )?(?:\w+ )?(?:units|clicks|puffs|tablets|pills|mg|ml|drops|capsules|spoons|spoonfuls|sachets|"
    r"sprays|gummies)|what (?:dose|quantity|amount)|how many (?:units|puffs|tablets|pills|mg|ml|drops|capsules)|"
    r"would (?:\d+|it|that|this|one|half|a \w+)(?: or \d+)? (?:\w+ ){0,2}?(?:be|work|make)|does it make sense|"
    r"is (?:it )?better (?:to )?(?:give|take|do|stop|use|have)|(?:now|today|tomorrow|then) (?:i|we|he|she) "
    r"(?:take|make|give|do|inject)|how (?:i|we|he|she) (?:make|take|give|do|stop|reduce)|"
    rf"how (?:i|we|he|she) (?:change|adjust) (?:(?:my|his|her|the|our) )?(?:dose|doses|dosing|{_MEDICINE})\b|"
    r"how (?:quickly|fast|soon) (?:can|should|do|does)|(?:i|we|he|she) must (?:take|stop|give|have|skip)|"
    r"how (?:do|should|can) (?:i|we|he|she) (?:make|drop|come|reduce|wean|taper|shift|change|cut|space|move|get)|"
    r"what do (?:i|we) (?:inject|take|give|do now)|thoughts|what would you do|how much(?! (?:water|fluids?|to drink|liquid|food|coffee|caffeine|alcohol|exercise|sleep|salt|sugar|protein|fibre|fiber|time|longer|does|is|will)\b)|what should (?:i|we|he|she) do|"
    # non-native "what I do for me?", "now I take in which time?"
    r"what (?:i|we|he|she) (?:do|must do|should do|need do|need to do|can do)\b|in which time|which time|"
    # non-native, one option against another or need without "to": "today morning I take double or normal?", "I do the
    # injection this week or I wait?", "I need take again one?"
    r"(?:i|we|he|she) (?:take|do|give|inject|make|use|have) (?:\w+ ){0,5}?or (?:i |we |he |she )?(?:normal|normally|usual|"
    r"the usual|same|the same|wait|not|skip|stop|later|next)|(?:i|we|he|she) needs? (?:take|give|inject|use|have|do) "
    r"(?:\w+ )?again|"
    r"or (?:give|wait|not|skip|delay|reduce|go ahead|carry on|continue|stop|after|restart|just)|needs? (?:adjusting|changing|"
    r"reducing|lowering|increasing|to be (?:adjusted|changed|reduced|lowered))|is \d+(?:\.\d+)? ?(?:mg|mcg|units|ml)? ?(?:\w+ ){0,3}?(?:too|enough|right|ok|"
    r"okay|safe)|(?:i|he|she|we|they) can (?:make|take|have|get|do|inject|use|give|put)|"
    # how many of a person's medicine to take ("how many of my hay fever tablets can I take in a day")
    r"how many of (?:my|his|her|our|their|the|these|those) (?!(?:people|patients|users|women|men|children|kids|you|"
    r"them|us)\b)(?:\w+ ){0,4}?(?:can|could|should|may|do|does|is|are|i|he|she|we|they|to)\b)\b"
)
# A non-native question with neither modal nor verb change, only the number asked ("today the sugar is low, he take 10
# units?"): read on the whole message, as the question mark ends a sentence.
BARE_NUMBER_QUESTION = re.compile(
    r"\b(?:i|we|he|she|they) (?:take|give|inject|use|have|put) (?:only )?\d+(?:\.\d+)? ?(?:units|mg|mcg|ml|tablets?|"
    r"pills?|puffs?|drops|capsules?)\W*\?|"
    # a dose given again, asked the same way: "he vomit the morning dose, I give again?"
    r"\b(?:i|we|he|she|they) (?:take|give|inject|use|repeat|do) (?:(?:it|them|the dose|the \w+ dose|one) )?again\W*\?|"
    # a restart asked the same way: "I lose my tablets for 3 days, I start again with same dose?"
    r"\b(?:i|we|he|she|they) (?:start|restart|begin) (?:it |them )?again\b[^.?!]*\?"
)
DECISION_TREATMENT = re.compile(
    # a strength names a medicine whatever it is called ("im on 100mcg levo", "rybelsus 7mg")
    r"\b\d+(?:\.\d+)? ?(?:mg|mcg|micrograms?|units)\b|"
    # a medicine the lexicon does not know, named by what someone does with it: on it, missing, forgetting, stopping or
    # starting it ("hes on clopidogrel", "missed her evening sinemet", "stop my pregablin")
    rf"\b(?:(?:is|am|im|hes|shes|are|were|was|been|currently|still|started \w+|\d+ and) on|(?:missed|forgot|forgotten|skip|"
    r"skipped|took) (?:my|his|her|their|our)|(?:stop|stopped|stopping|start|started|restart) (?:my|their|our))"
    r" (?:(?:evening|morning|night|nightly|usual|weekly|daily|monthly|regular|new) )?(?!(?:the|a|an|my|his|her|their|our|"
    r"it|them|this|that|holiday|holidays|nights?|days?|shifts?|call|duty|leave|time|track|board|foot|fire|top|way|phone|"
    r"list|waiting|sick|maternity|antibiotics|placement|period|periods|job|appointment|flight|bus|train|diet|run|"
    r"course|school|work|own|feet|earlier|later|break|walk|weekend|trip|holiday|\d|(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
    r"january|february|march|april|june|july|august|september|october|november|december)\b)(?![a-z]+ing\b)[a-z]{4,}\b|"
    rf"\b(?:ocrevus|ocrelizumab|kesimpta|ofatumumab|briumvi|ublituximab|shingrix|zunovo|infusion|infusions|injection|"
    r"injections|inject|pens?(?! needles?)|jab|jabs|shot|shots|dose|doses|dosing|dosage|vaccine|second one|next one|course|"
    r"treatment|medication|meds|paracetamol|acetaminophen|ibuprofen|calpol|nurofen|tylenol|advil|antihistamines?|"
    rf"piriton|cetirizine|steroids?|premeds?|premedication|inhaler|puffs|antivirals?|mg|drip|{_MEDICINE}|"
    r"(?:take|taking|inject|injecting) (?:my|his|her|our) (?!temperature|temp|blood|bp|pulse|kids?|children|son|"
    r"daughter|dog|car|time|chance|advice|word|mind|break|turn|lunch|breakfast|dinner|tea|shower|bath|exam|test|\d|"
    r"baby|toddler|little|family|boy|girl|"
    # "do I need to take her anywhere?": a person taken somewhere is no medicine
    r"anywhere|somewhere|in|out|home|to|there|back)\w+)\b"
)
# "drinking more", "eat too much": a change to a habit, not to a dose.
_NOT_LIFESTYLE = (
    r"(?<!drink )(?<!drinking )(?<!eat )(?<!eating )(?<!sleep )(?<!sleeping )(?<!exercise )(?<!exercising )"
    r"(?<!walk )(?<!walking )(?<!rest )(?<!resting )(?<!move )(?<!moving )(?<!a bit )(?<!any )(?<!no )"
    # "what can I do about it without taking more tablets": more ruled out, not asked for
    r"(?<!without )(?<!without taking )(?<!without using )(?<!without having )(?<!without needing )"
)
DECISION_CHANGE = re.compile(
    r"\b(?:early|earlier|late|later|sooner|skip|miss|delay|postpone|put (?:\w+ ){0,2}?off|push|"
    # moving to a place is no dose moved: "what jabs do you need to move to Canada" ("move to the evening" is)
    r"move(?! to (?!(?:the |a |an )?(?:morning|evening|night|afternoon|bedtime|lunch\w*|breakfast|dinner|tea|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|weekend|next|later|earlier|once|twice|every|alternate|daily|weekly|"
    r"monthly|tomorrow|today|tonight|\d)\b)\w+)|bring (?:\w+ ){0,2}?forward|"
    # how many already taken today, asking to go on: "can I keep taking them while it hurts, I've had four today"
    r"(?:had|taken|took|used) (?:\d+|two|three|four|five|six|seven|eight|nine|ten) (?:\w+ )?(?:today|so far|already)|"
    r"cancel|wait|hold|pause|still (?:take|have|give|use|inject) (?:\w+ ){1,6}?(?:today|tonight|this (?:morning|evening))|(?<!it )(?<!that )(?<!which )stop|restart|reload|start again|start over|(?<!happens )(?<!happen )(?<!happened )(?<!comes )(?<!come )(?<!occurs )(?<!eating )(?<!drinking )(?<!playing )(?<!talking )(?<!walking )(?<!sleeping )(?<!running )(?<!jogging )(?<!swimming )(?<!driving )(?<!cycling )(?<!working )(?<!exercising )(?<!training )(?<!flying )(?<!travelling )(?<!traveling )(?<!dancing )(?<!gardening )(?<!lifting )(?<!riding )(?<!hiking )(?<!climbing )(?<!skiing )(?<!get it )(?<!gets it )(?<!got it )(?<!getting it )(?<!catch it )(?<!caught it )(?<!catching it )again|resume|go ahead|still (?:go|do)|"
    rf"book|double|twice|two(?! (?:days?|weeks?|months?|years?|hours?|minutes?))|both|together|half|halve|{_NOT_LIFESTYLE}(?:less|more)|"
    r"extra(?! (?:vaccines|vaccinations|jabs|shots|immuni[sz]ations|boosters)\b)|reduce|lower|increase|higher|smaller|"
    # coming down or off a medicine, moving it within the day, a piece of one
    r"cut (?:\w+ )?down|cut (?:it|them|\w+) (?:in half|down)|come off|coming (?:off|down)|come down|go (?:straight )?"
    r"(?:down|up)|go back (?:down|up|to (?:the |my |his |her )?(?:old|previous|lower|higher|original|usual|\d|one|two|half))|drop (?:\w+ )?down|wean|taper|old amount|alternate|every other|every second|at (?:night|bedtime)|"
    r"in the (?:morning|evening)|at once|in half|days? off|one more|"
    # "now they're offering another one": an invitation, not a change
    r"(?<!offering )(?<!offered )(?<!offer )(?<!offering me )(?<!offered me )(?<!invited for )another (?:one|patch|tablet|dose)|units|"
    r"(?:take|inject|give|have|do) (?:it |them |one |(?:my|his|her|their|our) (?!son|daughter|kids?|children|baby|dog|"
    r"car|mum|mom|dad|husband|wife|partner|friend)\w+ )?(?:now|today|tonight)|make it less|a second|second (?:patch|tablet|pill|dose|capsule|injection|pen)|"
    # one number taken now and another asked ("takes 50 of thyroxine … can she take 75"), how many of each of two
    r"\b(?:takes?|taking|on|having|uses?|using) \d+(?:\.\d+)?(?: ?(?:mg|mcg|units|ml))?\b(?:\W+\w+){0,12}?\W+(?:take|have|give|use|try|go to|go up to|"
    r"go down to) \d+(?:\.\d+)?\b|how many of each|"
    # a new quantity of one's medicine asked ("can he just take 100 from now on?", "I can take only 25mg for some
    # days?", "can I just carry on with 200 tonight?", "can i take another 400 now"), never a span of time
    r"(?:take|have|give|use|carry on (?:with|on)|continue (?:with|on)|stay on|be on|step down to) (?:only |just |another |"
    r"the )?\d+(?:\.\d+)? ?(?:mg|mcg|units|ml|tablets?|pills?)?\b(?! ?(?:days?|weeks?|months?|years?|hours?|hrs?|minutes?|mins?|"
    r"times?|am|pm|oclock|kg|yrs?|percent|%)\b)|"
    # timing around an event: "when should I inject it on the days around the flight", "on my night shift days"
    r"when (?:should|do|can|must) (?:i|he|she|we|they) (?:take|inject|give|have|use|do) (?:it|them|(?:my|his|her|their) \w+) "
    r"(?:on|around|during|over|while) (?:the|my|his|her|a|an|these|those|night|shift)\b|"
    # how long a course runs for a person: "how many days before and after do I need to take them"
    r"how many (?:days|weeks) (?:\w+ ){0,3}?(?:do|should|must|can|does|would) (?:i|he|she|we|they) (?:\w+ ){0,2}?(?:take|use|"
    r"give|have|keep|continue)|"
    # a strength for a weight: "should she be on the junior or adult strength", "switch to the adult one"
    r"(?:junior|child|childrens|paediatric|pediatric|adult) (?:or (?:the )?(?:junior|child|adult) )?(?:strength|one|version|"
    r"pen|formulation)|"
    r"(?:on|to|from) \d+(?:\.\d+)? (?:\w+ )?(?:or|to|rather than) \d+|\d+ or \d+|(?:drop|reduce|lower|cut|increase|raise|"
    r"bump|jump|try|go up|go down|go(?! (?:away|off)\b)) (?:\w+ ){0,2}?(?:to |on )?\d+|have \d+ ?(?:mg|mcg|ml|units)|"
    # a dose moved to a day: "skip tonight's", "take it on Thursday", "can he have the second one in June"
    r"tonights|tomorrows|todays|(?:(?:take|have|give|do|inject|use|get) (?:it|them|(?:the |my |his |her )?(?:next|second|"
    r"missed) (?:one|dose|pen|tablet|injection|infusion|jab|shot)) |(?:skip|double|stop|start|restart|delay) (?:\w+ ){0,3}?)"
    r"(?:\w+ )?(?:tonight|tomorrow|today|at weekends?|on (?:mon|tues|wednes|thurs|fri|"
    r"satur|sun)day|in (?:january|february|march|april|may|june|july|august|september|october|november|december))|"
    r"(?:a|one|two|\d+) (?:days?|weeks?) (?:before|after|early|late)|(?:morning|day) and (?:one )?(?:at )?night|"
    rf"on top of|leave (?:it|out|them)|shift|missed (?:ones|days|doses|capsules|tablets|pills)|"
    rf"(?:forgot|forget|forgetting|forgotten) (?:to (?:take|do|give|inject|use) )?(?:\w+ ){{0,2}}?(?:{_DOSE_NOUN}|it|them|one)|"
    r"only (?:get|take|have|give|do|use) (?:\d|one|half|a (?:single|half|dose|tablet|pill))|only one|what (?:quantity|amount)|"
    r"how many (?:units|puffs|tablets|pills|mg|ml|drops|capsules)|"
    rf"adjust|adjusting|change|switch|extend|space|stretch|interval|{_EVERY}|instead|once a|only once|(?:only|just) one time|one time (?:a|per) (?:day|week)|split|slower|faster|"
    # "what oral KCl dose should I start her on?"
    r"how much(?! (?:water|fluids?|to drink|liquid|food|coffee|caffeine|alcohol|exercise|sleep|salt|sugar|protein|fibre|fiber|time|longer|does|is|will)\b)|what (?:\w+ ){0,2}?dose|"
    r"which dose|what do i inject|give (?:him|her|me|them) (?:one|some|it)|before or after|now or|yearly|year off|"
    r"months? off|top up|finish the course|catch up|same dose|adult dose|full dose|rate|"
    rf"last (?:injection|infusion|dose|pen) be|next one|delay reduce or give|{_NOT_LIFESTYLE}too (?:much|little|strong)|"
    r"when should (?:i|he|she|we) (?:have|take|do|get) (?:my|his|her|our) (?:last|next)|"
    r"give (?:my |the |this |our )?(?:patient|pt|him|her|them)|(?:what|how) (?:should|do) (?:i|we|he|she) do now|"
    r"do (?:i|we|he|she) do now|after only|only after|"
    r"delaying|postponing|skipping|halving|doubling|tapering|weaning|on schedule|as (?:planned|scheduled)|"
    r"(?:a )?new (?:one|patch|pen)|replace (?:it|the patch)|up (?:it|them|the dose|(?:my|his|her) dose)|"
    r"(?:\d+|one|two|three|four|five|six|eight|ten|twelve) times (?:a|per|in|in a|each) (?:day|week|night)|"
    r"from scratch|(?:\d+ ?hours? flight|long haul|overnight flight)(?=.*\b(?:when (?:should|do|does|can|must)|what time|"
    r"which time|which hour)\b)|"
    r"\d+(?:[.:]\d+)? ?(?:am|pm)? (?:\w+ )?(?:time )?or \d+(?:[.:]\d+)? ?(?:am|pm)? (?:\w+ )?time|"
    r"time ?zones?|time difference|(?:my |the )?time is different|(?:in |at )?which time|(?:usual|home|uk|us|local) time or (?:\w+ )?time|(?:\d+|\w+) hours? (?:difference|ahead|behind)|bigger|stronger|"
    r"leave (?:\w+ ){1,3}?out|how soon(?= *$)|how soon (?:should|can|must|do|does) (?:i|he|she|we|they) (?:have|get|take|give|do|start|"
    r"restart)|how many(?= *$)|how many (?:more |extra )?(?:\w+ )?(?:clicks|spoons|spoonfuls|"
    r"sachets|sprays|gummies)|(?:allowed|ok|okay|possible|safe|fine) (?:\w+ ){0,2}?(?:take|have|give|use|put) "
    r"(?:\d+|two|double|more|extra)|"
    r"how many of (?:my|his|her|our|their|the|these|those) (?!(?:people|patients|users|women|men|children|kids|you|"
    r"them|us)\b)(?:\w+ ){0,4}?(?:can|could|should|may|do|does|is|are|i|he|she|we|they|to))\b"
)
# A routine vaccine by name ("a flu jab", "the COVID booster", "Shingrix"): two of them given together is a schedule
# question (``CAUSE_QUESTION``).
_VACCINE = (
    r"(?:(?:flu|covid|covid 19|coronavirus|shingles|pneumococcal|pneumonia|whooping cough|pertussis|rsv|mmr|hpv|tetanus|"
    r"hepatitis [ab]|hep [ab]|typhoid|yellow fever|travel|meningitis|menb|men b)(?: (?:jab|jabs|vaccine|vaccines|booster|"
    r"boosters|shot|shots|vaccination|one))?|shingrix|(?:the |a )?booster)"
)
# "Could any of his medicines cause that?": a question about a cause or a side effect, not a decision.
CAUSE_QUESTION = re.compile(
    r"\b(?:can|could|does|do|might|would|will|is|are)\b(?:\W+\w+){0,6}?\W+(?:cause|causes|causing|caused|"
    r"side effects?|to blame|responsible|prevent|avoid)\b|\b(?:explain|difference between|the difference)\b|"
    # not a decision either: whether it is linked ("something to do with my Tysabri?"), lowering a risk, how to feel
    # about it, or whether to tell someone ("she must tell this before infusion?")
    r"\b(?:something|anything) to do with\b|"
    # what caused it ("my period is late and I'm on the pill, could that be the pill"), why something is done ("why do I
    # have to have blood tests every few months on methotrexate?"), whether two things go together ("I'm on sertraline and
    # want to start St John's wort as well, is that OK together?")
    r"\b(?:could|can|might|would|is) (?:it|that|this) (?:\w+ )?be (?:from |due to |because of |down to |caused by |related to )?"
    r"(?:the|my|his|her|their)\b|"
    # "I cough more at night since the new blood pressure pill. Could it be that?"
    r"\b(?:could|can|might|would|is) (?:it|that|this) (?:\w+ )?be (?:that|it|them|those|these|this)\W*$|"
    # a purpose, not a decision: "which OTC meds contain paracetamol so I can warn customers about doubling up?"
    r"\bso (?:that )?(?:i|we) can (?:warn|tell|advise|explain|inform|let|teach|educate|reassure|answer|counsel|talk|"
    r"plan|prepare)\b|"
    # whether two vaccines may be given together is the labelled schedule: "is it ok to have a flu jab and a covid jab on
    # the same day or should I space them out"
    rf"\b(?:have|get|give|take|do|book) (?:the |a |my |an |both )?{_VACCINE} (?:and|&|with) (?:the |a |my |an )?{_VACCINE}"
    r"(?:\W+\w+){0,5}?\W+(?:on )?(?:the )?same (?:day|time|visit|appointment)\b|"
    r"^\W*why\b|\bwhy (?:do|does|did|is|are|must|should|would|has|have) (?:i|we|he|she|they|you|it)\b|"
    # "I felt faint after my flu jab last year but was fine after sitting down. Is it safe to have it again this year?"
    r"\b(?:is it|is that|would it be|will it be) safe (?:for (?:me|him|her|them) )?to (?:have|get) (?:it|them|the (?:jab|"
    r"vaccine|booster|shot)|another(?: one)?|one) again\b|"
    r"\b(?:as well|alongside|with (?:it|them|my|his|her))\b(?:\W+\w+){0,6}?\W+(?:ok|okay|safe|fine|alright) (?:to (?:take|have|use) )?"
    r"(?:them |it |both )?together\b|\b(?:reduce|lower|cut|minimi[sz]e) (?:the |my |his |her |our )?(?:risk|chance)s?\b|"
    r"\b(?:be|feel|get) (?:\w+ )?(?:nervous|worried|scared|anxious|concerned)\b|\b(?:i|we|he|she) (?:still )?worry\b|"
    r"\b(?:tell|mention|inform|report) (?:this|that|it|them|the (?:nurse|doctor|staff|team|unit))\b|"
    # what to say to someone ("he asked me … what should I say?"), how long until something recovers after a stop
    # ("how much time after I stop Gilenya the immune system come back?"), how much a risk falls, how to prevent a
    # symptom ("my ankles puff up on flights, how can I stop that?")
    r"\bwhat (?:should|do|can|shall) (?:i|we) (?:say|tell|answer|reply)\b|"
    r"\bhow (?:much time|long) after\b(?:\W+\w+){0,8}?\W+(?:(?:come|comes|coming|go|goes|get|gets) back|recovers?|"
    r"returns?|wears? off|out of (?:the|my|his|her) system)\b|"
    r"\b(?:risk|chance|odds)s? (?:\w+ )?(?:go|goes|come|comes|drop|drops|fall|falls) (?:down|up)\b|"
    r"\bhow (?:can|do|could|should) (?:i|we|he|she|you) (?:stop|prevent) (?:that|this)\b|"
    # the harm of a one-off extra already had: "ok panic over, is it bad to have an extra vitamin D once"
    r"\bis (?:it|that) (?:bad|harmful|dangerous) (?:to (?:have|take|get) )?(?:had |taken )?(?:an? )?(?:extra|double|one more)\b"
    r"(?:\W+\w+){0,4}?\W+once\b|"
    # a habit changed, not a dose: "is it OK to drink less water to cut down (the trips)?"
    r"\b(?:ok|okay|fine|safe|alright|all right|bad|should (?:i|he|she|we)|can (?:i|he|she|we)) (?:to )?(?:drink|eat|exercise|"
    r"walk|sleep|rest) (?:\w+ )?(?:less|more|fewer)\b"
)
# Asking for the labelled schedule, not a personal change: "how many Shingrix shots do I need?"
SCHEDULE_QUESTION = re.compile(
    r"\bhow many (?:\w+ )?(?:shots|doses|jabs|injections|infusions|vaccines|vaccinations) (?:do|does|will|would) "
    r"(?:i|you|he|she|we|they|people|someone|one) need\b|"
    r"\b(?:do|does) (?:i|you|he|she|we|they) need (?:\d|one|two|three) (?:\w+ )?(?:shots|doses|jabs|injections)\b|"
    # the labelled interval between two events: "how long after the last infusion should I wait before a vaccine?"
    r"\bhow long (?:after|before) (?:\w+ ){1,4}?(?:should|do|does|must|need to) (?:i|you|he|she|we|they|one) wait\b"
)

# --------------------------------------------------------------------------------------------
# Question form, and a named person (I/my/he/she/you, a relative, "patient", "45F"): two of the learned
# stage's framing cues (``classifier.CUES``). A question in information form that names no person asks
# for information, not help with a situation.
QUESTION_FORM = re.compile(
    r"^\W*(?:what|which|who|whom|whose|when|where|why|how|does|do|did|is|are|was|were|can|could|should|"
    r"would|will|may|might|has|have)\b|\?\W*$"
)
PERSON = re.compile(
    r"\b(?:i|im|ive|id|ill|me|my|mine|myself|we|our|us|he|hes|him|his|she|shes|her|hers|they|theyre|them|"
    r"their|you|your|pt|pts|patient|patients|baby|babys|son|sons|daughter|wife|husband|mum|mums|mom|moms|"
    r"dad|dads|father|mother|child|kid|kids|friend|partner|someone|somebody|sis|bro|sister|brother|man|"
    r"woman|boy|girl|lady|guy|grandma|grandad|grandpa|nan|neighbour|neighbor|\d{1,3}\s?[mf])\b"
)
