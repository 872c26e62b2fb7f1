"""Every tuning constant of the ranking and the answer/decline decision, each with its reason.

They were set on the development sets (eval/questions.jsonl, eval/holdout.jsonl), never on the
blind set; the ranking weights by `python -m eval.tune` (hit@1 on both sets: 95.3 % with the first
guesses, 98.3 % with these, which sit on a plateau both sets agree on). The decision's weights and threshold are fitted, not set: assistant/data/decision.json
(refit with `python -m eval.fit`).
"""

# --- retrieval (retrieval.py)
RRF_K = 10  # reciprocal rank fusion: a small k lets the first lexical ranks dominate the tail
DENSE_CANDIDATES = 80  # nearest example questions asked of the vector store (and a quarter as many passages)
LEXICAL_CANDIDATES = 50  # BM25 candidates, enough that fusion never misses a lexical winner
EXAMPLES_PER_SECTION = 1  # a section's example score is its closest example (means of 2 or 3 lost 2-3 points)
PASSAGE_SHARE = 0.1  # the passage's own similarity next to its examples (examples carry more; 0.0-0.1 tie)
LEXICAL_SHARE = 0.08  # normalised BM25 next to e5 cosines (which spread over ~0.1): the guidance's own words still count
LEXICAL_FLOOR = 1.75  # the best BM25 counts as a full LEXICAL_SHARE only from here: "npr" and "data" alone (~1.7) must not outweigh the examples (dev5 +2; 1.75-2.0 alike, 2.5 lost 3 on held-out and dev3)
COVERAGE_WEIGHT = 0.04  # how much of the question the chunk covers decides between close ranks...
CONTEXT_WEIGHT = 0.02  # the asker's own statements ("ikke forskning", "vi er en kommune") steer the section
CONFLICT_PENALTY = 0.05  # a section that negates what the asker says of their purpose ("enn forskning" to a researcher)
AGREEMENT_BONUS = 0.05  # ...and one that says the same ("andre formål enn forskning" to "ikke forskning") rises, where the routes answer the question (ROUTE_FIT_MARGIN)
CUE_HEAD_MIN = 4  # an asker's compound counts as an `asked_by` cue it ends in from this length ("frilansjournalist"; "avis" in "lokalavis")
KIND_BONUS = 0.03  # a section holding the kind of fact asked for (a year, a price, a span of time: asked_for.py) rises this much: it settles near ties, as between the content and the collection period for "from which year"
KIND_DECISIVE = 0.12  # a route (asked_by section) ranked first that holds no fact of the kind asked for ("Is our quality work within the register's purpose?" from a hospital) yields first place to the best section holding one that stands this close below it (development e-mails: the route led the purposes by up to 0.10; development grid alike at 0.06, 0.12 and 0.2)
KIND_CACHE = 50_000  # (chunk, kind asked for) answers kept by the ranking before they are dropped (a count's kind holds the asker's words, so the set grows with new questions)
ROUTE_BONUS = 0.1  # the route the asker names (asked_by) rises this much, the other routes fall as much: decisive
# (and the decision's margin counts it)
ROUTE_COVERAGE = 0.5  # ...where the route's section covers this much of the question (not for "Hva koster det?")
ROUTE_EXAMPLE_MARGIN = 0.01  # ...or (a route whose text excludes askers) where its own closest example is this close to any section's closest
ROUTE_FIT_MARGIN = 0.0199  # ...and only where the routes' closest example is this close to any section's (the question is one the routes answer); just under 0.02, so a question whose closest examples lie 0.0200 apart ("Kan dataene brukes til kvalitetssikring av sykdomsregistre?" from a hospital, 0.9247 against 0.9447) is not routed on one onnxruntime build and routed on another
ROUTE_ASKED_COVERAGE = 0.1  # ...and the route's text covers this much of all the question's words (more than "NPR")
EXAMPLE_DECISIVE = 0.02  # the section with the closest example goes first when the first one's stands this far below it (development grid, 1,563 questions: gap >= 0.02, the examples' section right 27 times, the words' 9; below 0.015 the words' more often; 0.025 two right fewer)
EXAMPLE_DECISIVE_FLOOR = 0.93  # ...and that closest example is itself this close: a near-miss stands far from every example, and an example sharing only a year with the question ("Hva var prisen per time i 1995?" lies 0.927 from "Finnes det data fra 1995?") must not carry it. Development grid: 0.90-0.93 alike (+14 right, -1 wrong), 0.945 two right fewer
HEADING_WEIGHT = 0.0  # whether the heading names what is asked: no gain once examples carry the topic
EXAMPLE_GAP = 0.1  # a right section's closest example is this much closer than its passage (median, main set)
DOCUMENT_NAMED = 0.1  # where the question names one document's register ("KPR") and no other's, every other document's sections fall this much (as a route the asker names is decisive)
FEW_EXAMPLES = 10  # a section with fewer example questions than this (an added document's first few) is read by its passage too, where that reads better (the bundled sections have 20 or more)
DENSE_ONLY_WEIGHT = 1.0  # without example questions the passage similarity is the semantic signal
UNIT_SHARE = 0.6  # documents only: the closest sentence's similarity beside the passage's (a long section's
# one sentence on the question is diluted in its passage vector); dev2+dev3+dev5 hit@1 61.5 -> 63.8 %, 0.3 and 1.0 less

CONTRAST_SHARED = 2  # documents without routes: a section offering this many of the words another section tells its askers not to use is the way for the others (retrieval.contrasted; 2: both "søknadsskjema" and "helsedata.no", so a section naming only the address is never barred; 0 switches it off)
HUB_SHARE = 0.5  # documents only: a chunk's hubness (service._hubness) comes off its similarity this much.
# dev2+3+5+6, documents only (881 questions): 0 -> 436 right, 26 wrong, hit@1 61.0 %; 0.5 -> 446, 26,
# 61.9 %; 1.0 -> 443, 30; 2.0 -> 446, 33, 58.2 % (alone, without BM25 and coverage, 1.0 did best)
HUB_NEIGHBOURS = 5  # the closest other-section sentences a chunk's hubness is measured on (3 and 8 alike, all 43 less)

OOS_SPECIALISED = True  # an out-of-scope example that is the question itself about a subject it does not
# name ("Korleis søkjer eg om studielån?" to "Korleis søkjer eg?") is left out of its nearest examples
# (retrieval.specialises): development e-mails 267 -> 269 of 313, development questions unchanged, older
# blind sets 2 more right and 2 fewer false declines (wrong unchanged). Also leaving it out as the
# nearest out-of-scope example (the `out_of_scope` signal) was tried: older blind sets 2 more wrong
OOS_NEIGHBOURS = 10  # nearest example questions the out-of-scope share is counted over

QUERY_CACHE = 1024  # question embeddings kept (a repeated question skips the ~50 ms model call)

# --- question parts (service.py)
MAX_PARTS = 3  # questions searched per message: each costs one ~60 ms model call, and a request stays under ~200 ms CPU
UNITS_AT_BUILD = 2000  # sentences embedded with an index build (the guidance has 43; 2,000 cost ~30 s on
# two cores): beyond that each section's sentences embed the first time an answer quotes it, and the
# documents-only ranking goes without them (UNIT_SHARE)
HEARD_CHARS = 20_000  # of a message, analysed for the askers a section is never for (`not_for`): an e-mail's length, bounded
HEARD_KEPT = 64  # messages whose stems are kept: a draft reads its e-mail once for all its questions (a 20,000-character e-mail takes ~40 ms)
CONTEXT_CHARS = 300  # statements around a question that steer its embedding (more dilutes it)

# --- which e-mail sentences ask (mail.find_asked, asking.py)
ASKING_SENTENCES = 60  # sentences of one e-mail the asking model judges (one batch, ~25 ms for a short one); the rest by the patterns alone
ASKING_CHARS = 400  # ...each at most this long (the longest labelled sentence has 255; one of 1,000 costs ~0.3 s)
ASKING_MIN_WORDS = 4  # a shorter sentence the patterns miss is no question the model is asked about (of 26 labelled ones, 3 ask)
ASKING_KEPT = 4096  # sentences whose probability is kept, by digest (a signature's or a template's lines come again)
ASKING_TOTAL = 8000  # ...and together at most this many characters (~2.5 s at worst; a 20,000-character e-mail of long sentences took 7.8 s at 1,000 each)
ALONE_SURE = 0.8  # an e-mail question the e-mail's other sentences steer to a decline is answered as asked alone (who the asker says they are still heard; a route only where they said it) where the decision is this sure of that answer (its calibration: every main-set question scored 0.8 or more was answered right; development drafts 276 -> 278, none answering an uncovered question)

# --- answer composition (answering.py)
SECOND_SECTION_SHARE = 0.3  # a further section must add this share of the question...
SECOND_MIN_COVERAGE = 0.3  # ...and cover this much of it on its own
MAX_SECTIONS = 3
TIE_MARGIN = 0.01  # the runner-up section standing this close to the first is quoted beside it rather than one of two guessed (development e-mails: +3 of 159 at 0.01, none worse; at 0.02 a route was quoted to an asker it is not for)
MAX_UNITS = 6
WHOLE_SECTION_UNITS = 3  # a section this short is quoted whole: its lines qualify each other ("…starter når komplett søknad er mottatt")
UNIT_DENSE_MARGIN = 0.02  # the model's closest sentence joins the quote when this much closer than the lexical picks

# --- decision (decision.py): topic words the guidance lacks
RARE_ZIPF = 2.5  # a word this rare in general language (domain words, names) fully counts as a topic
COMPOUND_HEAD_WEIGHT = 0.6  # a compound searched by its last part's glossary meaning: below KNOWN_BY_WEIGHT
COMPOUND_HEAD_ZIPF = 2.5  # that last part is a word of general language (wordfreq), not a chance ending
KNOWN_BY_WEIGHT = 0.7  # glossary meanings (0.8) make a word known; a compound's last part (0.67) does not
COMMON_ZIPF = 5.5  # a word this common (everyday words) never counts as a missing topic
EITHER_REACH = 2  # "A or B": A at most two words before the "or", B its next word or the one after (a longer reach after it paired verbs of a clause, "or do we receive …": development sets +3 wrong); a side the guidance lacks is no missing topic when the answering section holds the other side ("Helsedirektoratet eller en underleverandør?" is answered by naming Helsedirektoratet)

# Typing slips (language.Spelling)
SPELLING_MIN_LENGTH = 5  # shorter words lie one slip from too many real ones ("kost", "kose")
SPELLING_SHORT = 3  # ...but from this length two swapped letters (not the first) are read as a slip ("logn", "tkae", "hwo"): a swap seldom makes another real word
SPELLING_TWO_SLIPS = 10  # from this length a word may hold two slips ("datainnsamlinnga"); shorter, two slips reach other words ("konkrete", "concrete")
SPELLING_PER_TEXT = 12  # unknown words looked up per text analysed: an e-mail of made-up words stays fast
LETTERS_COMMONER = 2.0  # a word typed without æøå is read with them when that is this much commoner (Zipf): "naar" 2.7 -> "når" 6.4, "pa" -> "på", "undersokelse" -> "undersøkelse"; not a real word of its own ("mal" 3.7 is no "mål" 5.4, "far" no "får", "bade" no "både")
SPELLING_WORDS = 30000  # the commonest words of general language a slip is read against
SLIP_ZIPF = 2.1  # a word general language knows less than this may be a slip (wordfreq knows the commonest slips: "reserch" 1.2, "lenght" 2.0; real rare words sit higher: "forsere" 2.9, "consents" 2.8)
SLIP_COMMONER = 1.5  # ...when the word one slip from it is this much commoner (Zipf): "research" 5.0;
# "ekskludert" 3.5 for "eksludert" 1.7 (at 2.0 that slip read as a rare topic and declined)
SPELLING_SEEN = 65536  # slips remembered (each costs a ~1 ms look-up the first time)

# Translations (lexical.guidance_terms)
TRANSLATION_COMPOUND = 0.7  # a translation the guidance lacks is searched by the guidance compounds it ends or begins ("quality" -> "kvalitet" -> "datakvalitet", "delivery" -> "levering" -> "leveringsfrist") at this weight, KNOWN_BY_WEIGHT on purpose: the word is then known, no missing topic ("period" is the collection period's). Documents only, English hit@1 on the development sets 47.9 -> 54.7 % (fuzzy neighbours of a translation as well: 55.6 %, but "rate" -> "prosent" -> "prosjekt", left out)
COMPOUND_PART_MIN = 5  # ...a last part from this length: "sjon" is no part of "informasjon"
COGNATE_MIN = 5  # an English word shorter than this is not read as a Norwegian cognate ("case" is no "kase")
COGNATE_WEIGHT = 0.8  # a cognate found in the guidance counts as a translation does (it makes the word known)
COMPOUND_TAIL_MIN = 5  # a nynorsk compound Apertium lacks is read by a last part of at least this many letters ("pasientopplysningar" -> "pasient" + "opplysninger")
COMPOUND_SPAN = 40  # ...in words of at most this many letters (pasted junk is no compound)
COMPOUNDS_SEEN = 65536  # nynorsk words whose compound reading is kept (language._compound_cached; a word of at most COMPOUND_SPAN letters)

# a word of the question says a word of the only document's register name where its own stem or a
# translation (FreeDict, Apertium: weight 0.8) is that word: "registreres" reaches "regist" only by a
# weaker guess (0.64). (An English lemma weighs 0.9: "registered" says "regist", which is why the
# name's words are heard only in order, "Norwegian Patient Registry", never "patients registered")
NAME_TERM_WEIGHT = 0.8
NAME_PART_MIN = 4  # a register name's compound splits into two of the guidance's stems of at least this many letters: "pasient" + "regist"
