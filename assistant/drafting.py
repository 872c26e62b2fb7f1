"""E-mail -> questions -> a reply draft the support team checks and sends.

    draft = Drafter(assistant).draft(read_mail(b"Hei! Hva koster det?\\nMvh Kari"))
    draft.text -> "Hei Kari!\\n\\nTakk for henvendelsen. ...\\n\\n1. «Hva koster det?»\\nIfølge veiledningen:\\n..."
    draft.to_dict() -> {"draft": "...", "questions": [{"question", "answer", "citations", "manual", "asked", "related"}]}

Each question found by `mail.find_asked` goes to `Assistant.ask` with the e-mail's other
sentences as context (a question with no topic of its own, "Kvar gjer eg det?", together with
the statement before it, and with the question asked after that statement, if any, as what it
points back to); where that context steers a question to a decline while the question asked alone
(with who the asker says they are: "I work for a consultancy") is answered for sure
(`tuning.ALONE_SURE`), the answer asked alone stands, and quotes a route meant for some askers only
where the asker has said who they are. The draft quotes the citations it returns, with section
and file. A question the guidance does not cover is listed under "Må besvares manuelt", never
guessed. A sentence only the asking model hears ask (assistant/asking.py: "Budsjettet vårt krever
at vi oppgir hva NPR tar per time …") is an item only where the guidance answers it; declined, it
stays context.
A question asked twice is answered once. At most MAX_QUESTIONS (20) questions per e-mail are
looked up; the rest are listed for staff under their own heading (asked=False), never dropped from
the draft's items, and the first MAX_LISTED (30) of them are written out in its text, the others
counted. The signature's title and organisation lines say who asks, never what is asked about. Folders and mboxes: batch.py.
Under each question for manual work, the sections the assistant offers on its decline
("Kanskje nyttig", assistant/related.py) are listed with their links, for the team.
Greeting, lead-ins and sign-off come from data/reply_templates.json (bokmål/nynorsk e-mails get
the "nb" wording, English ones "en"); personal numbers are masked in everything produced.
Deliberately left out: paraphrase (answers are quotes only) and sending anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from . import tuning as T
from .asking import AskingModel
from .questions import detect_language, introductions, points_back_plainly, sentences
from .mail import Mail, MailError, asks, find_asked, find_name, own_text, signature_lines, signature_name
from .privacy import mask_personal_numbers
from .records import Answer, Citation
from .text import shown

__all__ = ["Drafter", "Draft", "DraftItem", "load_templates", "TEMPLATES", "MAX_QUESTIONS"]

TEMPLATES = Path(__file__).parent / "data" / "reply_templates.json"
MAX_QUESTIONS = 20  # per e-mail; the rest are listed for staff, not looked up (bounded work per request)
MAX_LISTED = 30  # of those, listed one by one; the draft counts the others (a huge e-mail stays a readable draft)
# optional keys: a templates file written before they existed still loads
DEFAULTS = {"nb": {"not_asked_heading": "[Må besvares manuelt] E-posten har flere enn {limit} spørsmål; "
                                        "disse er ikke slått opp i veiledningen:",
                   "related_item": "    Kanskje nyttig: «{section}» {url}",
                   "not_listed": "    … og {count} spørsmål til, ikke listet her: se e-posten."},
            "en": {"not_asked_heading": "[Må besvares manuelt] The e-mail asks more than {limit} questions; "
                                        "these were not looked up in the guidance:",
                   "related_item": "    Kanskje nyttig (possibly related): \"{section}\" {url}",
                   "not_listed": "    … and {count} more questions, not listed here: see the e-mail."}}
KEYS = ("greeting_named", "greeting", "intro", "question", "lead", "quote", "source", "manual_heading",
        "manual_item", "no_questions", "closing", "sign_off")


@lru_cache(maxsize=8)
def load_templates(path: str | Path = TEMPLATES) -> dict:
    """The reply wording per language ("nb", "en"); raises MailError naming a missing key."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # the path shown as text.shown shows it; an OSError's text repeats it
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise MailError(f"Reply templates {shown(path)} cannot be read ({why}); fix the JSON or use the default.")
    if not isinstance(data, dict):
        raise MailError(f"Reply templates {shown(path)}: expected an object with \"nb\" and \"en\"; fix the JSON "
                        "or use the default.")
    for lang in ("nb", "en"):
        texts = data.get(lang, {})
        if not isinstance(texts, dict):
            raise MailError(f"Reply templates {shown(path)}: '{lang}' is not an object of texts; fix it.")
        missing = [k for k in KEYS if k not in texts]
        if missing:
            raise MailError(f"Reply templates {shown(path)}: '{lang}' lacks {', '.join(missing)}; add them.")
        wrong = [k for k in KEYS if not isinstance(texts[k], str)]
        if wrong:
            raise MailError(f"Reply templates {shown(path)}: '{lang}' {', '.join(wrong)} must be text; fix them.")
        data[lang] = {**DEFAULTS[lang], **texts}
    return data


@dataclass(frozen=True)
class DraftItem:
    question: str
    answer: Answer
    manual: bool  # the guidance does not cover it (or it was not asked): staff answer it themselves
    asked: bool = True  # False beyond MAX_QUESTIONS: listed for staff, never looked up

    def to_dict(self) -> dict:
        data = self.answer.to_dict()
        return {"question": self.question, "answer": self.answer.answer, "citations": data["citations"],
                "manual": self.manual, "asked": self.asked, "related": data["related"]}


@dataclass(frozen=True)
class Draft:
    text: str
    items: tuple[DraftItem, ...]
    name: str = ""
    lang: str = "nb"
    subject: str = ""
    context: str = ""

    @property
    def manual(self) -> list[str]:
        return [i.question for i in self.items if i.manual]

    @property
    def citations(self) -> tuple[Citation, ...]:
        return tuple(c for i in self.items for c in i.answer.citations)

    def to_dict(self) -> dict:
        return {"draft": self.text, "questions": [i.to_dict() for i in self.items]}


def by_section(citations) -> list[list[Citation]]:
    """Consecutive citations of one section grouped, so each group gets one source line.

    [Pris a, Pris b, Leveringsfrister c] -> [[a, b], [c]]
    """
    groups: list[list[Citation]] = []
    for c in citations:
        if groups and (groups[-1][0].source, groups[-1][0].section) == (c.source, c.section):
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


def render(words: dict, name: str, items: list[DraftItem]) -> str:
    """The draft text from the wording for one language and the answered items."""
    out = [words["greeting_named"].format(name=name) if name else words["greeting"], words["intro"]]
    answered = [i for i in items if not i.manual]
    for n, item in enumerate(answered, 1):
        lines = [words["question"].format(number=n, question=item.question), words["lead"]]
        for group in by_section(item.answer.citations):
            lines += [words["quote"].format(quote=c.quote) for c in group]
            lines.append(words["source"].format(section=group[0].section, source=group[0].source))
        out.append("\n".join(lines))
    manual = [i for i in items if i.manual and i.asked]
    if manual:
        lines = [words["manual_heading"]]
        for item in manual:  # the sections the assistant found close: where the team can start
            lines.append(words["manual_item"].format(question=item.question))
            lines += [words["related_item"].format(section=r.section, url=r.url or "").rstrip()
                      for r in item.answer.related]
        out.append("\n".join(lines))
    not_asked = [i.question for i in items if not i.asked]
    if not_asked:
        listed = [words["manual_item"].format(question=q) for q in not_asked[:MAX_LISTED]]
        if len(not_asked) > MAX_LISTED:
            listed.append(words["not_listed"].format(count=len(not_asked) - MAX_LISTED))
        out.append("\n".join([words["not_asked_heading"].format(limit=len(items) - len(not_asked)), *listed]))
    if not items:
        out.append(words["no_questions"])
    out += [words["closing"], words["sign_off"]]
    return mask_personal_numbers("\n\n".join(out)) + "\n"


class Drafter:
    """Drafts replies with one Assistant; `templates` is a path to a reply_templates.json."""

    def __init__(self, assistant, templates: str | Path = TEMPLATES, max_questions: int = MAX_QUESTIONS):
        self.assistant = assistant
        self.templates = load_templates(str(templates))
        self.max_questions = max_questions
        # which sentences ask: the patterns, heard beside a model fitted for this embedding model
        self.asking = AskingModel.load(getattr(assistant, "embedder", None))

    def draft(self, mail: Mail) -> Draft:
        own = own_text(mail.text)
        body, signed = signature_name(own)
        asked, context = find_asked(body, self.asking)
        # a sentence only the model hears ask ("Budsjettet vårt krever at vi oppgir hva NPR tar per time …")
        # is an item where the guidance answers it; declined, it was most likely a statement (a plan,
        # a wish for data), and stays context rather than a question for staff
        # (the patterns take each part of a sentence they hear ask: a question they do not take is the model's)
        tentative = {q for q, _ in asked if not asks(q)} if self.asking else set()
        if len(asked) > self.max_questions:  # more than are looked up: the patterns' questions only
            asked = [(q, before) for q, before in asked if q not in tentative]
        # who asks steers the answer, and it often stands only under the name ("Rådgiver, Fjellvik
        # kommune"): the signature's title and organisation lines are heard for who asks, never as
        # the subject ("Ventetid AS" under a price question asks nothing about waiting times)
        role = mask_personal_numbers(signature_lines(own))
        # a question asked twice is answered once ("Hva koster det?" pasted over and over)
        firsts: dict[str, tuple[str, str]] = {}
        for q, before in asked:
            firsts.setdefault(" ".join(q.lower().split()).strip(" ?.!"), (q, before))
        asked = list(firsts.values())
        questions = [q for q, _ in asked]
        lang = "en" if detect_language(body or mail.subject) == "en" else "nb"
        items = []
        whole = mask_personal_numbers(body)
        # "Kvar gjer eg det?" says nothing of its own: it asks about the statement before it, as it
        # would in the chat, where the message holds both; a question asked between them ("Finnes
        # det ferdig statistikk? Hvor finner vi den?") is what it points back to, heard but never
        # answered in this item (it is an item of its own). A question with a topic whose
        # demonstrative points back ("Blir disse registrert?" after "Vi har pasienter som var døde
        # da de kom fram.") is asked with the statement before it too, as the chat hears the two in
        # one message
        looked_up = asked[:self.max_questions]
        leans = [bool(before) and (not self.assistant.has_topic(q) or points_back_plainly(q))
                 for q, before in looked_up]
        # ...and a sentence only the model hears ask that such a question points back to is that
        # question's statement, not an item of its own ("Eg vil sjå kva som er registrert om meg.
        # Korleis gjer eg det?")
        pointed_to = " ".join(before for (_, before), lean in zip(looked_up, leans) if lean)
        for (q, before), lean in zip(looked_up, leans):
            if q in tentative and q in pointed_to:
                continue
            text, earlier = q, ""
            if lean:
                said = sentences(before)
                earlier = " ".join(s for s in said if asks(s))
                text = " ".join([*(s for s in said if not asks(s)), q])
            # the whole e-mail is heard for whom a section is never for: "Må jeg bruke skjemaet?"
            # after "Hvor ser jeg hva som er registrert om meg?" comes from a patient
            more = {"earlier": earlier} if earlier else {}
            answer = self.assistant.ask(text, context=context, whole=whole, signed=role, **more)
            if answer.abstained and answer.reason == "not_covered" and context and not lean:
                # the e-mail's other sentences steer a question to its section ("… is not intended
                # for publication or research." drew a consultancy's "should we use the application
                # form on helsedata.no for this" to the research route, never quoted to it); where
                # they steer it away from an answer the decision is sure of when it is asked
                # alone, that answer stands. Who the asker says they are is still heard (as a
                # signature is): a PhD student's "Hvem er kontaktperson for prosjektet?" is never
                # sent the route for other purposes
                introduced = f"{introductions(context)} {role}".strip()
                alone = self.assistant.ask(text, whole=whole, signed=introduced, **more)
                # ...and a route meant for some askers (the research form, the route for other
                # purposes) only where the asker has said who they are: a purpose told in other
                # words ("Jeg holder på med en doktorgrad …") is heard only in the context left out
                routed = any((c.source, c.section) in self.assistant.askers for c in alone.citations)
                if not alone.abstained and alone.confidence >= T.ALONE_SURE and (introduced or not routed):
                    answer = alone
            answer = replace(answer, question=mask_personal_numbers(q))
            if q in tentative and answer.abstained:
                continue
            items.append(DraftItem(mask_personal_numbers(q), answer, answer.abstained))
        for q in questions[self.max_questions:]:  # listed for staff, never dropped
            q = mask_personal_numbers(q)
            items.append(DraftItem(q, Answer(q, "", True, lang=lang, reason="not_covered"), True, asked=False))
        name = find_name(body, signed, mail.sender)
        text = render(self.templates[lang], name, items)
        context = f"{context} {role}".strip() if role else context
        return Draft(text, tuple(items), name, lang, mail.subject, mask_personal_numbers(context))

    def draft_text(self, text: str) -> Draft:
        """A pasted e-mail (plain text or a raw .eml source) -> Draft."""
        from .mail import read_mail

        return self.draft(read_mail(text or ""))
