#!/usr/bin/env python3
# bench/generate.py: realistic Dutch KCC content and agent queries for the search benchmark
# Copyright 2026 The Vraagbaak developers
# SPDX-License-Identifier: EUPL-1.2
"""Generates benchmark input, deterministically (python3 standard library only).

  generate.py --items N --out corpus.json [--seed S]
      One vraagbaak-content bundle of N items: about 75% VACs, 25% products, in the
      language of a municipal contact centre (KCC).

  generate.py --queries 1000 --corpus corpus.json --out queries.txt [--seed S]
      Agent-style queries from the corpus vocabulary, one per line: half are one word
      prefix of 3 to 8 characters as typed (no trailing space), half are two words (a full
      word and a second word that is either complete, followed by a space, or a prefix).

The vocabulary is built from hand-written Dutch word lists (municipal nouns and roles,
verbs in all their inflections, adjectives, place and street names) plus compounds made of
them, so it runs to hundreds of thousands of word types. Content words are drawn with
Zipf-like frequencies from that ranked list, so a larger corpus meets more rare words,
street names and compounds (Heaps' law), as real text does: at 100,000 items a three-letter
prefix matches a large share of the documents.
"""

import argparse
import bisect
import itertools
import json
import random
import re
import sys

# ---------------------------------------------------------------------------
# Word lists.  Nouns: "=" marks a het-word, "/" gives an irregular plural, "+" marks a
# noun that is only used in the plural.

NOUNS = """
gemeente inwoner medewerker aanvraag formulier=0 website loket=1 balie brief termijn week maand
jaar=1 dag/dagen werkdag/werkdagen bedrag=/bedragen rekening betaling adres=/adressen woning
huis=/huizen straat wijk buurt kind=/kinderen ouder partner buurman/buren buurvrouw bedrijf=
ondernemer eigenaar huurder verhuurder woningcorporatie politie school huisarts ziekenhuis=
bewoner bezoeker aanvrager klant beller burger zaak/zaken situatie vraag antwoord= informatie
bericht= besluit= beslissing bezwaar=/bezwaren regel voorwaarde uitzondering wet verordening
beleid= plan=/plannen project= onderzoek=/onderzoeken controle afspraak/afspraken gesprek=/gesprekken
contact= nummer= code kaart pas/passen document= bewijs=/bewijzen verklaring handtekening foto/foto's
kopie uitnodiging herinnering aanmaning machtiging toestemming overzicht= lijst kalender tijd
uur=/uren moment= periode datum/data ochtend middag avond weekend= vakantie feestdag/feestdagen
auto/auto's fiets scooter bus/bussen trein parkeerplaats weg/wegen stoep fietspad=/fietspaden
plein= park= tuin dak=/daken gevel raam=/ramen deur muur schuur garage kelder zolder keuken
badkamer trap lift gebouw= kantoor=/kantoren winkel markt restaurant= kerk sporthal
zwembad=/zwembaden bibliotheek buurthuis=/buurthuizen wijkcentrum=/wijkcentra gemeentehuis=/gemeentehuizen
stadhuis=/stadhuizen servicepunt= milieustraat water= riool=/riolen put boom/bomen struik gras=
bloem hond kat/katten dier= vogel rat/ratten afval= glas= papier= plastic= textiel= hout= metaal=
steen/stenen zand= energie stroom gas= warmte licht= lamp paal/palen bord= hek= schutting bank
prullenbak container zak/zakken emmer bak/bakken geld= euro/euro's prijs/prijzen tarief=/tarieven
korting toeslag bijdrage subsidie uitkering inkomen= vermogen= schuld lening belasting heffing
boete kosten+ aanslag/aanslagen waarde huur koop hypotheek notaris/notarissen contract=
overeenkomst regeling voorziening hulp zorg ondersteuning begeleiding advies=/adviezen
indicatie beschikking aanbieding levering bezorging ophaaldag/ophaaldagen route locatie plaats
gebied= terrein= perceel=/percelen kavel grond grens/grenzen erf= bouwwerk= aanbouw uitbouw
dakkapel vergunning ontheffing melding klacht/klachten storing schade overlast lawaai= geluid=
stank verkeer= kruispunt= rotonde drempel lantaarnpaal/lantaarnpalen verlichting tegel
kuil gat=/gaten graffiti= zwerfafval= onkruid= sneeuw ijs= gladheid storm regen wind
brand brandweer ambulance noodgeval=/noodgevallen veiligheid gezondheid school leerling
leraar/leraren student opleiding cursus/cursussen taal/talen les/lessen examen= diploma=/diploma's
baan/banen werk= werkgever werknemer sollicitatie vacature stage pensioen= leeftijd geboorte
huwelijk= partnerschap= scheiding overlijden= begrafenis/begrafenissen crematie graf=/graven
nationaliteit identiteit naam/namen voornaam/voornamen achternaam/achternamen geslacht=
burgerservicenummer= paspoort= identiteitskaart rijbewijs=/rijbewijzen uittreksel= akte
inschrijving verhuizing adreswijziging briefadres=/briefadressen stembureau=/stembureaus stempas/stempassen
verkiezing volmacht fractie raad raadsvergadering commissie wethouder burgemeester
ambtenaar/ambtenaren raadslid=/raadsleden consulent handhaver wijkagent vrijwilliger
mantelzorger bewindvoerder advocaat/advocaten makelaar aannemer architect/architecten taxateur
loodgieter schoonmaker chauffeur/chauffeurs coach/coaches buurtbemiddelaar mentor/mentoren
programma=/programma's systeem=/systemen account=/accounts wachtwoord= inlogcode app/apps
e-mail/e-mails telefoonnummer= mobiel= bijlage bestand= scan/scans print/prints
handleiding instructie stap/stappen keuze mogelijkheid/mogelijkheden kans/kansen probleem=/problemen
oplossing fout/fouten verandering wijziging aanpassing verbetering uitbreiding vernieuwing
onderhoud= reparatie vervanging inspectie keuring toets/toetsen test/tests meting rapport=
verslag= advies= taxatie beoordeling behandeling procedure stap/stappen fase termijnbetaling
incasso=/incasso's machtigingsformulier= rekeningnummer= iban/ibans factuur/facturen nota/nota's
bon/bonnen kassa/kassa's pinautomaat/pinautomaten acceptgiro/acceptgiro's
kaartje= ticket=/tickets abonnement= lidmaatschap= vereniging stichting organisatie instantie
dienst/diensten afdeling team=/teams loketfunctie servicedesk/servicedesks
"""

# Compound heads and modifiers: modifiers carry their linking form (parkeer-, bezoekers-).
HEADS = """
vergunning plaats kosten+ regeling bijdrage toeslag heffing pas/passen kaart container punt=
loket=/loketten formulier= aanvraag termijn tarief=/tarieven zone gebied= dienst/diensten melding
overlast controle verbod=/verboden plan=/plannen subsidie uitkering afspraak/afspraken balie
kantoor=/kantoren centrum=/centra route terrein= strook/stroken paal/palen bak/bakken zak/zakken
wagen station= recht=/rechten bewijs=/bewijzen verklaring register=/registers adres=/adressen
lijst besluit= beschikking brief nota/nota's rekening voorziening woning ruimte tijd dag/dagen
uur=/uren schema=/schema's code nummer= beleid= fonds=/fondsen budget=/budgetten lening
consulent medewerker coach/coaches team=/teams overleg= gesprek=/gesprekken advies=/adviezen
onderzoek=/onderzoeken rapport= overzicht= kalender dossier=/dossiers systeem=/systemen
"""

MODIFIERS = """
parkeer afval bouw woon huur belasting bezoekers bewoners gemeente milieu verkeers water riool
speel sport school jeugd zorg kinder ouderen fiets auto bedrijfs markt evenementen reis rij
geboorte huwelijks overlijdens verhuis aanvraag inkomens schuld energie warmte groen boom
straat stoep buurt wijk dorps haven brug kade kap sloop dak zonne laad buiten binnen nacht
dag week jaar maand weekend zomer winter terras standplaats horeca drank alcohol geluid
nood spoed hulp mantelzorg vrijwilligers taal inburgerings leerlingen vervoers taxi
scootmobiel rolstoel trap woning keuken tuin gevel kelder dakkapel schutting erfgrens
hond honden katten dieren ratten vogel container grofvuil gft papier glas textiel plastic
kerstboom asbest snoei compost rest minicontainer pas paspoort rijbewijs identiteits
uittreksel akte naturalisatie nationaliteits stem verkiezings kiezers volmacht brp adres
inschrijvings begraaf graf crematie monumenten erfgoed bestemmings omgevings sloop
uitrit inrit stoepkrijt kapvergunning vergunningen ontheffings handhavings toezicht boa
bezwaar klachten meldingen service klantcontact informatie digi online papieren digitale
incasso betalings kwijtscheldings aanslag waarde taxatie hondenbelasting toeristen precario
reclame ondernemers bedrijven winkel winkeliers centrum haven industrie energiebespaar
isolatie duurzaamheids klimaat hitte regenwater grondwater zwemwater speeltuin skate
"""

ROLES = """
medewerker ambtenaar/ambtenaren wethouder burgemeester raadslid=/raadsleden consulent handhaver
wijkagent trouwambtenaar/trouwambtenaren klantmanager schuldhulpverlener mantelzorger vrijwilliger
bewindvoerder notaris/notarissen makelaar aannemer architect/architecten taxateur
wijkcoach/wijkcoaches jeugdconsulent buurtbemiddelaar leerplichtambtenaar/leerplichtambtenaren
boa/boa's toezichthouder inspecteur opzichter beheerder coördinator/coördinatoren adviseur
"""

ADJECTIVES = """
geldig nieuw oud groot klein eigen ander tweede eerste derde volgend vorig extra gratis
digitaal persoonlijk schriftelijk mondeling telefonisch tijdelijk permanent jaarlijks
maandelijks wekelijks dagelijks gemeentelijk openbaar particulier zakelijk medisch sociaal
financieel juridisch verplicht vrijwillig mogelijk nodig belangrijk duidelijk volledig juist
correct onjuist kapot vol leeg schoon vies gevaarlijk veilig snel kort lang hoog laag breed
smal zwaar licht duur goedkoop redelijk bijzonder algemeen speciaal normaal officieel
definitief voorlopig actueel recent huidig vast los dicht open gesloten beschikbaar bereikbaar
bekend onbekend geschikt toegankelijk duurzaam elektrisch groen oranje grijs blauw rood geel
zwart wit ondergronds landelijk regionaal lokaal centraal zelfstandig minderjarig meerderjarig
chronisch dringend urgent wettelijk kosteloos betaald onbetaald ingewikkeld eenvoudig
maximaal minimaal aanvullend gezamenlijk individueel apart passend tweedehands losliggend
beschadigd verstopt overvol zichtbaar onveilig ruim stil druk rustig vriendelijk
"""

ADJ_FIXED = {"extra", "gratis", "oranje", "open", "gesloten", "eigen", "tweedehands", "plastic"}

# Verbs: particle+infinitive stem [past participle]; without past and participle the verb is
# weak and its forms follow from 't kofschip.
VERBS = """
aan+vragen vraag vroeg gevraagd
op+halen haal - -
verlengen verleng - -
wijzigen wijzig - -
op+zeggen zeg zegde gezegd
betalen betaal - -
aan+melden meld - -
af+melden meld - -
in+leveren lever - -
vervangen vervang verving vervangen
legen leeg - -
in+vullen vul - -
ondertekenen onderteken - -
op+sturen stuur - -
mee+nemen neem nam genomen
melden meld - -
maken maak - -
krijgen krijg kreeg gekregen
ontvangen ontvang ontving ontvangen
geven geef gaf gegeven
zoeken zoek zocht gezocht
vinden vind vond gevonden
kiezen kies koos gekozen
gebruiken gebruik - -
controleren controleer - -
beoordelen beoordeel - -
behandelen behandel - -
beslissen beslis - -
verlenen verleen - -
weigeren weiger - -
in+trekken trek trok getrokken
verhuizen verhuis - -
in+schrijven schrijf schreef geschreven
uit+schrijven schrijf schreef geschreven
registreren registreer - -
bellen bel - -
mailen mail - -
sturen stuur - -
versturen verstuur - -
bezorgen bezorg - -
plaatsen plaats - -
verwijderen verwijder - -
repareren repareer - -
herstellen herstel - -
onderhouden onderhoud onderhield onderhouden
snoeien snoei - -
kappen kap - -
bouwen bouw - -
verbouwen verbouw - -
slopen sloop - -
aan+leggen leg - -
parkeren parkeer - -
huren huur - -
kopen koop kocht gekocht
verkopen verkoop verkocht verkocht
trouwen trouw - -
begraven begraaf begroef begraven
werken werk - -
aan+passen pas - -
regelen regel - -
helpen help hielp geholpen
begeleiden begeleid - -
ondersteunen ondersteun - -
adviseren adviseer - -
informeren informeer - -
uit+leggen leg - -
wachten wacht - -
brengen breng bracht gebracht
halen haal - -
openen open - -
sluiten sluit sloot gesloten
starten start - -
stoppen stop - -
verlopen verloop verliep verlopen
vernieuwen vernieuw - -
kwijt+raken raak - -
verliezen verlies verloor verloren
stelen steel stal gestolen
af+spreken spreek sprak gesproken
verzetten verzet verzette verzet
af+zeggen zeg zegde gezegd
in+dienen dien - -
toe+sturen stuur - -
uploaden upload - -
in+loggen log - -
machtigen machtig - -
keuren keur - -
inspecteren inspecteer - -
handhaven handhaaf handhaafde gehandhaafd
innen in inde geïnd
terug+vragen vraag vroeg gevraagd
uit+betalen betaal - -
toe+kennen ken - -
af+wijzen wijs wees gewezen
door+sturen stuur - -
aan+bieden bied bood geboden
weg+brengen breng bracht gebracht
scheiden scheid scheidde gescheiden
isoleren isoleer - -
besparen bespaar - -
op+laden laad laadde geladen
op+hogen hoog - -
vermelden vermeld - -
na+kijken kijk keek gekeken
door+geven geef gaf gegeven
op+geven geef gaf gegeven
aan+geven geef gaf gegeven
toe+voegen voeg - -
verwerken verwerk - -
beschermen bescherm - -
bewaren bewaar - -
op+hangen hang hing gehangen
schoon+maken maak - -
"""

# Streets, villages and people are the long tail of proper names.
STREET_PARTS = """
Kastanje Linden Eiken Beuken Berken Iepen Populier Wilgen Esdoorn Hazelaar Vlier Meidoorn
Rozen Tulpen Narcissen Lelie Klaver Hyacinten Zonnebloem Korenbloem Madelief Vergeet-mij-niet
Merel Lijster Spreeuw Vink Mees Zwaluw Kievit Reiger Ooievaar Valk Buizerd Uilen
Molen Kerk School Haven Markt Stations Dorps Brink Veld Heide Bos Dijk Kade Sluis Brug
Smids Bakkers Wevers Kuipers Schippers Vissers Timmermans Kleermakers Molenaars Boeren
Oranje Nassau Willem Juliana Beatrix Wilhelmina Emma Irene Margriet Marijke Christina
Rembrandt Vermeer Frans-Hals Mondriaan Breitner Erasmus Spinoza Huygens Grotius Thorbecke
Zeven-Provinciën Noorder Zuider Ooster Wester Hoofd Achter Voor Nieuwe Oude Lange Korte
Hooi Graan Tarwe Rogge Haver Gerst Vlas Hennep Klokken Lantaarn Poort Wal Singel Vesting
Anjer Iris Krokus Lavendel Dahlia Aster Jasmijn Seringen Hortensia Magnolia Akelei Boterbloem
"""

STREET_SUFFIXES = "straat laan weg plein hof kade singel dreef pad gracht dijk steeg erf park hoek"

VILLAGES_FIXED = ["Lindeveld", "Oosterbroek", "Hazelaar", "Westerveen", "Molenwijk",
                  "Havenkwartier", "Kanaalzijde"]
VILLAGE_HEADS = "Ooster Wester Noorder Zuider Hoog Laag Nieuw Oud Groot Klein Lange Midden Hooge"
VILLAGE_TAILS = ("broek veen dijk horst wijk hoven dam zand berg kerk loo veld meer hout beek "
                 "rade schoten wolde hem hage donk rode sloot sluis burg")

SURNAMES = """
Jansen de-Vries van-den-Berg Bakker Visser Smit Meijer de-Boer Mulder de-Groot Bos Vos
Peters Hendriks van-Leeuwen Dekker Brouwer de-Wit Dijkstra Smits de-Graaf van-der-Meer
Kok Jacobs de-Haan Vermeulen van-den-Heuvel van-der-Veen van-den-Broek de-Bruijn Schouten
Willems van-Dijk Hoekstra Verhoeven Kuipers Koster Prins Huisman Peeters Postma Kramer
"""

WEEKDAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]

# Topics: (department, objects, verbs, keywords, topic modifiers)
TOPICS = [
  ("Parkeren",
   "parkeervergunning bezoekersvergunning bewonersvergunning gehandicaptenparkeerkaart "
   "gehandicaptenparkeerplaats parkeerplaats kenteken=0 parkeerautomaat/parkeerautomaten "
   "naheffingsaanslag/naheffingsaanslagen parkeergarage laadpaal/laadpalen bezoekerspas/bezoekerspassen "
   "parkeerzone parkeertarief=/parkeertarieven vergunninghouder",
   "aan+vragen verlengen wijzigen op+zeggen betalen parkeren aan+melden",
   "betaald parkeren;kenteken;bezoekers;vergunninggebied;parkeerapp;centrum;laadpaal",
   "parkeer bezoekers bewoners vergunning laad"),
  ("Afval en Reiniging",
   "container minicontainer grofvuil= afvalpas/afvalpassen milieustraat afvalkalender glasbak/glasbakken "
   "textielcontainer gft-container restafval= kerstboom/kerstbomen asbest= snoeiafval= "
   "afvalzak/afvalzakken ophaaldag/ophaaldagen papiercontainer",
   "op+halen aan+melden in+leveren vervangen legen aan+vragen weg+brengen",
   "afval;grofvuil;container;milieustraat;ophalen;afvalkalender;gft;papier",
   "afval container grofvuil gft papier glas textiel rest snoei kerstboom asbest"),
  ("Burgerzaken",
   "paspoort= identiteitskaart pasfoto/pasfoto's reisdocument= noodpaspoort= vingerafdruk "
   "rijbewijs=/rijbewijzen gezondheidsverklaring uittreksel= geboorteakte huwelijksakte overlijdensakte "
   "naamgebruik= verklaring",
   "aan+vragen op+halen verlengen vernieuwen kwijt+raken verliezen in+leveren",
   "paspoort;identiteitskaart;reisdocument;rijbewijs;pasfoto;afspraak;balie;spoed",
   "paspoort identiteits rijbewijs reis nood spoed uittreksel akte"),
  ("Burgerzaken",
   "verhuizing adreswijziging inschrijving briefadres=/briefadressen adresonderzoek=/adresonderzoeken "
   "verhuisdatum hoofdbewoner toestemmingsverklaring emigratie immigratie",
   "verhuizen in+schrijven uit+schrijven door+geven registreren melden",
   "verhuizen;adres;inschrijven;brp;briefadres;emigreren",
   "verhuis adres inschrijvings brp briefadres"),
  ("Burgerzaken",
   "huwelijk= partnerschap= trouwlocatie trouwambtenaar/trouwambtenaren melding geboorteaangifte "
   "erkenning naamskeuze begrafenis/begrafenissen crematie overlijdensaangifte getuige",
   "trouwen melden aan+geven kiezen regelen aan+vragen begraven",
   "trouwen;geregistreerd partnerschap;geboorte;erkenning;overlijden;getuigen",
   "huwelijks trouw geboorte overlijdens begraaf crematie"),
  ("Belastingen",
   "aanslag/aanslagen woz-waarde woz-beschikking onroerendezaakbelasting afvalstoffenheffing "
   "rioolheffing hondenbelasting toeristenbelasting kwijtschelding betalingsregeling "
   "taxatieverslag= belastingaanslag/belastingaanslagen aanslagbiljet=",
   "betalen aan+vragen in+dienen terug+vragen controleren wijzigen af+melden",
   "woz;aanslag;kwijtschelding;incasso;betalingsregeling;ozb;heffing",
   "belasting aanslag woz taxatie heffings kwijtscheldings incasso betalings"),
  ("Vergunningen",
   "omgevingsvergunning bouwvergunning dakkapel aanbouw uitbouw schutting uitrit omgevingsplan= "
   "sloopmelding zonnepaneel=/zonnepanelen monument= erfgrens/erfgrenzen bestemmingsplan=/bestemmingsplannen "
   "bouwtekening",
   "aan+vragen bouwen verbouwen slopen plaatsen in+dienen aan+passen",
   "bouwen;omgevingsloket;vergunningvrij;dakkapel;schutting;monument",
   "bouw omgevings sloop dakkapel monumenten erfgoed bestemmings uitrit"),
  ("Openbare Ruimte",
   "kapvergunning boom/bomen snoeiwerk= groenvoorziening plantsoen= speeltuin bankje= "
   "lantaarnpaal/lantaarnpalen straatverlichting stoeptegel kuil zwerfafval= graffiti= "
   "verstopping wateroverlast gladheid onkruid= rattenoverlast",
   "melden kappen snoeien repareren herstellen verwijderen schoonmaken",
   "melding openbare ruimte;boom;straatverlichting;losse tegel;zwerfafval;fixi",
   "boom groen speel straat stoep riool water plantsoen"),
  ("Vergunningen",
   "evenementenvergunning ontheffing geluidsontheffing standplaatsvergunning terrasvergunning "
   "marktkraam alcoholvergunning horecavergunning exploitatievergunning evenement= "
   "blokfeest=/blokfeesten straatfeest=/straatfeesten",
   "aan+vragen verlengen in+dienen verlenen weigeren in+trekken",
   "evenement;terras;markt;standplaats;horeca;geluid",
   "evenementen terras standplaats horeca drank alcohol geluid markt"),
  ("Wmo en Zorg",
   "wmo-voorziening huishoudelijke_hulp rolstoel scootmobiel woningaanpassing traplift "
   "mantelzorgwaardering dagbesteding begeleiding persoonsgebonden_budget keukentafelgesprek= "
   "indicatie eigen_bijdrage vervoerspas/vervoerspassen regiotaxi/regiotaxi's",
   "aan+vragen aan+passen regelen ondersteunen begeleiden helpen verlengen",
   "wmo;zorg;mantelzorg;hulpmiddel;regiotaxi;pgb;eigen bijdrage",
   "zorg mantelzorg scootmobiel rolstoel trap woning vervoers taxi ouderen"),
  ("Werk en Inkomen",
   "bijstandsuitkering uitkering re-integratie schuldhulpverlening inkomenstoeslag "
   "minimaregeling bijzondere_bijstand participatiewet energietoeslag stadspas/stadspassen "
   "inkomen= vermogen= budgetcoach/budgetcoaches",
   "aan+vragen krijgen ontvangen stoppen wijzigen door+geven aan+melden",
   "bijstand;uitkering;schulden;minima;stadspas;inkomen",
   "inkomens schuld bijstands minima stad energie budget werk"),
  ("Jeugd",
   "jeugdhulp leerlingenvervoer= kinderopvang peuteropvang leerplicht vrijstelling "
   "consultatiebureau=/consultatiebureaus jeugdconsulent opvoedvraag/opvoedvragen kindgebonden_budget",
   "aan+vragen regelen helpen begeleiden aan+melden",
   "jeugd;leerlingenvervoer;leerplicht;opvoeding;school",
   "jeugd kinder leerlingen school ouders peuter"),
  ("Publiekszaken/Klantcontactcentrum",
   "afspraak/afspraken openingstijd/openingstijden gemeentehuis=/gemeentehuizen klacht/klachten "
   "bezwaarschrift= besluit= digid machtiging telefoonnummer= balie gevonden_voorwerp= "
   "wijkloket=/wijkloketten contactformulier=",
   "af+spreken verzetten af+zeggen in+dienen bellen mailen zoeken",
   "afspraak;openingstijden;klacht;bezwaar;digid;contact",
   "klant contact klachten bezwaar digi service informatie"),
  ("Vergunningen",
   "urgentieverklaring huisvestingsvergunning woningsplitsing kamerverhuur onderhuur "
   "leegstand woonruimte woningzoekende",
   "aan+vragen huren verhuren controleren melden",
   "wonen;huisvesting;urgentie;kamerverhuur;woningzoekende",
   "woon huur woning kamer huisvestings"),
  ("Openbare Ruimte",
   "energiecoach/energiecoaches isolatie subsidie warmtepomp/warmtepompen zonnepaneel=/zonnepanelen "
   "duurzaamheidslening energiebespaarlening energiescan/energiescans",
   "isoleren besparen aan+vragen plaatsen aan+melden",
   "energie;isolatie;duurzaam;subsidie;zonnepanelen",
   "energie isolatie duurzaamheids warmte zonne klimaat"),
  ("Openbare Ruimte",
   "verkeersbesluit= wegafsluiting omleiding brug fietspad=/fietspaden fietsenstalling "
   "weesfiets verkeersdrempel wegwerkzaamheden+ kanaalbrug",
   "melden sluiten openen verwijderen aan+leggen",
   "verkeer;wegafsluiting;brug;fiets;werkzaamheden",
   "verkeers fiets brug weg straat"),
  ("Toezicht en Handhaving",
   "hond/honden hondenuitlaatplaats hondenpoep zwerfkat/zwerfkatten geluidsoverlast burenruzie "
   "buurtbemiddeling handhavingsverzoek= illegale_bewoning overlastmelding",
   "melden handhaven controleren helpen",
   "overlast;handhaving;boa;hond;buren;geluid",
   "honden overlast geluid handhavings toezicht buurt"),
  ("Burgerzaken",
   "stempas/stempassen volmacht kiezerspas/kiezerspassen stembureau=/stembureaus verkiezing "
   "stemlokaal=/stemlokalen kandidatenlijst",
   "aan+vragen kwijt+raken vervangen melden",
   "verkiezingen;stempas;volmacht;stemmen",
   "stem verkiezings kiezers volmacht"),
  ("Economische Zaken",
   "bedrijfsvestiging reclamebelasting uitstalling precariobelasting ondernemersloket= "
   "bedrijventerrein=/bedrijventerreinen kvk-inschrijving ondernemersfonds=",
   "aan+vragen vestigen starten betalen melden",
   "ondernemen;bedrijf;reclame;precario;kvk",
   "ondernemers bedrijfs reclame precario winkel markt"),
]

STOPWORDS = set("""
de het een en of van in op aan met voor bij naar uit om te tot door over als dan dat die dit
u uw ik mijn je jouw we wij ze zij hij hem haar ons onze er hier daar wat wie waar wanneer hoe
is zijn was waren wordt worden werd kan kunt kunnen mag mogen moet moeten wil willen zal zullen
heb heeft hebben had niet geen ook nog al wel maar dus want nu na per zo zoals via binnen
""".split())


# ---------------------------------------------------------------------------
# Morphology

VOWELS = "aeiouy"


def _plural(word):
  """A regular Dutch plural; irregular ones are given in the word lists."""
  if word.endswith("heid"):
    return word[:-4] + "heden"
  if word.endswith(("e", "el", "er", "en", "je", "ie", "é")) and not word.endswith("ier"):
    return word + "s"
  if word[-1] in "aiouy":
    return word + "'s"
  if word.endswith("ing"):
    return word + "en"
  stem = word
  if len(stem) >= 3 and stem[-2] == stem[-3] and stem[-2] in "aeou" and stem[-1] not in VOWELS:
    stem = stem[:-2] + stem[-1]            # straat -> straten
  elif (len(stem) >= 3 and stem[-1] not in VOWELS + "w" and stem[-2] in "aeiou"
        and stem[-3] not in VOWELS):
    stem = stem + stem[-1]                 # pas -> passen
  if stem[-1] == "f" and stem[-2] in VOWELS:
    stem = stem[:-1] + "v"
  elif stem[-1] == "s" and stem[-2] in VOWELS and stem[-2:] != "ss":
    stem = stem[:-1] + "z"
  return stem + "en"


def _inflect_adj(word):
  if word in ADJ_FIXED or word.endswith(("en", "e", "a")):
    return word
  stem = word
  if len(stem) >= 3 and stem[-2] == stem[-3] and stem[-2] in "aeou" and stem[-1] not in VOWELS:
    stem = stem[:-2] + stem[-1]
  elif (len(stem) >= 3 and stem[-1] not in VOWELS + "w" and stem[-2] in "aeiou"
        and stem[-3] not in VOWELS and not word.endswith(("ig", "isch", "el", "er", "ijk"))):
    stem = stem + stem[-1]
  if stem[-1] == "f" and stem[-2] in VOWELS:
    stem = stem[:-1] + "v"
  elif stem[-1] == "s" and stem[-2] in VOWELS + "j" and not word.endswith("isch"):
    stem = stem[:-1] + "z"
  return stem + "e"


class Noun:
  __slots__ = ("sg", "pl", "het", "plural_only")

  def __init__(self, sg, pl, het=False, plural_only=False):
    self.sg, self.pl, self.het, self.plural_only = sg, pl, het, plural_only

  def text(self, det="de", plural=False):
    if plural or self.plural_only:
      word = self.pl
      art = {"de": "de", "het": "de", "een": "", "uw": "uw", "mijn": "mijn", "geen": "geen",
             "deze": "deze", "": ""}[det]
    else:
      word = self.sg
      art = {"de": "het" if self.het else "de", "het": "het" if self.het else "de",
             "een": "een", "uw": "uw", "mijn": "mijn", "geen": "geen",
             "deze": "dit" if self.het else "deze", "": ""}[det]
    return (art + " " + word.replace("_", " ")).strip()


def parse_nouns(text):
  nouns = []
  for token in text.split():
    het = "=" in token
    plural_only = token.endswith("+")
    token = token.rstrip("+")
    sg, _, pl = token.replace("=0", "=").replace("=1", "=").partition("/")
    sg = sg.replace("=", "")
    if not pl:
      words = sg.split("_")
      pl = sg if plural_only else "_".join(words[:-1] + [_plural(words[-1])])
    nouns.append(Noun(sg, pl, het, plural_only))
  return nouns


class Verb:
  __slots__ = ("particle", "inf", "stem", "past", "part")

  def __init__(self, spec):
    head, stem, past, part = spec.split()
    self.particle, _, self.inf = head.rpartition("+")
    self.stem = stem
    if past == "-":
      before = self.inf[-3] if self.inf.endswith("en") else self.inf[-2]
      soft = before not in "tkfsp" and not self.inf.endswith("chen")
      suffix = "de" if soft else "te"
      self.past = stem + suffix
      ending = "d" if soft else "t"
      if stem.endswith(("t", "d")) and stem[-1] == ending:
        ending = ""
      prefix = "" if self.inf.startswith(("be", "ge", "ver", "ont", "her", "er", "onder")) else "ge"
      if prefix and stem[0] in "eiu":
        prefix = "ge" + {"e": "\u00eb", "i": "\u00ef", "u": "\u00fc"}[stem[0]]
        stem = stem[1:]
      self.part = prefix + stem + ending
    else:
      self.past, self.part = past, part

  def infinitive(self):
    return self.particle + self.inf

  def te(self):
    return (self.particle + " te " + self.inf).strip()

  def participle(self):
    return self.particle + self.part

  def third(self):
    return self.stem if self.stem.endswith("t") else self.stem + "t"

  def sub(self, person=3):
    """Finite form with the particle in front, for a subordinate clause."""
    return self.particle + (self.third() if person == 3 else self.stem)

  def main(self, person=3):
    """(finite, particle) for a main clause: "vraagt ... aan"."""
    return (self.third() if person == 3 else self.stem), self.particle

  def past_plural(self):
    p = self.past
    if p.endswith("e"):
      return p + "n"
    if len(p) >= 3 and p[-2] == p[-3] and p[-2] in "aeou":
      p = p[:-2] + p[-1]
    if p[-1] == "f":
      p = p[:-1] + "v"
    elif p[-1] == "s":
      p = p[:-1] + "z"
    return p + "en"

  def forms(self):
    return [self.infinitive(), self.stem, self.third(), self.past, self.past_plural(),
            self.participle()]


# ---------------------------------------------------------------------------
# Weighted sampling

class Zipf:
  """Draws items with weight 1 / (rank + q) ** s."""

  def __init__(self, items, s=1.0, q=2.0):
    self.items = items
    total = 0.0
    self.cum = []
    for r in range(len(items)):
      total += 1.0 / (r + 1 + q) ** s
      self.cum.append(total)
    self.total = total

  def draw(self, rng):
    return self.items[bisect.bisect_left(self.cum, rng.random() * self.total)]


# ---------------------------------------------------------------------------
# The language model

class Language:
  def __init__(self):
    vrng = random.Random(20260101)  # the vocabulary is the same whatever the corpus seed

    self.nouns = parse_nouns(NOUNS)
    self.heads = parse_nouns(HEADS)
    self.modifiers = sorted(set(MODIFIERS.split()))
    self.roles = parse_nouns(ROLES)
    self.adjectives = [(a, _inflect_adj(a)) for a in ADJECTIVES.split()]
    self.verbs = {}
    lines = [l for l in VERBS.strip().splitlines() if l.strip()]
    for line in lines:
      v = Verb(line)
      self.verbs.setdefault(v.infinitive(), v)
    self.verb_list = list(self.verbs.values())
    vrng.shuffle(self.verb_list)

    # Places: fixed ones plus generated villages; streets from parts and suffixes.
    villages = list(VILLAGES_FIXED)
    for h, t in itertools.product(VILLAGE_HEADS.split(), VILLAGE_TAILS.split()):
      villages.append(h + t)
    head = villages[:len(VILLAGES_FIXED)]
    rest = villages[len(VILLAGES_FIXED):]
    vrng.shuffle(rest)
    self.villages = head + rest[:60]
    streets = [p + s for p, s in itertools.product(STREET_PARTS.split(), STREET_SUFFIXES.split())]
    vrng.shuffle(streets)
    self.streets = streets
    self.surnames = [s.replace("-", " ") for s in SURNAMES.split()]

    # Compounds: modifier + head, and modifier + modifier + head for the rare tail.
    compounds = []
    for m, h in itertools.product(self.modifiers, self.heads):
      if m == h.sg or m.endswith(h.sg):
        continue
      compounds.append(Noun(m + h.sg, m + h.pl, h.het, h.plural_only))
    vrng.shuffle(compounds)
    triples = []
    for i in range(160000):
      m1 = self.modifiers[vrng.randrange(len(self.modifiers))]
      m2 = self.modifiers[vrng.randrange(len(self.modifiers))]
      h = self.heads[vrng.randrange(len(self.heads))]
      if m1 == m2:
        continue
      triples.append(Noun(m1 + m2 + h.sg, m1 + m2 + h.pl, h.het, h.plural_only))

    # The ranked noun list: everyday nouns first, then compounds, then rare compounds.
    base = list(self.nouns)
    vrng.shuffle(base)
    self.noun_rank = Zipf(base + compounds[:3000] + triples[:2000] + compounds[3000:] +
                          triples[2000:], s=1.0, q=3.0)
    self.adj_rank = Zipf(self.adjectives, s=0.9, q=3.0)
    self.verb_rank = Zipf(self.verb_list, s=0.9, q=2.0)
    self.street_rank = Zipf(self.streets, s=0.8, q=10.0)
    self.village_rank = Zipf(self.villages, s=1.1, q=1.0)
    self.role_rank = Zipf(self.roles, s=1.0, q=1.0)

    # Topics
    self.topics = []
    for afdeling, objects, verbs, keywords, mods in TOPICS:
      objs = parse_nouns(objects)
      topic_compounds = []
      for m in mods.split():
        for h in self.heads:
          if not m.endswith(h.sg):
            topic_compounds.append(Noun(m + h.sg, m + h.pl, h.het, h.plural_only))
      vrng.shuffle(topic_compounds)
      self.topics.append({
        "afdeling": afdeling,
        "objects": objs,
        "main_rank": Zipf(objs, s=0.8, q=1.0),
        "object_rank": Zipf(objs + topic_compounds, s=1.1, q=1.0),
        "verbs": [self.verbs[v] for v in verbs.split() if v in self.verbs] or self.verb_list[:5],
        "keywords": keywords.split(";"),
      })
    self.topic_rank = Zipf(self.topics, s=0.5, q=2.0)

  # -- draws

  def noun(self, rng):
    return self.noun_rank.draw(rng)

  def adj(self, rng, inflected=True):
    a = self.adj_rank.draw(rng)
    return a[1] if inflected else a[0]

  def verb(self, rng):
    return self.verb_rank.draw(rng)

  def village(self, rng):
    return self.village_rank.draw(rng)

  def street(self, rng):
    return self.street_rank.draw(rng)


# ---------------------------------------------------------------------------
# Items

def amount(rng):
  euros = rng.choice([rng.randint(5, 60), rng.randint(20, 400), rng.randint(100, 2500)])
  if rng.random() < 0.4:
    return "€ %d,%02d" % (euros, rng.choice([0, 10, 25, 35, 50, 75, 95]))
  return "€ %d" % euros


def date(rng):
  return "%d %s %d" % (rng.randint(1, 28), rng.choice(MONTHS), rng.randint(2024, 2028))


def clock(rng):
  return "%02d.%02d" % (rng.randint(7, 20), rng.choice([0, 0, 15, 30, 45]))


def slug(text):
  s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
  return s[:60]


def cap(s):
  return s[:1].upper() + s[1:]


class Writer:
  def __init__(self, lang, rng):
    self.lang = lang
    self.rng = rng
    self.municipality = "Lindeveld"

  # noun phrase helpers
  def obj(self, t):
    return t["object_rank"].draw(self.rng)

  def main_obj(self, t):
    """What an item is about: mostly one of the topic's objects, sometimes a compound."""
    if self.rng.random() < 0.85:
      return t["main_rank"].draw(self.rng)
    return self.obj(t)

  def any_noun(self, t, topical=0.45):
    if self.rng.random() < topical:
      return self.obj(t)
    return self.lang.noun(self.rng)

  def np(self, noun, det="de", plural=False, adj=False):
    """A noun phrase: "de parkeervergunning", "een geldig paspoort"."""
    text = noun.text(det, plural)
    if not adj:
      return text
    bare = noun.text("", plural)
    art = text[:len(text) - len(bare)].strip()
    singular = not plural and not noun.plural_only
    bare_form = singular and noun.het and det in ("een", "geen", "")
    return " ".join(x for x in (art, self.lang.adj(self.rng, not bare_form), bare) if x)

  def url(self, t, noun=None):
    noun = noun or self.obj(t)
    return "%s.nl/%s" % (self.municipality.lower(), slug(noun.sg))

  def place(self):
    return self.lang.village(self.rng)

  def street(self):
    return "%s %d" % (self.lang.street(self.rng), self.rng.randint(1, 180))

  # sentences ------------------------------------------------------------

  def sentence(self, t, v, o):
    r = self.rng
    L = self.lang
    n1, n2 = self.any_noun(t), self.any_noun(t)
    gv = L.verb(r)
    fin, part = v.main(3)
    gfin, gpart = gv.main(3)
    k = r.choice([2, 3, 4, 5, 6, 8, 10, 12, 14, 20, 30])
    choices = [
      lambda: "U kunt %s %s via %s met DigiD." % (self.np(o), v.infinitive(), self.url(t, o)),
      lambda: "%s %s %s bij de balie van het gemeentehuis in %s." % (
        cap(v.stem), self.np(o), v.particle, self.place()),
      lambda: "De kosten voor %s zijn %s per %s." % (
        self.np(o, "een"), amount(r), r.choice(["jaar", "maand", "aanvraag", "stuk", "keer"])),
      lambda: "Binnen %d werkdagen krijgt u bericht van de afdeling %s." % (k, t["afdeling"]),
      lambda: "Neem een geldig identiteitsbewijs en %s mee naar uw afspraak." % self.np(n1, "uw"),
      lambda: "Heeft u geen DigiD? Maak dan een afspraak via telefoonnummer 14 0%d%02d." % (
        r.randint(10, 99), r.randint(0, 99)),
      lambda: "Als u %s %s, betaalt u %s." % (self.np(o), v.sub(3), amount(r)),
      lambda: "Let op: %s moet %s zijn." % (self.np(n1), L.adj(r, False)),
      lambda: "%s is %d jaar geldig." % (cap(self.np(o)), r.choice([1, 2, 5, 10])),
      lambda: "De gemeente %s %s %s %s%s." % (
        gfin, self.np(n1, adj=r.random() < 0.4), r.choice(["voor", "bij", "na", "met", "in"]),
        self.np(n2), " " + gpart if gpart else ""),
      lambda: "Woont u in %s of %s? Dan %s u %s %s bij het wijkloket." % (
        self.place(), self.place(), fin, self.np(o), part),
      lambda: "Op %s heeft de gemeenteraad %s %s." % (
        date(r), self.np(n1, "een", adj=True), gv.participle()),
      lambda: "In %d zijn er %d %s %s in de wijk %s." % (
        r.randint(2019, 2026), r.randint(3, 900), self.np(self.any_noun(t), "", True), gv.participle(),
        self.place()),
      lambda: "Meer informatie over %s vindt u op %s." % (o.text(""), self.url(t, o)),
      lambda: "U krijgt %s als %s klaar is." % (self.np(n1, "een", adj=True), self.np(o)),
      lambda: "Het adres is %s in %s." % (self.street(), self.place()),
      lambda: "De balie is op %s open van %s tot %s uur." % (
        r.choice(WEEKDAYS), clock(r), clock(r)),
      lambda: "Bent u het niet eens met het besluit? Dan kunt u binnen 6 weken bezwaar maken.",
      lambda: "Voor %s en %s geldt een %s tarief." % (
        self.np(n1, "", True), self.np(n2, "", True), L.adj(r, False)),
      lambda: "Vraag bij twijfel de %s om %s." % (L.role_rank.draw(r).sg, self.np(n1, "een")),
      lambda: "%s %s %s %s %s%s." % (
        cap(self.np(n1, adj=r.random() < 0.5)), gfin, self.np(n2),
        r.choice(["in", "op", "bij", "voor", "na", "tijdens", "zonder"]),
        self.np(self.any_noun(t)), " " + gpart if gpart else ""),
      lambda: "Dit geldt ook voor %s %s %s in %s." % (
        self.np(self.any_noun(t), "", True), r.choice(["in", "bij", "van", "langs"]),
        self.np(self.any_noun(t)), self.place()),
      lambda: "Een %s van %s neemt binnen %d werkdagen contact met u op." % (
        L.role_rank.draw(r).sg, t["afdeling"], k),
      lambda: "U betaalt met pin of via iDEAL; contant betalen is niet mogelijk.",
      lambda: "Na %d %s wordt %s %s." % (
        k, r.choice(["weken", "maanden", "werkdagen", "dagen"]), self.np(o), v.participle()),
      lambda: "Wij adviseren u om %s op tijd %s." % (self.np(o), v.te()),
      lambda: "Het is niet mogelijk om %s %s zonder %s." % (
        self.np(o, "een"), v.te(), self.np(n1, "een")),
      lambda: "Sinds %s %s %s %s in %s%s." % (
        date(r), self.np(self.any_noun(t, 0.2)), gv.third(), self.np(n2),
        self.place(), " " + gpart if gpart else ""),
      lambda: "Vanaf %s kunt u %s ook %s %s." % (
        date(r), self.np(o), r.choice(["online", "telefonisch", "schriftelijk", "bij het wijkloket"]),
        v.infinitive()),
      lambda: "Mevrouw %s en meneer %s van de %s %s %s." % (
        r.choice(L.surnames), r.choice(L.surnames), self.lang.street(r),
        r.choice(["hebben", "kregen", "vroegen", "meldden"]), self.np(n1, "een")),
      lambda: "Door %s %s %s kunt u %s %s besparen." % (
        self.np(n1), r.choice(["op tijd", "zelf", "digitaal", "samen"]), gv.infinitive(),
        r.choice(["veel", "tot", "ongeveer"]), amount(r)),
      lambda: "%s %s %s, maar %s %s niet." % (
        cap(self.np(n1, adj=True, plural=True)), gv.past_plural(), self.np(n2),
        self.np(self.any_noun(t)), gv.past),
      lambda: "Tussen %s en %s is %s %s %s." % (
        self.lang.street(r), self.lang.street(r), self.np(o), r.choice(["tijdelijk", "niet", "alleen"]),
        r.choice(["beschikbaar", "bereikbaar", "geopend", "gesloten", "mogelijk"])),
    ]
    return r.choice(choices)()

  def paragraph_html(self, t, v, o, lo, hi):
    """HTML of lo to hi words: paragraphs, sometimes a list."""
    r = self.rng
    target = r.randint(lo, hi)
    parts = []
    words = 0
    current = []
    while words < target:
      if r.random() < 0.12 and current:
        parts.append("<p>" + " ".join(current) + "</p>")
        current = []
        items = []
        for _ in range(r.randint(2, 4)):
          n = self.any_noun(t, 0.6)
          item = "%s: %s" % (cap(n.text("")), r.choice([
            amount(r), "<strong>%s</strong>" % amount(r), "%d werkdagen" % r.randint(1, 20),
            "%s %s" % (self.lang.adj(r), n.pl.replace("_", " "))]))
          items.append("<li>" + item + "</li>")
          words += len(re.findall(r"\w+", item))
        parts.append("<ul>%s</ul>" % "".join(items))
        continue
      s = self.sentence(t, v, o)
      s = re.sub(r"\s+", " ", s).replace(" .", ".").replace(" ,", ",").replace(" ?", "?")
      current.append(s)
      words += len(s.split())
      if len(current) >= r.randint(2, 5):
        parts.append("<p>" + " ".join(current) + "</p>")
        current = []
    if current:
      parts.append("<p>" + " ".join(current) + "</p>")
    return "\n".join(parts)

  def question(self, t, v, o):
    r = self.rng
    L = self.lang
    mod = r.choice(["", "", "", "", " voor mijn tweede auto", " voor mijn kind",
                    " als ik verhuis naar %s" % self.place(), " in %s" % self.place(),
                    " voor mijn bedrijf", " na een verhuizing", " met spoed",
                    " als ik in het buitenland woon", " voor mijn moeder",
                    " als ik geen DigiD heb", " voor een %s" % L.noun(r).sg])
    fin1, part = v.main(1)
    templates = [
      lambda: "Hoe %s ik %s%s%s?" % (fin1, self.np(o, "een"), " " + part if part else "", mod),
      lambda: "Wat kost %s%s?" % (self.np(o, "een"), r.choice(["", " in %s" % self.place(), mod])),
      lambda: "Hoe lang duurt het voordat ik %s krijg?" % self.np(o, "mijn"),
      lambda: "Kan ik %s online %s?" % (self.np(o, "mijn"), v.infinitive()),
      lambda: "Wat moet ik meenemen als ik %s %s?" % (self.np(o, "een"), v.sub(1)),
      lambda: "Waar kan ik %s %s%s?" % (self.np(o, "een"), v.infinitive(), mod),
      lambda: "Ik ben %s kwijt. Wat moet ik doen?" % self.np(o, "mijn"),
      lambda: "Mijn %s is %s. Wat nu?" % (o.sg.replace("_", " "), r.choice(
        ["kapot", "verlopen", "gestolen", "niet goed", "beschadigd", "afgewezen", "te laat"])),
      lambda: "Wanneer wordt %s %s?" % (self.np(o, "mijn"), v.participle()),
      lambda: "Wie kan mij helpen met %s%s?" % (self.np(o), mod),
      lambda: "Heb ik %s nodig voor %s?" % (self.np(o, "een"), self.np(L.noun(r), "een")),
      lambda: "Mag ik %s %s%s?" % (self.np(o, "een"), v.infinitive(), mod),
      lambda: "Wat zijn de regels voor %s in %s?" % (o.pl.replace("_", " "), self.place()),
      lambda: "Hoe %s ik %s voor %s%s?" % (fin1, self.np(o, "mijn"), self.np(L.noun(r), "een"),
                                           " " + part if part else ""),
    ]
    return re.sub(r"\s+", " ", r.choice(templates)())

  def keywords(self, t, o):
    r = self.rng
    kws = {o.sg.replace("_", " ")}
    while len(kws) < r.randint(2, 4):
      if r.random() < 0.6:
        kws.add(r.choice(t["keywords"]))
      else:
        kws.add(self.any_noun(t, 0.5).sg.replace("_", " "))
    return [{"trefwoord": k} for k in sorted(kws)]

  def doelgroep(self):
    x = self.rng.random()
    return "eu-burger" if x < 0.78 else "eu-burger-bedrijf" if x < 0.92 else "eu-bedrijf"

  def vac(self, n):
    r = self.rng
    t = self.lang.topic_rank.draw(r)
    o = self.main_obj(t)
    v = r.choice(t["verbs"])
    vraag = self.question(t, v, o)
    item = {
      "type": "vac",
      "id": "vac-%06d-%s" % (n, slug(o.sg)[:40]),
      "vraag": vraag,
      "antwoord": self.paragraph_html(t, v, o, 60, 120),
      "status": "actief",
      "doelgroep": self.doelgroep(),
      "afdelingen": [{"afdelingNaam": t["afdeling"]}],
      "trefwoorden": self.keywords(t, o),
      "origin": "lokaal",
      "modified": "2026-%02d-%02dT09:00:00Z" % (r.randint(1, 12), r.randint(1, 28)),
    }
    if r.random() < 0.15:
      item["afdelingen"].append({"afdelingNaam": "Publiekszaken/Klantcontactcentrum"})
    return item

  def product(self, n):
    r = self.rng
    t = self.lang.topic_rank.draw(r)
    o = self.main_obj(t)
    v = r.choice(t["verbs"])
    titel = r.choice([cap(o.sg.replace("_", " ")),
                      "%s %s" % (cap(o.sg.replace("_", " ")), v.infinitive()),
                      "%s %s" % (cap(o.sg.replace("_", " ")), self.place())])
    return {
      "type": "product",
      "id": "pdc-%06d-%s" % (n, slug(o.sg)[:40]),
      "titel": titel,
      "doelgroep": self.doelgroep(),
      "afdelingen": [{"afdelingNaam": t["afdeling"]}],
      "trefwoorden": self.keywords(t, o),
      "tekst": self.paragraph_html(t, v, o, 25, 45),
      "procedureBeschrijving": self.paragraph_html(t, v, o, 20, 40),
      "kostenEnBetaalmethoden": "<p>%s kost %s%s.</p>" % (
        cap(self.np(o, "een")), amount(r),
        r.choice(["", " per jaar", ", te betalen met pin of iDEAL", " per aanvraag"])),
      "uitersteTermijn": "<p>U krijgt binnen %d %s bericht.</p>" % (
        r.randint(2, 12), r.choice(["werkdagen", "weken"])),
      "status": "actief",
      "origin": "lokaal",
      "modified": "2026-%02d-%02dT09:00:00Z" % (r.randint(1, 12), r.randint(1, 28)),
    }


def generate_items(n, seed):
  lang = Language()
  rng = random.Random(seed)
  writer = Writer(lang, rng)
  items = []
  for i in range(n):
    if rng.random() < 0.75:
      items.append(writer.vac(i))
    else:
      items.append(writer.product(i))
  return items


# ---------------------------------------------------------------------------
# Queries

TAG = re.compile(r"<[^>]+>")
WORD = re.compile(r"[^\W\d_]+")


def item_text(item):
  parts = [item.get("vraag", ""), item.get("titel", "")]
  parts += [k.get("trefwoord", "") for k in item.get("trefwoorden", [])]
  for key in ("antwoord", "toelichting", "tekst", "procedureBeschrijving", "vereisten",
              "kostenEnBetaalmethoden", "uitersteTermijn", "bezwaarEnBeroep"):
    parts.append(TAG.sub(" ", item.get(key, "")))
  return " ".join(parts)


def content_words(text):
  return [w for w in WORD.findall(text.lower()) if len(w) >= 3 and w not in STOPWORDS]


def generate_queries(corpus, n, seed):
  rng = random.Random(seed)
  with open(corpus, encoding="utf-8") as f:
    items = json.load(f)["items"]
  freq = {}
  docs = []
  for item in items:
    words = content_words(item_text(item))
    head = " ".join([item.get("vraag", ""), item.get("titel", "")] +
                    [k.get("trefwoord", "") for k in item.get("trefwoorden", [])])
    docs.append((content_words(head), words))
    for w in words:
      freq[w] = freq.get(w, 0) + 1
  vocab = sorted(freq)
  # Agents type common topical words more than rare ones, but rare ones too.
  weights = list(itertools.accumulate(freq[w] ** 0.6 for w in vocab))

  def pick_word(min_len=4):
    while True:
      w = vocab[bisect.bisect_left(weights, rng.random() * weights[-1])]
      if len(w) >= min_len:
        return w

  def prefix(w):
    return w[:min(len(w), rng.randint(3, 8))]

  queries = []
  for i in range(n):
    if i % 2 == 0:
      queries.append(prefix(pick_word(3)))
      continue
    if rng.random() < 0.8:
      # Two words from one item: what it is about (question, title or keyword), then a word
      # from anywhere in it ("paspoort kosten").
      head, words = docs[rng.randrange(len(docs))]
      head = [w for w in head if len(w) >= 4] or [pick_word()]
      words = [w for w in words if len(w) >= 4]
      first = rng.choice(head)
      second = rng.choice([w for w in words if w != first] or [pick_word()])
    else:
      # Two words that need not occur together.
      first, second = pick_word(), pick_word()
    if rng.random() < 0.4:
      queries.append("%s %s" % (first, prefix(second)))
    else:
      queries.append("%s %s " % (first, second))  # complete word: trailing space
  return queries


# ---------------------------------------------------------------------------

def main():
  ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  ap.add_argument("--items", type=int, help="number of items to generate")
  ap.add_argument("--queries", type=int, help="number of queries to generate")
  ap.add_argument("--corpus", help="corpus bundle to take query words from")
  ap.add_argument("--out", required=True, help="output file")
  ap.add_argument("--seed", type=int, default=1)
  args = ap.parse_args()

  if args.items is not None:
    items = generate_items(args.items, args.seed)
    bundle = {"format": "vraagbaak-content", "version": 1, "items": items}
    with open(args.out, "w", encoding="utf-8") as f:
      json.dump(bundle, f, ensure_ascii=False, indent=None, separators=(",", ":"))
      f.write("\n")
  elif args.queries is not None:
    if not args.corpus:
      ap.error("--queries needs --corpus")
    queries = generate_queries(args.corpus, args.queries, args.seed)
    with open(args.out, "w", encoding="utf-8") as f:
      for q in queries:
        f.write(q + "\n")
  else:
    ap.error("give --items or --queries")
  return 0


if __name__ == "__main__":
  sys.exit(main())
