"""Question understanding: which language, which sentences ask, and how many questions.

    detect_language("Kva kostar det?") -> "nn"
    split_questions("Hva koster det, og hvor lang tid tar det?") -> ["Hva koster det", "hvor lang tid tar det?"]
    statements("Vi trenger data til planlegging. Hvordan søker vi?") -> "Vi trenger data til planlegging."

Deliberately left out: real parsing. These are patterns for the short texts applicants write;
the word lists live in assistant/data/language.json.
"""

from __future__ import annotations

import hashlib
import itertools
import re

from .asked_for import asks_for
from .chunking import ABBREVIATIONS
from .language import detect as detect_language, markers as language_markers  # noqa: F401


MAX_SPLITS = 12  # places one sentence is split at; a longer run ("… og er og er og er …") stays one part (bounded work)
QUESTION_START = re.compile(
    r"(?:[?;]|,?\s+(?:og|samt|and|also|plus)\b)\s*(?=(?:hva|hvor|hvordan|hvem|hvilke\w*|hvorfor|når|"
    r"kva|kor|korleis|kven|kvifor|kan|må|skal|er|får|finnes|what|how|where|who|which|when|why|can|"
    r"do|does|is|are|must|should|will)\b)", re.IGNORECASE)


# a verb that opens a yes/no question ("Skal jeg …?", "Can we …?"), but after "og"/"and" in a sentence
# that ends without a question mark, the statement's next verb ("Vi er forskere og skal søke.")
# (unless a subject follows it: "… og kan vi få tall per bydel." asks, typed without its mark)
AUXILIARY = re.compile(r"(?:kan|må|skal|er|får|finnes|can|do|does|is|are|must|should|will)\b"
                       r"(?!\s+(?:jeg|eg|du|vi|me|dere|de|dei|det|den|man|en|ein|noen|nokon|i|we|you|they|it|there|he|"
                       r"she|the|a|an|this|that)\b)", re.IGNORECASE)


# a question may open with a conjunction ("Og kven er databehandlar – …", "But how long …") or a
# preposition ("Fra hvilket år …")
ASKING = re.compile(r"^(?:(?:og|men|eller|and|but|or)\s+)?(?:(?:fra|frå|til|med|om|for|i|på|from|to|with|for|in|on|since)\s+)?(?:hva|hvor|hvordan|hvem|hvilke\w*|hvorfor|når|kva|kor|korleis|kven|kvifor|kan|må|"
                    r"skal|er|får|finnes|gjelder|what|how|where|who|which|when|why|can|do|does|is|"
                    r"are|must|should|will)\b|lur[ae]r (?:også |og )?p(?:å|aa|a)\b|"
                    r"\b(?:is (?:that|it|this) possible|er det mulig|går det an)\b|vil (?:også |gjerne )?vite|"
                    r"(?:ønsker|onsker|oensker) (?:også )?(?:å|aa|a) vite|gjerne vite|fortell|wonder|would (?:also )?like to know|"
                    r"please tell|\?\s*$", re.IGNORECASE)
QUESTION_WORD = (r"(?:hva|hvor|hvordan|hvem|hvilke\w*|hvorfor|når|kva|kor|korleis|kven|kvifor|kan|må|skal|"
                 r"er|får|finnes|gjelder|what|how|where|who|which|when|why|can|do|does|is|are|must|"
                 r"should|will)\b")
# a statement led into a question by a dash or a colon is a sentence of its own: "Vi skal koble
# mot Dødsårsaksregisteret – hvor lang tid tar det?" asks only the part after the dash; but not
# when that part only asks to confirm the statement ("Helsedirektoratet er databehandler – kan dere
# bekrefte det?", "…: is that right?"): the statement is what is asked
CONFIRMS_IT = (r"(?:kan|kunne|can|could|will|would)\s+(?:dere|du|dykk|you)\s+(?:(?:please|gjerne|vennligst)\s+)?"
               r"(?:bekrefte|stadfeste|confirm|verify)\s+(?:det|dette|that|this)\b|"
               r"(?:stemmer|stemmar|er|is)\s+(?:det|dette|that|this)(?:\s+(?:riktig|rett|korrekt|right|correct|true))?\s*\?")
LEAD_IN = r"(?:\s+[–—]\s+|(?<=:)\s+)(?=" + QUESTION_WORD + r")(?!" + CONFIRMS_IT + r")"
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=\S)|\n+|" + LEAD_IN, re.IGNORECASE)
# a dot that ends an abbreviation ends no sentence when the text goes on in lower case or with a
# number: "What VAT rate is added to the NOK 1100 eks. mva. price?" is one question, "Prisen er
# 1100 eks. mva. Hvor lang tid tar det?" two (the guidance's own abbreviations, and a few more)
ABBREVIATION = re.compile(r"\(?(?:" + "|".join(re.escape(a) for a in sorted(
    ABBREVIATIONS | {"mva", "inkl", "ekskl", "pga", "mht", "iht", "approx", "incl", "excl"}, key=len, reverse=True))
                          + r")\.", re.IGNORECASE)
# ...nor when an abbreviation that never ends a sentence is followed by an acronym ("What is the
# price excl. VAT?", "inkl. MVA"): a capital there starts no new sentence
BEFORE_ACRONYM = re.compile(r"\(?(?:inkl|ekskl|eks|incl|excl|approx|ca|f\.eks|e\.g|i\.e|jf|nr|kap|pkt|ref|iht|mht|bl\.a)\.",
                            re.IGNORECASE)
ACRONYM = re.compile(r"[A-ZÆØÅ]{2,}\b")
# ...nor a title before a name ("Dr. Smith asks how long delivery takes."): written as titles are,
# so "MR." (a scan) still ends a sentence
TITLE = re.compile(r"\(?(?:Dr|Prof|Mr|Mrs|Ms)\.")  # capitalised: "min dr. Han sa …" is two sentences


def sentences(text: str, pattern: re.Pattern = SENTENCE_BREAK) -> list[str]:
    """`text` split where `pattern` breaks it, except after an abbreviation the text goes on from.

    sentences("Gjelder prisen eks. mva. per time? Og leveringstiden?") -> ["Gjelder prisen eks. mva. per time?", "Og leveringstiden?"]
    sentences("What is the price excl. VAT? Dr. Smith asks too.") -> ["What is the price excl. VAT?", "Dr. Smith asks too."]
    """
    out: list[str] = []
    for piece in pattern.split(text):
        last = (out[-1].rsplit(None, 1) or [""])[-1] if out else ""  # from the right: the join stays linear
        if ((piece[:1].islower() or piece[:1].isdigit()) and ABBREVIATION.fullmatch(last)
                or ACRONYM.match(piece) and BEFORE_ACRONYM.fullmatch(last)
                or piece[:1].isupper() and TITLE.fullmatch(last)):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def is_asking(sentence: str) -> bool:
    """'Hva koster det' -> True; 'Jeg vil også vite prisen.' -> True; 'Send meg gjerne lenken.' -> True;
    'Jeg heter Kari.' -> False; a lead-in ('Skal søke snart, men først:') asks nothing itself, nor does a
    closing ('Hører gjerne fra dere.') or a question word that tells ('Kva det kostar, står på nettsida.')
    The same text is asked about several times per question (its parts, its statements, its context)
    and the same questions come again and again: the last ASKING_KEPT verdicts are kept, by digest
    (never the text itself)."""
    key = hashlib.blake2b(sentence.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    found = _asking.get(key)
    if found is None:
        found = _is_asking(sentence)
        if len(_asking) >= ASKING_KEPT:
            _asking.clear()  # (another thread clearing it too is harmless)
        _asking[key] = found
    return found


ASKING_KEPT = 4096
_asking: dict[bytes, bool] = {}


def _is_asking(sentence: str) -> bool:
    if sentence.rstrip().endswith(":") or CLOSING.search(sentence) and not sentence.rstrip().endswith("?"):
        return False
    if WANTS_TO_KNOW.search(sentence):
        return True
    if TELLS.search(sentence):
        return False
    return bool(ASKING.search(sentence.strip())) or _requests(sentence)


def _requests(sentence: str) -> bool:
    """A request or a need written as a statement: one that opens the sentence ("Send meg gjerne …",
    "Could you …"), or one the asker or the reader is in ("Vi trenger en bekreftelse på …", "Our legal
    team asked for …"; not "Pasientene har behov for hjelp", "It remains unclear whether …")."""
    return bool(OPENING.search(sentence) or REQUESTS.search(sentence) and PERSON.search(sentence)
                or WOULD_HELP_TO_KNOW.search(sentence))


def only_requests(sentence: str) -> bool:
    """Asks only as a request or a need ("Vi må oppgi hvem som er databehandler."), not as a question."""
    return is_asking(sentence) and not (ASKING.search(sentence.strip()) or WANTS_TO_KNOW.search(sentence))


def leads_in(sentence: str, following: str) -> bool:
    """A need that the next sentence asks about by pointing back: "I planen må vi oppgi hvem som er
    databehandler. Hvem er det for NPR?" asks once, and the need is its context. People named
    by a pronoun who wish to know point back to the askers, not to the need ("Our legal team asked
    for the legal basis. They would also like to know whether …" asks twice). Deliberately left
    out: what they wish to know pointing back in a clause's order ("They wonder what it is for
    NPR?"): told from a cleft ("hva det er som kreves", "what it is going to cost") by no pattern two
    reviews could not break, and asking both costs a flagged question, merging a lost one."""
    return (only_requests(sentence) and not only_requests(following) and is_asking(following)
            and points_back(PEOPLE_WISH.sub(" ", following, count=1)))


# "They would also like to know", "De lurer også på", "Dei vil gjerne vite": a pronoun that is the
# subject of a wish to know, at the start of a sentence
PEOPLE_WISH = re.compile(r"^\W*(?:(?:and|but|so|og|men|så)\s+)?(?:they|de|dei)\s+(?:(?:would|also|too|both|all|"
                         r"really|then|også|òg|gjerne|begge|alle|da|då)\s+)*"
                         r"(?:like\s+to\s+know|want(?:s|ed)?\s+to\s+know|wonder(?:s|ed)?|ask(?:s|ed)?|lur(?:er|ar|te)|"
                         r"vil\s+(?:(?:også|òg|gjerne)\s+)*vite|ønsk(?:er|jer)\s+(?:(?:også|òg|gjerne)\s+)*å\s+vite|"
                         r"spør|spurte|spurde)\b", re.IGNORECASE)


def _context_in_chat(parts: list[str]) -> set[str]:
    """In one chat message, requests and needs are context when the message also asks a question:
    "Vi må beskrive hvordan dataene lagres. Hvor lenge kan vi beholde dem?" asks the second, and
    "Kva tema finst det open statistikk om? Gje meg ei liste over emna." the first (a request after it
    is answered with it or not at all; an e-mail's drafts list every request on its own)."""
    requests = {p for p in parts if only_requests(p)}
    return requests if any(is_asking(p) and p not in requests for p in parts) else set()


def split_questions(text: str) -> list[str]:
    """One text asking several things -> its questions, each a self-contained string.

    Statements around questions ("Jeg heter Kari.") are dropped when anything is asked at all;
    a clause that asks nothing inside a question's sentence leads into the next part instead
    ("We need to link NPR data with X, and what must we check?" keeps "link ... X").
    'Hva koster det, og hvor lang tid tar det?' -> ['Hva koster det', 'hvor lang tid tar det?']
    'Statistikk og anonyme opplysninger?' -> ['Statistikk og anonyme opplysninger?']
    A request or a need beside a question is its context ('Send meg gjerne prisen. Hvor lang tid tar
    det?' -> ['Hvor lang tid tar det?']); a message of requests asks them.
    """
    parts = []
    for sentence in sentences(text):
        start, pieces = 0, []
        asks = sentence.rstrip().endswith("?")
        for m in itertools.islice(QUESTION_START.finditer(sentence), MAX_SPLITS):
            if (not asks and sentence[m.start()] not in "?;" and AUXILIARY.match(sentence, m.end())
                    and not is_asking(sentence[start:m.start()])):
                continue  # "Jeg er stipendiat og skal bruke NPR.": the statement's second verb, no question
            piece = sentence[start:m.end() if sentence[m.start()] == "?" else m.start()].strip(" ,;")
            if piece:
                pieces.append(piece)
            start = m.end()
        tail = sentence[start:].strip(" ,;")
        if tail:
            pieces.append(tail)
        pieces = [p for p in pieces if any(c.isalnum() for c in p)]
        # "Vi må oppgi hvem som er databehandlingsansvarlig og hvem som er databehandler": one need, two things
        # named in it (a clause "hvem som …", not a question of its own)
        joined: list[str] = []
        for p in pieces:
            if joined and only_requests(joined[-1]) and EMBEDDED.match(p):
                joined[-1] = f"{joined[-1]} og {p}" if not re.match(r"(?:og|and)\b", p, re.IGNORECASE) else f"{joined[-1]} {p}"
            else:
                joined.append(p)
        pieces = joined
        if len(pieces) > 1 and asks:
            merged, lead = [], ""
            for p in pieces:
                if is_asking(p):
                    merged.append(f"{lead}, {p}" if lead else p)
                    lead = ""
                else:
                    lead = f"{lead}, {p}" if lead else p
            pieces = merged + ([lead] if lead else [])
        parts.extend(pieces)
    asking = [p for p in parts if is_asking(p) and not _bare_announcement(p)]
    context = _context_in_chat(asking)
    asking = [p for p in asking if p not in context]
    if asking:
        return asking
    # nothing asks: every sentence may be the question, but "Jeg har et spørsmål om NPR." only
    # announces one, and is the question only when nothing but greetings stands beside it
    said = [p for p in parts if not ANNOUNCES.search(p)]
    if any(not GREETING.search(p) for p in said):
        return said
    return parts or [text]


# a sentence that only announces a question, perhaps with its subject: "Jeg har et spørsmål om
# NPR.", "Eg lurer på ein ting.", "I have a quick question about linking." (not "Jeg har et
# spørsmål, hva koster det?", which asks it)
ANNOUNCES = re.compile(
    r"^\W*(?:(?:jeg|eg|vi|me|i|we)\s+(?:har|have|'ve\s+got|have\s+got)\s+(?:(?:et|eit|ett|en|ein|noen|nokre|nokon|"
    r"par|a|an|some|few|couple|of|quick|short|small|kort|kjapt?|lite|lita|raskt?)\s+)*(?:spørsmål|sporsmal|question|"
    r"questions|henvendelse|enquiry|inquiry)|(?:jeg|eg|vi|me)\s+lur[ae]r\s+(?:også\s+|òg\s+)?p(?:å|aa|a)\s+(?:noe|noko|"
    r"en\s+ting|ein\s+ting|et\s+par\s+ting|eit\s+par\s+ting))(?:\s+(?:om|angående|rundt|vedrørende|til\s+dere|about|"
    r"regarding|concerning|on|for\s+you)\s+(?P<subject>[^.?!,;:]{0,60}))?\W*$", re.IGNORECASE)
# what an announcement may name without naming a subject: the register itself
REGISTER_ONLY = re.compile(r"^(?:\W|the|norsk|norwegian|npr|pasientregister\w*|patient|regist\w*|dere|you|dette|this)*$",
                           re.IGNORECASE)
# a sentence that only greets, thanks or signs off, with at most a name ("Mvh Kari Nordmann",
# "Takk for hjelpen!", "Beste hilsen Kari, Helse Bergen"); not "Hei, jeg jobber i en kommune."
# (names are capitalised: case matters)
_NAME = (r"[A-ZÆØÅ][\w.\-]*(?:,?\s+(?:(?:of|for|i|og|and|de|van|von|the)\s+)?[A-ZÆØÅ][\w.\-]*){0,6}"
         r"(?:\s+(?i:team|teamet|support))?")
GREETING = re.compile(
    r"^\W*(?:(?i:hei(?:\s+igjen)?|hallo|heisann|god\s+(?:dag|morgon|morgen|kveld|ettermiddag|helg)|hi|hello|hey|"
    r"dear|good\s+(?:morning|afternoon|day|evening)|(?:tusen\s+)?takk(?:\s+skal\s+du\s+ha)?|på\s+forhånd\s+takk|"
    r"takk\s+på\s+førehand|thanks?|thank\s+you|mvh|(?:med\s+)?vennlig\s+hilsen|(?:med\s+)?venleg\s+helsing|"
    r"beste\s+hilsen|helsing|hilsen|(?:best|kind|warm)\s+regards|best|regards|(?:yours\s+)?sincerely|all\s+the\s+best|"
    r"cheers|ha\s+en\s+fin\s+dag|ha\s+ein\s+fin\s+dag|have\s+a\s+nice\s+day)\b"
    r"(?:\s*[,!]?\s*(?:(?i:for\s+\w+(?:\s+\w+)?|in\s+advance|på\s+forhånd|på\s+førehand|alle|all|everyone|there|"
    r"dere|team)|" + _NAME + r"))?\W*|" + _NAME + r"\W*)$")


# a message that only thanks ("Takk!", "Supert, takk for svaret", "Thanks a lot") or greets ("Hei!",
# "Good morning"): it gets a courtesy reply, not the call to write a question or a decline. Every
# word of it must be one of these (so "Takk, men det hjalp ikke", "Takk for ingenting", "Takk,
# studielån" and "Hei, Reseptregisteret" are answered as any message is)
THANKS = re.compile(r"\b(?:takk|takka|thanks|thank\s+you|thx|cheers)\b", re.IGNORECASE)
GREETS = re.compile(r"\b(?:hei|hallo|heisann|hey|hi|hello|dear|god\s+(?:dag|morgon|morgen|kveld|ettermiddag)|"
                    r"good\s+(?:morning|afternoon|day|evening))\b", re.IGNORECASE)
COURTESY = frozenset("""
    takk takka tusen mange hjertelig skal du ha thanks thank you thx cheers much very so lot a
    hei hallo heisann igjen hey hi hello dear there god dag morgon morgen kveld ettermiddag good morning
    afternoon day evening alle all everyone dere dykk deg
    supert super flott fint fin bra kjempe kjempebra perfekt nyttig great perfect awesome nice lovely
    wonderful excellent useful helpful ok okay
    for the det var er it that this was is veldig really godt
    hjelpen hjelpa hjelp svaret svara svar infoen info informasjonen help answer answers reply information
    på forhånd førehand in advance
    """.split())
COURTESY_WORDS = 8  # a longer message says more than thanks


ENGLISH_COURTESY = re.compile(r"^(?:thanks|thank\s+you|thx|cheers|hey|hi|hello|dear|good\s+\w+)$", re.IGNORECASE)


def courtesy(text: str) -> tuple[str, str]:
    """For a message that only thanks or greets: ('thanks' or 'greeting', the language of its
    courtesy word); ('', '') for any other message.

    courtesy("Tusen takk!") -> ("thanks", "nb"); courtesy("Hello") -> ("greeting", "en");
    courtesy("Takk, men det hjalp ikke.") -> ("", ""); courtesy("Takk, studielån") -> ("", "")
    """
    said = re.findall(r"\w+", text.lower())
    if not said or len(said) > COURTESY_WORDS or any(w not in COURTESY for w in said):
        return "", ""
    found = THANKS.search(text)
    kind = "thanks" if found else "greeting"
    found = found or GREETS.search(text)
    if not found:
        return "", ""
    word = " ".join(re.findall(r"\w+", found.group(0)))
    return kind, "en" if ENGLISH_COURTESY.match(word) else "nb"


# "Vi er en kommune, …", "Eg arbeider som kommuneoverlege …", "I work at a pharmaceutical company …",
# "Som journalist …": where an asker says who they are inside a question's own sentence
INTRODUCTION = re.compile(
    r"\b(?:(?:jeg|eg|vi|me)\s+(?:er|jobber|jobbar|arbeider|representerer|kommer\s+fra|kjem\s+frå)|"
    r"(?:i|we)\s*(?:'m|'re|\s+am|\s+are|\s+work|\s+represent)|som|as\s+an?)\b[^.?!,;]*", re.IGNORECASE)


# who the question has do the asking: "Hvordan kan en kommune søke …", "Korleis søkjer ein
# journalist …", "Kan kommunen bruke …", "Which form should a company use?", "Vi i kommunen …";
# not what the data is about ("tall per kommune", "data om kommunene")
ASKER_SUBJECT = re.compile(
    r"\b(?:kan|skal|må|bør|får|søker|søkjer|bruker|gjør|can|should|may|must|could|does|do|would|will)\s+"
    r"(?:(?:en|ein|ei|et|eit|a|an|the|vår|vårt|our)\s+)?(?!(?:jeg|eg|vi|me|du|dere|de|dei|man|i|we|you|they|"
    r"it|he|she|det|dette|den)\b)(?P<noun>\w+)\s+"
    r"(?:søke|søkje|sende|bruke|bruka|nytte|få|gå|apply|use|send|get|request|go)\b"
    r"|\b(?:søker|søkjer|applies)\s+(?:en|ein|ei|et|eit|a|an|the)\s+(?P<noun2>\w+)"
    r"|\b(?:vi|me|we)\s+(?:i|på|ved|hos|at|in)\s+(?:the\s+)?(?P<noun3>\w+)", re.IGNORECASE)


# the asker's role, the noun they say they are before where they work: "Vi er forskere i en
# kommune" -> "forskere" (a researcher in a municipality applies as a researcher); "Vi er en
# kommune og en forsker hjelper oss" names no role over the other
ROLE = re.compile(r"\b(?:(?:jeg|eg|vi|me)\s+er|i\s*'?m|i\s+am|we\s*'?re|we\s+are|som|as)\s+"
                  r"(?:(?:en|ein|ei|et|eit|a|an)\s+)?(\w+)\s+(?:i|ved|på|hos|for|at|in|with)\b", re.IGNORECASE)


def roles(text: str) -> str:
    """roles("Vi er forskere i en kommune.") -> 'forskere'"""
    return " ".join(m.group(1) for m in ROLE.finditer(text))


def introductions(text: str) -> str:
    """The clauses in which the asker says who they are ("Hvordan søker jeg om tall per kommune?"
    says nothing of the asker; "Vi er en kommune, kan vi søke?" does), and who a question has
    do the asking ("Hvordan kan en kommune søke om data?").

    introductions("Vi er en kommune, kan vi søke?") -> "Vi er en kommune"
    introductions("Can a company use the forms?") -> "company"
    """
    said = [m.group(0).strip() for m in INTRODUCTION.finditer(text)]
    said += [next(n for n in m.groups() if n) for m in ASKER_SUBJECT.finditer(text)]
    return " ".join(said)


# a sentence in which the asker only says who they are ("Jeg er masterstudent.", "Hei, eg jobbar
# i ein kommune.", "I'm a PhD student at Karolinska.", "We are a consultancy."); not one that goes
# on to what they want ("Vi er ute etter data om …", "We are planning to link …", "… og trenger …")
SELF = re.compile(
    r"^\W*(?!.*\b(?:og|and|men|but|som|who|that|which|want|need|trenger|ønsker|treng|ynskjer)\b)"
    r"(?:(?:hei|hallo|hi|hello)\W+)?(?:(?:jeg|eg|vi|me)\s+(?:er\s+(?!(?:usikker|interessert|ute|opptatt|klar|på)\b)"
    r"(?:(?:en|ein|ei|et|eit)\s+)?\w+(?:\s+\w+)?|(?:jobber|jobbar|arbeider|arbeidar)\s+(?:i|på|ved|hos|for|som)|"
    r"representerer|kommer\s+fra|kjem\s+frå|heter|heiter)|(?:i|we)\s*(?:'m|'re|\s+am|\s+are)\s+(?:a|an|the|from)\b|"
    r"(?:i|we)\s+(?:work\s+(?:at|for|in|as|with)|represent|come\s+from))\b[^,;]*$", re.IGNORECASE)


# a word that points back to what was said before the question ("Kan NPR brukes til det?", "Finnes
# de i NPR?", "Are there any for NPR?"): such a question asks about the statement before it. "det",
# "it" and "that" only after a preposition: elsewhere they are mostly empty ("Hva koster det?",
# "Finnes det et skjema?", "Is it free?") but for "who is it" and "is it possible" (to do what was
# just said), and "any" only where nothing follows it but a preposition
POINTS_BACK = re.compile(r"\b(?:dette|de|dem|dei|disse|desse|slike|slikt|these|those|they|them|such)\b|"
                         r"\b(?:til|om|for|med|på|av|i|about|for|with|of|on|to|in)\s+(?:det|it|that|this)\b|"
                         r"\b(?:hvem|kven|hva|kva|who|what)\s+(?:er|is)\s+(?:det|it|that)\b|"
                         r"\b(?:går\s+det\s+an|er\s+det\s+(?:mulig|mogleg|mogeleg)|is\s+(?:it|that|this)\s+possible)\b|"
                         r"\bany\b(?=\s*(?:$|[?.!]|(?:for|in|of|at|about)\b))", re.IGNORECASE)


# a follow-up asking for a fact of its own kind about what came before ("Når da?", "Hvem kan se
# den?", "How old is it?"): a quote about the earlier question's subject does not answer it, unless
# it asks for a kind the decision checks ("Når får vi dem?" asks for a date: asked_for)
ASKS_ANEW = re.compile(r"^\W*(?:(?:og|men|and|but|so|så)\s+)?(?:når|naar|kva\s+tid|kor\s+tid|hvem|kven|who|whom|whose|when|"
                       r"what\s+time|hvor\s+(?:gammel|gamle|gamalt|gammelt|stor|store|stort)|"
                       r"kor\s+(?:gammal|gamal|gamle|gammalt|stor|store|stort)|"
                       r"how\s+(?:old|big|large))\b", re.I)


def asks_anew(question: str) -> bool:
    """asks_anew("Når da?") -> True; asks_anew("Hvor finner vi den?") -> False;
    asks_anew("Når får vi dem?") -> False (a date, which the section asked about must give)"""
    return ASKS_ANEW.search(question) is not None and asks_for(question) is None


def follows_on(question: str) -> bool:
    """Whether a question with no topic of its own asks about what was asked before it: it asks
    (not "Takk!") and asks no fact of a kind of its own ("Hvor finner vi den?", not "Når da?")."""
    return is_asking(question) and not asks_anew(question)


def points_back(question: str) -> bool:
    """points_back("Finnes de i NPR?") -> True; points_back("Hvor søker jeg?") -> False"""
    return POINTS_BACK.search(question) is not None


# a demonstrative that points back to what was said before ("Blir disse registrert?" after "Vi har
# pasienter som var døde da de kom fram."): not "de"/"dei"/"they", which in an e-mail are as often the
# register's staff ("Kan de gje oss ein kontaktperson?", nynorsk's polite "you"), nor "det"/"dette"/"this",
# as often the asker's whole plan ("Er dette noe NPR skal brukes til?"); not "such as", "those who",
# "these days", nor one that points ahead to a list ("Kan vi få disse variablene: alder, kjønn?")
POINTS_BACK_PLAINLY = re.compile(r"(?<!\bas\s)\b(?:disse|desse|slike|slikt|sånne|sånt|these(?!\s+days\b)|"
                                 r"those(?!\s+(?:who|whom|whose|with|which|that|of|in|at|on|from|under|over|aged|born|"
                                 r"living|admitted|treated|registered)\b)|such(?!\s+(?:as|a|an|that)\b))\b(?![^:?]*:)",
                                 re.IGNORECASE)


def points_back_plainly(question: str) -> bool:
    """points_back_plainly("Blir disse registrert?") -> True; points_back_plainly("Kva krav stiller de?") -> False"""
    return POINTS_BACK_PLAINLY.search(question) is not None


def about_the_question(said: str) -> str:
    """The statements minus a question's announcement without a subject and the sentences that
    only say who the asker is: what the embedding of a question may hear. Who asks steers through the routes (their
    words), and in the embedding it would pull any question towards the examples that name askers
    ("Vi er en kommune, …"); "Jeg har et spørsmål om NPR." pulls any question towards the guidance.

    about_the_question("Jeg er journalist. Vi trenger tall til en sak.") -> "Vi trenger tall til en sak."
    """
    return " ".join(x for x in sentences(said) if x.strip() and not SELF.search(x)
                    and not _bare_announcement(x))


def _bare_announcement(sentence: str) -> bool:
    """"Jeg har et spørsmål om NPR." names no subject; "Jeg lurer på noe om leveringstiden." does."""
    m = ANNOUNCES.search(sentence)
    return bool(m) and REGISTER_ONLY.match(m.group("subject") or "") is not None


# a wish joined to what came before it: "Jeg var innlagt i 2019 og vil se hva som er registrert om meg."
WISH = re.compile(r"\b(?:og|men|and|but|so)\s+(?:(?:jeg|eg|vi|me|i|we)\s+)?(?=(?:vil|ville|ønsker|ønskjer|onsker|oensker|trenger|"
                  r"treng|lurer|lurar|lurte|undrer|undrar|want|wants|need|needs|would|'d|wonder|wondered|hope|håper|håpar|"
                  r"er\s+nysgjerrig\w*|(?:am|are)\s+curious|(?:i|we)['’](?:m|re|d)\s+(?:curious|wondering|like|want\w*|hoping))\b)",
                  re.IGNORECASE)


JOINED = re.compile(r"(?<=\s)(?:og|men|så|and|but|so)\s+", re.IGNORECASE)


def _opens_with_wish(clause: str) -> bool:
    """Whether a wish opens the clause, after nothing but who wishes and the words that carry it:
    "det hadde vært nyttig å vite hvor …" does; "vi har lest at dere lurer på …" and "sykepleiere
    som vil vite …" (a subject of its own) do not."""
    m = WANTS_TO_KNOW.search(clause)
    return bool(m) and _CARRIER.fullmatch(clause[:m.start()]) is not None


def story_apart(text: str) -> str:
    """A question whose sentence tells the asker's story before the wish -> the story as a
    statement of its own, then the wish: the story steers the answer as context and never vetoes it
    (the hospital and the year are no subject). A first part that asks something itself, or says
    who the asker is, stays.

    story_apart("Jeg var innlagt på Ullevål i 2019 og lurer på hvordan jeg ser det?")
        -> "Jeg var innlagt på Ullevål i 2019. Lurer på hvordan jeg ser det?"
    """
    for sentence in sentences(text):
        cut = next((m for m in WISH.finditer(sentence) if not is_asking(sentence[:m.start()])), None) \
            if is_asking(sentence) else None
        if cut is None and is_asking(sentence):
            # "…, så det hadde vært nyttig å vite hvor …", "…, so it would help to know whether …":
            # a wish that opens the clause after the story (as as_asked reads one)
            cut = next((m for m in JOINED.finditer(sentence) if _opens_with_wish(sentence[m.end():m.end() + 120])
                        and not is_asking(sentence[:m.start()])), None)
        story = sentence[:cut.start()].strip(" ,;–—-") if cut else ""
        # who the asker is ("Vi er et forsikringsselskap og lurer på …") stays: it steers the route
        # as it is (introductions), and its words can be the subject
        if story and any(c.isalpha() for c in story) and not introductions(story):
            wish = sentence[cut.start():].split(None, 1)[1]  # from the subject or the verb, without "og"
            text = text.replace(sentence, f"{story}. {wish[:1].upper()}{wish[1:]}", 1)  # the rest as it was
    return text


# a clause after the question that only says why it is asked: "Hvor langt tilbake går dataene, i
# tilfelle jeg vil sammenligne med sykkelulykker?", "…, given that several sources are involved?"
REASON = re.compile(
    r"(?:,|\s[–—-])\s*(?=(?:i\s+tilfelle|fordi|ettersom|(?:siden|sidan|da)\s+(?:jeg|eg|vi|me|det|dette|vår|vårt|våre|min|mitt|mine)|"
    # "…, siden prosjektet har stram framdriftsplan": a reason about the asker's own work, not a
    # time ("siden 1997", "siden starten")
    r"(?:siden|sidan)\s+(?:prosjekt\w*|studien|studiet|oppgaven|oppgåva|avhandlinga|avhandlingen|saka|saken|arbeidet|planen|"
    r"kommunen|sykehuset|sjukehuset|helseforetaket|bedriften|verksemda|virksomheten|firmaet|instituttet|gruppa|gruppen)|"
    r"slik\s+at|in\s+case|because|given\s+that|considering\s+that|seeing\s+that|"
    r"(?:since|as)\s+(?:i|we|it|this|that|these|our|my|the\s+(?:project|study|thesis|work|plan|municipality|hospital|company|"
    r"article|story|report|analysis|team|group))|so\s+that)\b)"
    # ...or what the asker will use it for: "Finst det opne data som eg kan bruke i ei skuleoppgåve?"
    r"|\s+(?=(?:som|that|which)\s+(?:jeg|eg|vi|me|i|we)\s+(?:kan|kunne|skal|vil|could|can|will|may|might)\s+"
    r"(?:bruke|bruka|nytte|use)\b)", re.IGNORECASE)


WH_WORD = re.compile(r"\b(?:hva|hvor|hvordan|hvem|hvilke\w*|hvorfor|kva|kor|korleis|kven|kvifor|what|how|where|who|"
                     r"which|why)\b", re.IGNORECASE)
# a reason that asks after all: a wh-word it opens with, or one after a verb of wondering or
# knowing ("…, fordi jeg lurer på hvor lenge det tar"); "…, since that affects how I read the
# numbers" only says why
WONDERS = re.compile(r"^\W*(?:\w+\W+){0,2}?" + WH_WORD.pattern[2:]
                     + r"|\b(?:lurer|lurar|lure|lurte|undrer|undrar|wonder\w*|vite|veta|vet|veit|visste|know|knew|ask\w*|spør\w*|spyr|"
                     r"usikk?er|usikre|unsure|sure|uncertain|understand|forstår|forsto|skjønner|skjønar|skjønnar)\b"
                     r"(?:\W+\w+){0,3}?\W+" + WH_WORD.pattern[2:], re.IGNORECASE)


def reason_apart(text: str) -> str:
    """A question followed by why it is asked -> the question, then the reason as a statement of its
    own: the reason steers the answer as context and never vetoes it (the bicycle accidents are no
    subject the guidance must hold). Only a reason that asks nothing itself.

    reason_apart("Hvor langt tilbake går dataene, i tilfelle jeg vil sammenligne med sykkelulykker?")
        -> "Hvor langt tilbake går dataene? I tilfelle jeg vil sammenligne med sykkelulykker."
    """
    for sentence in sentences(text):
        m = REASON.search(sentence)
        if not m or not (is_asking(sentence[:m.start()]) or sentence.rstrip().endswith("?")):
            continue
        reason = sentence[m.end():].strip().rstrip(" ?!.")
        if not reason or is_asking(reason) or WONDERS.search(reason):
            continue
        asked = sentence[:m.start()].rstrip(" ,;")
        text = text.replace(sentence, f"{asked}? {reason[:1].upper()}{reason[1:]}.", 1)
    return text


# a reason put before the question: "Because many of them live in Poland, we wonder whether …",
# "Fordi prosjektet handler om fallulykker hos eldre, lurer vi på om …" ("since", "as" and "siden"
# only before the asker or "this is": "Since 1997, …", "Since my diagnosis in 2018, …", "As the
# hospital, …" are a time and a role, which the question is about)
FRONTED = re.compile(
    r"^\W*(?:because|given\s+that|seeing\s+that|considering\s+that|fordi|ettersom|"
    r"(?:since|as)\s+(?:i|we|i'm|we're)\b|since\s+(?:this|that|it)\s+(?:is|was)\b|"
    r"(?:siden|sidan)\s+(?:jeg|eg|vi|me)\b|(?:siden|sidan)\s+(?:det|dette)\s+(?:er|var)\b)",
    re.IGNORECASE)
FRONTED_COMMAS = 4  # the reason ends at one of its last commas ("Since we need data on stroke, hip fracture, and diabetes, …")


def fronted_reason_apart(text: str) -> str:
    """A question after a reason put before it -> the reason as a statement of its own, then the
    question: the reason steers the answer as context and never vetoes it (Poland and Lithuania
    are no subject the guidance must hold). Only a reason that asks nothing itself.

    fronted_reason_apart("Because many of them live in Poland, we wonder whether they are recorded.")
        -> "Because many of them live in Poland. We wonder whether they are recorded."
    """
    for sentence in sentences(text):
        if not FRONTED.match(sentence):
            continue
        # the question is the clause after the last comma that leaves one: "Since we need data on
        # stroke, hip fracture, and diabetes, how long does it take?"
        for m in list(re.finditer(r",\s+", sentence))[::-1][:FRONTED_COMMAS]:
            reason, asked = sentence[:m.start()].strip(), sentence[m.end():].strip()
            if is_asking(asked):
                if not is_asking(reason) and not WONDERS.search(reason):
                    text = text.replace(sentence, f"{reason}. {asked[:1].upper()}{asked[1:]}", 1)
                break
    return text


def wished(said: str) -> str:
    """Of each statement, the wish it ends in: what a question without a topic of its own asks
    about ("Hvordan får jeg se det?"). What comes before the wish tells the asker's story (a
    hospital, a year), which is no subject the guidance must hold.

    wished("Jeg var innlagt på Ullevål i 2019 og vil se hva som er registrert om meg.")
        -> "vil se hva som er registrert om meg."
    """
    out = []
    for x in sentences(said):
        cuts = list(WISH.finditer(x))
        out.append(x[cuts[-1].end():] if cuts else x)
    return " ".join(y for y in out if y.strip())


def statements(text: str) -> str:
    """The sentences that ask nothing ("Jeg trenger data til et kvalitetsprosjekt."): context.
    A question's announcement ("Eg lurer på ein ting om prisen.") is context too. Greetings,
    thanks and signatures say nothing about a question, and would only pull its embedding
    towards the guidance."""
    said = [s for s in sentences(text) if s.strip()]
    context = _context_in_chat(said)
    return " ".join(s for s in said if not GREETING.search(s) and (not is_asking(s) or ANNOUNCES.search(s) or s in context))


# other people the asker compares themselves with: "Skal vi bruke det samme skjemaet som forskerne
# bruker?", "slik forskarane gjer", "like other researchers", "the way researchers do". They are not
# who asks, so they name no route (asked_by): a definite plural after "som"/"slik" ("som forskere"
# is "as researchers", the asker), any noun after "andre"/"other", and in English a noun after
# "like"/"unlike"/"the way", or after "as" with "the"/"other" or a verb ("as researchers, we" is the asker)
COMPARED = re.compile(
    r"\b(?:(?:akkurat\s+)?(?:som|slik|sånn)|i\s+motsetning\s+til|i\s+likhet\s+med|på\s+(?:samme|same)\s+måte\s+som)\s+"
    r"(?:(?:andre|vanlige|vanlege)\s+(?P<nb_other>\w+)|(?:de\s+|dei\s+)?(?P<nb>\w{3,}?(?:erne|arne|ane|ene))\b"
    # an indefinite plural with its verb: "samme skjema som forskere bruker" ("som forskere" alone is the asker)
    r"|(?P<nb_verb>\w{3,}?(?:ere|arar|erar))\s+(?=(?:bruker|brukar|gjør|gjer|gjorde|har|søker|søkjer|får)\b))"
    r"|\bp(?:å|aa|a)\s+(?:samme|same)\s+m(?:å|aa|a)te\s+som\s+(?:(?:de|dei|andre)\s+)?(?P<nb_way>\w+)"
    # "like" as a preposition, not the verb ("We would like quality data", "I like …")
    r"|(?<!\bwould\s)(?<!['’]d\s)(?<!\bi\s)(?<!\bwe\s)(?<!\byou\s)(?<!\bthey\s)(?<!\bto\s)"
    r"\b(?:unlike|like|the\s+(?:same\s+)?way)\s+(?:(?:the|other|regular|ordinary|most|all)\s+)*(?P<en>\w+)"
    r"|\bas\s+(?:(?:(?:the|other)\s+)+(?P<en_the>\w+)|(?P<en_verb>\w+)\s+(?=(?:do|does|did|use|apply|have)\b))",
    re.IGNORECASE)


def compared_with(text: str) -> list[str]:
    """The people a text compares its asker with, who are not the asker.

    compared_with("Skal vi fylle ut det samme skjemaet som forskerne bruker?") -> ['forskerne']
    compared_with("Vi som forskere lurer på prisen.") -> []
    """
    return [w for m in COMPARED.finditer(text) for w in m.groups() if w]


# asking without a question word, anywhere in the sentence: "Jeg vil også vite …", "Vi lurer også på …",
# with the subject after the verb too ("Til slutt lurer vi på …", "Dessuten vil vi gjerne vite …"), and
# a question named as such ("Et tredje spørsmål er om …", "Another question is whether …")
_SUBJECT = r"(?:jeg|eg|vi|me|de|dei|han|hun|ho)"
_WH = (r"(?:om|hva|hvor|hvordan|hvem|hvilk\w*|hvorfor|når|kva|kvar|kor|korleis|kven|kvifor|whether|if|about|how|what|"
       r"when|where|who|which|why)")
# what a doubt or a passed-on question asks: not "why" ("Jeg forstår ikke hvorfor det tok tid, men det er
# greit" complains) nor "hvor"/"kor" alone ("Jeg undrer meg over hvor raskt dere svarte")
_ASKS = (r"(?:om|hva|hvordan|hvem|hvilk\w*|når|kva|kvar|korleis|kven|whether|if|how|what|where|who|which|when|"
         r"(?:hvor|kor)\s+(?:lang|lenge|langt|mye|mykje|mange|ofte|finner|finn|står|ligger|kan))")
# what looks back, which asks nothing: "Fint om de kunne gitt beskjed tidligere", "… å få vite om endringa på førehand"
_LOOKS_BACK = r"[^.?!]*\b(?:tidligere|tidlegare|på\s+forhånd|på\s+førehand|in\s+advance|beforehand|earlier)\b"
# ...unless the sentence goes on to answer or settle it: "Skjemaet spør om hvilke variabler vi trenger, og de
# står i vedlegget", "The committee asked whether we had consent, and we do", "…, så vi søker om hele perioden"
_SETTLED = r"(?![^.?!]*,\s*(?:og|and|men|but|så|so)\s+(?:de|det|dei|vi|me|we|it|they|derfor|that|i)\b)"
# ...or names what settled it, not negated: "…, men hun fant svaret selv", "…, but that has now been sorted out"
# (not "…, men vi fant ikke noe", nor "…, og i så fall fra hvilket år")
_RESOLVED = (r"(?![^.?!]*,\s*(?:og|and|men|but|så|so)\s+(?:\S+\s+){0,4}?(?:fant|fann|funnet|funne|fikk|fekk|skjønte|forsto|"
             r"forstod|found|realised|realized|learned|learnt|avklart|avklara|sorted|answered|svaret|svar|svart|besvart|clear|klart|regnet|rekna|"
             r"calculated|bestemt|decided)\b(?!\s+(?:ikke|ikkje|not|nothing|ingenting|ingen|noe|noko|no)\b))")
# the adverbs a long e-mail puts between a verb of wondering and what it asks ("Vi lurer derfor på om …",
# "Vi er også litt usikre på om …", "Vi har for det første lurt på om …")
_ADVERB = (r"(?:også|ogsa|òg|derfor|difor|dessuten|dessutan|i\s+tillegg|videre|vidare|elles|ellers|først|fyrst|"
           r"for\s+det\s+f(?:ø|y)rste|først\s+og\s+fremst|fyrst\s+og\s+fremst|egentlig|eigentleg|nå|no|litt|"
           r"samtidig|til\s+slutt|helt|heilt|veldig|svært|noe|noko|fortsatt|framleis|fremdeles|særlig|særleg|spesielt|"
           r"især|i\s+grunnen|da|då)")
# what may stand before a wish that opens a clause: who wishes and the words that carry it ("det
# hadde vært", "it would be"); as_asked leaves the same words out
_CARRIER = re.compile(rf"(?:\s*\b(?:{_SUBJECT}|i|we|det|it|this|that|ville|vil|hadde|would|had|har|have|has|be|been|"
                      rf"være|vært|vere|vore|is|er|also|også|òg|really|veldig|svært|very|{_ADVERB})\b)*\s*", re.IGNORECASE)
# what a doubt, a search that failed or a task passed on asks about: any question word but "why" ("Jeg er
# usikker på hvor søknaden skal sendes", "Eg finn ikkje ut kvar …", "hvorvidt"; not "We are trying to
# understand why waiting times vary", an aim of the research)
_ABOUT = rf"(?:{_ASKS}|hvor|kor|hvorvidt)"
WANTS_TO_KNOW = re.compile(r"\b(?:vil|ønsker|ønskjer|ynskjer|onsker|oensker|skulle|ville|trenger|treng|må|ma)\s+"
                           rf"(?:(?:gjerne|bare|{_ADVERB}|{_SUBJECT})\s+)*"
                           r"(?:(?:å|aa|a)\s+)?(?:få\s+)?vite\b|\bskulle\s+(?:(?:også|òg|gjerne)\s+)*(?:hatt\s+)?visst\b|"
                           rf"\blur[ae]r\s+(?:(?:{_ADVERB}|{_SUBJECT})\s+){{0,4}}p(?:å|aa|a)\b|"
                           # the past only with what it asks: "Jeg lurte på om …", "Vi har lurt på om …" (not "Vi har
                           # lurt på dette lenge")
                           rf"\blurt[e]?\s+(?:(?:{_ADVERB}|{_SUBJECT})\s+){{0,4}}p(?:å|aa|a)\s+(?={_ASKS}\b){_RESOLVED}|"
                           # doubt in the present, written as a statement: "Vi er også litt usikre på om …", "Jeg er
                           # usikker på hvor jeg finner skjemaet", "er vi i tvil om …", "Jeg skjønner ikke helt om …",
                           # "Elles undrar eg meg over om …" (not "Vi var usikre på om …, men nå …", nor "Vi er ikke
                           # sikre på at vi får finansiering")
                           rf"\b(?:er|blir)\s+(?:{_SUBJECT}\s+)?(?:{_ADVERB}\s+)*(?:usikk?er|usikre|usikkre|i\s+tvil|"
                           rf"(?:ikke|ikkje)\s+(?:helt\s+|heilt\s+)?(?:sikk?er|sikre|trygg|trygge))\s+(?:{_ADVERB}\s+)*(?:p(?:å|aa|a)\s+)?(?={_ABOUT}\b){_SETTLED}|"
                           rf"\b(?:skjønner|skjønar|skjønnar|forstår|veit|vet)\s+(?:{_SUBJECT}\s+)?(?:ikke|ikkje)\s+(?:(?:helt|heilt|{_ADVERB})\s+)*(?={_ASKS}\b)|"
                           rf"\bundr(?:er|ar)\s+(?:(?:{_SUBJECT}|meg|oss|{_ADVERB})\s+)*(?:(?:over|på)\s+)?(?={_ASKS}\b)|"
                           # "I'm not sure whether …", "I wasn't sure whether students should …", "we're unsure if …"
                           # (not "whether to write", nor "if this matters")
                           rf"(?:\bnot\s+|n['’]t\s+|\bun)(?:(?:entirely|quite|completely|really|totally|fully)\s+)?(?:sure|certain)\s+(?:{_ASKS})\b(?!\s+to\b){_RESOLVED}"
                           r"(?!\s+(?:this|that)\s+(?:is\s+the\s+right|matters|is\s+relevant))(?!\s+it\s+matters)|"
                           rf"\b(?:unclear|uklart)\s+(?:to|for)\s+(?:us|me|oss|meg)\s+(?={_ASKS}\b){_RESOLVED}|\bnot\s+clear\s+(?:on|about)\s+(?={_ASKS}\b)|"
                           rf"\bnysgjerrig\w*\s+p(?:å|aa|a)\s+(?={_ASKS}\b)|"
                           # "Eg skulle gjerne fått vite om det er mogleg …", "Jeg ville gjerne (ha) fått vite hva …": a wish;
                           # a regret when what follows is past or looked back on ("… hva det kostet", "… om det var
                           # endringer", "… på forhånd"), and "om" must open a clause ("om dette" is "about this")
                           rf"\b(?:skulle|ville)\s+(?:(?:gjerne|også|òg|ha|{_SUBJECT})\s+)*fått\s+vite\s+(?!{_LOOKS_BACK})"
                           r"(?![^.?!]*\b(?:var|fikk|fekk|kostet|kosta|sendte|sende|søkte|ville|hadde|gikk|tok|skjedde|kom)\b)"
                           r"(?=(?:hva|kva|hvor|kor|kvar|hvordan|korleis|hvem|kven|hvilk\w*|når)\b|om\s+(?:det|vi|me|jeg|eg|dere|dykk|de|man|"
                           r"en|ein|npr|registeret)\s+(?:er|har|kan|får|må|skal|blir|vert|går|finnes|finst|gjelder|gjeld|stemmer|trengs|"
                           r"treng|trenger)\b)" + _RESOLVED + "|"
                           rf"\b(?:couldn['’]t|could\s+not|can['’]t|cannot)\s+(?:work\s+out|figure\s+out|find\s+out|tell)\s+(?={_ASKS}\b)|"
                           rf"\b(?:klarer|klarar)\s+(?:{_SUBJECT}\s+)?ikk(?:e|je)\s+(?:å\s+)?(?:finne\s+ut|forstå|skjønne|skjøne)\s+(?={_ASKS}\b)|"
                           # a question someone else asked and the asker passes on ("Personvernombudet spurte også
                           # om hva …", "My supervisor asks how long …"); not one the asker asked before ("Vi har spurt
                           # om dette", "I've asked about the fee") nor a topic asked for ("spurte om formålet")
                           r"(?<!\bvi\s)(?<!\bjeg\s)(?<!\beg\s)(?<!\bme\s)(?<!\bi\s)(?<!\bwe\s)(?<!\bvi\shar\s)(?<!\bjeg\shar\s)(?<!\beg\shar\s)"
                           r"(?<!\bme\shar\s)(?<!\bi\shave\s)(?<!\bwe\shave\s)(?<!['’]ve\s)(?<!\bhar\sikke\s)(?<!\bhar\sikkje\s)"
                           r"(?<!\bblir\s)(?<!\bble\s)(?<!\bvert\s)(?<!\bvart\s)(?<!\bbli\s)(?<!\ber\s)(?<!\bis\s)(?<!\bare\s)(?<!\bwas\s)"
                           r"(?<!\bwere\s)(?<!\bbeen\s)(?<!\bbeing\s)"
                           r"\b(?:spør|spurte|spurde|spurt|spyr|asks|asked|asking)\s+(?:(?:oss|meg|us|me|også|òg|also|additionally)\s+)*"
                           r"(?!om\s+det\s+same?\b|about\s+the\s+same\b)(?=(?:om\s+(?:hva|kva|hvor|kor|kvar|hvordan|korleis|hvilk\w*|kven|hvem|vi|me|dere|de|dykk|det|npr|registeret|han|hun|ho|dei|"
                           r"dataene|dataa|data|man|en|ein)|hva|kva|hvor|kor|kvar|hvordan|korleis|hvilk\w*|kven|hvem|whether|if|how|what|"
                           r"where|which|who|when)\b)" + _SETTLED + _RESOLVED + "|"
                           rf"(?:\bdon['’]?t|\bdo\s+not)\s+(?:(?:quite|fully|really)\s+)?(?:understand|know|get|see)\s+(?={_ASKS}\b)(?!\w+\s+to\b)|"
                           rf"\b(?:i['’]m|i\s+am|we['’]re|we\s+are)\s+(?:(?:also|still|just)\s+)*(?:trying|trying\s+hard)\s+to\s+(?:understand|work\s+out|figure\s+out|find\s+out)\s+(?={_ASKS}\b)|"
                           rf"\b(?:keen|eager|anxious|interested|curious)\s+to\s+(?:know|learn|find\s+out|understand)\s+(?={_ASKS}\b)|"
                           rf"\b(?:interested\s+in|appreciate|welcome)\s+(?:knowing|learning|finding\s+out|understanding)\s+(?={_ASKS}\b)|"
                           # "it would (also) help to know the hourly rate", "det hadde hjulpet å vite om …" (not "it
                           # would have helped", "this would help us understand how patients move")
                           r"\b(?:it|det|that|this)\s+(?:would|hadde|ville)\s+(?:(?:also|også|òg|really|greatly)\s+)*(?:help|hjulpet|hjelpe|hjelpt)\s+"
                           r"(?:(?:oss|meg|us|me|a\s+lot|mye|mykje|greatly|veldig|svært)\s+)*(?:(?:å|aa|a|to)\s+)?(?:få\s+)?(?:vite|know)\b|"
                           # a fact to be confirmed: "…, men vi vil gjerne ha det bekreftet", "please confirm that …"
                           r"\b(?:vil|ville|ønsker|ønskjer|would\s+like\s+to|'d\s+like\s+to)\s+(?:(?:gjerne|også|òg|also)\s+)*(?:å\s+)?(?:ha|få|have|get)\s+"
                           r"(?:det|dette|that|this|it)\s+(?:bekrefta|bekreftet|stadfesta|stadfest|confirmed|verified)\b|"
                           r"\bplease\s+(?:confirm|verify|advise|clarify)\b(?!\s+receipt)|"
                           r"(?<!\blonger\s)\b(?:would|'d|want|wants|need|needs)\s+(?:(?:also|really|just)\s+)*(?:like\s+)?to\s+"
                           r"(?:know|find\s+out)\b|\b(?:would|'d)\s+(?:(?:also|really|just)\s+)*like\s+to\s+(?:understand|learn)\s+(?=how|what|which|where|whether|if|who)\b|\bwonder(?:ing)?\s+(?:also\s+)?(?:about|if|whether)\b|"
                           r"\bplease\s+(?:let\s+(?:me|us)\s+know|tell\s+(?:me|us))\b|"
                           # "Det ville vært fint å vite om …", "It would be helpful to know whether …"
                           r"\b(?:fint|greit|nyttig|kjekt|flott|godt|nice|good|helpful|useful)\s+(?:(?:å|aa|a|to)\s+)?"
                           rf"(?:få\s+)?(?:vite|høre|høyre|know|hear|learn)(?=\s+{_WH}\b)|"
                           # "Videre er det viktig for oss å vite om …" (not "It is essential to know which patients …")
                           rf"\b(?:viktig|important|essential)\s+for\s+(?:oss|meg|us|me|our\s+\S+|vår\w*\s+\S+)\s+(?:å|to)\s+(?:få\s+)?(?:vite|know)(?=\s+{_ASKS}\b)|"
                           # "I'd be grateful if you could point me to where …", "I would like to confirm that …"
                           r"\b(?:grateful|thankful|glad|happy|takknemlig|takksam)\s+(?:if|om|hvis|viss|dersom)\s+"
                           r"(?:you|de|dere|du|dykk)\s+(?:could|would|can|kan|kunne|vil)\b|"
                           r"\b(?:would|'d|want|wants|wish)\s+(?:(?:also|just)\s+)*(?:like\s+)?to\s+(?:confirm|verify|check\s+(?:whether|if))\b|"
                           r"\b(?:vil|ville|ønsker|ønskjer)\s+(?:(?:også|òg|gjerne|bare|berre)\s+)*(?:å\s+)?(?:bekrefte|stadfeste|sjekke\s+om|forsikre\s+(?:meg|oss)\s+om)\b|"
                           # "Før vi set i gang, vil vi gjerne forsikre oss om at …" (not "Herved vil vi bekrefte at …")
                           rf"\b(?:vil|ville)\s+{_SUBJECT}\s+(?:(?:også|òg|gjerne)\s+)*forsikre\s+(?:meg|oss)\s+om\b|"
                           # "I would appreciate a comment on why …", "Vi setter pris på et svar om …"
                           r"\b(?:appreciate|welcome|be\s+grateful\s+for)\s+(?:(?:a|an|any|some|your|short|brief)\s+)*"
                           r"(?:comments?|answers?|clarifications?|information|explanations?|advice|guidance|confirmation|"
                           r"input|reply|replies)\s+(?:on|about|regarding|as\s+to)\b|"
                           r"\b(?:setter|set|sette)\s+(?:(?:også|òg|stor)\s+)*pris\s+på\s+(?:(?:et|eit|en|ein|litt|noen|nokre|nokon|kort|kortfatta)\s+)*"
                           r"(?:svar|kommentar|tilbakemelding|informasjon|avklaring|forklaring)\w*\s+(?:på|om|rundt|angående)\b|"
                           r"\bsp(?:ø|o|oe)rsm(?:å|a|aa)l(?:et|a)?\s+(?:(?:mitt|mine|vårt|våre|min|mi)\s+)?"
                           rf"(?:er\s+{_WH}\b|gjeld(?:er)?\s+\w)|"
                           rf"\bquestions?\s+(?:(?:is|are)\s+{_WH}\b|(?:concerns?|regards?|relates?\s+to)\s+\w)",
                           re.IGNORECASE)


_NEGATED = r"(?:\b(?:ikke|ikkje|not|never|aldri)|n['’]t)"
# what a failed search asks about: a question word, not "if" ("We cannot find the data if patients moved abroad")
_WHETHER = r"(?:om|hva|hvordan|hvem|hvilk\w*|når|kva|kvar|korleis|kven|hvor|kor|hvorvidt|whether|how|what|where|who|which|when)"
# asking as a request or a need rather than a question, the way e-mails ask (each alternative asks
# whatever follows it; none needs a question word or mark):
REQUESTS = re.compile(
    # (the requests that open a sentence are in OPENING below, which needs no asker named)
    r"\bany\s+chance\s+(?:that\s+)?(?:you|dere)\s+(?:could|can|would|might|kan|kunne)\b|"
    # "Vi hører gjerne fra dere om …", "Vi tar gjerne imot råd om …", "Vi set pris på om de kan …" (not "… at dere svarte")
    r"\b(?:hører|høyrer)\s+gjerne\s+(?:fra|frå)\s+(?:dere|dykk|deg)\b|\b(?:tar|tek)\s+(?:(?:jeg|eg|vi|me)\s+)?(?:gjerne|takknemlig)\s+imot\s+"
    r"(?:(?:en|ei|eit|et|noen|nokre|litt)\s+)?(?:råd|tips|svar|informasjon|opplysning\w*|henvisning|tilvising|lenke|lenkje|forslag|hjelp|"
    r"veiledning|rettleiing|dokumentasjon|referanse)|"
    r"\b(?:setter|set)\s+(?:(?:jeg|eg|vi|me)\s+)?(?:(?:stor|veldig|svært|høgt|høyt)\s+)?pris\s+p(?:å|a)\s+(?:om|hvis|viss|dersom|if|å\s+få)\b|"
    r"\b(?:thankful|grateful|glad|happy)\s+to\s+(?:receive|get|have)\b|\b(?:vært|vore|være)\s+(?:\w+\s+)?(?:kjærkomm\w+|velkomm\w+)\b|"
    r"\bwould\s+save\s+(?:me|us)\b|\bville\s+spart\s+(?:meg|oss)\b|"
    # thanks in advance for what is asked: "Jeg hadde satt stor pris på råd om …", "I'd be grateful for a link …",
    # "Any pointer to … would be much appreciated", "Det hadde vore til hjelp å vite …"
    r"\b(?:hadde|ville|vil)\s+(?:(?:jeg|eg|vi|me)\s+)?(?:(?:også|òg|gjerne|virkelig|verkeleg)\s+)*(?:satt|sett|sette|setje)\s+"
    r"(?:(?:stor|veldig|svært|høg|høy)\s+)?pris\s+p(?:å|a)\b|"
    r"\b(?:would|'d)\s+be\s+(?:(?:very|most|really|so|extremely)\s+)*(?:grateful|thankful)\s+for\b|"
    r"\b(?:grateful|thankful)\s+for\s+(?:a|an|any|some|more)\b(?!\s+(?:help|assistance|support)\b)|"
    r"\b(?:would|'d|will)\s+(?:(?:really|greatly|very\s+much|much|also)\s+)*(?:appreciate|value)\b|"
    r"\b(?:would|'d)\s+be\s+(?:(?:very|most|much|greatly|really|extremely|hugely|so)\s+)*(?:appreciated|welcome|helpful|"
    r"useful|valuable|great|good\s+to)\b|"
    # "…, så en avklaring ville hjulpet", "Knowing your hourly rate would make it much easier …"
    r"\b(?:avklaring|clarification|bekreftelse|confirmation|svar|answer)\s+(?:ville|hadde|would)\s+(?:\w+\s+)?(?:hjulpet|hjelpt|help|be\s+helpful)\b|"
    r"\b(?:hadde|ville)\s+(?:det\s+)?(?:vært|vore|vere|være)\s+(?:(?:veldig|svært|særs|til\s+stor|til\s+god|til)\s+)*(?:hjelp|nyttig|"
    r"fint|greit|greitt|kjekt|flott|verdifullt)\b|"
    # a request on a condition: "Hvis dere kunne si noe om …", "If you could tell me which …"; "…, vil jeg gjerne se den"
    r"(?:\b(?:hvis|dersom|viss|if)\s+(?:dere|de|dykk|du|you)|\bom\s+(?:dere|dykk|du))\s+(?:kan|kunne|could|can|would)\s+(?:(?:gjerne|også|òg|please|kindly)\s+)*"
    r"(?:si|seie|fortelle|forklare|anslå|gi|gje|sende|send|tell|let|give|share|estimate|point|confirm|bekrefte|stadfeste|explain)\b|"
    r"\b(?:vil|ville)\s+(?:(?:jeg|eg|vi|me|han|hun|ho)\s+)?(?:(?:også|òg|svært|veldig)\s+)*gjerne\s+(?:(?:se|sjå)\s+(?:den|det|dei|dem|hva\s+som|kva\s+som)|få\s+(?:den|det|dei|dem)\s+tilsendt)\b|"
    rf"\bvil\s+(?:(?:jeg|eg|vi|me)\s+)?(?:(?:også|òg)\s+)*gjerne\s+(?:høre|høyre)\s+(?:(?:mer|meir)\s+(?:om\s+)?)?(?={_ABOUT}\b|det\b)|"
    r"\bvil\s+(?:(?:jeg|eg|vi|me)\s+)?(?:(?:også|òg)\s+)*gjerne\s+ha\s+(?:(?:en|ei|et|eit)\s+)?(?:referansen|referanse|lenken|lenke|lenkja|"
    r"lenkje|kopi|oversikt\s+over\s+(?:hvilk\w*|kva|hva))\b|"
    r"\b(?:wanted|want|wanting)\s+to\s+check\s+(?:whether|if)\b|"
    r"\b(?:would|'d)\s+(?:really\s+)?(?:like|love)\s+to\s+(?:see|find\s+out|hear|learn|know|get\s+hold\s+of)\b|"
    r"\b(?:kunne|kan)\s+(?:(?:jeg|eg|vi|me)\s+)?(?:godt\s+)?tenk[et]\s+(?:meg|oss)\s+(?:å\s+)?(?:vite|høre|høyre)\b|"
    rf"\b(?:tenkte|wanted|thought\s+i['’]d|thought\s+i\s+would)\s+(?:å\s+|to\s+)?(?:spørre|spørje|ask)\s+(?:om|whether|if|about)\b{_RESOLVED}|"
    # "Vi ønskjer ei vurdering av om …", "Prosjektlederen vil ha et anslag …", "I'd like a short explanation of whether …",
    # "Jeg ønsker innsyn i …"; "vil ha dokumentert at …", "det vil jeg gjerne ha avklart"
    r"\b(?:ønsker|ønskjer|ynskjer|onsker|vil\s+ha|ville\s+ha|would\s+like|'d\s+like|want|wants|welcome)\s+(?:(?:gjerne|også|òg|derfor|difor)\s+)*"
    r"(?:(?:å|to)\s+(?:få\s+|get\s+)?)?(?:(?:en|ei|eit|et|a|an|some)\s+)?(?:(?:kort|short|brief|rask|quick|preliminary|foreløpig|skriftleg|"
    r"skriftlig|written)\s+)?(?:vurdering|utgreiing|forklaring|avklaring|anslag|overslag|estimate|explanation|assessment|"
    r"innsyn|svar|answer|dokumentasjon|documentation|stadfesting|bekreftelse|details|(?:oversikt|overview)\s+(?:over|of)\s+(?:hvilk\w*|"
    rf"hva|kva|hvor|kor|which|what|how))\b{_SETTLED}|"
    rf"\b(?:vil\s+ha|trenger|treng|want|need)\s+(?:(?:gjerne|også|òg|mer|meir|more|some)\s+)*"
    rf"(?:informasjon|info|information|opplysninger|opplysningar)\s+(?:om|on|about)\s+(?={_WHETHER}\b)|"
    r"\b(?:requested|requests|request|asked\s+for|ask\s+for|etterspør|etterspurte)\s+(?:(?:a|an|some|further|more)\s+)?"
    r"(?:clarification|confirmation|details|documentation|dokumentasjon|avklaring|bekreftelse|stadfesting)\b|"
    r"\b(?:vil|ville|gjerne)\s+(?:(?:jeg|eg|vi|me|gjerne|også|òg)\s+)*ha\s+(?:det\s+|dette\s+)?(?:stadfesta|stadfest|bekrefta|"
    r"bekreftet|avklart|avklara|dokumentert\s+(?:at|om))\b|"
    rf"\b(?:ville|skulle)\s+(?:(?:jeg|eg|vi|me)\s+)?(?:gjerne|helst)\s+(?:hatt|fått)\s+(?:en|ei|et|eit|a)\b{_SETTLED}|"
    # a need for an answer: "Jeg trenger bekreftelse på at …", "We need clarity on whether …", "må få klarhet i om …",
    # "Vi må oppgi hvem som …", "We must specify in the protocol when …", "I need to understand how …"
    rf"\b(?:trenger|treng|need|require)\s+(?:(?:derfor|difor|også|òg|therefore|also|først|first|{_SUBJECT}|we)\s+)*"
    r"(?:(?:en|ei|eit|et|a|an|some)\s+)?(?:\S+\s+(?:og\s+\S+\s+)?)?(?:dokumentasjon|documentation|beskrivelse|beskriving|description|"
    r"anslag|overslag|estimate|retningslinjer|guidelines)\b|"
    rf"\b(?:trenger|treng|need|require)\s+(?:(?:derfor|difor|også|òg|therefore|also|først|first|{_SUBJECT}|we)\s+)*"
    r"(?:(?:en|ei|eit|et|a|an|some)\s+)?(?:(?:skriftlig|skriftleg|written|formal|formell|kort|short|clear)\s+)?(?:bekreftelse|stadfesting|confirmation|clarity|klarhet|klarleik|avklaring|clarification|"
    r"referanse|reference|citation|kilde|kjelde|lenke|lenkje|link|forklaring|explanation)\b|"
    rf"\bfå\s+(?:klarhet|klarleik|avklart|avklaring)\s+(?:i\s+|på\s+)?(?={_WHETHER}\b)|"
    # "Vi har behov for å vite om …", "Eg manglar informasjon om korleis …", "I lack any information on whether …",
    # "treng eg hjelp til å forstå kva …", "We could use some help figuring out how …"; "Det står ingenting i
    # rettleiinga om …", "There's nothing in the guide about …"
    r"\bbehov\s+for\s+(?:å\s+)?(?:vite|få\s+vite|få\s+avklart|avklaring)\b|\bwelcome\s+(?:a|an|your|any)\s+(?:\w+\s+)?view\b|"
    # "Jeg ønsker informasjon om …", "Vi ber om opplysninger om …", "Jeg ber om å få tilsendt …"; "Jeg finner ingenting om …"
    r"\b(?:ønsker|ønskjer|ynskjer|would\s+like|ber\s+om|bed\s+om)\s+(?:(?:gjerne|også|òg|mer|meir|more|some)\s+)*"
    r"(?:informasjon|info|information|opplysninger|opplysningar)\s+(?:om|on|about)\b|\b(?:ber|bed)\s+om\s+å\s+få\b|"
    rf"\b(?:finner|finn|fant|fann)\s+(?:{_SUBJECT}\s+)?(?:ingenting|ikke\s+noe|ikkje\s+noko)\s+(?:\S+\s+){{0,3}}?om\b|"
    r"\b(?:couldn['’]t|could\s+not|can['’]t|cannot)\s+find\s+anything\s+(?:\S+\s+){0,4}?(?:about|on)\b|"
    r"\b(?:mangler|manglar|lack|lacking|missing)\s+(?:(?:fortsatt|framleis|still|any|some|litt|noe|noko)\s+)*(?:(?:en|ei|eit|et|a|an)\s+)?"
    rf"(?:(?:informasjon|opplysning\w*|info|information|oversikt|details)\s+(?:om|on|about|of)\s+(?={_WHETHER}\b)|"
    r"(?:bekreftelse|stadfesting|confirmation|svar|answer)\b)|"
    rf"\b(?:hjelp|help)\s+(?:til\s+|med\s+|with\s+)?(?:å\s+)?(?:forstå|skjønne|skjøne|finne\s+ut|understanding|understand|figuring\s+out|"
    rf"figure\s+out|working\s+out|work\s+out)\s+(?={_ABOUT}\b)|"
    rf"\b(?:trenger|treng|need)\s+(?:(?:vi|eg|jeg|me|we|i)\s+)?(?:litt\s+|noe\s+|noko\s+|some\s+)?(?:hjelp|rettleiing|veiledning|råd|"
    r"guidance|advice|help)\b|"
    r"\b(?:står|sier|seier)\s+(?:\S+\s+){0,3}?(?:ingenting|ikkje\s+noko|ikke\s+noe)\s+(?:\S+\s+){0,4}?om\b|"
    r"\b(?:there['’]s|there\s+is)\s+nothing\s+(?:\S+\s+){0,5}?(?:about|on)\b|"
    # "Eg vil be om ei kort utgreiing om …" (not "be om unnskyldning")
    r"\b(?:vil|ville)\s+(?:(?:jeg|eg|vi|me|gjerne|også|òg|derfor|difor)\s+)*be\s+om\s+(?:å\s+få|(?:en|ei|eit|et)\s+(?:\w+\s+)?"
    r"(?:utgreiing|vurdering|forklaring|avklaring|bekreftelse|stadfesting|svar|oversikt))\b|"
    rf"\b(?:need|needs|have|has)\s+to\s+(?:understand|know|find\s+out|establish|clarify|check|confirm)\s+(?={_ABOUT}\b)|"
    r"\b(?:må|have\s+to|has\s+to|must|need\s+to|needs\s+to|krever\s+at\s+(?:vi|jeg|eg|me)|requires?\s+(?:us|me)\s+to)\s+"
    r"(?:\S+\s+){0,2}?(?:oppgi|oppgje|opplyse|beskrive|skildre|skrive|gjere\s+greie\s+for|gjøre\s+rede\s+for|gjøre\s+greie\s+for|"
    r"ha\s+med|dokumentere|state|specify|describe|name|cite|document|explain)"
    r"(?:\s+\S+){0,4}?\s+(?:hva|hvem|hvilk\w*|hvor|hvordan|hvorvidt|når|kva|kven|kvar|kor|korleis|what|who|which|where|how|when|"
    rf"whether)\b(?!\s+(?:\S+\s+)?(?:vi|we|jeg|eg|me|i)\b)(?!\s+(?:\S+\s+){{0,3}}?som\s+inngår){_SETTLED}|"
    # "Jeg må finne ut om …", "Vi må få greie på om …"; "min veileder sier jeg må spørre dere om …"
    rf"\b(?:må|have\s+to|need\s+to)\s+(?:\w+\s+)?(?:finne\s+ut|få\s+greie\s+på|find\s+out|figure\s+out|work\s+out)\s+(?={_ABOUT}\b)|"
    r"\b(?:må|skal|should|must|need\s+to)\s+(?:spørre|spørje|ask)\s+(?:dere|dykk|deg|you)\s+(?:om|whether|if|about)\b|"
    # "Kva for forskrift som regulerer registeret, er noko vi må skrive inn", "… is something we need to state"
    r",\s*er\s+(?:noe|noko)\s+(?:vi|eg|jeg|me)\s+(?:må|trenger|treng|lurer|lurar)\b|\bis\s+something\s+(?:we|i)\s+(?:need|have|must)\b|"
    # "Det er eit ope spørsmål hos oss om …", "Et svar på om … ville gjort planleggingen enklere"
    r"\b(?:ope|åpent|open)\s+spørsmål\s+(?:\S+\s+){0,3}?om\b|\bopen\s+question\s+(?:\S+\s+){0,3}?(?:whether|if)\b|"
    rf"\b(?:svar|avklaring|answer|clarification)\s+(?:på|om|on|to)\s+(?:om|whether|if|hvordan|korleis|how)\b{_SETTLED}|"
    # a doubt without "er": "Usikker på om opphald gjennom NAV er med", "It's unclear whether …", "i villreie om …",
    # "in some doubt about whether …", "Vi er spente på om …", "I'm curious whether …", "Eg prøver å forstå kva …"
    rf"\b(?:it['’]s|it\s+is|it\s+remains|det\s+er)\s+(?:(?:still|also|framleis|fortsatt|også|litt|noe|a\s+bit|somewhat)\s+)*"
    rf"(?:unclear|uklart|ikke\s+klart|ikkje\s+klart|not\s+clear)\s+(?:(?:to|for)\s+(?:us|me|oss|meg)\s+)?(?={_ABOUT}\b){_RESOLVED}|"
    rf"\bin\s+(?:some\s+|a\s+bit\s+of\s+)?doubt\s+(?:about|as\s+to|over|regarding)\s+(?={_ABOUT}\b)(?!whether\s+to\b){_RESOLVED}|"
    rf"\bi\s+villre(?:de|ie)\b{_RESOLVED}|\bback\s+and\s+forth\s+(?:on|about|over)\s+(?={_ABOUT}\b)|"
    rf"\bspent[e]?\s+p(?:å|a|aa)\s+(?={_ABOUT}\b)|\bcurious\s+(?:about\s+)?(?={_ABOUT}\b){_SETTLED}|\bcurious\s+about\b{_SETTLED}|"
    rf"\b(?:prøver|prøvar|forsøker|forsøkjer|trying)\s+(?:(?:å|to)\s+)?(?:forstå|skjønne|skjøne|finne\s+ut|understand|figure\s+out|"
    rf"work\s+out|find\s+out)\s+(?={_ABOUT}\b)|"
    # a search that failed: "Jeg finner ikke hvor …", "Eg har ikkje funne ut om …", "I haven't found anything about how …",
    # "Jeg sliter med å finne ut hvor …"
    rf"\b(?:finner|finn)\s+(?:{_SUBJECT}\s+)?(?:ikke|ikkje)\s+(?:ut\s+)?(?:av\s+)?(?={_ABOUT}\b)|"
    rf"{_NEGATED}\s*(?![^.?!]*\b(?:yet|ennå|enno)\b)(?:(?:been\s+able\s+to|klart\s+å|greidd\s+å)\s+)?(?:funnet|funne|found|find|located|locate|skjønt|skjøna|"
    rf"skjønna|forstått|establish|established|determine|work\s+out|worked\s+out|figure\s+out|figured\s+out)\s+(?:ut\s+|out\s+)?(?:(?:noe|noko|anything|noen|nokon)\s+)?(?:(?:om|about|on)\s+)?(?={_ABOUT}\b)|"
    rf"\bsliter\s+med\s+(?:å\s+)?(?:finne\s+ut|forstå|skjønne|finne)\s+(?={_ABOUT}\b)|"
    rf"\b(?:couldn['’]t|could\s+not|can['’]t|cannot|unable\s+to)\s+(?:find|work\s+out|figure\s+out|find\s+out|tell|see|establish)\s+"
    rf"(?:(?:out|anything|any|information|info|details|on|from|in|the|your|website|site|guidance|guide|page)\s+){{0,5}}?(?={_WHETHER}\b)|"
    rf"\bhard\s+to\s+(?:see|tell|work\s+out|understand|figure\s+out)\s+(?={_ABOUT}\b)|"
    rf"\buten\s+å\s+(?:finne\s+ut|forstå|skjønne|bli\s+klok\s+på)\s+(?={_ABOUT}\b)|"
    rf"\b(?:blir|vert)\s+(?:{_SUBJECT}\s+)?(?:ikke|ikkje)\s+klok\s+p(?:å|a)\s+(?={_ABOUT}\b)|"
    rf"\blost\s+as\s+to\s+(?={_ABOUT}\b)|\bin\s+two\s+minds\s+(?:about|over|as\s+to)\b|"
    rf"\bikk(?:e|je)\s+fått\s+med\s+(?:oss|meg)\s+(?={_ABOUT}\b)|"
    rf"\b(?:have|has|har)\s+(?:absolutely\s+)?no\s+idea\s+(?={_ABOUT}\b)|\baner\s+(?:{_SUBJECT}\s+)?(?:ikke|ikkje)\s+(?={_ABOUT}\b)|"
    rf"\bingen\s+anelse\s+(?:om\s+)?(?={_ABOUT}\b)|\b(?:nobody|no\s+one)\s+(?:\w+\s+)?knows\s+(?={_ABOUT}\b)|"
    rf"\bingen\s+(?:av\s+oss\s+|her\s+|hos\s+oss\s+)?(?:vet|veit)\s+(?={_ABOUT}\b){_SETTLED}|"
    rf"\b(?:prøvd|forsøkt|tried)\s+(?:å\s+|to\s+)?(?:finne\s+ut|forstå|find\s+out|understand|work\s+out|figure\s+out)\s+(?={_ABOUT}\b){_RESOLVED}|"
    rf"\b(?:ikke|ikkje)\s+(?:helt\s+|heilt\s+)?(?:får|få)\s+tak\s+i\b|\bfår\s+(?:{_SUBJECT}\s+)?(?:ikke|ikkje)\s+(?:helt\s+|heilt\s+)?tak\s+i\b|"
    rf"\b(?:skjønner|skjønar|skjønnar|forstår)\s+(?:{_SUBJECT}\s+)?(?:ikke|ikkje)\s+(?:(?:helt|heilt)\s+)?(?:hvor|kor)\b|"
    r"\b(?:i['’]m|i\s+am|we['’]re|we\s+are)\s+looking\s+for\s+(?:the|a|an|information|guidance|details|any)\b|"
    r"\b(?:jeg|eg|vi|me)\s+(?:leter|leitar)\s+etter\b|"
    rf"\b(?:i|we)\s+(?:\S+\s+)?struggl\w+\s+to\s+(?:find|understand|work\s+out|figure\s+out)\s+(?={_ABOUT}\b)|"
    # asked for in so many words: "Jeg ber om at dere sender …", "ber om ei stadfesting", "Styret har bedt om en kort
    # forklaring på …"; a task passed on ("Prosjektlederen har bedt meg undersøke om …", "asked me to check whether …")
    r"\b(?:ber|bed)\s+(?:(?:derfor|difor|herved|også|òg|vennligst)\s+)*om\s+at\b|"
    r"\b(?:ber|bed|bedt|bede)\s+(?:(?:derfor|difor|herved|også|òg|vennligst)\s+)*om\s+(?:(?:en|ei|eit|et)\s+(?:\w+\s+)?"
    r"(?:bekreftelse|stadfesting|oversikt|svar|tilbakemelding|avklaring|forklaring|vurdering|lenke|lenkje|kopi)\b)|"
    r"\b(?:ba|bad|bedt|bede|asked|asks|told|wants|want)\s+(?:meg|oss|me|us)\s+(?:om\s+)?(?:(?:å|to)\s+)?(?:spørre|spørje|undersøke|"
    r"undersøkje|sjekke|finne\s+ut|høre|høyre|check|find\s+out|ask|summarise|summarize|clarify|confirm|verify|specify|"
    r"state|look\s+into|enquire|inquire)\b|"
    r"\b(?:raised|raise|raises)\s+(?:the\s+)?(?:question|issue)\s+(?:of\s+)?(?:whether|if|how|what)\b|\bqueried\s+(?:whether|if|how|what)\b|"
    r"\bbeskjed\s+(?:\S+\s+){0,3}?om\s+å\s+(?:undersøke|undersøkje|sjekke|finne\s+ut|avklare)\b|"
    r"(?<!\bi\s)(?<!\bwe\s)(?<!['’]ve\s)(?<!\bi\shave\s)(?<!\bwe\shave\s)\b(?:asked|asks|asking)\s+(?:(?:me|us)\s+)?for\s+"
    r"(?:a|an|the|some|more)\b|"
    # "Vi håper å få vite om …", "I'd love to find out whether …"; "men ønsker en bekreftelse på det", "I would appreciate
    # confirmation"; "Det savner vi en forklaring på"
    r"\b(?:håper|håpar|hope|hoping)\s+(?:(?:å|to)\s+)?(?:få\s+)?(?:vite|know|hear|høre|høyre)\b|"
    r"\b(?:håper|håpar|hoping|hope)\s+(?:(?:at|that)\s+)?(?:dere|de|dykk|du|you)\s+(?:kan|could|can|will|vil)\s+(?:si|seie|fortelle|tell|"
    r"let|confirm|bekrefte|send|sende|gi|gje|give|explain|forklare|point|share|advise)\b|"
    r"\b(?:håper|håpar|hoping)\s+(?:på\s+)?(?:(?:et|eit|en|ei|a)\s+)?(?:\w+\s+)?(?:svar|answer|reply)\s+(?:om|på|about|on)\b|"
    r"\b(?:ønsker|ønskjer|vil\s+(?:gjerne\s+)?ha|ville\s+(?:gjerne\s+)?ha|appreciate|welcome|need|would\s+like|fint\s+med|gjerne\s+ha|"
    r"treng|trenger)\s+(?:(?:en|ei|eit|et|a|some|gjerne|også|òg|your)\s+)*(?:bekreftelse|stadfesting|confirmation)\b|"
    r"\bha\s+(?:det\s+)?(?:stadfesta|stadfest|bekrefta|bekreftet)\s+(?:at|om)\b|"
    rf"\b(?:savner|saknar|sakna|savna)\s+(?:{_SUBJECT}\s+)?(?:(?:en|ei|eit|et)\s+)?(?:forklaring|svar|avklaring)\b|"
    r"\b(?:need|want|like)\s+(?:that|this|it)\s+(?:explained|clarified|confirmed|cleared\s+up|checked)\b|"
    # to speak with someone: "Eg ville gjerne snakka med ein saksbehandlar", "I'm hoping to speak with …"
    r"\b(?:vil|ville|would\s+like|'d\s+like|want|hoping|håper)\s+(?:gjerne\s+)?(?:(?:å|to)\s+)?(?:snakke|snakka|prate|prata|speak|"
    r"talk|meet)\s+(?:med|with)\s+(?:en|ein|ei|a|an|someone|somebody|nokon|noen|dere|dykk|deg|you|your|saksbehandl\w*|case\s+officer)\b",
    re.IGNORECASE)

# the requests that open a sentence and need no asker named in it: "Opplys gjerne om timeprisen …", "Vennligst
# send …", "Please describe …", "Could you …", "Usikker på om …", "Any pointer to … would be much appreciated"
OPENING = re.compile(
    # "Fint om de kan seie …", "Det hadde vært fint om dere kunne bekrefte …"
    # (not "Det er greit om dere vil svare på engelsk", which gives leave, nor "Fint om de kunne gitt beskjed tidligere")
    rf"^(?!{_LOOKS_BACK})\W*(?:det\s+(?:hadde|ville|vil)\s+(?:(?:vært|vore|vere|være)\s+)?)?(?:(?:veldig|svært|særs)\s+)?"
    r"(?:fint|flott|kjekt|greitt|greit|supert)\s+om\s+(?:dere|de|dykk|du)\s+(?:(?:òg|også)\s+)?(?:kan|kunne|vil|ville)\b|"
    r"^\W*(?:(?:og|and|ellers|elles|også|òg|til\s+slutt|finally|also)\W+)?(?:send|gi|gje|si|sei|fortell|fortel|opplys|informer|"
    r"forklar|oppgi|bekreft|beskriv|hjelp\s+(?:meg|oss))\s+(?:meg\s+|oss\s+)?(?:gjerne|også|òg|kort|beskjed|fra|ifra|frå|litt|noe|noko|"
    r"ei\s+melding|en\s+melding|om|kva|hva|hvilk\w*|kva\s+for|hvordan|korleis|kvar|hvor|når|kven|hvem)\b|"
    r"^\W*skriv\s+(?:gjerne\s+)?(?:(?:kort|litt|noe|noko|noen\s+ord|nokre\s+ord)\s+)?(?:om|kva|hva|hvilk\w*|hvordan|korleis)\b|"
    r"^\W*(?:(?:og|and|ellers|elles|også|òg|til\s+slutt|finally|also)\W+)?(?:send|gi|gje|si|sei|fortell|fortel|opplys|informer|skriv|"
    r"forklar|oppgi|bekreft|beskriv)\s+(?:meg|oss)\b|"
    r"\b(?:vær|ver)\s+(?:så\s+)?snill\s+(?:å|og)\b|\bvennligst\s+(?!bekreft\s+mottak)\w+|"
    r"\b(?:rett|korriger)\s+meg\s+(?:gjerne\s+)?(?:om|viss|hvis|dersom)\b|\bcorrect\s+me\s+if\b|"
    r"\bdrop\s+(?:me|us)\s+a\s+(?:line|note|message)\b|\bfeel\s+free\s+to\s+(?:send|share|forward|tell|let)\b|"
    r"^\W*(?:(?:og|and|also|også|so|så)\W+)?(?:could|would|can|will|kunne|kan|vil|ville)\s+(?:you|dere|de|dykk|du)\b|"
    # "Would love to know whether …" with no "I" before it (not "Would love to hear back", an aim such as "Would
    # like to understand regional variation …", nor what is looked back on)
    rf"^(?!{_LOOKS_BACK})\W*(?:(?:and|also|so)\W+)?would\s+(?:(?:really|also)\s+)?(?:love|like)\s+to\s+"
    rf"(?:know|find\s+out|learn|hear|understand)\s+(?={_ASKS}\b)|"
    r"^\W*(?:og\s+)?gjerne\s+(?:også\s+|òg\s+)?(?:et|eit|en|ei)\s+(?:svar|tilbakemelding|avklaring|lenke|lenkje)\b|"
    r"^\W*(?:(?:and|also|finally|just|simply|so)\W+)?(?:please\s+)?(?:kindly\s+(?!note\b|find\b|see\b|be\s+advised)\w+|let\s+(?:me|us)\s+know|tell\s+(?:me|us)|"
    r"send\s+(?:me|us)|point\s+(?:me|us)\s+to|explain\s+(?:how|what|why|whether|which|who|where|when)|confirm\s+(?:whether|if|that)|"
    r"describe\s+(?:how|what|which|whether)|provide\s+(?:me|us))\b|"
    r"\bplease\s+(?:explain|send|describe|point|provide|share|indicate|specify|give|tell|let|forward|outline|list|inform|confirm)\b"
    r"(?!\s+receipt)|"
    r"^\W*(?:a|an|any|some)\s+(?:\S+\s+){1,12}?(?:would|will)\s+be\s+(?:(?:very|most|much|greatly|really|so)\s+)*(?:appreciated|"
    r"welcome|helpful|useful|valuable)\b|"
    r"^\W*(?:et|eit|en|ei)\s+(?:svar|avklaring)\s+p(?:å|a)\s+(?:om|hvordan|korleis)\b|"
    r"^\W*knowing\s+(?:\S+\s+){0,3}?(?:your|whether|if|how|what|when|which)\b[^.?!]*\bwould\s+(?:help|make)\b|"
    rf"^\W*(?:litt\s+|noe\s+|noko\s+|a\s+bit\s+)?(?:usikker|usikre|uviss|unsure|not\s+sure)\s+(?:p(?:å|a|aa)\s+|about\s+)?(?={_ABOUT}\b)",
    re.IGNORECASE)
# the asker or the reader named in a sentence: what makes a stated need a request to the reader
PERSON = re.compile(r"(?i:\b(?:jeg|eg|vi|me|meg|oss|min|mi|mitt|mine|vår|vårt|våre|we|us|our|ours|my|dere|dykk|deres|dykkar|du|deg|"
                    r"din|ditt|dine|you|your|yours)\b)|\bI\b|"
                    # nynorsk's polite "de" (you) as the one asked to act, with nothing before it that "de" (bokmål:
                    # they) could stand for: "Håpar de kan seie …" (not "Avdelingen håper de kan sende …")
                    r"(?i:(?:^\W*(?:(?:håpar|håper)\s+(?:at\s+)?)?|\b(?:hjelp|fint|flott|kjekt|greitt|greit|supert|nyttig)\s+om\s+)"
                    r"de\s+(?:kan|kunne)\s+(?:(?:gjerne|òg|også|kanskje)\s+)*(?:seie|si|gje|gi|sende|stadfeste|bekrefte|forklare|"
                    r"fortelje|fortelle|opplyse)\b)")
# a closing or an offer, which asks for no answer: "Hører gjerne fra dere.", "Hoping to hear from you soon.", "Any help
# would be appreciated.", "Let me know if you need anything else.", "Gje beskjed om noko er uklart.", "Kindly find attached …"
CLOSING = re.compile(
    r"\b(?:hear|høre|høyre|hører|høyrer)\s+(?:gjerne\s+)?(?:back\s+)?(?:fra|frå|from)\s+(?:dere|dykk|deg|you)\s*(?:snart|soon|igjen|again)?\s*[.!]*\s*$|"
    r"\b(?:et|eit|a|an)\s+(?:raskt|snarlig|snarleg|snøgt|kjapt|quick|prompt|speedy|rapid|early)\s+(?:svar|reply|answer|response)\s*[.!]*\s*$|"
    r"^\W*any\s+(?:help|assistance|advice|guidance|input)\s+(?:is|would\s+be|will\s+be)\s+(?:\w+\s+)?appreciated\W*$|"
    # an offer ("Gi beskjed om dere trenger mer informasjon", "if you need anything else", "… if you need me to
    # send it", "… om dere trenger en kopi av vedtaket vårt"): more, something unnamed, the asker's own papers
    # or help; not a requirement only the team can state ("Gi oss beskjed om dere trenger REK-godkjenning før
    # dere kan behandle søknaden")
    r"\b(?:if|om|hvis|dersom|viss)\s+(?:you|dere|de|dykk|du)\s+(?:(?:need|trenger|treng|require)\b(?=\s*(?:[.!]|$)|\s+(?:(?:a|an|the|en|ei|et|eit)\s+)?(?:noe|noko|"
    r"anything|something|mer|meir|more|further|additional|flere|fleire|ytterligere|ytterlegare|other|andre|annet|anna|any|"
    r"det|dette|it|this|that|them|dem|me|us|meg|oss|our|my|vår\w*|min|mitt|mine|informasjon|information|opplysninger|"
    r"opplysningar|dokumentasjon|documentation|details|detaljer|hjelp|help|clarification|avklaring\w*|copy|copies|kopi\w*|"
    r"signed|signert\w*|signatur\w*|signature|original\w*)\b)|"
    r"want|ønsker|har\s+(?:flere\s+|fleire\s+)?"
    r"spørsmål|have\s+(?:any\s+)?(?:further\s+|more\s+|other\s+)?questions)\b|"
    r"\b(?:om|if|hvis|dersom|viss)\s+(?:noe|noko|anything|something)\s+(?:er|is|skulle\s+være|should\s+be)\s+(?:uklart|unclear)\b|"
    r"^\W*(?:kindly\s+|please\s+)?(?:find|see)\s+(?:\w+\s+)?attached\b|^\W*vedlagt\b|"
    r"\bpris\s+p(?:å|a)\s+(?:all|alt|eventuell)\s+(?:hjelp|bistand)\b|\bwithout\s+(?:your|deres|dykkar)\s+(?:help|hjelp)\b|"
    r"\bplease\s+(?:send|direct|forward)\s+(?:any\s+)?(?:questions|queries)\b|\bkindly\s+(?:note|be\s+advised)\b",
    re.IGNORECASE)


# a question word that opens what is settled, not asked: "Kven som skal leie prosjektet, er avgjort.", "Who will lead the
# project has been decided internally."
_TOLD_SUBJECT = r"(?:som|det|vi|me|jeg|eg|de|dei|du|man|han|hun|ho|dere|dykk)"
# a question word opening a clause rather than a question: "hvem som er databehandler", "kva vi treng"
EMBEDDED = re.compile(rf"(?:(?:og|and)\s+)?(?:hva|hvem|hvor|hvordan|når|kva|kven|kvar|korleis|kor|hvilk\w*)\s+{_TOLD_SUBJECT}\b",
                      re.IGNORECASE)
TELLS = re.compile(rf"^\W*(?:(?:hva|hvem|hvor|hvordan|hvorfor|når|kva|kven|kvar|korleis|kvifor|kor)\s+{_TOLD_SUBJECT}|"
                   rf"(?:hvilk\w*|kva\s+for|kva|hva\s+slags|kva\s+slag)\s+\S+\s+{_TOLD_SUBJECT})\b[^,?]*,\s*"
                   r"(?!(?:lurer|lurar|lurte|undrer|undrar|spør|spyr|vil|ønsker|ønskjer|trenger|treng|må|kan|får|skal|bør|hva|hvem|hvor|hvordan|"
                   r"hvilk\w*|når|kva|kven|kvar|korleis|kor|og|eller|men)\b)(?!\S+\s+(?:det|dere|dykk|du)\b)\S+\s+"
                   r"(?!(?:\S+\s+){0,3}?(?:uklart|usikkert|spørsmålet|ukjent|uvisst|ikke\s+klart|ikkje\s+klart|ikke\s+kjent|ikkje\s+kjent|"
                   r"noe\s+vi|noko\s+vi|noe\s+jeg|noko\s+eg)\b)[^?]*$|"
                   # a plan after a time clause: "Når protokollen er ferdig, sender vi søknaden."; a research aim
                   r"^\W*(?:når|when|once)\s+(?!(?:er|kan|får|skal|blir|kommer|vil|må|kjem|tar|tek|finnes|går|is|are|can|will|do|does)\b)"
                   r"[^?,]*,\s*(?=\S)(?!(?:hvor|hva|kva|kor|korleis|hvordan|når|kven|hvem|kan|må|skal|er|får|blir|vil|will|can|how|what|when|"
                   r"who|is|are|do|does|could|would)\b)[^?]*$|"
                   r"^\W*what\s+(?:we|i)\s+(?:want|plan|intend|aim|hope)\s+to\s+(?:examine|study|investigate|explore|analyse|analyze|"
                   r"look\s+at|do)\s+is\b[^?]*$|"
                   r"^\W*(?:how|what|why|which|who|where|when|whether)\s+(?:the|we|our|i|they|it|this|that|my|you)\b[^?]*?\b(?:is|are|was|"
                   r"were|has\s+been|have\s+been|will\s+be)\s+(?!not\b|n['’]t\b)(?:\w+\s+)?(?:described|explained|outlined|listed|set\s+out|stated|given|"
                   r"detailed|covered|decided|agreed)\b[^?]*$|^\W*(?:how|what|why|which|who)\s+[^?]*?\bdepends\s+on\b(?![^?]*\b(?:unclear|not\s+clear|not\s+sure)\b)[^?]*$|"
                   # a need no longer there: "We no longer need confirmation of the fee."
                   r"\b(?:no\s+longer|ikke\s+lenger|ikkje\s+lenger)\b[^?]*$|"
                   r"^\W*(?:hva|hvem|hvilk\w*|hvor|hvordan|når|kva|kven|kvar|korleis|kor|what|who|which|where|how|when|whether)"
                   r"\b(?!\s+(?:er|is|are|was|were|har|has|have|blir|ble)\b)[^?]*?\b(?:er|har|is|has|have|was|were|blir|ble|vart|vert)\s+(?:(?:been|blitt|vorte|eg|vi|me|jeg|we|"
                   r"allerede|alt|already|now|nå|no|internally|internt|ennå|enno|yet|still|ikke|ikkje|not)\s+)*(?:avgjort|bestemt|avklart|decided|sorted|settled|known|"
                   r"kjent|sett|seen|funnet|funne|found|agreed|clarified|determined)\b(?![^.?!]*\?)", re.IGNORECASE)


# a question asked through another one: "Do you know when reporting started?", "Could you tell me
# how long it takes?", "Vet dere om …?", "Kan de seie kva …?": what it asks is the question inside
# (as_asked; not a wish, so never taken by itself for a sentence that asks)
# what a question asked through another asks: a question word, or "om"/"whether"/"if" opening a
# clause ("Vet dere om dataene er anonyme?"), not "om" before a subject ("Vet dere om noen andre
# registre?", "Kan du fortelle meg om prosessen?") nor "about"
_THROUGH = (r"(?:hva|hvor|hvordan|hvem|hvilk\w*|hvorfor|når|kva|kvar|kor|korleis|kven|kvifor|whether|if|how|what|"
            r"when|where|who|which|why|om(?=\s+(?:det|dette|de|dei|dere|dykk|vi|me|jeg|eg|du|han|hun|ho|man|ein|en|"
            r"npr|registeret|dataene|dataa|tallene|tala|opplysningene|opplysningane|søknaden|prisen|pasientene|pasientane)\b))")
# "it would be helpful" and the like, before what it would help to know (ASKED_THROUGH, WOULD_HELP_TO_KNOW)
_WOULD_HELP = (r"\b(?:hadde|ville|would|'d)\s+(?:det\s+)?(?:vært|vore|vere|være|be)\s+(?:(?:veldig|svært|særs|til\s+stor|til|"
               r"very|really|most|so|extremely)\s+)*(?:hjelp|nyttig|fint|greit|greitt|kjekt|flott|great|helpful|useful|good|nice)\s+")
ASKED_THROUGH = re.compile(
    rf"\b(?:do|does|did)\s+(?:you|anyone|anybody|someone)\s+(?:(?:happen\s+to|perhaps|possibly|also|already)\s+)*"
    rf"know\s+(?={_THROUGH}\b)|"
    rf"\b(?:could|can|would|will|might)\s+(?:you|someone|anyone)\s+(?:(?:please|also|perhaps|possibly|kindly|then)\s+)*"
    rf"(?:(?:tell|let|inform|advise)\s+(?:me|us)\s+(?:know\s+)?|explain\s+(?:to\s+(?:me|us)\s+)?|"
    rf"clarify\s+|confirm\s+|check\s+|say\s+)(?={_THROUGH}\b)|"
    rf"\b(?:vet|veit)\s+(?:du|dere|de|dykk|noen|nokon)\s+(?:(?:{_ADVERB}|kanskje|tilfeldigvis)\s+)*(?={_THROUGH}\b)|"
    rf"\b(?:kan|kunne)\s+(?:du|dere|de|dykk|noen|nokon)\s+(?:(?:{_ADVERB}|gjerne|kanskje|vennligst|venligst)\s+)*"
    rf"(?:si|seie|fortelle|fortelje|fortelja|forklare|opplyse\s+om|bekrefte|stadfeste|sjekke)\s+(?:(?:meg|oss)\s+)?(?={_THROUGH}\b)|"
    # the requests find_asked takes without a question: "Håpar de kan seie noko om kor …", "Fint om de kan stadfeste
    # kva …", "Det hadde vore til hjelp å vite kor …", "It'd be great to know when …"
    rf"\b(?:(?:håper|håpar|hope|hoping)\s+(?:(?:at|that)\s+)?|(?:fint|flott|kjekt|greitt|greit|supert)\s+om\s+)"
    rf"(?:dere|de|dykk|du|you)\s+(?:kan|kunne|could|can|will|vil|ville)\s+(?:(?:{_ADVERB}|gjerne|please)\s+)*"
    rf"(?:si|seie|fortelle|fortelje|forklare|bekrefte|stadfeste|opplyse|tell\s+(?:me|us)|explain|confirm|let\s+(?:me|us)\s+know)\s+"
    rf"(?:(?:meg|oss)\s+)?(?:(?:noe|noko|something|more)\s+)?(?:(?:om|about)\s+)?(?={_THROUGH}\b)|"
    rf"{_WOULD_HELP}(?:for\s+(?:oss|meg|us|me)\s+)?(?:å\s+|to\s+)?(?:få\s+)?(?:vite|know|høre|høyre|hear|find\s+out|avklart)\s+(?={_THROUGH}\b)",
    re.IGNORECASE)

# a wish to know that needs no asker named: "It'd be great to know when …", "Det ville vore greitt å få
# vite om registeret …" (not a research aim, "For helsetjenesten ville det vært nyttig å vite hvilke …", nor what
# is settled, planned or looked back on after it: "…, men REK har alt svart", "…, og det er bakgrunnen for
# prosjektet", "… å få vite om endringa på førehand")
WOULD_HELP_TO_KNOW = re.compile(
    rf"^(?!\W*(?:for|til)\s+(?!(?:oss|meg|us|me)\b))(?!{_LOOKS_BACK})[^.?!]*?"
    rf"{_WOULD_HELP}(?:(?:for\s+(?:oss|meg|us|me)|å\s+få|to\s+get)\s+)?(?:å\s+|to\s+)?(?:(?:få\s+)?vite|know|(?:få\s+)?høre|(?:få\s+)?høyre|hear|"
    rf"find\s+out|få\s+avklart|få\s+svar\s+på)\s+(?={_THROUGH}\b)(?!when\s+\w+ing\b)"
    r"(?![^.?!]*,\s*(?:men|but|og|and)\s+(?!(?:om|whether|if|hva|hvor|kva|kor|korleis|hvordan|how|what|when|where|who|which)\b))",
    re.IGNORECASE)

# "Det vi lurer på, er om …", "What we'd like to know is whether …"
_ASKED_AFTER_WISH = re.compile(rf"^\W*(?:(?:er|is|was|var)\W+)?({_WH})\b(.*)$", re.IGNORECASE | re.DOTALL)


def as_asked(part: str, words: int = 6) -> str:
    """A question worded as a wish, as the question it stands for: what its embedding should hear
    (the example questions are asked straight out, and "Eg lurer òg på om …" lies farther from
    them than "Om …?" does), and what its words are weighed by (the wish's "lurer", "nyttig å
    vite" are no subject the guidance must hold), and so is a question asked through another ("Do you
    know when …?", "Kan de seie kva …?"). Only where the wish opens the sentence (at most
    `words` words before it, "Til slutt lurer vi på"); what stands before it stays when it says
    more than who asks. The routes read the sentence as written.

    as_asked("Eg lurer òg på om opplysningane er anonyme.") -> "Om opplysningane er anonyme?"
    as_asked("I'd like to know how long it takes.") -> "How long it takes?"
    as_asked("Do you know when full reporting started?") -> "When full reporting started?"
    as_asked("Hva koster det?") -> "Hva koster det?"
    """
    found = [x for x in (WANTS_TO_KNOW.search(part), ASKED_THROUGH.search(part)) if x]
    m = min(found, key=lambda x: x.start()) if found else None  # the frame that opens the sentence
    if not m or len(part[:m.start()].split()) > words:
        return part
    # "wondering whether …": the wish's own last word may be the question word
    last = re.search(rf"\b{_WH}$", m.group(0), re.IGNORECASE)
    rest = _ASKED_AFTER_WISH.match(part[m.start() + last.start():] if last else part[m.end():])
    said = rest.group(2).strip().rstrip(" \t\n.!?") if rest else ""
    said = re.sub(r"^(?:at|that)\s+", "", said, flags=re.IGNORECASE)  # "forsikre oss om at …" asks whether …
    if not re.search(r"[^\W\d_]", said):  # "Jeg lurer på om." asks nothing
        return part
    asked = f"{rest.group(1)[:1].upper()}{rest.group(1)[1:]} {said}?"
    # what stands before the wish may name the subject ("Vi er et forsikringsselskap og lurer på om
    # …"): it stays, as a sentence of its own; a bare subject or adverb ("Eg", "Til slutt") goes
    # (and what only carries the wish: "Det ville også vært fint å vite om …", "I would appreciate …")
    before = re.sub(rf"(?:\s*\b(?:og|and|så|men|but|{_SUBJECT}|i|we|det|it|this|ville|vil|hadde|would|had|har|have|has|"
                    rf"be|been|være|vært|vere|vore|is|er|also|også|òg|really|veldig|svært|very|{_ADVERB}))+\s*$", "", part[:m.start()],
                    flags=re.IGNORECASE).strip(" ,;:-")
    if len(before.split()) < 3:
        return asked
    return f"{before}. {asked}"
