"""An applicant's e-mail -> the part they wrote now, their questions, their context and their name.

    own_text("Hva koster det?\\n\\nDen 1. mars skrev NPR:\\n> Hei") -> "Hva koster det?"
    find_questions("Vi trenger data. Hva koster det?") -> (["Hva koster det?"], "Vi trenger data.")

What is cut before questions are looked for: earlier replies under an attribution ("Den …
skrev:", "On … wrote:", "-----Original Message-----", a "Fra:/From:" header block) and everything
after it; quoted lines ("> ") wherever they stand (what is written under or between them stays);
the signature ("Mvh", "Med helsing", "Yours faithfully", "--" …; a closing "Takk for hjelpen!" or
"Best," with only a few short lines under it; or a name alone on the last lines), disclaimers
("Denne e-posten kan inneholde konfidensiell …") and the greeting. A quoted question («Hva koster det?» – takk.) asks like a
bare one. Reading files, mboxes and charsets: inbox.py (re-exported here).
Deliberately left out: any guessing at questions inside forwarded history (history is never answered).
"""

from __future__ import annotations

import re
from itertools import takewhile

from . import tuning as T
from .errors import MailError
from .inbox import Mail, html_to_text, read_mail, read_path
from .privacy import MASK, mask_personal_numbers
from .questions import LEAD_IN, is_asking, leads_in, sentences, split_questions

__all__ = ["Mail", "MailError", "read_mail", "read_path", "html_to_text", "own_text", "signature_name",
           "signature_lines",
           "find_questions", "find_asked", "find_name", "asks"]

# where the history of a thread begins: everything from here on was written earlier
HISTORY = re.compile(
    r"^\s*(?:-{2,}\s*(?:Original Message|Opprinnelig melding|Forwarded message|Videresendt melding)|"
    r"(?:Den|On|Am|På)\b[^\n]{0,200}\n?[^\n]{0,200}\b(?:skrev|skreiv|wrote|schrieb)\b[^\n]{0,200}:\s*$|"
    r"(?:Fra|From|Frå)\s*:\s*.+\n\s*(?:Sendt|Sent|Date|Dato|Til|To)\s*:)",
    re.IGNORECASE | re.MULTILINE)
QUOTED = re.compile(r"^[ \t]*>.*(?:\n|$)", re.MULTILINE)  # a quoted line ("> Pris per time ...")
SIGN_OFF = re.compile(
    r"^[ \t]*+(?:--[ \t]*$|_{5,}|(?:(?P<sent>sendt fra min|sent from my)|mvh\.?|m\.v\.h\.?|"
    r"(?:med\s+)?(?:(?:vennlig(?:st)?|vennleg|venleg|beste|varm|varme|god)\s+)?"
    r"(?:hilsen|hilsener|helsing|helsingar|helsinger)|"
    r"(?:with\s+)?(?:(?:kind|best|warm|warmest|many)\s+)?regards|(?:yours\s+)?(?:sincerely|faithfully)|"
    r"yours\s+truly|(?:with\s+)?(?:best|kind|warm)\s+wishes|all the best|cheers|greetings)\b[,.!]?)(?P<rest>.*)$",
    re.IGNORECASE | re.MULTILINE)
# thanks and "Best," close a message only as a line of their own with a signature under it:
# "Takk for svar!" may just as well open one ("Takk for svar! Jeg lurer også på ...")
THANKS_OFF = re.compile(
    r"^[ \t]*+(?:best|(?:many\s+)?thanks(?:\s+(?:a lot|a million|in advance|so much|very much|again|for your help))?|"
    r"thank you(?:\s+(?:very much|so much|in advance|again|for your help))?|"
    r"(?:(?:tusen|mange)\s+)?takk(?:\s+(?:for (?:hjelpen|hjelpa|hjelp|svaret|svar)|på forhånd|på førehand|i forkant|"
    r"så mye|så mykje|skal du ha))?|på (?:forhånd|førehand|forhand) takk)"
    r"[ \t]*+[,.!]*+[ \t]*+(?P<rest>(?-i:[A-ZÆØÅ][\w'\-]+(?:[ \t]+[A-ZÆØÅ][\w'\-]+){0,3}))?[ \t]*+$",
    re.IGNORECASE | re.MULTILINE)
SIGNATURE_LINES = 6  # at most this many lines stand under a closing thanks (name, title, unit, telephone)
BARE_NAME = re.compile(r"^[ \t]*+(?:[-–—][ \t]*+)?(?P<rest>)(?=\S)", re.MULTILINE)
BARE_NAME_LINES = 4  # the name and at most three lines under it (title, unit, telephone)
LIST_ITEM = re.compile(r"[-–—*•·]|\d{1,2}[.)]\s")  # "- Pris" under "Jeg lurer på:" is an item, not a name
LINE_START = re.compile(r"^[ \t]*\S", re.MULTILINE)


# a postscript under the signature ("PS: Hvor lang tid tar det?", "P.S. Could you also …", "PPS: …")
# is the sender's own text, asked after they signed
POSTSCRIPT = re.compile(r"^[ \t]*+P\.?[ \t]*(?:P\.?[ \t]*)*S\b(?P<mark>\.?[ \t]*[:!,.–-])?[ \t]*", re.IGNORECASE | re.MULTILINE)
POSTSCRIPT_LINES = 30  # a postscript starts among the last lines (each one tried is read for a sign-off above it)
POSTSCRIPTS_TRIED = 3


def _postscript(text: str) -> tuple[str, str, str]:
    """(the text down to the signature's end, the postscript under it without its "PS:", what
    stands under the postscript: a footer or the signature again), or (text, "", "") when no
    postscript stands under a sign-off. A postscript is one paragraph, and each next one that
    starts with a mark of its own ("PPS: …"). "PS" counts with a mark after it ("PS:", "P.S.",
    "PS!"), or before a question or a request on its line ("PS Jeg lurer også på …"), never
    before a name alone ("P.S. Kumar" signs), and only under a sign-off or a closing thanks (not
    a bare name, which may be the last line of a list: "Norsk Hjerneslagregister").

    _postscript("Hva koster det?\nMvh\nKari\n\nPS: Og hvor lang tid tar det?")
        -> ("Hva koster det?\nMvh\nKari\n\n", "Og hvor lang tid tar det?", "")
    """
    tried = 0
    for m in POSTSCRIPT.finditer(text, _tail(text, POSTSCRIPT_LINES)):
        line = text[m.end():].split("\n", 1)[0].strip()
        if not (m["mark"] or "?" in line or asks(line)) or \
                ("?" not in line and re.fullmatch(NAME + r"(?:[ \t]*,.*)?", line)):
            continue
        tried += 1
        if tried > POSTSCRIPTS_TRIED:
            break
        above = _sign_off(text[:m.start()])
        if above is None or above.re is BARE_NAME:
            continue
        paragraphs = re.split(r"\n[ \t]*\n", text[m.end():])
        kept = paragraphs[:1] + list(takewhile(lambda p: _marked(POSTSCRIPT.match(p.strip("\n"))), paragraphs[1:]))
        # "PPS: …" on a line of its own, in the same paragraph or the next, is more of the same
        ps = POSTSCRIPT.sub(lambda x: "" if x["mark"] else x[0], "\n\n".join(p.strip() for p in kept))
        return text[:m.start()], ps.strip(), "\n\n".join(paragraphs[len(kept):]).strip()
    return text, "", ""


def _marked(m: re.Match | None) -> bool:
    """Whether a postscript match has its mark ("PPS:", not "PS Consulting AS")."""
    return bool(m and m["mark"])


def _sign_off(text: str) -> re.Match | None:
    """Where the signature begins: a sign-off line ("Mvh", "Med helsing", "Yours sincerely", "--")
    with nothing but a name after it on its line; or else, among the last lines, a closing thanks
    ("Takk for hjelpen!", "Many thanks,", "Best,") over a signature, or a bare name under a sentence
    that has ended ("– Knut Berg, OUS"). A signature is a few short lines, the first a name, that ask
    nothing and list nothing."""
    for m in SIGN_OFF.finditer(text):
        if m["sent"] or _signs(m["rest"]):
            return m
    for m in THANKS_OFF.finditer(text, _tail(text, SIGNATURE_LINES + 1)):
        below = text[m.end():]
        if (m["rest"] or below.strip()) and _signature(below, SIGNATURE_LINES):
            return m
    return _bare_name(text)


def _signs(rest: str) -> bool:
    """What may follow a sign-off on its line: nothing, a name and where the sender works ("Mvh
    Kari Nordmann, Sykehuset"), or one word ("hilsen mona"); not a sentence ("With regards to the
    data, can we …?")."""
    rest = rest.strip().strip(",.!:").strip()
    if not rest or re.fullmatch(r"[^\W\d_]{2,15}", rest):
        return True
    return rest[:1].isupper() and len(rest.split()) <= 8 and not re.search(r"[?!]|\.\s", rest) and not asks(rest)


def _tail(text: str, lines: int) -> int:
    """Where the last `lines` lines that hold anything begin (0 for a shorter text)."""
    starts = [m.start() for m in LINE_START.finditer(text)]
    return starts[-lines] if len(starts) >= lines else 0


def _signature(block: str, most: int) -> bool:
    """Whether the text under a sign-off can be a signature: at most `most` short lines, the first
    a name, none an item of a list, and nothing asked or requested in them."""
    lines = [line.strip() for line in block.splitlines() if line.strip()]
    return (len(lines) <= most and (not lines or _signer(lines[0]))
            and not any(len(line) > 80 or "?" in line or LIST_ITEM.match(line) for line in lines)
            and not find_asked(block)[0])


NOT_A_NAME = re.compile(r"^(?:(?:mange|tusen)\s+takk|god\s+(?:helg|dag|kveld|jul|påske|sommer)|ha\s+det|hilsen|helsing|"
                        r"greetings|regards|thanks|thank\s+you|takk)\b", re.IGNORECASE)


def _signer(line: str) -> bool:
    """Whether a line under a closing thanks, or alone at the end, is a signer's: a name, and what
    follows it on the line no sentence ("Ja, det er godkjent nå og vi ønsker …", "NB, prisen må …"),
    no courtesy ("Mange Takk", "God Helg") and no word in capitals ("HASTER")."""
    name, also = _name_line(line)
    return (bool(name) and not NOT_A_NAME.match(line) and not SIGN_OFF.match(line)
            and not (name.isupper() and len(name) > 3) and not re.search(r"[.!?](?:\s|$)", also)
            and len(also.split()) <= 6)


def _bare_name(text: str) -> re.Match | None:
    """A signature with no sign-off: the last few short lines, the first a name ("– Knut Berg, OUS";
    "Mark Jensen\nMedical affairs\n+45 33 00 00 00"), under a sentence that has ended. Not a
    sentence opening with a word and a comma ("Ja, REK har godkjent."), a courtesy ("Thank You"),
    a word in capitals ("HASTER") or a list of names ("Haukeland\nStavanger", "I63 Hjerneinfarkt\n
    I61 Hjerneblødning")."""
    for m in BARE_NAME.finditer(text, _tail(text, BARE_NAME_LINES)):
        before, block = text[:m.start()].rstrip(), text[m.end():]
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        last = before.rsplit("\n", 1)[-1].strip()
        # with no sign-off above them, lines of names are as often a list ("Haukeland\nStavanger")
        listed = len(lines) > 1 and all(name and not also for name, also in map(_name_line, lines))
        if (before and before[-1] in ".?!)»\"" and not LIST_ITEM.match(last) and not listed
                and _signature(block, BARE_NAME_LINES)):
            return m
    return None


def _signature_lines(m: re.Match, text: str) -> list[str]:
    """The signature's lines, its name first: under a closing thanks with lines below it, those
    lines ("Takk for hjelpen, Lise\nKnut Hansen": Lise is who is thanked, Knut who signs)."""
    below = [line.strip() for line in text[m.end():].splitlines() if line.strip()]
    if m.re is THANKS_OFF and below:
        return below
    rest = (m["rest"] or "").strip().strip(",.").strip()
    return [rest, *below] if rest else below


DISCLAIMER = re.compile(
    r"^\s*(?:(?:denne e-?posten|denne meldingen|this e-?mail|this message|konfidensialitet|"
    r"confidentiality notice|disclaimer)\b.*?(?:konfidensiell|confidential|tiltenkt|intended)"
    r".*?(?:\n\s*\n|\Z)|"
    # "Hvis du har mottatt denne e-posten ved en feil, vennligst slett den." (a request to no one
    # here): its sentence, or its line, whichever ends first
    r"(?:hvis|dersom|om|viss|if)\s+(?:du|de|dere|you)\s+(?:har|hev|have)\s+(?:mottatt|motteke|fått|"
    r"received)\s+(?:denne|dette|this)\s+(?:e-?posten|e-?postet|meldingen|meldinga|e-?mail|message)\b"
    r"[^\n]{0,40}?(?:feil|error|mistake)[^\n]*?(?:[.!](?:[ \t]+|(?=\n)|\Z)|\n|\Z))",
    re.IGNORECASE | re.MULTILINE | re.DOTALL)
GREETING = re.compile(r"^\s*(?:hei|hallo|heisann|god dag|god morgen|hello|hi|dear)\b"
                      r"[^\n.!?:,]{0,40}(?:[,!.:][ \t]*|[ \t]*(?:\n|$))", re.IGNORECASE)
THANKS = re.compile(r"^\s*(?:takk|tusen takk|på forhånd takk|thanks|thank you|many thanks)\b",
                    re.IGNORECASE)
QUOTES = "«»‹›\"“”„‘’'"
# a sentence also ends inside closing quotes («Hvor lang tid tar søknaden?» – takk.), and a quote
# after a colon starts one (Kunden skrev: «Hva koster det?»)
SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][»›\"”’')]))\s+(?=\S)|(?<=:)\s+(?=[«‹\"“„])|\n+|" + LEAD_IN,
                            re.IGNORECASE)
NAME = r"(?P<name>[A-ZÆØÅ][\w'\-]+(?:[ \t]+[A-ZÆØÅ][\w'\-]+){0,3})"
INTRODUCTION = re.compile(r"\b(?i:jeg heter|eg heiter|mitt namn er|mitt navn er|my name is)\s+" + NAME)


def own_text(text: str) -> str:
    """What the sender wrote now: the history under an attribution line ("On … wrote:", "Fra: …
    Sendt: …") cut off, quoted lines dropped (a reply written under or between quotes keeps what
    follows them), disclaimers and the greeting cut off.

    own_text("Hei!\\nHva koster det?\\n\\nOn Mon, 1 Mar 2026, NPR wrote:\\n> Hei") -> "Hva koster det?"
    own_text("Takk!\\n> Pris per time er NOK 1100.\\nEr det moms?") -> "Takk!\\nEr det moms?"
    """
    m = HISTORY.search(text)
    text = text[:m.start()] if m else text
    text = QUOTED.sub("", text)
    text = DISCLAIMER.sub("", text)
    return GREETING.sub("", text.strip(), count=1).strip()


def signature_name(text: str) -> tuple[str, str]:
    """(text before the sign-off, the name signed under it or after it, or "").

    signature_name("Hva koster det?\\nMvh\\nKari Nordmann\\nSykehuset") -> ("Hva koster det?", "Kari Nordmann")
    signature_name("Hva koster det? Mvh Kari") -> ("Hva koster det?", "Kari")
    """
    text, ps, _ = _postscript(text)
    m = _sign_off(text)
    if not m:
        inline = re.search(r"\s(?i:mvh|hilsen|regards)[,.]?\s+" + NAME + r"\s*$", text)
        if not inline:
            return text.strip(), ""
        return text[:inline.start()].strip(), inline["name"]
    lines = _signature_lines(m, text)
    # signed again under the postscript ("PS: …?\nMvh Kari"): the postscript without it
    body = "\n\n".join(x for x in (text[:m.start()].strip(), signature_name(ps)[0] if ps else "") if x)
    return body, _name_line(lines[0])[0] if lines else ""


def _name_line(line: str) -> tuple[str, str]:
    """A signature's first line -> (the name on it, what follows the name on the same line), or
    ("", line) when it holds no name: "Dr. Kari Holm, Fjellvik kommune" -> ("Dr. Kari Holm",
    "Fjellvik kommune"); "Rådgiver, Fjellvik kommune" -> ("", line)."""
    m = re.fullmatch(r"(?P<title>(?:Dr|Prof)\.[ \t]*)?" + NAME + r"(?:[ \t]*[,(][ \t]*(?P<also>.*?)\)?)?", line.strip())
    # one word before a comma is as often a title as a name ("Rådgiver, Fjellvik kommune")
    if not m or (m["also"] and not m["title"] and len(m["name"].split()) < 2):
        return "", line
    return (m["title"] or "") + m["name"], (m["also"] or "").strip()


def signature_lines(text: str, most: int = 3) -> str:
    """What the sender says they are under the sign-off (title, unit, organisation), without the
    name and without lines holding digits, addresses or links (telephone, e-mail, web):
    the asker's role often stands only there.

    signature_lines("Hva koster det?\nMvh\nKari Nordmann\nRådgiver, Fjellvik kommune\nTlf. 913 45 672")
        -> "Rådgiver, Fjellvik kommune."
    """
    text, _, under = _postscript(text)
    m = _sign_off(text)
    if not m:
        return ""
    signed = _signature_lines(m, text)
    if not signed[1:] and under:  # "Mvh Kari", then the signature under the postscript
        return signature_lines(under, most)
    lines = [line.strip().strip(",.-–—|").strip() for line in signed]
    lines = [line for line in lines if line]
    if lines:
        name, also = _name_line(lines[0])
        lines = ([also] if also else []) + lines[1:] if name else lines
    kept = [line for line in lines[:most + 2]
            if not re.search(r"[\d@]|https?:|www\.", line) and len(line) <= 80][:most]
    return " ".join(f"{line}." for line in kept)


def find_name(text: str, signed: str = "", sender: str = "") -> str:
    """The applicant's name: "Jeg heter X" in the text, else the signature's, else From:'s.

    find_name("Jeg heter Ola Hansen og jobber på et sykehus.") -> "Ola Hansen"
    find_name("Hva koster det?", sender="\ufffd\ufffd\ufffd") -> ""  (a name that could not be read greets no one)
    """
    m = INTRODUCTION.search(text)
    name = m["name"] if m else signed or sender.strip().strip('"')
    return "" if re.search(r"[\d@*\ufffd]", name) else name


def asks(sentence: str) -> bool:
    """'Jeg vil også vite prisen.' -> True; 'Takk for hjelpen!' -> False"""
    return is_asking(sentence)


def _tidy(part: str, sentence: str) -> str:
    """'hvor lang tid tar det' from a sentence ending in '?' -> 'Hvor lang tid tar det?'"""
    part = part.strip()
    if sentence.rstrip().endswith("?") and part[-1:] not in ".?!":
        part += "?"
    return part[:1].upper() + part[1:]


def find_asked(text: str, model=None) -> tuple[list[tuple[str, str]], str]:
    """find_questions, with each question's antecedent: the statement before it in its paragraph
    and the question asked after that statement, if any (never one holding a personal number,
    which is masked in all it returns), which a
    question with no topic of its own ("Kvar gjer eg det?") is about.

    find_asked("Eg vil sjå kva som er registrert om meg. Fnr 01017012345. Kvar gjer eg det?")
        -> ([("Kvar gjer eg det?", "Eg vil sjå kva som er registrert om meg.")], "Eg vil … Fnr ***********.")

    `model` (an asking.AskingModel, optional): the patterns' verdict on each sentence is heard beside
    the model's, which overrules it only where it is sure (a sentence it alone hears asking is one
    question, unsplit).
    """
    # masked before it is split: a line break inside a number must not leave two harmless halves
    paragraphs = [[t for t in (" ".join(x.split()).lstrip("–—- ").strip(QUOTES + " ")
                               for x in sentences(mask_personal_numbers(p), SENTENCE_BREAK)) if t]
                  for p in PARAGRAPH.split(text)]
    verdicts = {s: asks(s) for said_here in paragraphs for s in said_here}  # the patterns', once per sentence
    heard = _heard(model, verdicts)
    asked, context = [], []
    for said_here in paragraphs:
        said: list[str] = []
        since = ""  # the question asked after the last statement, which a next one may point back to
        # a quoted question asks like a bare one: «Hvor lang tid tar søknaden?» -> Hvor lang tid ...
        for sentence, after in zip(said_here, said_here[1:] + [""]):
            regex = verdicts[sentence]
            asking = regex if sentence not in heard else model.combine(regex, heard[sentence], sentence)
            if asking and not (after and leads_in(sentence, after)):
                for part in [p for p in split_questions(sentence) if asks(p)] if regex else [sentence]:
                    if not WORDS.search(part.replace(MASK, "")):
                        continue  # "01019012345?" asks nothing
                    asked.append((_tidy(part, sentence), _antecedent(said, since)))
                # (a question holding a personal number is about that person: nothing after it points
                # back past it)
                since = sentence if WORDS.search(sentence) and MASK not in sentence else ""
                if not regex:
                    # only the model hears it ask: what it says still steers the other questions
                    # ("We want to compare our rates with national figures – so this is not research."),
                    # and a next question may point back to it as to a statement ("Eg vil sjå kva som er
                    # registrert om meg. Korleis gjer eg det?")
                    context.append(sentence)
                    if MASK not in sentence:
                        said.append(sentence)
                        since = ""
            elif not THANKS.match(sentence):
                context.append(sentence)
                if WORDS.search(sentence) and MASK not in sentence:
                    said.append(sentence)
                    since = ""
    # (a number split by a blank line is whole again once its paragraphs are joined)
    return asked, mask_personal_numbers(" ".join(context))


def _antecedent(said: list[str], since: str) -> str:
    """The statement a question follows and the question asked after it, if any ("Vi skriver en
    skoleoppgave. Finnes det ferdig statistikk? Hvor finner vi den?": the statistics are what "den"
    points back to), their last BEFORE_CHARS characters at most; "" when there is none."""
    before = " ".join(x for x in (said[-1] if said else "", since) if x)
    if len(before) > BEFORE_CHARS:
        before = before[-BEFORE_CHARS:].partition(" ")[2]
    # two sentences joined must not make a number of two harmless halves ("nr 010170." + "12345 kr?")
    return mask_personal_numbers(before)


def _heard(model, verdicts: dict[str, bool]) -> dict[str, float]:
    """The model's probability that each sentence it may overrule the patterns on asks ({} without a
    model: see AskingModel.may_overrule); `verdicts`: each sentence, in order, with the patterns'
    verdict. Only the first ASKING_SENTENCES sentences of at most ASKING_CHARS characters,
    ASKING_TOTAL together (a pasted log of thousands of lines costs one batch of bounded size; the
    rest are judged by the patterns alone)."""
    if model is None:
        return {}
    judged, total = [], 0
    for s in (s for s, regex in verdicts.items() if len(s) <= T.ASKING_CHARS and model.may_overrule(s, regex)):
        if len(judged) >= T.ASKING_SENTENCES or total + len(s) > T.ASKING_TOTAL:
            break
        judged.append(s)
        total += len(s)
    return dict(zip(judged, model.judge(judged)))


PARAGRAPH = re.compile(r"\n[ \t\u00a0]*\n")  # a blank line, also one holding a no-break space (HTML mail)
WORDS = re.compile(r"[^\W\d_]")
BEFORE_CHARS = 300  # of a long statement, the end (nearest the question) is its antecedent


def find_questions(text: str) -> tuple[list[str], str]:
    """(the questions asked, the sentences around them as one context string).

    find_questions("Vi planlegger et kvalitetsprosjekt. Hva koster det, og hvor lang tid tar det?")
        -> (["Hva koster det?", "Hvor lang tid tar det?"], "Vi planlegger et kvalitetsprosjekt.")
    Only sentences that ask count: "Jeg lurer på prisen." does, "Takk for hjelpen!" does not.
    find_questions("«Hvor lang tid tar søknaden?» – takk.") -> (["Hvor lang tid tar søknaden?"], "")
    """
    asked, context = find_asked(text)
    return [q for q, _ in asked], context
