"""French news sentences written for this project, with the entities a reader finds in them (surface, type).

Written by hand for the scored check of the French model (``test_entities_french.py``): no third-party text. A
role ("maire de Bordeaux"), a date or a common noun is no entity; a hospital or a museum is a location, as
OntoNotes' FAC is here; a court, a university or a public body is an organisation.
"""

from __future__ import annotations

from transforms.models import EntityType

GOLD: list[tuple[str, list[tuple[str, EntityType]]]] = [
    ("Le Premier ministre a reçu mercredi à Matignon les représentants des syndicats.", [("Matignon", "location")]),
    ("Marie Dubois, porte-parole de la CGT, a dénoncé une réforme injuste.",
     [("Marie Dubois", "person"), ("CGT", "organization")]),
    ("La ville de Toulouse accueillera en juin le salon international de l'aéronautique.",
     [("Toulouse", "location")]),
    ("Airbus a annoncé une hausse de ses livraisons au premier trimestre.", [("Airbus", "organization")]),
    ("L'attaquant Kylian Mbappé a marqué deux buts contre l'Espagne samedi soir.",
     [("Kylian Mbappé", "person"), ("Espagne", "location")]),
    ("Le Conseil constitutionnel doit se prononcer avant la fin du mois.",
     [("Conseil constitutionnel", "organization")]),
    ("Jean Martin, maire de Bordeaux, a inauguré un nouveau pont sur la Garonne.",
     [("Jean Martin", "person"), ("Bordeaux", "location"), ("Garonne", "location")]),
    ("La Commission européenne a infligé une amende à Google pour abus de position dominante.",
     [("Commission européenne", "organization"), ("Google", "organization")]),
    ("Des milliers de manifestants ont défilé à Nantes et à Rennes contre la fermeture de l'usine.",
     [("Nantes", "location"), ("Rennes", "location")]),
    ("Selon l'Insee, le chômage a légèrement reculé en Île-de-France.",
     [("Insee", "organization"), ("Île-de-France", "location")]),
    ("Le chanteur Pierre Lambert donnera un concert à Montréal en octobre.",
     [("Pierre Lambert", "person"), ("Montréal", "location")]),
    ("La Croix-Rouge a envoyé une équipe de secours au Maroc après le séisme.",
     [("Croix-Rouge", "organization"), ("Maroc", "location")]),
    ("Sophie Moreau a été élue présidente de l'université de Strasbourg.",
     [("Sophie Moreau", "person"), ("université de Strasbourg", "organization")]),
    ("Le groupe TotalEnergies investira deux milliards d'euros en Afrique.",
     [("TotalEnergies", "organization"), ("Afrique", "location")]),
    ("Les négociations entre Paris et Berlin ont repris lundi à Bruxelles.",
     [("Paris", "location"), ("Berlin", "location"), ("Bruxelles", "location")]),
    ("Le tribunal de Lille a condamné l'ancien directeur de la banque à deux ans de prison.",
     [("tribunal de Lille", "organization")]),
    ("L'entreprise Michelin a ouvert une usine au Mexique.", [("Michelin", "organization"), ("Mexique", "location")]),
    ("Le navigateur Thomas Leroy est arrivé à Brest après trois mois de course.",
     [("Thomas Leroy", "person"), ("Brest", "location")]),
    ("L'Assemblée nationale a adopté le budget dans la nuit de jeudi à vendredi.",
     [("Assemblée nationale", "organization")]),
    ("Claire Petit, directrice de l'hôpital de Grenoble, réclame plus de moyens.",
     [("Claire Petit", "person"), ("hôpital de Grenoble", "location")]),
    ("M. Dupont a rencontré Mme Lefèvre à la mairie de Rouen.",
     [("Dupont", "person"), ("Lefèvre", "person"), ("Rouen", "location")]),
    ("Les Lyonnais ont fêté la victoire de leur équipe en Coupe de France.",
     [("Lyonnais", "group"), ("Coupe de France", "event")]),
]
