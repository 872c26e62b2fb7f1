"""A question for a number the section does not hold is declined (assistant/asked_for.py)."""

from __future__ import annotations

import pytest

from assistant.asked_for import Asked, asks_for, gives
from assistant.decision import Decision, Signals

DELIVERY = "Statistikk og anonyme opplysninger - 30 dager\nPersonidentifiserbare opplysninger - 60 dager"
PRICE = "Pris per time NOK 1100,- eks. mva.\nHelsedirektoratet fakturerer medgått tid til saksbehandling, minimum to timer."
EXCLUSIONS = 'Pasienter som er "død ved ankomst"\nOpphold gjennom NAV\nSelvbetalende opphold'
PERIOD = "Fra 1997 til d.d."
HELSENORGE = "For innsyn i egne helseopplysninger gå til Helsenorge. I tjenesten Helseregistre (helsenorge.no) finner du"


@pytest.mark.parametrize("question, asked", [
    ("Hvor mange pasienter er registrert i NPR?", Asked("count", ("pasienter", "er", "registrert"))),
    ("Kor mange dagar tek det?", Asked("count", ("dagar", "tek", "det"))),
    ("How many hours?", Asked("count", ("hours",))),
    ("hvor mange ar tilbake finnes data", Asked("count", ("ar", "tilbake", "finnes"))),
    ("Hvor mange prosent mva kommer i tillegg?", Asked("percent")),
    ("What VAT rate is added on top of the hourly price?", Asked("percent")),
    ("I'd also like to know the exact coverage percentage for 2015.", Asked("percent")),
    ("Hvor ofte oppdateres NPR-dataene?", Asked("frequency")),
    ("How often is NPR data updated?", Asked("frequency")),
    ("Fra hvilken måned i 1997 starter dataene?", Asked("month")),
    ("In which month do the data start?", Asked("month")),
    ("Kva telefonnummer har NPR?", Asked("phone")),
    ("Who do I call about my application?", Asked("phone")),
    ("Jeg trenger bare aggregerte tall; vil det gå raskere?", Asked("duration")),
    ("Is it faster with anonymous data?", Asked("duration")),
    # ...and faster than the other kind of data the guidance names, which is no exception asked for
    ("Is anonymous data delivered faster than identifiable data?", Asked("duration")),
    ("Er dette noe NPR skal brukes til?", Asked("purpose")),
    ("Is quality work what the register is meant for?", Asked("purpose")),
    ("Hvilket år ble artikkelen publisert?", Asked("published")),  # a publication's year, not any year
    ("Fra kva år finst det data?", Asked("year")),
    ("What year was the article published?", Asked("published")),
    ("Hvem skrev artikkelen, og hvilket år kom den ut?", Asked("published")),
    ("Hvilket år startet registeret?", Asked("year")),
    ("Which year-end report covers it?", None),
    # a provision, a department, a definition, the kind of days: facts a section names or does not
    ("Hvilken paragraf i kapittel 3 gjelder kobling?", Asked("paragraph")),
    ("Which paragraph of the Health Registries Act is NPR established under?", Asked("paragraph")),
    ("Which section of the NPR regulation covers linkage of data?", None),  # 'kapittel 3' may answer it
    ("Hvilke bestemmelser regulerer kobling av NPR-data?", None),
    ("Kva avdeling i Helsedirektoratet har ansvaret for NPR?", Asked("department")),
    ("I work in a hospital's quality department. Which route applies?", None),
    ("Kva avdelingar i spesialisthelsetenesta er med i registeret?", None),  # the departments that report
    ("Hvordan defineres «død ved ankomst» i NPR?", Asked("definition")),
    ("What does 'selvbetalende opphold' mean?", Asked("definition")),
    ("Hva betyr NPR?", None),  # an abbreviation the guidance writes out
    ("What does the abbreviation 'NPR' mean?", None),
    ("Hvordan defineres populasjonen i NPR?", None),  # no term quoted: the section describes it
    ("Hva betyr det for oss at vi ikke forsker?", None),  # a consequence, no definition
    ("Er de 30 dagene kalenderdager eller virkedager?", Asked("days")),
    ("Are the 60 days calendar days?", Asked("days")),
    ("Regnes fristen på 60 dager i virkedager?", Asked("days")),
    ("How many working days does it take to get anonymous or identifiable data?",
     Asked("count", ("working", "days", "does"))),
    ("How many working days does delivery take?", Asked("count", ("working", "days", "does"))),
    ("Hva er pris per time i euro?", Asked("currency")),
    ("Is the hourly rate in NOK or in euros?", None),  # NOK named: the guidance's own answer
    ("Can the invoice be issued in euros?", Asked("currency")),
    ("Hvor mange timer bruker dere vanligvis på en søknad?", Asked("hours")),
    ("How many hours does Helsedirektoratet typically spend on an application?", Asked("hours")),
    ("Hvor mange timer faktureres minst?", Asked("count", ("timer", "faktureres", "minst"))),  # the minimum given
    ("Hvor mange timer med saksbehandling blir fakturert?", Asked("count", ("timer", "med", "saksbehandling"))),
    ("Hva er betalingsfristen på fakturaen?", Asked("payment")),
    ("Kan jeg betale med kort, eller må det være faktura?", Asked("payment")),
    ("Sender dere fakturaen før eller etter at dataene er levert?", Asked("payment")),
    ("Can I pay the invoice by credit card?", Asked("payment")),
    ("We need to know what we pay in advance to budget. What is the hourly rate?", None),  # no terms asked
    ("Trenger jeg godkjenning fra REK for å få data fra NPR?", Asked("approval")),
    ("Do I need the patients' consent to link NPR with another register?", Asked("approval")),
    ("Må vi inngå databehandleravtale med Helsedirektoratet?", Asked("approval")),
    ("How long does the ethics committee usually take?", Asked("approval")),
    ("For our DPIA we need to cite the law NPR is established under. Which law is it?", None),
    ("Jeg trenger lovhjemmelen til NPR for personvernkonsekvensvurderingen vår.", None),
    ("Kreves det REK-godkjenning for å få data?", Asked("approval")),
    ("REK has approved our project. What does identifiable data cost?", Asked("price")),
    ("Prosjektet er samtykkebasert. Hvor lang tid tar leveringen?", Asked("duration")),
    ("Kan jeg reservere meg mot å bli registrert i NPR?", Asked("remedy")),
    ("Can I have my records in NPR deleted?", Asked("remedy")),
    ("Hvordan får jeg rettet feil opplysninger om meg selv i NPR?", Asked("remedy")),
    ("Kan eg klage dersom søknaden min blir avslått?", Asked("remedy")),
    ("Do I have to delete the data after my project ends?", Asked("remedy")),
    ("Er opplysningene i NPR korrekte?", None),  # whether they are right: the data quality
    ("Hvor kan jeg se hva som er registrert om meg?", None),
    ("Hvor lenge kan vi beholde NPR-dataene etter at prosjektet er ferdig?", Asked("retention")),
    ("How long may we keep the data after the project ends?", Asked("retention")),
    ("Kan data frå NPR lagrast på ein server i utlandet?", Asked("storage")),
    ("Will the data be made available on a remote analysis platform?", Asked("storage")),
    ("Hvilken ICD-versjon brukes for diagnosene i NPR?", Asked("coding")),
    ("Er diagnosekode F32 (depresjon) med i NPR?", Asked("coding")),
    ("Må jeg logge inn med BankID for å sende søknad på helsedata.no?", Asked("login")),
    ("I can't log in to helsedata.no, it keeps timing out.", Asked("login")),
    ("Må eg vere tilsett ved ein norsk institusjon for å få data frå NPR?", Asked("eligibility")),
    ("Can a foreign researcher with no Norwegian partner institution apply for NPR data?", Asked("eligibility")),
    ("Jeg er ansatt ved et sykehus og trenger data. Hvor søker jeg?", None),  # who asks, no requirement
    # figures broken down, one named variable, a best or worst: facts the guidance never gives
    ("Finst den opne statistikken frå NPR på kommunenivå?", Asked("breakdown")),
    ("Are there open statistics on emergency admissions by hospital?", Asked("breakdown")),
    ("Kan vi få tallene fordelt på bydel?", Asked("breakdown")),
    ("Can we get the figures broken down by age group and postcode?", Asked("breakdown")),
    ("Kan jeg få andelen pasienter per fylke?", Asked("breakdown")),
    ("Finnes det en variabel for legemiddelbruk i NPR?", Asked("variable")),
    ("Is there a variable for smoking status?", Asked("variable")),
    ("Which hospitals have the poorest data quality in NPR?", Asked("ranking")),
    ("Kva for sjukehus har dårlegast datakvalitet?", Asked("ranking")),
    ("Har NPR variabler for røyking?", Asked("variable")),
    ("Kan vi få fylkesvise tall?", Asked("breakdown")),
    ("Which is the worst hospital for reporting?", Asked("ranking")),
    ("Hvilke sykehus ligger lavest på dekningsgrad?", Asked("ranking")),
    ("Is there a separate country-of-residence variable for patients with a foreign address?", Asked("variable")),
    # what a numbered provision says (the guidance names § 11 and quotes it nowhere)
    ("Hva står det i helseregisterloven § 11?", Asked("provision")),
    ("What does section 11 of the Health Registries Act actually say?", Asked("provision")),
    ("Kva seier paragraf 11 om utlevering?", Asked("provision")),
    ("Hvilken paragraf er NPR hjemlet i?", Asked("paragraph")),
    ("What did the latest annual report say about coverage?", Asked("provision")),
    ("Kva skreiv artikkelen om forskingspotensialet?", Asked("provision")),
    ("Hvilke områder dekker NPR? List dem opp.", Asked("listing")),
    ("Kva område er med i NPR? Rams opp alle.", Asked("listing")),
    ("Which areas are covered? Give me every item.", Asked("listing")),
    ("Hvilke søknadsveiledere bør jeg lese?", Asked("listing")),
    # the items of a list (the guidance was scraped with some lists cut off)
    ("Kan dere gi meg hele listen over fagområdene?", Asked("listing")),
    ("I need the complete list of areas NPR covers.", Asked("listing")),
    ("Which specific areas of specialist care report to the register?", Asked("listing")),
    ("Hvilke fagområder er med i NPR?", Asked("listing")),
    ("Eg vil ha ei liste over tema i statistikken.", Asked("listing")),
    ("Er rehabilitering på lista?", Asked("listing")),
    # a rejection (the guidance never speaks of one), an authority it does not name, a yearly change
    ("Do we have to pay if our application is rejected?", Asked("rejection")),
    ("Hva skjer hvis søknaden vår blir avslått?", Asked("rejection")),
    ("Does linking NPR with another registry need a permit from the Data Protection Authority?", Asked("approval")),
    ("Will the hourly rate of NOK 1100 be adjusted next year?", Asked("change")),
    ("Må vi søke om konsesjon fra Datatilsynet?", Asked("approval")),
    # ...not where they are told in passing: a stay the register leaves out, a rejection elsewhere,
    # Datatilsynet named beside the directorate, the asker's own costs rising every year
    ("Are stays paid through NAV rejected by the register?", None),
    ("Eg fekk avslag på innsyn hos sjukehuset; kvar kan eg sjå kva som er registrert om meg?", None),
    ("If our first application was rejected as incomplete, when does the processing time start?", Asked("duration")),
    ("Er Datatilsynet databehandlingsansvarlig for NPR?", None),
    ("Kostnadene våre øker hvert år, så vi lurer på hva timeprisen hos NPR er.", None),
    # a chapter: which one, or what one numbered chapter says
    ("Hvilket kapittel i forskriften handler om kobling?", Asked("chapter")),
    ("What does chapter 2 of the NPR regulation say?", Asked("chapter", ("2",))),
    ("Kva står i det første kapittelet i norskpasientregisterforskrifta?", Asked("chapter", ("1",))),
    ("Hva sier kap. 3 om kobling?", Asked("chapter", ("3",))),
    ("Hvilken paragraf i kapittel 3 gjelder kobling?", Asked("paragraph")),
    ("Kan vi lese andre kapitler?", None),  # other chapters, no second one
    ("What does chapter two of the regulation say?", Asked("chapter", ("2",))),
    ("Hva står i kapittel II?", Asked("chapter", ("2",))),
    ("Er det kapittel 4 eller kapittel 3 som handler om sammenstilling?", Asked("chapter", ("4", "3"))),
    ("Hvilket kapittel i søknadsveilederen handler om kobling?", Asked("chapter", ("0",))),  # another document's
    # a chapter named as context, not asked about
    ("Står det i kapittel 3 hvordan data fra flere kilder kan sammenstilles?", None),
    ("Hvor søker vi om koblede data etter å ha lest kapittel 3?", None),
    # ...not where the words only look like one, and not before a kind the guidance gives
    ("Hvor lang tid tar det å få tall per sykehus?", Asked("duration")),
    ("Are patients treated by hospitals abroad included?", None),
    ("Hei! Jeg lurer på hva som er registrert om meg etter sykehusoppholdet i fjor.", None),
    ("Er pasienter fra alle kommuner med?", None),
    ("Finnes det en variabelliste for npr", None),
    ("Is there a variable list for the application?", None),
    ("What is the best way to apply?", None),
    ("Which route is best for a municipality?", None),
    # found by an independent review: a split of something else, an agent, a scope, a level of the register
    ("Is the price broken down per hour?", None),
    ("Hvordan er ansvaret fordelt på databehandler og databehandlingsansvarlig?", None),
    ("Are patients treated by hospital outpatient clinics included?", None),
    ("Does NPR cover every hospital in Norway?", None),
    ("Is NPR a national register or kept at the regional level?", None),
    ("Er NPR et sentralt register eller på kommunenivå?", None),
    ("Finnes det noen variabler med detaljert informasjon om datakilden?", None),
    ("Is there a field for the project title in the application form?", None),
    ("Vi er en norsk institusjon. Hva koster det?", Asked("price")),
    ("I hvilket filformat leveres dataene?", Asked("format")),
    ("Kan dataene leveres på en minnepinne?", Asked("format")),
    ("Can we get the data as SPSS files?", Asked("format")),
    ("Vi bruker Stata på instituttet. Hvor søker vi om data?", None),  # software named as context
    ("Which format should the application be in?", None),  # the application's, which the form answers
    ("Kven er leiar for Norsk pasientregister?", Asked("person")),
    ("Who is the data protection officer at Helsedirektoratet?", Asked("person")),
    ("Our data protection officer asks who the controller is.", None),
    ("Hvem er databehandler for NPR?", None),  # a body, which the guidance names
    ("Hvilke år dekker dataene som blir gitt ut?", Asked("year")),  # data given out, no publication
    # why, asked at the start, after "lurer på"/"wonder", or as "what is the reason"
    ("Hvorfor er opphold gjennom NAV ekskludert?", Asked("reason")),
    ("Kvifor tek det 60 dagar?", Asked("reason")),
    ("Eg lurer på kvifor prisen er 1100 kroner.", Asked("reason")),
    ("And why is there a minimum of two hours?", Asked("reason")),
    ("What is the reason for excluding self-paying patients?", Asked("reason")),
    ("Hva er grunnen til at data før 1997 mangler?", Asked("reason")),
    ("Hei, hvorfor er opphold gjennom NAV ekskludert fra registeret?", Asked("reason")),  # after a greeting
    ("Jeg lurte på hvorfor det tar 60 dager.", Asked("reason")),
    # the asker's own reason, or a reason the data record, asks for none
    ("Kor lang tid tek det, grunnen til at eg spør er at vi har ein frist?", Asked("duration")),
    ("Registreres årsaken til innleggelsen i NPR?", None),
    ("Does NPR record the reason for contact?", None),
    ("What is the reason code for the contact?", None),
    # ...not where "why" is part of what the data are wanted for
    ("Kan NPR brukes til forskning på hvorfor folk blir syke?", None),
    ("We study why patients are readmitted. Which data does NPR hold?", None),
    ("Finnes det et pristak for en utlevering?", Asked("limit")),
    ("Er det eit tak på kor mykje de kan fakturere?", Asked("limit")),
    ("Er det en øvre grense for kostnaden?", Asked("limit")),
    ("Is there a price cap, or a maximum fee?", Asked("limit")),
    ("What is the maximum total price for a single delivery?", Asked("limit")),  # a word between
    ("Hva er høyeste samlede pris?", Asked("limit")),
    ("Hvilke årsrapporter finnes?", None),
    ("Hva er prisen per time?", None),
    ("Is the maximum of two hours of work billed?", None),
    ("Hva koster det?", Asked("price")),
    ("Takk, og hva koster det?", Asked("price")),
    ("What is the minimum charge?", Asked("price")),
    ("Må vi betale for å lage variabellister?", Asked("price")),
    ("Is it free to see my own records?", Asked("price")),
    ("Hvor lang tid tar det?", Asked("duration")),
    ("Hvor lang tid tar det maks?", Asked("duration")),  # a most that the delivery deadline answers
    ("Kor lenge vert opplysningane lagra?", Asked("retention")),  # how long data are kept, not a delivery time
    ("How quickly can we get the data?", Asked("duration")),
    ("Finst skjemaet på engelsk òg?", Asked("language")),
    ("Can the application be written in Norwegian or English?", Asked("language")),
    ("Is there an English version of the variable list?", Asked("language")),
    ("Is there an English-language codebook?", Asked("language")),
    ("Når kan vi få dataene?", Asked("date")),
    ("When is the next annual report published?", Asked("date")),
    # a deadline to apply by, which the delivery deadlines (a date's answer) do not give
    ("Is there a yearly deadline for applications?", Asked("appdeadline")),
    ("Hva er søknadsfristen for NPR-data?", Asked("appdeadline")),
    ("Finst det ein frist for å søkje i år?", Asked("appdeadline")),
    ("Hva er fristen for levering?", Asked("date")),
    # since when asks a year; from when a year, a span or a 'når' clause
    ("Siden når har Helsedirektoratet vært databehandler?", Asked("year")),
    ("Siden når finnes det registrerte data?", Asked("year")),
    ("Fra når teller fristen?", Asked("date")),
    ("are the 30 days counted as working days", Asked("days")),
    ("Which section within chapter 3 of the regulation covers linking?", Asked("paragraph")),
    ("Kva er betalingsfristen?", Asked("payment")),  # the terms of payment, not a date the guidance gives
    ("Who wrote the article?", Asked("author")),
    ("Is there a student discount?", Asked("exception")),
    ("Kan dere levere raskere enn 60 dager?", Asked("exception")),
    ("Can we pay to get the data faster than that?", Asked("exception")),
    # whether something lies within the register's purposes, or what they are
    ("Hører helseplanlegging i en kommune inn under formålet til NPR?", Asked("purpose")),
    ("Er pasientsikkerheitsarbeid eit formål som registeret skal dekkje?", Asked("purpose")),
    ("Does hospital benchmarking fall within the register's purposes?", Asked("purpose")),
    ("What is the purpose of NPR?", Asked("purpose")),
    # whether a use must follow the purpose asks for the rule, not for the purposes
    ("Må prosjektet vårt være i tråd med formålet til registeret?", None),
    ("Does our study have to match the purpose of the register?", None),
    ("Kan eg bruke data frå registeret til kva som helst, eller må bruken passe med formålet til NPR?", None),
    # a change to come: the guidance says what is, not what will be
    ("Will the price of NOK 1100 per hour go up next year?", Asked("change")),
    ("Blir timeprisen høyere neste år?", Asked("change")),
    ("Kjem leveringstida til å endre seg i framtida?", Asked("change")),
    ("We plan a study next year. What does it cost?", Asked("price")),
    ("Does the price change with the number of hours?", None),  # no change to come
    # a change on a schedule: the guidance gives one price and no adjustment of it
    ("Blir timeprisen justert kvart år?", Asked("change")),
    ("Is the fee adjusted annually?", Asked("change")),
    # the article's year without "ut" ("den" alone may be the register: a year it has)
    ("Hvilket år kom artikkelen?", Asked("published")),
    # ...or where it is from, when it was written, how old it is
    ("Hvilket år er artikkelen fra?", Asked("published")),
    ("Hvilket år ble artikkelen skrevet?", Asked("published")),
    ("Kva år er artikkelen frå?", Asked("published")),
    ("What year is the article from?", Asked("published")),
    ("When was the article written?", Asked("published")),
    ("How old is the article?", Asked("published")),
    ("Artikkelen er fra hvilket år?", Asked("published")),
    ("Fra hvilket år er artikkelen?", Asked("published")),
    ("Hvilket år er artikelen fra?", Asked("published")),  # a typo
    ("What is the year of the article?", Asked("published")),
    ("Hvilket år er dataene fra?", Asked("year")),  # the data's years: the collection period
    ("Hvilket år kom den? Jeg tenker på NPR.", Asked("year")),
    ("Hvilket år kom den første dataen inn?", Asked("year")),  # data coming in: the collection period
    ("Registeret, hvilket år kom det i gang?", Asked("year")),
    # whether the price differs for a group of askers or from what it was
    ("Is the hourly price lower for PhD students?", Asked("differs")),
    ("Betaler kommuner en lavere timepris enn universitetene?", Asked("differs")),
    ("Er prisen den samme for private selskaper som for offentlige etater?", Asked("differs")),
    ("Var timeprisen den same for ti år sidan?", Asked("differs")),
    ("Are the rates different for foreign researchers?", Asked("differs")),
    # ...not a price for everyone, a larger job or a shorter delivery, which the guidance answers
    ("Er prisen den samme for alle?", None),
    ("Blir prisen høyere for store uttrekk?", None),
    ("Er leveringstiden kortere for anonyme data enn for personidentifiserbare?", None),
    ("Is the coverage rate lower for private clinics?", Asked("percent")),  # a rate of the data, no price
    ("Er timeprisen billegare for kommunar?", Asked("differs")),
    ("Is there a different price for companies?", Asked("differs")),
    ("Får studenter lavere pris?", Asked("differs")),
    ("Was the price different last year?", Asked("differs")),
    # higher or lower than last year or some years ago, as 'the same' is; moved since some time past
    ("Er prisen høyere enn i fjor?", Asked("differs")),
    ("Is the price higher than last year?", Asked("differs")),
    ("Var prisen høgare for tre år sidan?", Asked("differs")),
    ("Was the fee higher in 2020?", Asked("differs")),
    ("Er prisen lavere enn for 2 ar siden?", Asked("differs")),
    ("Er timeprisen høyere enn 1000 kr som vi betalte i fjor?", None),  # a number: 1100 answers it
    ("Has the price gone up since last year?", Asked("changed")),
    ("Har prisen gått opp de siste årene?", Asked("changed")),
    ("Har timeprisen endret seg siden 2020?", Asked("changed")),
    ("Has the delivery time become shorter in recent years?", Asked("changed")),
    ("Gikk timeprisen opp i fjor?", Asked("changed")),
    ("Har dere økt prisen siden i fjor?", Asked("changed")),
    ("Ble prisen endret i 2022?", Asked("changed")),
    # found by an independent review: a change stated before the question or run into it, the
    # asker's own costs, an action the asker takes, and the price as it still is ask no change
    ("Prisen har økt siden i fjor, hva er den nå?", None),
    ("Prisen har økt siden i fjor er den 1100 nå?", None),
    ("Leveringstiden i andre registre har økt de siste årene - gjelder fortsatt 60 dager hos NPR?", None),
    ("Our costs have gone up since last year. What is the hourly rate?", Asked("price")),
    ("Our project costs increased last year and we need the hourly price for the new budget", Asked("price")),
    ("Our fees to participants increased last year is NPR's hourly price NOK 1100?", Asked("price")),
    ("What is the fee to adjust the extract we got last year?", Asked("price")),
    ("Hvor lang er behandlingstiden hvis vi endrer søknaden fra i fjor?", Asked("duration")),
    ("Er timeprisen fortsatt 1100 kr, eller har prisen økt siden i fjor?", None),
    ("Has the price gone up since last year or is it still 1100?", None),
    ("Er prisen fortsatt høyere enn i fjor?", None),
    ("Jeg søkte i fjor og prisen var 1000 kr. Hva er den nå?", None),
    # found by a second review: someone else's prices run into the question, a participle of the
    # asker's extract, data over some years asked for, the year of the article's data, old data
    ("The travel fees increased last year and we need the hourly price for the budget", Asked("price")),
    ("Sykehusets priser gikk opp i fjor og jeg trenger timeprisen deres", None),
    ("REK's processing time increased last year so we need NPR's delivery deadline", Asked("duration")),
    ("Er timeprisen 1100 for uttrekk som ble endret i fjor?", None),
    ("Øker leveringstiden hvis vi ber om data fra de siste 25 årene?", None),
    ("Fra hvilket år er artikkelens data?", Asked("year")),
    ("From what year is the article's register data?", Asked("year")),
    ("Hvor gammel er artikkelen sin datakilde?", None),
    ("Is the hourly fee higher for data older than 10 years ago?", Asked("price")),
    ("Kan dere si om prisen har økt siden i fjor?", Asked("changed")),  # asked inside a request
    ("Justeres timeprisen årlig?", Asked("change")),
    ("Blir prisen indeksregulert?", Asked("change")),
    # found by an independent review: a statement before the question's own clause, a rate of the
    # data, a bigger job, figures updated or adjusted for age ask what they asked before
    ("Våre kostnader er høyere enn forskernes, så hva er timeprisen?", None),
    ("The price is the same for researchers and students I assume, but how long does delivery take?", Asked("duration")),
    ("Timeprisen er sikkert høyere for oss som privat firma, men hva er minimum antall timer som faktureres?", None),
    ("Hva er prisen for å få oppdaterte tall hvert år?", None),
    ("Blir prisen høyere for forskningsprosjekter med mange variabler?", None),
    ("Er prisen høyere for forskningsdata enn for statistikk?", None),
    ("Is the mortality rate different for foreign patients?", None),
    ("Are the rates adjusted for age in the yearly statistics?", None),
    # found by a second review: the hours a job takes, not who asks; a statement before the
    # question with no comma; kinds of data; the asker's own adjustment; the price as it still is
    ("Blir prisen lavere for oss hvis saksbehandlingen tar under to timer?", None),
    ("Is the fee higher for us if the processing takes longer?", Asked("price")),
    ("Siden prisen sikkert er høyere for private firma enn for universiteter lurer jeg på hva minimum antall timer er?", None),
    ("Since the hourly rate is higher for companies could you tell me the minimum number of hours billed?", None),
    ("I know the price is higher for companies—how long does delivery take?", Asked("duration")),
    ("Er prisen høyere for data fra sykehus enn for data fra kommuner?", None),
    ("Er prisen lavere for statistikk fra kommunene?", None),
    ("What is the fee if we adjust our data request every year?", Asked("price")),
    ("Er timeprisen på 1100 kr fortsatt den samme som før?", None),
    ("Is the price the same as before?", None),
    # found by a third review: a deadline for an application sent or for processing, a span
    # asked of the application deadline, "from when the patient is referred", "as working days"
    # meaning "because", a group's price against a number
    ("Hva er fristen for søknadsbehandling?", Asked("date")),
    ("Jeg har søkt om data fra NPR. Hva er fristen for søknaden?", Asked("date")),
    ("Hvor lang er søknadsfristen for personidentifiserbare opplysninger?", Asked("date")),
    ("Finnes det en årlig frist for levering av data?", Asked("date")),
    ("Registreres pasienter fra når de blir henvist, eller først når de får behandling?", None),
    ("Are patients included from when they are referred?", None),
    ("How long does delivery take, as working days are limited for our team?", Asked("duration")),
    ("Er timeprisen for forskere høyere enn 1000 kr?", None),
    # found by a fourth review: the asker's own deadline, a round that is a process, every
    # applicant, kinds of data and their sources, the asker's own body, "fortsatt" last
    ("Kan vi få anonym statistikk før søknadsfristen vår?", Asked("date")),
    ("When can we get the data before our grant application deadline?", Asked("date")),
    ("Hva er fristen for å søke om data hvis vi vil ha dem innen 1. juni?", Asked("date")),
    ("Må vi gjennom flere søknadsrunder hvis vi vil koble data fra flere kilder?", None),
    ("Is the hourly rate the same for every applicant?", None),
    ("Er timeprisen lik for samtlige søkere?", None),
    ("Er prisen høyere for registerdata fra sykehus?", None),
    ("Is the price the same for our university?", None),
    ("Er prisen den samme for studenter fortsatt?", None),
    ("We need data for the coming years, is the coverage higher now?", None),
    ("Vi har data fra 2020 og lurer på om vi kan endre søknaden?", None),
    # 'når' and 'when' that open a clause ask for no date
    ("Når vi har fått godkjenning, hva gjør vi da?", None),
    ("When we apply, do we need an approval?", None),
    ("Hvem er ansvarlig når data blir koblet?", None),
    ("Når data er personidentifiserbare, hvilken godkjenning trengs?", None),
    ("When linking data from several sources, what should I check first?", None),
    ("Når pasienter er døde ved ankomst blir de registrert da?", None),
    # words that look like a cue but ask about something the guidance has
    ("Er det noen unntak fra hvem som er med i registeret?", None),   # the exclusion list
    ("Where can I find the coverage rate for NPR?", None),             # a place, not a rate
    ("Kan NPR-data kobles i lag med data fra andre registre?", None),  # 'i lag med': together
    ("Who is in charge of NPR?", None),
    ("Are stays where patients have to pay themselves included?", None),
    ("Are patients treated in Norwegian and foreign hospitals included?", None),
    ("As the author of a PhD thesis, how do I apply?", None),
    # a language only named in passing
    ("Er pasienter som behandles på norsk sykehus med?", None),
    ("Sorry for writing in English: which data does NPR hold?", None),
    ("I want to see my data in Norwegian registries. Where do I go?", None),
])
def test_questions_for_a_number_are_recognised(question, asked):
    assert asks_for(question) == asked


@pytest.mark.parametrize("question", [
    "What is the hourly rate?",
    "Does the Directorate publish annual reports?", "Hvem er databehandlingsansvarlig?",
    # the number describes the data wanted; the question asks where or what
    "Hvor finner jeg statistikk over antall pasienter?",
    "Where can I find statistics on the number of patients treated?",
    "What is the section number of the law NPR is based on?",
    "Hvor stor er NPR?", "Kan jeg få andelen pasienter i NPR?", "Is 100% of hospitals covered?",
    "Finnes det årsrapporter som sier noe om kvaliteten på dataene?",  # where it is said, not what
    "Hva sier veiledningen om § 11?", "Hva står det om helseregisterloven § 11 i veiledningen?",
    # a list the asker has or makes asks for no list's items
    "Vi har ei liste over registera vi vil kople. Må vi sjekke krava?",
    "Can I build a list of the variables I want?", "Where can I see the list of variables?",
    "Does NPR cover all areas of the specialist health service?",
])
def test_other_questions_ask_for_no_number(question):
    assert asks_for(question) is None


@pytest.mark.parametrize("question, text, given", [
    ("Hvor mange dager tar det?", DELIVERY, True),             # a unit: any number answers
    ("How many billable hours is the minimum?", PRICE, True),  # 'to timer' in words
    ("How many working days does delivery take?", DELIVERY, True),  # a unit after another word
    ("Hvor mange virkedager tar det?", DELIVERY, True),         # a compound ending in a unit
    ("Hvor mange maneder tar det a fa data?", DELIVERY, True),  # without æøå
    ("Hvor mange penger koster en time?", PRICE, True),
    ("Kor mange år tilbake kan eg få data?", PERIOD, True),
    ("Hvor mange pasienter ble registrert som død ved ankomst?", EXCLUSIONS, False),
    ("Hvor mange variabler finnes i NPR?", "Gå til variabeloversikten for å lage variabellister", False),
    ("Hvor mange timer fakturerer dere minst?", PRICE, True),
    ("What VAT rate is added?", PRICE, False),                  # 'eks. mva.' gives no rate
    ("Hva er dekningsgraden i prosent?", "Informasjon om datakvalitet og dekningsgrad i NPR", False),
    ("Hvor ofte oppdateres registeret?", PERIOD, False),
    ("Hvor ofte publiseres det rapporter om datakvaliteten?", "Helsedirektoratet publiserer også årsrapporter", True),
    ("How often is it updated?", "sykdommens årsaker, utbredelse og forløp", False),  # årsaker is no year
    ("Fra hvilket år har NPR data?", PERIOD, True),
    ("Finnes det et pristak?", PRICE, False),                   # a minimum is no cap
    ("Is there a price cap?", "Prisen er maks NOK 5000 per sak.", True),
    ("Hvilket år ble artikkelen publisert?",
     "Forskningspotensialet i NPR er omtalt i en artikkel hos Sandinavian Journal of Public Health.", False),
    ("Hvilket år kom artikkelen ut?", PERIOD, False),  # a year, but no publication's
    ("When was the article published?", "Artikkelen ble publisert i Scand J Public Health i 2020.", True),
    ("Hvilken paragraf gjelder?", "hjemlet i helseregisterloven § 11", True),
    ("Hvilken paragraf gjelder?", "norskpasientregisterforskriften, kapittel 3", False),
    ("Which department is responsible?", "Helsedirektoratet er både databehandlingsansvarlig og databehandler.", False),
    ("Hvordan defineres «død ved ankomst»?", EXCLUSIONS, False),  # the list names it, defines nothing
    ("Hvem er kontaktperson for søknader til andre formål?",
     "Har du spørsmål, kontakt helseregistre@helsedir.no", True),
    ("Who is the head of research at NPR?",
     "Forskningspotensialet i NPR er omtalt i en artikkel hos Sandinavian Journal of Public Health.", False),
    ("Er 60 dager kalenderdager?", DELIVERY, False),
    ("Hva koster det?", PRICE, True),
    ("Koster det noe å be om innsyn?", HELSENORGE, False),     # the Helsenorge section names no price
    ("Do we have to pay for the variable lists?", "Gå til variabeloversikten for å lage variabellister", False),
    ("Hvor lang tid tar det?", DELIVERY, True),
    ("Blir prisen etter hvor lang tid saksbehandlingen tar?", PRICE, True),  # 'to timer' in words
    ("How long back do the data go?", PERIOD, True),
    ("Hvor lenge lagres opplysningene om meg?", HELSENORGE, False),
    ("Is the form available in English?", "Du kan søke om tilgang til data via søknadsskjemaene på helsedata.no.", False),
    ("Når starter behandlingstiden?", DELIVERY + "\nBehandlingstiden starter når komplett søknad er mottatt.", True),
    ("Når kan vi få dataene?", DELIVERY, True),
    ("Kva tid kjem neste årsrapport?", "Helsedirektoratet publiserer også årsrapporter", False),
    ("Kva er betalingsfristen?", PRICE, False),                   # 'to timer' is no deadline
    ("Who wrote the article?", "Forskningspotensialet i NPR er omtalt i en artikkel", False),
    ("Is there a student discount?", PRICE, False),
    ("Kan dere levere raskere enn 60 dager?", DELIVERY, False),
    ("Hvorfor er opphold gjennom NAV ekskludert?", EXCLUSIONS, False),  # a list names no reason
    ("Why does it take 60 days?", DELIVERY, False),
    ("Kvifor kan ikkje alle få data frå alle registra?",
     "Datakildene har ulike formål og reguleres av ulike lover og forskrifter.", True),
    ("Why do the approvals differ?", "Hvilke godkjenninger du må fremlegge avhenger av hva du søker om", True),
    ("Why does NPR exist?", "NPR har som formål å danne grunnlag for administrasjon", True),
    # a chapter: the one asked about, or any for "which chapter"
    ("What does chapter 2 of the regulation say?", "norskpasientregisterforskriften, kapittel 3 – behandling", False),
    ("Hva står i kapittel 3?", "norskpasientregisterforskriften, kapittel 3 – behandling", True),
    ("Which chapter deals with linkage?", "norskpasientregisterforskriften, kapittel 3 – behandling", True),
    ("Which chapter deals with linkage?", "helseregisterloven § 11", False),
    # a list's items: a list that was cut off at its colon gives none
    ("Jeg vil ha hele listen.", "Alle personer som blir henvist til og/eller får helsehjelp innen følgende områder "
     "av spesialisthelsetjenesten i Norge:", False),
    ("Jeg vil ha hele listen.", "På nettsidene til Helsedirektoratet kan du finne aktuell statistikk om", False),
    ("Jeg vil ha hele listen.", "Eksklusjoner:\n\n • Opphold gjennom NAV\n • Selvbetalende opphold", True),
    ("I want the complete list of the variables.", "Gå til variabeloversikten for å lage variabellister", True),
])
def test_a_section_gives_the_number_or_not(question, text, given):
    assert gives(asks_for(question), text) is given


@pytest.mark.parametrize("question, asked", [
    # a subject named beside the kind is asked about too
    ("Hvor lang tid tar det å slette dataene?", Asked("duration", (), ("remedy",))),
    ("How long does it take to delete the data?", Asked("duration", (), ("remedy",))),
    ("Hva koster det å rette feil i dataene?", Asked("price", (), ("remedy",))),
    # ...the action timed or priced, not a subject that describes the data or a correction of the application
    ("Hvor lang tid tar det å få data levert til TSD?", Asked("duration")),
    ("Hvor lang tid tar det å få data med ICD-10-koder?", Asked("duration")),
    ("Hvor lang tid tar det å få data hvis vi må slette dem etter fem år?", Asked("duration")),
    ("Hvor lang tid tar det å få data hvis søknaden må korrigeres?", Asked("duration")),
    # stored data asked for, or how far back NPR has stored them, is no retention
    ("How long does it take to get data that are stored in NPR?", Asked("duration")),
    ("Hvor lenge må vi vente på data som lagres i NPR?", Asked("duration")),
    ("How long has NPR stored data?", Asked("duration")),
    ("Hvor lenge lagres dataene?", Asked("retention")),
    ("How long are the files stored after delivery?", Asked("retention")),
    # a price or a span of time after delivery is still a price or a span of time
    ("Hva koster et nytt uttrekk etter at dataene er utlevert?", Asked("price")),
    ("How long after delivery of a complete application do we get the data?", Asked("duration")),
    ("Hvem eier dataene etter utlevering?", Asked("afterwards")),
    ("Who can request the most recent data?", None),
    ("Hva skjer etter at søknaden er levert?", None),  # the application, not the data, is delivered
    ("Kva pasientar er med, til dømes om dei som ventar er med?", None),  # an example clause
    # a shape of fact is no subject: figures per hospital still ask for the delivery time
    ("How long does it take to get figures per hospital?", Asked("duration")),
    ("Hvor lang tid tar det å få data?", Asked("duration")),
    # correcting the application is no remedy beside the delivery time
    ("How long does it take to get data if we need to correct the application?", Asked("duration")),
])
def test_a_subject_beside_the_kind_is_asked_for_too(question, asked):
    assert asks_for(question) == asked


def test_the_section_must_give_the_subject_as_well_as_the_kind():
    # the delivery deadlines give a span of time, but no deletion or telephone number
    assert gives(asks_for("Hvor lang tid tar det?"), DELIVERY)
    assert not gives(asks_for("Hvor lang tid tar det å slette dataene?"), DELIVERY)
    assert gives(Asked("duration", (), ("remedy",)), DELIVERY + " Dataene slettes etter prosjektet.")


def test_a_list_question_with_an_example_is_answered_by_a_section_naming_it():
    npr = ("Norsk pasientregister er et sentralt helseregister og inneholder helseopplysninger om alle personer som har "
           "fått behandling, eller som venter på behandling i spesialisthelsetjenesten enten på sykehus, i poliklinikk "
           "eller hos avtalespesialister.")
    cut = "På nettsidene til Helsedirektoratet kan du finne aktuell statistikk om"
    assert asks_for("Kva pasientar er med, til dømes poliklinikk?") == Asked("listing", ("poliklinikk",))
    assert gives(asks_for("Kva pasientar er med, til dømes poliklinikk?"), npr)
    assert not gives(asks_for("Hvilke temaer dekker statistikken – for eksempel ventetider?"), cut)
    assert not gives(asks_for("Hvilke temaer dekker statistikken – for eksempel ventetider?"), npr)
    # one word, or each part of a hyphenated one, checked without bullets
    assert asks_for("Hvilke opphold er unntatt, for eksempel NAV-opphold?").what == ("nav", "opphold")
    assert gives(asks_for("Hvilke opphold er unntatt, for eksempel NAV-opphold?"), "Opphold gjennom NAV")
    assert not gives(asks_for("Hvilke temaer finnes, for eksempel ventetider innen psykiatri?"), npr)
    # an English example is not taken: the guidance's words cannot be checked for it
    assert asks_for("Which patients are included, e.g. outpatients?") is None


def test_an_article_is_no_number():
    # 'en', 'ei', 'one' are articles too: "en søknad" holds no count of days
    assert not gives(Asked("count", ("pasienter",)), "Har du spørsmål, send en e-post til en av oss")


def test_the_decision_declines_a_number_the_section_lacks_however_close_it_is():
    close = Signals(0.99, 0.1, -0.1, 0.9, 1.0, 0.0)
    assert Decision.load().decide(close).answer
    verdict = Decision.load().decide(Signals(0.99, 0.1, -0.1, 0.9, 1.0, 0.0, kind_missing=True))
    assert (verdict.answer, verdict.reason) == (False, "not_covered")


@pytest.mark.parametrize("question", [
    "Hvor mange pasienter ble registrert som død ved ankomst i fjor?",   # a count the list does not give
    "Hvilket år ble artikkelen i Scandinavian Journal of Public Health publisert?",
    "Finnes det et tak på hvor mye dere kan fakturere for en sak?",       # a minimum is no cap
    "Koster det noe å få innsyn i mine egne opplysninger via Helsenorge?",
    # the price section beside the Helsenorge one answers nothing a patient asked
    "Må pasientene betale for å få innsyn?",
    "Can I fill in the application form on helsedata.no in English?",
    "Blir timeprisen høyere neste år?",  # the price section says what it is, not what it will be
    "Is there an annual application deadline for NPR data?",  # delivery deadlines, none to apply by
    "since when has the directorate of health been both processor and controller for npr",
    # ...nor whether it differs for some askers or was another before
    "Is the hourly rate cheaper for students than for companies?",
    "Får kommunen lavere pris enn forskere?",
    "Var timeprisen den same for fem år sidan?",
    "Er prisen høyere enn i fjor?", "Has the price gone up since last year?", "Gikk timeprisen opp i fjor?",
    "Hvilket år er artikkelen fra?",  # not the collection period's 1997
    "Is the hourly rate of NOK 1100 adjusted every year?",
    "Fra hvilken måned i 1997 starter dataene i NPR?",  # a year, no month
    "Hvilket telefonnummer kan jeg ringe hvis jeg har spørsmål om søknaden?",  # an e-mail address, no number
    "Hvorfor er opphold gjennom NAV ekskludert fra registeret?",  # the exclusion list gives no reason
    "Why does it take 60 days to get identifiable data?",
    "Hvem skrev artikkelen om forskningspotensialet, og hvilket år kom den ut?",  # not the period's 1997
    "hvilken paragraf i kapittel 3 gjelder kobling med forskningsdata",
    "Kva avdeling i Helsedirektoratet har ansvaret for NPR?",
    "Hvordan defineres «død ved ankomst» i NPR?",
    "Are the 60 days for person-identifiable data calendar days or working days?",
    "Leveres dataene som CSV- eller SPSS-filer?",
    "Who is the data protection officer at Helsedirektoratet?",
    "Hva er pris per time i euro, eks. mva.?",  # NOK 1100 is no price in euros
    "Kan jeg betale med kort, eller må det være faktura?",  # what is billed, not how to pay
    "Trenger vi en personvernkonsekvensvurdering (DPIA) for å få data fra NPR?",  # no approval named
    "Kan jeg kreve å få slettet opplysningene mine fra pasientregisteret?",  # rights only as a page
    "How do I appeal if my application is rejected?",
    "Hvor lenge kan vi beholde dataene etter at prosjektet er avsluttet?",  # not the delivery times
    # how long data are stored or may be used, or how long deleting or correcting them takes
    "Hvor lenge lagres dataene?", "How long are the files stored after delivery?",
    "Hvor lenge kan vi bruke dataene?", "Hvor lang tid tar det å slette dataene?",
    "How long does it take to delete the data?", "Hvor lang tid tar det å rette feil i dataene?",
    # no cap on the price
    "whats the maximum we will be invoiced for an npr data request",
    # what becomes of data once delivered, whether one example is on a list cut off, who uses it most
    "Hvem eier dataene etter utlevering?",
    "Who is the controller of the data after they have been delivered to our project?",
    "Hvilke temaer dekker den åpne statistikken fra NPR – for eksempel ventetider?",
    "Kven i spesialisthelsetenesta nyttar NPR mest?",
    "Does npr use icd-10 or icd-11 for diagnoses?",
    "Do I need a Norwegian BankID to submit the application?",
    "Kan utenlandske forskere uten norsk institusjon søke om data?",
    "Hvor mange timer saksbehandling går det vanligvis med på en søknad?",  # a minimum, not what is usual
    "Finnes det åpen statistikk om ventetider per sykehus?",  # open statistics, but none per hospital
    "Har NPR en variabel for røyking?",  # the variable list, which names none
    "Which hospitals report the poorest data quality to NPR?",
    "What does chapter 2 of the NPR regulation say?",  # the guidance names chapter 3 only
    "Do we have to pay if our application is rejected?",  # the price, but nothing of a rejection
    "Hva står det egentlig i § 11 i helseregisterloven?",  # the guidance names it, quotes nothing
    # the list of areas and of open statistics were cut off: their items are nowhere in the guidance
    "Hvilke områder av spesialisthelsetjenesten samler NPR inn data fra? Jeg vil ha hele listen.",
    "Which specific areas of specialist health care report to NPR?",
    "Kva tema finst det open statistikk om? Gje meg ei liste over emna.",
    "Hvilke områder er med i NPR? Nevn alle.",
    "Which application guides should I read before applying?",
])
def test_the_assistant_declines_a_fact_the_section_does_not_give(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained and answer.reason == "not_covered"


@pytest.mark.parametrize("question, quoted", [
    ("Hvor mange dager tar det å få anonyme data?", "30 dager"),
    ("Fra hvilket år har NPR data?", "1997"),
    ("Which section of the Health Registry Act is NPR based on?", "§ 11"),
    ("Hvilke opphold er ekskludert, for eksempel NAV-opphold?", "Opphold gjennom NAV"),
    # a correction of the application is not the action timed
    ("How long does it take to get data if we need to correct the application?", "60 dager"),
    ("Hva koster det å få data?", "1100"),
    ("Hva koster det for en student?", "1100"),  # a price for one asker is the price
    ("Fra når begynner behandlingstiden å løpe?", "komplett søknad er mottatt"),
    ("Siden når har NPR samlet inn data?", "1997"),
    ("Våre kostnader er høyere enn forskernes, så hva er timeprisen?", "1100"),  # context, then the question
    ("Er timeprisen fortsatt 1100 kr, eller har prisen økt siden i fjor?", "1100"),  # the price as it is
    ("Fra hvilket år er artikkelens data?", "1997"),  # the year of its data, not of the article
    ("Sykehusets priser gikk opp i fjor og jeg trenger timeprisen deres", "1100"),
    ("Our project costs increased last year and we need the hourly price for the new budget", "1100"),
    ("Hvor lang tid tar det å få anonym statistikk?", "30 dager"),
    ("Is anonymous data delivered faster than identifiable data?", "30 dager"),
    ("Hvilken paragraf i helseregisterloven er NPR hjemlet i?", "§ 11"),
    ("Hvor mange timer blir jeg minst fakturert for?", "minimum to timer"),
    ("Hvilket kapittel i forskriften handler om kobling av data?", "kapittel 3"),
    ("For our DPIA we need to name the controller and the processor of the NPR data. Who are they?",
     "databehandlingsansvarlig og databehandler"),
    ("Jeg vil ha hele listen over eksklusjonskriteriene. Hvilke opphold er unntatt?", "Selvbetalende opphold"),
    ("Hvilke områder av spesialisthelsetjenesten dekker NPR?", "spesialisthelsetjenesten"),
    ("Hva sier veiledningen om helseregisterloven § 11?", "§ 11"),
    ("Hvilke eksklusjoner gjelder? List dem opp.", "Selvbetalende opphold"),
])
def test_the_assistant_answers_the_facts_the_section_gives(assistant, question, quoted):
    answer = assistant.ask(question)
    assert not answer.abstained and quoted in answer.answer


def test_a_section_holding_the_kind_asked_for_wins_a_near_tie(assistant):
    # "Innhold i NPR" is about as close to "From which year …" as the collection period is, and
    # names no year: the section that holds one ranks first (tuning.KIND_BONUS)
    _, [(_, ranking)] = assistant.rank_parts("From which year does NPR have data?")
    assert ranking.hits[0].chunk.heading == "Datainnsamlingsperiode"


def test_a_stated_change_gives_the_change_asked_for():
    assert gives(Asked("change"), "Prisen økes fra 1. januar 2027 til NOK 1200.")
    assert not gives(Asked("change"), "Pris per time NOK 1100,- eks. mva.")
    assert gives(Asked("changed"), "Prisen økes fra 1. januar 2027 til NOK 1200.")
    assert not gives(Asked("changed"), "Pris per time NOK 1100,- eks. mva.")


@pytest.mark.parametrize("question", [
    # found by an independent review: change and the future in one question, but no change asked for
    "Vi skal endre prosjektet neste år, hvor lang tid tar utlevering?",
    "Is the delivery time shorter for anonymous data if we apply next year?",
    "Er det dyrere å få koblede data til en studie som starter neste år?",
    "Our project looks at climate change and hospital admissions in the coming years. Which years does NPR cover?",
    "Er minimum to timer? budsjettet vårt blir lavere neste år",
    "Vi ønsker å øke kunnskapen om ventetider i fremtiden, hvilke pasienter er med i NPR?",
    "we are a higher education institution planning a study next year, what is the hourly price?",
])
def test_change_and_the_future_in_passing_ask_for_no_change(question):
    assert asks_for(question) != Asked("change")


@pytest.mark.parametrize("question", [
    # a statement of a group's price before the question asked (the clause rule)
    "Since the fee is higher for companies than for universities, how many hours are billed at minimum?",
    "Våre kostnader er høyere enn forskernes, så hva er timeprisen?",
    "The price is the same for researchers and students I assume, but how long does delivery take?",
])
def test_a_groups_price_stated_before_the_question_asks_for_no_difference(question):
    assert asks_for(question) != Asked("differs")


def test_the_rankings_kind_answers_stay_bounded(assistant, monkeypatch):
    from assistant import tuning
    monkeypatch.setattr(tuning, "KIND_CACHE", 3)
    engine = assistant.engine
    for n in range(6):  # every count's words make a key of their own
        engine.holds(n % len(engine.chunks), Asked("count", (f"ord{n}",)))
    assert len(engine._gives) <= 3
    assert engine.holds(0, Asked("year")) == gives(Asked("year"), engine.chunks[0].text)


def test_a_kinds_named_parts_are_written_out_before_it_is_compiled():
    import re

    from assistant.asked_for import _patterns, _with_parts

    assert _with_parts("{a}+", {"x": "b", "a": "(?:{x}|c)"}) == "(?:b|c)+"
    assert _with_parts("x{0,5}", {"a": "b"}) == "x{0,5}"  # a repetition is no part's name
    # the shipped patterns keep no {name} unwritten (only repetitions like {0,5} have braces)
    for kind, pattern in _patterns().items():
        assert not re.search(r"\{[a-z_]+\}", pattern.pattern), kind


def test_a_purpose_question_from_a_non_research_asker_gets_the_purposes_not_the_route(assistant):
    # the route for other purposes than research says "andre formål", and a municipality names it,
    # but it states no purpose: whether planning is one is answered by the purposes themselves
    answer = assistant.ask("Vi er en kommune. Er helseplanlegging et formål som NPR-data kan brukes til?")
    assert not answer.abstained
    assert answer.citations[0].section == "Formålet med NPR"
    assert "kvalitetssikring av spesialisthelsetjenester" in answer.answer
    # ...while how such an asker applies is still the route's
    answer = assistant.ask("Vi er en kommune. Hvordan søker vi om data?")
    assert answer.citations[0].section == "Søknad ved andre formål enn forskning"
