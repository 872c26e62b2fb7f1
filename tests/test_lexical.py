from assistant.glossary import Glossary
from assistant.lexical import LexicalIndex, content_stems, fold, stem, words
from assistant.questions import (about_the_question, detect_language, introductions, is_asking, roles, split_questions,
                                 statements)
from assistant.privacy import mask_personal_numbers


def test_fold_and_words():
    assert fold("Søknadsskjemaene") == "soknadsskjemaene"
    assert words("Hva koster det på helsedata.no?") == ["hva", "koster", "det", "pa", "helsedata.no"]


def test_stem_is_norwegian_and_folded():
    assert stem("søknadene") == "soknad"
    assert stem("opplysningene") == "opplysning"
    assert stem("helsedata.no") == "helsedata.no"
    assert content_stems("Hva koster det?") == ["kost"]


def test_language():
    assert detect_language("What does it cost?") == "en"
    assert detect_language("Kva kostar det?") == "nn"
    assert detect_language("Hva koster det?") == "nb"
    assert detect_language("Hvem er ekskludert fra registeret?") == "nb"


def test_an_abbreviation_ends_no_question(assistant):
    assert split_questions("What VAT rate is added to the NOK 1100 eks. mva. price?") == [
        "What VAT rate is added to the NOK 1100 eks. mva. price?"]
    assert split_questions("Gjelder f.eks. prisen inkl. mva.? Og hvor lang tid tar det?") == [
        "Gjelder f.eks. prisen inkl. mva.?", "Og hvor lang tid tar det?"]
    # an abbreviation that ends a sentence: the next one, in capitals, is a question of its own
    assert split_questions("Prisen er 1100 kr eks. mva. Hvor lang tid tar det?") == ["Hvor lang tid tar det?"]
    assert split_questions("Vi trenger diagnoser, prosedyrer osv. Kva kostar det? Og kor lang tid tek det?") == [
        "Kva kostar det?", "Og kor lang tid tek det?"]
    # asked whole, it is a question for a rate the price line does not give: declined
    assert assistant.ask("What VAT rate is added to the NOK 1100 eks. mva. price?").abstained


def test_split_questions():
    assert split_questions("Hva koster det, og hvor lang tid tar det?") == ["Hva koster det",
                                                                          "hvor lang tid tar det?"]
    assert split_questions("Statistikk og anonyme opplysninger?") == ["Statistikk og anonyme opplysninger?"]
    assert split_questions("Hvis det er kvalitetsarbeid, må jeg søke?") == ["Hvis det er kvalitetsarbeid, må jeg søke?"]
    # a statement's second verb after "og"/"and" is no yes/no question of its own
    assert split_questions("Jeg er stipendiat og skal bruke NPR i avhandlingen. Hvordan søker jeg?") == [
        "Hvordan søker jeg?"]
    assert split_questions("We are a small team and will apply soon. Where is the form?") == ["Where is the form?"]
    # ... but a subject after the verb makes it a question typed without its mark, and so does a
    # clause before it that asks
    assert split_questions("Vi er en kommune og kan vi få tall per bydel. Hva koster det?") == [
        "kan vi få tall per bydel.", "Hva koster det?"]
    assert split_questions("What does it cost, and is VAT included") == ["What does it cost", "is VAT included"]
    # ... and where the sentence asks, or a question word follows "og", it splits in any sentence
    assert split_questions("Er det gratis, og kan studenter få rabatt?") == ["Er det gratis", "kan studenter få rabatt?"]
    assert split_questions("Vi lurer på prisen og hvor lang tid tar det.") == ["Vi lurer på prisen",
                                                                               "hvor lang tid tar det."]


def test_a_statement_led_into_a_question_by_a_dash_or_colon_is_context_not_the_question():
    text = "Vi skal koble mot Dødsårsaksregisteret – hvor lang leveringstid må vi regne med?"
    assert split_questions(text) == ["hvor lang leveringstid må vi regne med?"]
    assert statements(text) == "Vi skal koble mot Dødsårsaksregisteret"
    text = "Skal søke om data snart, men først: er pasienter som venter med i NPR?"
    assert split_questions(text) == ["er pasienter som venter med i NPR?"]
    assert not is_asking("Skal søke om data snart, men først:")
    # a dash inside a statement, or a colon before a non-question, splits nothing
    assert split_questions("Kva kostar data for 2010–2020?") == ["Kva kostar data for 2010–2020?"]
    assert split_questions("Spørsmål: pris per time?") == ["Spørsmål: pris per time?"]
    # ...nor a dash before a question that only asks to confirm the statement: it is asked whole
    text = "Vi må oppgi hvem som er databehandler – kan dere bekrefte det?"
    assert split_questions(text) == [text]
    assert split_questions("Prisen er 1100 kroner per time – stemmer det?") == ["Prisen er 1100 kroner per time – stemmer det?"]
    assert split_questions("The price is NOK 1100: is that right?") == ["The price is NOK 1100: is that right?"]


def test_a_question_that_opens_with_a_conjunction_still_asks_though_a_dash_took_its_question_mark():
    text = "Og kven er databehandlar for registeret – er det Helsedirektoratet eller nokon andre?"
    assert split_questions(text)[0] == "Og kven er databehandlar for registeret"
    assert is_asking("But how long does it take")
    # a statement that opens with a conjunction asks nothing
    assert not is_asking("Men vi er en kommune.")
    assert not is_asking("And we are a municipality.")


def test_an_announced_question_is_not_itself_the_question_and_greetings_are_no_context():
    assert split_questions("Eg lurer på ein ting. Kva kostar det?") == ["Kva kostar det?"]
    # nothing asks: the other sentences are the question, not the announcement
    assert "Jeg har et spørsmål om NPR." not in split_questions(
        "God dag. Jeg har et spørsmål om NPR. asdfgh qwerty  På forhånd takk.")
    # ...unless nothing but greetings stands beside it: then it names the subject
    assert split_questions("Hei. Jeg har et spørsmål om prisen. Mvh Kari") == [
        "Hei.", "Jeg har et spørsmål om prisen.", "Mvh Kari"]
    text = "God dag. Jeg har et spørsmål om NPR. Vi trenger tall til planlegging. Hva koster det? Mvh Kari Nordmann"
    assert statements(text) == "Jeg har et spørsmål om NPR. Vi trenger tall til planlegging."
    # the announcement is context, but without a subject of its own the embedding does not hear it
    assert about_the_question(statements(text)) == "Vi trenger tall til planlegging."
    assert about_the_question("Jeg lurer på noe om leveringstiden.") == "Jeg lurer på noe om leveringstiden."
    # an announcement that goes on to ask is a question
    assert split_questions("Jeg har et spørsmål, hva koster det? Vi er en kommune.") == [
        "Jeg har et spørsmål, hva koster det?"]
    # a greeting word opening a sentence with content keeps it
    assert statements("Hei, jeg jobber i en kommune. Hva koster det?") == "Hei, jeg jobber i en kommune."


def test_what_the_asker_says_of_themselves_is_left_out_of_what_the_embedding_hears():
    assert about_the_question("Jeg er journalist. Vi trenger tall til en sak.") == "Vi trenger tall til en sak."
    assert about_the_question("Hei, eg jobbar i ein kommune.") == ""
    assert about_the_question("I'm a PhD student. We plan to compare surgery.") == "We plan to compare surgery."
    # only a sentence that says no more than who the asker is
    assert about_the_question("Vi er ute etter data om ventetider.") == "Vi er ute etter data om ventetider."
    assert about_the_question("We are planning to link NPR with other data.") == "We are planning to link NPR with other data."
    assert about_the_question("Vi er en pasientforening og ønsker statistikk.") != ""


def test_glossary_phrases_wildcards_and_ignores():
    g = Glossary.parse("# comment\nkost*\tpris, kostnad\nhow long\tleveringsfrister\nstudent\t\n")
    assert g.match(["kostar"], 0) == (1, ("pris", "kostnad"))
    assert g.match(["how", "long", "does"], 0) == (2, ("leveringsfrister",))
    assert g.match(["student"], 0) == (1, ())
    assert g.match(["ko"], 0) is None


def test_a_compound_the_guidance_lacks_is_searched_by_its_last_part_but_never_made_known():
    g = Glossary.parse("forsikring*\tforsikringsfinansierte\nsøk*\tsøknad\nstudent\t\n*register*\t!\n")
    assert g.head("helseforsikring") == ("forsikringsfinansierte",)
    assert g.head("forsikring") == ()  # no part before it: the glossary's own key, not a compound
    assert g.head("masterstudent") == () and g.head("tannlegeregister") == ()  # ignore, off-topic: no meaning
    # a last part that is no word of its own is a chance ending: "under|søkelse" is not a søknad
    assert g.head("undersokelse", is_word=lambda cut: "undersokelse"[cut:] in {"forsikring"}) == ()
    texts = ["Inklusjons- eller eksklusjonskriterier\nForsikringsfinansierte opphold ved private sykehus",
             "Pris\nPris per time NOK 1100."]
    lx = LexicalIndex(texts, Glossary.parse("forsikring*\tforsikringsfinansierte\n"))
    q = lx.analyze("Er opphold betalt av helseforsikring med?")
    group = next(gr for gr in q.groups if gr.label == "helseforsikring")
    assert "forsikringsfinansier" in group.terms
    assert max(w for t, w in zip(group.terms, group.weights) if t == "forsikringsfinansier") < 0.7  # not known by it
    assert lx.scores(q)[0] > lx.scores(q)[1]
    assert "forsikringsfinansier" not in next(gr for gr in lx.analyze("Er opphold betalt av tannregulering med?").groups
                                             if gr.label == "tannregulering").terms


def test_lexical_index_expansion_fuzzy_and_coverage():
    texts = ["Pris\nPris per time NOK 1100.", "Leveringsfrister\nPersonidentifiserbare opplysninger 60 dager."]
    lx = LexicalIndex(texts, Glossary.parse("cost*\tpris\n"))
    q = lx.analyze("What does it cost?")
    assert [g.label for g in q.groups] == ["cost"]
    scores = lx.scores(q)
    assert scores[0] > 0 and scores[1] == 0
    assert lx.coverage(q, lx.doc_sets[0]) == 1.0
    # a typo and a compound find their vocabulary neighbours
    assert "leveringsfrist" in dict(lx.similar("leveringstid"))
    assert "personidentifiserbar" in dict(lx.similar("personidentifiserbr"))
    typo = lx.analyze("leveringsfrster")
    assert lx.scores(typo)[1] > 0
    # an unknown topic word weighs most: "parkering" leaves the price chunk half-covered
    park = lx.analyze("Hva koster parkering?")
    assert lx.coverage(park, lx.doc_sets[0]) == 0.0
    # a contraction typed without its apostrophe is no topic: "whats" is "what's"
    for typed in ("whats the cost", "what's the cost", "dont know the cost", "isnt it the cost"):
        assert [g.label for g in lx.analyze(typed).groups] == ["cost"], typed


def test_a_nynorsk_phrase_is_read_as_the_bokmal_phrase_the_glossary_writes():
    texts = ["Søknad ved andre formål enn forskning\nHvis du trenger opplysninger til andre formål enn forskning",
             "Søknad om tilgang til data\nSøk via søknadsskjemaene på helsedata.no."]
    lx = LexicalIndex(texts, Glossary.parse("ikke et forskningsprosjekt\tandre formål enn forskning\n"))
    for asked, lang in (("Det er ikke et forskningsprosjekt.", "nb"), ("Det er ikkje eit forskingsprosjekt.", "nn")):
        [group] = lx.analyze(asked, lang).groups
        assert "!forskning" in group.terms, asked
    # a bokmål question is never read through the nynorsk dictionary
    assert not any("!forskning" in g.terms for g in lx.analyze("Det er ikkje eit forskingsprosjekt.", "nb").groups)


def test_personal_numbers_are_masked():
    assert mask_personal_numbers("fnr 01019012345.") == "fnr ***********."
    assert mask_personal_numbers("010190 12345 og 010190-12345") == "*********** og ***********"
    assert mask_personal_numbers("NOK 1100 og 30 dager, tlf 22334455") == "NOK 1100 og 30 dager, tlf 22334455"
    assert mask_personal_numbers("123456789012") == "123456789012"  # 12 digits is not a personal number


def test_asking_and_statements():
    assert is_asking("Jeg vil også vite hvem som er databehandlingsansvarlig.")
    assert is_asking("Fra hvilket år finnes data")
    assert not is_asking("Jeg heter Kari.")
    assert statements("Vi trenger data til planlegging. Hvordan søker vi?") == "Vi trenger data til planlegging."


def test_introductions_are_what_the_asker_says_of_themselves_not_the_subject():
    assert introductions("Vi er en kommune, kan vi søke via helsedata.no?") == "Vi er en kommune"
    assert introductions("I work at a pharmaceutical company, can we apply?") == "I work at a pharmaceutical company"
    assert introductions("Som journalist, hvordan får jeg tall?") == "Som journalist"
    # who the question has do the asking is the asker too; what the data is about is not
    assert introductions("Hvordan kan en kommune søke om data?") == "kommune"
    assert introductions("Can a company use the forms on helsedata.no?") == "company"
    assert introductions("Vi i kommunen lurer på hvordan vi søker.") == "kommunen"
    assert introductions("Hvordan søker jeg om tall per kommune?") == ""
    assert roles("Vi er forskere i en kommune.") == "forskere" and roles("Vi er en kommune og en forsker hjelper.") == ""
    assert introductions("Hvordan søker jeg om tall per kommune?") == ""


def test_a_statement_is_read_from_its_wish():
    from assistant.questions import wished
    assert wished("Jeg var innlagt på Ullevål i 2019 og vil se hva som er registrert om meg.") == \
        "vil se hva som er registrert om meg."
    assert wished("I had surgery in 2018 and I want to see my data. We are researchers.") == \
        "want to see my data. We are researchers."
    assert wished("Vi planlegger en studie og en kohort.") == "Vi planlegger en studie og en kohort."
    # curiosity and wondering are wishes too
    assert wished("Eg hadde ein operasjon på Haukeland i 2019 og er nysgjerrig på kva sjukehuset rapporterte om meg.") \
        == "er nysgjerrig på kva sjukehuset rapporterte om meg."
    assert wished("I was treated in Bergen last year and I'm curious what was reported.") == "I'm curious what was reported."


def test_a_question_that_points_back_is_told_from_one_that_does_not():
    from assistant.questions import points_back
    for question in ("Finnes de i NPR?", "Kan NPR brukast til det?", "Are there any for NPR?", "Are they in NPR?",
                     "Hvem er det for NPR?", "Går det an med NPR-data?"):
        assert points_back(question), question
    # "det", "it" and "any" where they point at nothing
    for question in ("Hvor søker jeg?", "How do I apply?", "Hvordan går jeg fram?", "Kva kostar ein time?",
                     "Hva koster det?", "Finnes det et skjema?", "Is it free?", "Are there any fees?"):
        assert not points_back(question), question


def test_a_follow_up_asking_a_fact_of_a_kind_of_its_own_is_told_apart():
    from assistant.questions import asks_anew
    for question in ("Når da?", "Og når da?", "Kven då?", "Hvem kan se den?", "Kven gjeld det?",
                     "When?", "Who can see it?", "How old is it?", "Hvor gammel er den?", "Kor gammal er ho?"):
        assert asks_anew(question), question
    # where, how, which, whether: about what was asked before; "Hvor lenge", "Når får vi …" ask for a
    # kind the decision checks (a duration, a date) in the section asked about
    for question in ("Hvor finner vi den?", "Hvordan gjør jeg det?", "Kvar finn eg det?", "Where can I find it?",
                     "Er det mulig?", "Hvilke?", "Hvor lenge da?", "How do we apply?", "Hvorfor det?",
                     "Når får vi dem?", "When will we get them?", "Og når er det?", "Kva tid då?"):
        assert not asks_anew(question), question


def test_the_story_before_a_questions_wish_is_told_apart():
    from assistant.questions import story_apart
    assert story_apart("Jeg var innlagt på Ullevål i 2019 og lurer på hvordan jeg ser det?") == \
        "Jeg var innlagt på Ullevål i 2019. Lurer på hvordan jeg ser det?"
    assert story_apart("I had surgery in 2018 and I want to know what is stored about me.") == \
        "I had surgery in 2018. I want to know what is stored about me."
    assert story_apart("I had surgery at Ullevål in 2018 and I wonder how I can see what was registered?") == \
        "I had surgery at Ullevål in 2018. I wonder how I can see what was registered?"
    # a wish that opens the clause after the story: "så det hadde vært nyttig å vite …"
    assert story_apart("Vi har budsjett til dette, men det hadde vært fint å vite hva det koster.") == \
        "Vi har budsjett til dette. Det hadde vært fint å vite hva det koster."
    assert story_apart("Our funder asks about this, so it would be helpful to know whether the data are anonymous.") == \
        "Our funder asks about this. It would be helpful to know whether the data are anonymous."
    # a first part that asks is no story, nor is who the asker is ("forsikringsselskap" can be the
    # subject), and a statement stays as it is
    # a clause with a subject of its own before the wish is no wish that opens it
    for text in ("Vi har kontakt med leger og sykepleiere som vil vite hvordan det gjøres?",
                 "Jeg har data fra 2019 og 2020 som vi vil vite mer om, hva gjør vi?"):
        assert story_apart(text) == text, text
    for text in ("Hva koster det og vil det ta lang tid?", "Vi er et forsikringsselskap og lurer på om vi får data?",
                 "Vi har søkt og vil gjerne ha data.", "Hva koster det, og hvor lang tid tar det?",
                 "Vi søker nå, men vi har lest at dere lurer på om skjemaet er klart."):
        assert story_apart(text) == text


def test_why_a_question_is_asked_is_told_apart():
    from assistant.questions import reason_apart
    assert reason_apart("Hvor langt tilbake går dataene, i tilfelle vi vil se på tiden før pandemien?") == \
        "Hvor langt tilbake går dataene? I tilfelle vi vil se på tiden før pandemien."
    assert reason_apart("How long does delivery take, as we have a grant deadline in May?") == \
        "How long does delivery take? As we have a grant deadline in May."
    # what the asker will use the data for is such a reason too
    assert reason_apart("Finst det opne data som eg kan bruke i ei skuleoppgåve?") == \
        "Finst det opne data? Som eg kan bruke i ei skuleoppgåve."
    # ...and so is what the asker's own project or study needs
    assert reason_apart("Hva bør jeg undersøke før jeg sender søknaden, siden prosjektet henter data fra to kilder?") \
        == "Hva bør jeg undersøke før jeg sender søknaden? Siden prosjektet henter data fra to kilder."
    assert reason_apart("How long does delivery take, since the project has a tight schedule?") == \
        "How long does delivery take? Since the project has a tight schedule."
    # a question word inside the reason asks nothing ("how I read the numbers"), unless the asker
    # wonders or wants to know
    assert reason_apart("I'd like to know whether paying patients show up in NPR, since that affects how I read the numbers.") \
        == "I'd like to know whether paying patients show up in NPR? Since that affects how I read the numbers."
    assert reason_apart("Hvor langt tilbake går dataene, fordi vi er usikre på hvor lenge vi kan følge pasientene?") \
        == "Hvor langt tilbake går dataene, fordi vi er usikre på hvor lenge vi kan følge pasientene?"
    assert reason_apart("How far back does NPR go, because I'm not sure how long we can follow the patients?") \
        == "How far back does NPR go, because I'm not sure how long we can follow the patients?"
    # "siden" that is "since" a year, a reason that asks itself, and a statement stay as written
    for text in ("Finnes det data siden 1997?", "Kan vi få data, fordi hva koster det da?",
                 "Vi søker nå, fordi vi har en frist.", "Finnes det data, siden starten?",
                 "Is there data, since the 1990s?"):
        assert reason_apart(text) == text


def test_a_reason_put_before_the_question_is_told_apart():
    from assistant.questions import fronted_reason_apart
    assert fronted_reason_apart("Because many of them live in Poland, we wonder whether they are recorded.") == \
        "Because many of them live in Poland. We wonder whether they are recorded."
    assert fronted_reason_apart("Fordi prosjektet handler om fallulykker hos eldre, lurer vi på om det finnes data.") == \
        "Fordi prosjektet handler om fallulykker hos eldre. Lurer vi på om det finnes data."
    assert fronted_reason_apart("Sidan vi ikkje driv forsking, må vi søkje gjennom helsedata.no?") == \
        "Sidan vi ikkje driv forsking. Må vi søkje gjennom helsedata.no?"
    # "since" a year is a time, a reason that asks (or wonders) itself, and a statement stay as written
    # ...and the question is the clause after the reason's last comma
    assert fronted_reason_apart("Since we need data on stroke, hip fracture, and diabetes, how long does it take?") == \
        "Since we need data on stroke, hip fracture, and diabetes. How long does it take?"
    for text in ("Since 1997, how many patients have been registered?", "Siden 2010, hva koster det?",
                 "Since my diagnosis in 2018, which hospital stays are registered?",
                 "Siden prosjektstart i 2015, hvor mange pasienter er rapportert?",
                 "As the hospital, are we required to report to NPR?",
                 "Because I wonder what it costs, can you tell me?", "Fordi vi har en frist, søker vi nå.",
                 "Fordi hva koster det, kan vi få data?"):
        assert fronted_reason_apart(text) == text, text


def test_a_reason_put_before_the_question_steers_but_never_declines(assistant):
    # the reason's words (Poland, Lithuania; falls among the elderly) are no subject the guidance must hold
    answer = assistant.ask("Because many of our workers keep their home address in Poland or Lithuania, we were "
                           "wondering whether their hospital treatment in Norway would be recorded at all.")
    assert not answer.abstained and answer.citations[0].section == "Populasjon og geografi"
    answer = assistant.ask("Fordi prosjektet vårt handler om fallulykker hos eldre i Tromsø, lurer vi på fra hvilket "
                           "år det finnes data.")
    assert not answer.abstained and answer.citations[0].section == "Datainnsamlingsperiode"
    # ...and who the reason says asks still chooses the route
    answer = assistant.ask("Sidan vi ikkje driv forsking, må vi søkje gjennom helsedata.no?")
    assert answer.citations[0].section == "Søknad ved andre formål enn forskning"


def test_nynorsk_function_words_are_no_topic(assistant):
    # "allereie", "sjølv" and "berre" are nynorsk for "allerede", "selv" and "bare": no subject the
    # guidance must hold, as the bokmål words are none
    groups = {g.label for g in assistant.lexical.analyze("Er eg registrert i NPR allereie no, sjølv om eg berre ventar?").groups}
    assert not groups & {"allereie", "sjolv", "berre"}
    assert {"registrert", "ventar"} <= groups


def test_a_reason_that_is_what_is_asked_about_stays_in_the_question(assistant):
    # without the reason, "Would I even be in your register?" names nothing of its own
    text = "Would I even be in your register, since I don't live in Norway?"
    assert assistant._reasons_apart(text) == text
    assert assistant._reasons_apart("How long does delivery take, as we have a grant deadline in May?") == \
        "How long does delivery take? As we have a grant deadline in May."


def test_why_a_question_is_asked_steers_but_never_declines(assistant):
    # the reason's words (the e-scooters) are no subject the guidance must hold
    answer = assistant.ask("Hvor langt tilbake går dataene, i tilfelle jeg vil sammenligne med trafikkulykker "
                           "før elsparkesyklene kom?")
    assert not answer.abstained and answer.citations[0].section == "Datainnsamlingsperiode"


def test_a_story_told_inside_the_question_steers_but_never_declines(assistant):
    answer = assistant.ask("Hei! Jeg var innlagt på Ullevål i 2019 etter en ulykke og lurer på hvordan jeg kan "
                           "se hva som er registrert om meg i pasientregisteret?")
    assert not answer.abstained and answer.citations[0].section == "Leter du etter dine egne helseopplysninger?"


def test_a_polite_request_is_weighed_as_the_question_inside_it(assistant):
    """find_asked takes "Håpar de kan seie noko om kor …" and "Fint om de kan stadfeste kva …" for
    questions; their frames ("håpar", "seie", "fint", "stadfeste") are no subject the guidance must
    hold, so each is weighed as the question inside (as "Kan de seie kva …?" already was), and
    answered, not flagged for the team."""
    from assistant.questions import as_asked

    assert as_asked("Håpar de kan seie noko om kor lang tid det tek å få anonyme tal.") == \
        "Kor lang tid det tek å få anonyme tal?"
    assert as_asked("Fint om de kan stadfeste kva timeprisen er.") == "Kva timeprisen er?"
    assert as_asked("Håper dere kan si noe om hvor lang tid det tar.") == "Hvor lang tid det tar?"
    assert as_asked("Det hadde vore til hjelp å vite kor mykje de tek per time.") == "Kor mykje de tek per time?"
    assert as_asked("It'd be great to know when the figures for last year are ready.") == \
        "When the figures for last year are ready?"
    # a frame without a question inside stays as written
    assert as_asked("Håpar de kan seie noko snart.") == "Håpar de kan seie noko snart."
    for text, section in (("Håpar de kan seie noko om kor lang tid det tek å få anonyme tal.", "Leveringsfrister"),
                          ("Fint om de kan stadfeste kva timeprisen er.", "Pris")):
        answer = assistant.ask(text)
        assert not answer.abstained and answer.citations[0].section == section, text


def test_a_question_worded_as_a_wish_is_embedded_as_the_question_it_stands_for():
    from assistant.questions import as_asked

    assert as_asked("Eg lurer òg på om opplysningane i registeret er personidentifiserbare eller anonyme.") == \
        "Om opplysningane i registeret er personidentifiserbare eller anonyme?"
    assert as_asked("I was wondering whether NPR includes private clinics.") == "Whether NPR includes private clinics?"
    assert as_asked("Til slutt lurer vi på hva det koster.") == "Hva det koster?"
    # what comes before the wish may be the subject: it stays, as a sentence of its own
    assert as_asked("Vi er et forsikringsselskap og lurer på om behandlinger vi betaler for er med.") == \
        "Vi er et forsikringsselskap. Om behandlinger vi betaler for er med?"
    # a question asked straight out, a wish without a question word, and a wish deep in a sentence
    assert as_asked("Hva koster det?") == "Hva koster det?"
    assert as_asked("Jeg lurer på prisen.") == "Jeg lurer på prisen."
    long = "Vi har lest veiledningen nøye flere ganger i høst og lurer på om dataene er anonyme."
    assert as_asked(long) == long
    # a wish that asks nothing stays as written, and so does empty input
    assert as_asked("Jeg lurer på om.") == "Jeg lurer på om."
    assert as_asked("I wonder if?") == "I wonder if?"
    assert as_asked("") == ""
    # a wish worded as what would be nice or appreciated, and the words that only carry it
    assert as_asked("Det ville også vært fint å vite om dataene er anonyme.") == "Om dataene er anonyme?"
    assert as_asked("I would appreciate a comment on why some stays are left out.") == \
        "Why some stays are left out?"
    assert as_asked("Vi set pris på eit kort svar om kor lang tid det tek.") == "Om kor lang tid det tek?"
    # every filler word before the wish goes, not only the last
    assert as_asked("Nummeret er *********** og jeg lurer på om dere har data.") == \
        "Nummeret er ***********. Om dere har data?"
    # the adverbs and the doubt of a long e-mail, the wish named first, and a "that" after "make sure"
    assert as_asked("Vi er også litt usikre på om formålet passer.") == "Om formålet passer?"
    assert as_asked("Vi lurer derfor på om vi skal bruke skjemaet.") == "Om vi skal bruke skjemaet?"
    assert as_asked("Det vi først og fremst lurer på, er om vi skal søkje.") == "Om vi skal søkje?"
    assert as_asked("Før vi set i gang, vil vi gjerne forsikre oss om at forsking fell innanfor formålet.") == \
        "Før vi set i gang. Om forsking fell innanfor formålet?"
    assert as_asked("I'm also trying to work out which patients are covered.") == "Which patients are covered?"
    # a question asked through another one is the question inside it, and the frame that opens
    # the sentence is the one read ("please tell us" comes after "could you")
    assert as_asked("Do you know when full reporting started?") == "When full reporting started?"
    assert as_asked("Vet dere om dataene er anonyme?") == "Om dataene er anonyme?"
    assert as_asked("Kan de seie kva det kostar?") == "Kva det kostar?"
    assert as_asked("Kan du fortelle meg hvor lang tid det tar?") == "Hvor lang tid det tar?"
    assert as_asked("Finally, could you please tell us whether the data are anonymous?") == \
        "Whether the data are anonymous?"
    # "om" before a subject and "about" are no question inside ("Vet dere om noen andre registre?")
    for text in ("Vet dere om noen andre registre som har slike data?", "Kan du fortelle meg om prosessen?",
                 "Do you know about the new rules?", "Det vet de om fra før."):
        assert as_asked(text) == text, text
    # a request to do something is no question inside a question
    assert as_asked("Kan dere sende meg skjemaet?") == "Kan dere sende meg skjemaet?"
    assert as_asked("Could you send me the form?") == "Could you send me the form?"


def test_a_wish_worded_question_finds_the_section_its_direct_form_finds(assistant):
    # "Eg lurer òg på om …" lay farther from the example questions than the question asked
    # straight out, and the delivery times, which name "anonyme opplysninger", came first
    a = assistant.ask("Eg lurer òg på om opplysningane i registeret er personidentifiserbare eller anonyme.")
    assert not a.abstained
    assert a.citations[0].section == "Annen relevant informasjon om innholdet i datakilden"
    assert "personidentifiserbart register" in a.answer


def test_the_words_of_a_wish_never_count_against_the_question(assistant):
    # "Det hadde vært nyttig å vite om …": "nyttig", "vite" are no subject of the question; the
    # coverage its section gets is that of the question asked straight out
    def coverage(text):
        trace = []
        assistant.ask(text, trace=trace)
        return trace[0][0].coverage, trace[0][-1]
    straight = coverage("Om pasienter som bor i Sverige, kommer med i tallene?")
    assert straight[1] == "Populasjon og geografi"
    for wish in ("Det hadde vært nyttig å vite om pasienter som bor i Sverige, kommer med i tallene.",
                 "Vi er også usikre på om pasienter som bor i Sverige, kommer med i tallene."):
        assert coverage(wish) == straight


def test_thanks_and_greetings_are_told_from_questions_and_objections():
    from assistant.questions import courtesy
    for said, found in (("Takk!", ("thanks", "nb")), ("Tusen takk :)", ("thanks", "nb")),
                        ("Supert, takk for svaret!", ("thanks", "nb")), ("Takk for hjelpa!", ("thanks", "nb")),
                        ("Thank you so much!", ("thanks", "en")), ("Cheers!", ("thanks", "en")),
                        ("Hei!", ("greeting", "nb")), ("God morgon", ("greeting", "nb")),
                        ("Hello there", ("greeting", "en")), ("Good afternoon!", ("greeting", "en"))):
        assert courtesy(said) == found, said
    # an objection, a subject, a name, a question or a longer message is no courtesy
    for said in ("Takk, men det hjalp ikke.", "Thanks, but that is not what I asked", "Takk for ingenting!",
                 "Thanks for nothing", "Takk, studielån", "Takk. Data fra Kreftregisteret.", "Hei, Reseptregisteret",
                 "Hello, Memory Stick Delivery", "Takk, no skjønar eg det", "Hei, hva koster det?",
                 "Takk! Hvor finner jeg den?", "Flott!", "Mvh Kari", "", "!!!",
                 "Takk for svaret, jeg skal lese det nøye og komme tilbake til dere senere i uka"):
        assert courtesy(said) == ("", ""), said


def test_an_out_of_scope_example_specialises_a_question_only_when_it_says_all_of_it_and_more():
    from assistant.records import Group
    from assistant.retrieval import HybridSearch

    search = HybridSearch.__new__(HybridSearch)
    search.oos_stems = {"loan": frozenset({"søkj", "studielan"}), "stick": frozenset({"lever", "minnepinn"}),
                        "known": frozenset({"søkj", "data"})}
    search.oos_topics = {"loan": frozenset({"studielan"}), "stick": frozenset({"minnepinn"}), "known": frozenset()}
    apply_ = [Group("søkjer", ("søkj",), (1.0,))]
    assert search.specialises("loan", apply_, {"søkj"})
    assert not search.specialises("loan", apply_ + [Group("usb", ("usb",), (1.0,))], {"søkj", "usb"})  # says more
    assert not search.specialises("loan", apply_, {"søkj", "studielan"})  # names its subject
    assert not search.specialises("known", apply_, {"søkj"})  # nothing in it is out of scope by its words
    assert not search.specialises("stick", [Group("levert", ("lever",), (1.0,)), Group("usb", ("usb",), (1.0,))],
                                  {"lever", "usb"})
    assert not search.specialises("loan", [], set())
