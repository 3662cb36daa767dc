"""The demo newsroom loaded by ``manage.py load_demo``.

Everything here is invented for this project: the people, the companies, the
clubs, the events and the quotes. Places are real so that the territory pages
make sense. Dates are given as (days before today, hour, minute) in local time,
so the demo always looks fresh; a negative number of days is in the future.
"""

from django.dispatch import Signal

# Sent by ``manage.py load_demo`` once the demo articles exist, inside its transaction, with
# ``report(label, created, total)`` for its summary: the apps above ``articles``, which it
# never imports, add their own demo content (``comments.demo`` adds the COMMENTS below).
demo_articles_loaded = Signal()

JOURNALISTS = "Journalistes"
EDITORS = "Rédaction en chef"
MODERATORS = "Modérateurs"

DEMO_PASSWORD = "demo-newsroom-2026"

USERS = [
    {
        "username": "journaliste",
        "first_name": "Camille",
        "last_name": "Royer",
        "email": "camille.royer@example.org",
        "group": JOURNALISTS,
    },
    {
        "username": "redacteur-en-chef",
        "first_name": "Marc",
        "last_name": "Lhuillier",
        "email": "marc.lhuillier@example.org",
        "group": EDITORS,
    },
    {
        "username": "moderateur",
        "first_name": "Inès",
        "last_name": "Fabre",
        "email": "ines.fabre@example.org",
        "group": MODERATORS,
    },
]

SECTIONS = [
    {
        "slug": "economie-emploi",
        "name": "Économie & emploi",
        "menu_position": 1,
        "description": "Entreprises, innovation et marché du travail : l’actualité économique de la région, "
        "des jeunes pousses aux grands employeurs.",
    },
    {
        "slug": "politique",
        "name": "Politique",
        "menu_position": 2,
        "description": "Les décisions des élus, du conseil municipal au gouvernement, et ce qu’elles changent "
        "pour la région.",
    },
    {
        "slug": "societe",
        "name": "Société",
        "menu_position": 3,
        "description": "Santé, transports, solidarité et vie quotidienne dans nos villes et nos villages.",
    },
    {
        "slug": "sport",
        "name": "Sport",
        "menu_position": 4,
        "description": "Les clubs, les compétitions et les sportifs de la région, amateurs comme professionnels.",
    },
    {
        "slug": "culture",
        "name": "Culture",
        "menu_position": 5,
        "description": "Festivals, expositions, spectacles et patrimoine : les sorties et les artistes qui font "
        "vivre la région.",
    },
]

# Listed parents first: each territory's parent and groupings must already exist.
TERRITORIES = [
    {"slug": "grand-est", "name": "Grand Est", "kind": "region"},
    {"slug": "moselle", "name": "Moselle", "kind": "departement", "parent": "grand-est"},
    {"slug": "meurthe-et-moselle", "name": "Meurthe-et-Moselle", "kind": "departement", "parent": "grand-est"},
    {"slug": "vosges", "name": "Vosges", "kind": "departement", "parent": "grand-est"},
    {"slug": "sillon-lorrain", "name": "Sillon Lorrain", "kind": "grouping", "parent": "grand-est"},
    {"slug": "metz", "name": "Metz", "kind": "commune", "parent": "moselle", "groupings": ["sillon-lorrain"]},
    {
        "slug": "thionville",
        "name": "Thionville",
        "kind": "commune",
        "parent": "moselle",
        "groupings": ["sillon-lorrain"],
    },
    {
        "slug": "nancy",
        "name": "Nancy",
        "kind": "commune",
        "parent": "meurthe-et-moselle",
        "groupings": ["sillon-lorrain"],
    },
    {"slug": "epinal", "name": "Épinal", "kind": "commune", "parent": "vosges", "groupings": ["sillon-lorrain"]},
]

PERSONALITIES = [
    {
        "slug": "bertrand-lavalliere",
        "name": "Bertrand Lavallière",
        "role": "ministre de l’Économie",
        "bio": "Ancien chef d’entreprise passé par l’industrie automobile, il a été nommé au gouvernement après "
        "deux mandats de député. Il a fait de la réindustrialisation des territoires le fil rouge de son action.",
    },
    {
        "slug": "amelie-kessler-ravel",
        "name": "Amélie Kessler-Ravel",
        "role": "secrétaire d’État chargée du Numérique",
        "bio": "Ingénieure en télécommunications, elle a dirigé une PME spécialisée dans les réseaux avant d’entrer "
        "au gouvernement. Elle suit de près le déploiement de la fibre et la cybersécurité des entreprises.",
    },
    {
        "slug": "jean-marc-heitzmann",
        "name": "Jean-Marc Heitzmann",
        "role": "maire de Metz",
        "bio": "Professeur d’histoire de formation, il a été adjoint chargé des transports pendant six ans avant "
        "d’être élu maire. Il défend une ville plus accessible aux piétons et aux cyclistes.",
    },
    {
        "slug": "patrick-wendling",
        "name": "Patrick Wendling",
        "role": "président du Cercle des entrepreneurs du Sillon Lorrain",
        "bio": "Fondateur d’une société de logistique, il anime un club d’entreprises qui réunit chaque mois "
        "quelque deux cents dirigeants de la région.",
    },
    {
        "slug": "odile-perrin-vautrin",
        "name": "Odile Perrin-Vautrin",
        "role": "présidente du conseil départemental des Vosges",
        "bio": "Agricultrice et ancienne maire d’un village de montagne, elle a fait du maintien des services "
        "publics en zone rurale sa priorité.",
    },
]

# "body" is a list of paragraphs, stored separated by blank lines. Articles are
# published unless "status" says otherwise; "published" is None for unpublished work.
ARTICLES = [
    # Économie & emploi -------------------------------------------------------------------------------------------
    {
        "slug": "gen4-metz-fintech-iot-sillon-lorrain",
        "title": "GEN4 : à Metz, la FinTech et l’IoT du Sillon Lorrain font salon commun",
        "section": "economie-emploi",
        "published": (2, 8, 30),
        "featured": True,
        "tags": ["FinTech", "IoT", "GEN4", "Startups"],
        "territories": ["sillon-lorrain", "metz", "nancy"],
        "personalities": ["bertrand-lavalliere", "amelie-kessler-ravel"],
        "related": [
            "thionville-start-up-paiement-sans-contact-3-millions",
            "cercle-entrepreneurs-sillon-lorrain-500-developpeurs",
            "nancy-incubateur-technologies-sante",
        ],
        "authors": ["journaliste", "redacteur-en-chef"],
        "standfirst": "Pendant deux jours, quelque cent vingt jeunes entreprises de Metz, Nancy, Thionville et "
        "Épinal ont présenté leurs solutions de paiement et leurs objets connectés. Le ministre de l’Économie et la "
        "secrétaire d’État chargée du Numérique ont fait le déplacement pour saluer un « modèle lorrain ».",
        "body": [
            "Les allées du centre des congrès de Metz n’ont pas désempli. Pour sa première édition, GEN4, le "
            "rendez-vous numérique porté par les quatre villes du Sillon Lorrain, a attiré plus de 3 000 visiteurs, "
            "venus voir de près des terminaux de paiement, des capteurs industriels et des applications bancaires "
            "conçus à quelques kilomètres de là.",
            "La FinTech tenait le haut de l’affiche. Une douzaine de jeunes pousses messines et nancéiennes y "
            "montraient des outils de paiement fractionné, de lutte contre la fraude ou de gestion de trésorerie "
            "pour les artisans. « Il y a cinq ans, ces entreprises seraient parties à Paris dès leur première levée "
            "de fonds. Aujourd’hui, elles recrutent ici », s’est félicité Bertrand Lavallière, le ministre de "
            "l’Économie, en passant d’un stand à l’autre.",
            "<h2>Des capteurs jusque dans les scieries</h2>",
            "Sur l’espace consacré à l’IoT, les industriels de Thionville et d’Épinal avaient apporté leurs "
            "prototypes : des sondes qui mesurent l’humidité du bois dans les scieries, des balises qui suivent les "
            "palettes d’un entrepôt à l’autre. Amélie Kessler-Ravel, secrétaire d’État chargée du Numérique, a "
            "longuement interrogé leurs concepteurs sur la sécurité des données. « Un objet connecté mal protégé, "
            "c’est une porte ouverte sur toute l’usine », a-t-elle rappelé.",
            "<h2>Ce que l’État met sur la table</h2>",
            "Les deux membres du gouvernement ont confirmé l’ouverture, d’ici à la fin de l’année, d’un appel à "
            "projets doté de 15 millions d’euros pour aider les PME de la région à s’équiper de capteurs et à "
            "sécuriser leurs paiements en ligne. Les dossiers devront associer au moins une jeune entreprise et un "
            "industriel.",
            "<ul><li>15 millions d’euros pour les PME de la région ;</li><li>un binôme obligatoire : une jeune "
            "entreprise et un industriel ;</li><li>des dossiers à déposer avant la fin de l’année.</li></ul>",
            "<p>Parmi les exposants, QuetschPay, la jeune pousse thionvilloise <a "
            'href="/article/thionville-start-up-paiement-sans-contact-3-millions/">qui vient de lever 3 millions '
            "d’euros</a>, faisait la démonstration de ses terminaux pour marchés couverts.</p>",
            '<aside data-callout="" data-color="jaune" data-title="À noter"><p>La deuxième édition de GEN4 se '
            "tiendra au centre des congrès de Nancy les 12 et 13 juin. Entrée libre, inscription conseillée sur le "
            "site des organisateurs.</p></aside>",
            "Reste à transformer l’essai. Plusieurs exposants ont pointé la difficulté de recruter des développeurs "
            "expérimentés, attirés par les salaires du Luxembourg voisin. Les organisateurs promettent une deuxième "
            "édition, cette fois à Nancy, et des échanges d’étudiants entre les écoles d’ingénieurs du Sillon "
            "Lorrain.",
        ],
    },
    {
        "slug": "thionville-start-up-paiement-sans-contact-3-millions",
        "title": "Thionville : une jeune pousse du paiement sans contact lève 3 millions d’euros",
        "section": "economie-emploi",
        "published": (6, 11, 15),
        "updated_days_later": 1,
        "tags": ["FinTech", "Startups"],
        "territories": ["thionville", "moselle"],
        "related": ["gen4-metz-fintech-iot-sillon-lorrain"],
        "authors": ["journaliste"],
        "standfirst": "Née il y a trois ans dans une pépinière d’entreprises de Thionville, QuetschPay vient de "
        "boucler une levée de fonds de 3 millions d’euros. Elle veut équiper les commerçants des marchés de "
        "terminaux de paiement bon marché.",
        "body": [
            "Tout a commencé sous une halle couverte. Étudiante, Léa Schmitt vendait des fromages le samedi et "
            "voyait des clients repartir faute de pouvoir payer par carte. Trois ans plus tard, l’entreprise qu’elle "
            "a cofondée avec deux camarades de promotion emploie dix-huit personnes à Thionville.",
            "QuetschPay commercialise un petit boîtier qui se relie au téléphone du commerçant et accepte le "
            "paiement sans contact. L’abonnement serait deux à trois fois moins cher que celui des terminaux "
            "classiques, selon ses fondateurs, qui revendiquent déjà 4 000 clients en France et en Belgique.",
            "Les 3 millions d’euros apportés par un fonds régional et deux investisseurs luxembourgeois serviront à "
            "recruter une quinzaine de développeurs et de commerciaux. « Nous voulons rester en Moselle : c’est ici "
            "que nous avons trouvé nos premiers clients et nos premiers salariés », assure la dirigeante.",
            "L’entreprise prépare aussi une version destinée aux associations, pour les buvettes des clubs sportifs "
            "et les fêtes de village. Un essai doit démarrer dans une dizaine de communes du département.",
            "Mise à jour : après la publication de cet article, l’entreprise a précisé que les recrutements "
            "s’ouvriraient dès le mois prochain et que les candidatures se feraient uniquement en ligne.",
        ],
    },
    {
        "slug": "epinal-capteurs-connectes-scieries",
        "title": "Épinal : la filière bois fait entrer les capteurs connectés dans les scieries",
        "section": "economie-emploi",
        "published": (9, 7, 45),
        "tags": ["IoT", "Industrie"],
        "territories": ["epinal", "vosges"],
        "personalities": ["odile-perrin-vautrin"],
        "related": ["gen4-metz-fintech-iot-sillon-lorrain"],
        "authors": ["journaliste"],
        "standfirst": "Une entreprise d’Épinal a mis au point des capteurs qui suivent en continu l’humidité et la "
        "température du bois en train de sécher. Une dizaine de scieries des Vosges les testent depuis quelques mois.",
        "body": [
            "Dans la cour de la scierie, rien ne distingue ces piles de planches des autres, sinon un petit boîtier "
            "gris vissé à chaque extrémité. À l’intérieur, une sonde relève toutes les dix minutes la température et "
            "l’humidité du bois, puis transmet ses mesures par radio à un serveur installé à Épinal.",
            "« Avant, on vérifiait le séchage à l’œil et au toucher. Maintenant, on sait exactement quand une pile "
            "est prête à partir », explique le chef d’atelier, qui dit avoir réduit d’un tiers les lots refusés par "
            "ses clients.",
            "Le dispositif a été conçu par une petite équipe d’ingénieurs spinaliens, qui ont choisi un réseau radio "
            "à longue portée pour couvrir des sites souvent mal desservis par la téléphonie mobile. Chaque capteur "
            "tient plus de cinq ans sur une simple pile.",
            "Le conseil départemental finance la moitié de l’équipement des scieries participantes. « La forêt est "
            "notre première richesse, et nos entreprises ont besoin d’outils modernes pour rester dans la course », "
            "a déclaré Odile Perrin-Vautrin, présidente du conseil départemental des Vosges, lors d’une visite sur "
            "place.",
            "Si l’expérience est concluante, les concepteurs espèrent équiper une centaine de sites d’ici deux ans, "
            "puis proposer leurs capteurs aux fabricants de meubles et de charpentes.",
        ],
    },
    {
        "slug": "cercle-entrepreneurs-sillon-lorrain-500-developpeurs",
        "title": "Emploi : les patrons du Sillon Lorrain veulent attirer 500 développeurs",
        "section": "economie-emploi",
        "published": (14, 9, 0),
        "tags": ["Emploi", "Startups", "Formation"],
        "territories": ["sillon-lorrain"],
        "personalities": ["patrick-wendling"],
        "related": ["gen4-metz-fintech-iot-sillon-lorrain"],
        "authors": ["redacteur-en-chef"],
        "standfirst": "Le Cercle des entrepreneurs du Sillon Lorrain lance une campagne de recrutement commune à "
        "ses membres. Objectif : pourvoir 500 postes dans le numérique en deux ans, sans perdre les candidats au "
        "profit du Luxembourg.",
        "body": [
            "Concurrents sur leurs marchés, ils sont alliés pour recruter. Une quarantaine d’entreprises membres du "
            "Cercle des entrepreneurs du Sillon Lorrain vont publier leurs offres sur une plateforme unique et "
            "partager le coût d’une campagne auprès des écoles et des universités.",
            "« Un développeur qui hésite entre deux régions ne regarde pas une entreprise, il regarde un bassin "
            "d’emploi. Nous devons lui montrer qu’il pourra changer de poste sans déménager », résume Patrick "
            "Wendling, le président du club d’entreprises.",
            "Les besoins sont considérables : selon une enquête menée auprès des adhérents, près de 500 postes de "
            "développeurs, de techniciens réseau et de spécialistes de la cybersécurité resteraient vacants d’ici à "
            "deux ans si rien ne change.",
            "Le Cercle mise aussi sur la reconversion. Une formation de neuf mois, financée en partie par les "
            "entreprises, accueillera ses premiers stagiaires à la rentrée : cours le matin, travail l’après-midi "
            "chez un employeur partenaire.",
            "Reste la question des salaires, souvent inférieurs de 20 à 30 % à ceux pratiqués de l’autre côté de la "
            "frontière. Plusieurs dirigeants reconnaissent qu’ils devront faire un effort, tout en comptant sur le "
            "prix du logement et la qualité de vie pour convaincre.",
        ],
    },
    {
        "slug": "nancy-incubateur-technologies-sante",
        "title": "Nancy accueille un incubateur dédié aux technologies de santé",
        "section": "economie-emploi",
        "published": (21, 10, 30),
        "tags": ["Santé", "Startups"],
        "territories": ["nancy", "meurthe-et-moselle"],
        "personalities": ["amelie-kessler-ravel"],
        "related": ["gen4-metz-fintech-iot-sillon-lorrain"],
        "authors": ["journaliste"],
        "standfirst": "Installé à deux pas du campus hospitalier, le nouvel incubateur accompagnera une quinzaine "
        "de jeunes entreprises par an. La secrétaire d’État chargée du Numérique l’a inauguré en plaidant pour un "
        "meilleur partage des données de santé.",
        "body": [
            "Les couloirs sentent encore la peinture fraîche. Sur deux étages d’un ancien bâtiment administratif de "
            "Nancy, l’incubateur offre des bureaux, un atelier de prototypage et une salle où les porteurs de projet "
            "peuvent tester leurs applications avec des patients volontaires.",
            "Les premières équipes travaillent sur des sujets variés : un pansement connecté qui signale une "
            "infection, un logiciel qui aide les infirmiers libéraux à organiser leurs tournées, un outil de suivi à "
            "domicile pour les malades chroniques.",
            "« Nous ne manquons ni de médecins inventifs ni d’ingénieurs talentueux. Il leur manque souvent un lieu "
            "pour se rencontrer », a souligné Amélie Kessler-Ravel, secrétaire d’État chargée du Numérique, qui a "
            "annoncé un accès simplifié aux données anonymisées pour les projets de recherche.",
            "Le projet a coûté 4,2 millions d’euros, partagés entre la métropole, la région, le département de "
            "Meurthe-et-Moselle et des fonds européens. Les entreprises hébergées paieront un loyer modéré pendant "
            "deux ans au plus.",
            "Un premier appel à candidatures est ouvert jusqu’à la fin du mois. Les dossiers seront examinés par un "
            "jury de soignants, de chercheurs et d’investisseurs.",
        ],
    },
    {
        "slug": "metz-banques-forment-conseillers-arnaques",
        "title": "Cybersécurité : à Metz, les banques forment leurs conseillers à repérer les arnaques",
        "section": "economie-emploi",
        "status": "draft",
        "published": None,
        "tags": ["FinTech", "Cybersécurité"],
        "territories": ["metz"],
        "authors": ["journaliste"],
        "standfirst": "Faux conseillers au téléphone, messages imitant ceux de la banque : les escroqueries au "
        "paiement se multiplient. À Metz, plusieurs agences testent une formation pour aider leurs clients à les "
        "déjouer.",
        "body": [
            "Le scénario se répète. Un appel d’un prétendu conseiller bancaire, un ton pressant, une opération « à "
            "valider d’urgence » dans l’application. En quelques minutes, les économies de toute une vie peuvent "
            "disparaître.",
            "Dans plusieurs agences de Metz, les conseillers suivent une formation de deux jours consacrée à ces "
            "fraudes. Ils apprennent à reconnaître une manipulation en cours et à prendre le temps d’en parler avec "
            "le client avant toute opération inhabituelle.",
            "Les banques misent aussi sur la prévention : des ateliers gratuits sont proposés aux seniors dans les "
            "maisons de quartier, avec des exercices pratiques sur téléphone.",
            "À compléter : nombre de plaintes déposées dans le département, réaction d’une association de "
            "consommateurs.",
        ],
    },
    # Politique ---------------------------------------------------------------------------------------------------
    {
        "slug": "metz-plan-mobilite-centre-ville",
        "title": "Metz : Jean-Marc Heitzmann dévoile son plan pour un centre-ville apaisé",
        "section": "politique",
        "published": (3, 17, 0),
        "featured": True,
        "tags": ["Transport", "Mobilité"],
        "territories": ["metz"],
        "personalities": ["jean-marc-heitzmann"],
        "related": ["nancy-metz-plus-de-trains-heures-de-pointe"],
        "authors": ["redacteur-en-chef"],
        "standfirst": "Zones piétonnes élargies, navettes électriques gratuites, stationnement repensé : le maire "
        "de Metz a présenté un plan de mobilité étalé sur cinq ans. L’opposition y voit un mauvais coup pour les "
        "commerçants.",
        "body": [
            "Devant un conseil municipal au complet, Jean-Marc Heitzmann a présenté le projet qu’il prépare depuis "
            "le début de son mandat. D’ici cinq ans, la surface réservée aux piétons dans le centre de Metz doit "
            "doubler, et la circulation de transit sera renvoyée vers les boulevards.",
            "En contrepartie, la ville promet des navettes électriques gratuites toutes les dix minutes entre les "
            "parkings relais et le cœur historique. Deux parkings de 400 places chacun seront construits aux entrées "
            "nord et sud.",
            "« Nous ne faisons pas la guerre à la voiture. Nous voulons que le centre redevienne un endroit où l’on "
            "a envie de flâner », a défendu le maire, en citant des villes allemandes de taille comparable.",
            "Les élus d’opposition ont voté contre. Ils redoutent une baisse de fréquentation des commerces pendant "
            "les travaux et réclament une indemnisation. Une association de riverains salue au contraire « un plan "
            "attendu depuis vingt ans ».",
            "Une concertation s’ouvrira le mois prochain, avec une réunion dans chaque quartier et un questionnaire "
            "en ligne. Les premiers travaux ne commenceraient pas avant l’an prochain.",
        ],
    },
    {
        "slug": "vosges-budget-routes-colleges-ruraux",
        "title": "Vosges : le Département vote un budget tourné vers les routes et les collèges ruraux",
        "section": "politique",
        "published": (12, 18, 30),
        "tags": ["Budget", "Transport", "Ruralité"],
        "territories": ["vosges"],
        "personalities": ["odile-perrin-vautrin"],
        "related": ["numerique-fibre-grand-est-trois-ans"],
        "authors": ["redacteur-en-chef"],
        "standfirst": "Le conseil départemental des Vosges a adopté un budget de fonctionnement stable et des "
        "investissements en hausse. La priorité va à l’entretien des routes secondaires et à la rénovation des "
        "collèges.",
        "body": [
            "La séance a duré près de sept heures. Au terme des débats, les conseillers départementaux des Vosges "
            "ont adopté le budget par 26 voix contre 8, l’opposition dénonçant un endettement « qui finira par peser "
            "sur les contribuables ».",
            "L’effort le plus visible portera sur les routes : près de 40 millions d’euros iront à la réfection de "
            "chaussées et de ponts dans les secteurs de montagne, souvent abîmés par le gel. Plusieurs ouvrages "
            "interdits aux poids lourds doivent être renforcés.",
            "« Quand une route ferme, c’est une vallée entière qui se retrouve coupée de ses médecins, de ses écoles "
            "et de ses emplois », a plaidé Odile Perrin-Vautrin, présidente du conseil départemental.",
            "Les collèges ne sont pas oubliés : quatre établissements bénéficieront d’une rénovation énergétique, et "
            "les cantines seront encouragées à acheter davantage auprès des producteurs locaux.",
        ],
    },
    {
        "slug": "numerique-fibre-grand-est-trois-ans",
        "title": "Numérique : Amélie Kessler-Ravel promet la fibre partout dans le Grand Est d’ici trois ans",
        "section": "politique",
        "published": (26, 12, 0),
        "tags": ["Numérique", "Fibre", "Ruralité"],
        "territories": ["grand-est", "vosges"],
        "personalities": ["amelie-kessler-ravel"],
        "related": ["vosges-budget-routes-colleges-ruraux", "gen4-metz-fintech-iot-sillon-lorrain"],
        "authors": ["redacteur-en-chef"],
        "standfirst": "En visite dans un village des Vosges encore privé de connexion rapide, la secrétaire d’État "
        "chargée du Numérique a fixé un calendrier. Les élus locaux restent prudents après plusieurs promesses non "
        "tenues.",
        "body": [
            "Dans ce village de quatre cents habitants, envoyer une photo par courriel tient encore de l’exploit. "
            "C’est justement pour cela qu’Amélie Kessler-Ravel a choisi de s’y rendre, entourée des élus du secteur "
            "et des représentants des opérateurs.",
            "La secrétaire d’État a assuré que tous les foyers du Grand Est pourraient se raccorder à la fibre d’ici "
            "trois ans. « Le numérique n’est pas un luxe. C’est la condition pour télétravailler, se soigner ou créer "
            "une entreprise loin des grandes villes », a-t-elle déclaré.",
            "Selon les chiffres présentés ce jour-là, environ 6 % des logements de la région restent à raccorder, "
            "surtout dans des hameaux isolés où chaque kilomètre de câble coûte cher. L’État prendra en charge une "
            "partie du surcoût.",
            "Le maire s’est montré poli mais sceptique. « On nous avait promis la fibre pour l’an dernier, puis pour "
            "cette année. Nous jugerons sur pièces », a-t-il glissé à la sortie de la réunion.",
            "Les opérateurs devront désormais publier chaque trimestre l’avancement des raccordements commune par "
            "commune, une mesure réclamée de longue date par les associations d’élus ruraux.",
        ],
    },
    {
        "slug": "thionville-municipales-premiers-candidats",
        "title": "Municipales : à Thionville, les premiers candidats sortent du bois",
        "section": "politique",
        "status": "submitted",
        "published": None,
        "tags": ["Élections"],
        "territories": ["thionville"],
        "authors": ["journaliste"],
        "standfirst": "Plus d’un an avant le scrutin, deux listes se préparent déjà à Thionville. La majorité "
        "sortante n’a pas encore dit si elle se représenterait.",
        "body": [
            "Les réunions d’appartement ont commencé. Une conseillère municipale d’opposition a confirmé qu’elle "
            "conduirait une liste centrée sur l’écologie et la démocratie locale, avec des candidats issus du monde "
            "associatif.",
            "Un chef d’entreprise bien connu dans la ville réunit lui aussi des soutiens, sans s’être déclaré. Son "
            "entourage évoque une liste « sans étiquette », tournée vers le développement économique et le commerce "
            "de proximité.",
            "Du côté de la majorité, on refuse de parler de campagne. « Nous avons encore des projets à terminer, "
            "chaque chose en son temps », répond un adjoint.",
            "Le stationnement, la sécurité et le logement devraient dominer les débats, dans une ville où le travail "
            "frontalier continue de faire grimper les loyers.",
        ],
    },
    # Société -----------------------------------------------------------------------------------------------------
    {
        "slug": "moselle-bus-depistage-villages",
        "title": "Santé : un bus de dépistage va à la rencontre des villages de Moselle",
        "section": "societe",
        "published": (4, 7, 0),
        "tags": ["Santé", "Ruralité"],
        "territories": ["moselle"],
        "authors": ["journaliste"],
        "standfirst": "Un cabinet médical sur roues fait étape chaque semaine dans des communes éloignées des "
        "hôpitaux. Au programme : dépistage du diabète, de l’hypertension et des troubles de la vue.",
        "body": [
            "Le bus blanc s’est garé sur la place de la mairie à 8 heures. Un quart d’heure plus tard, une file "
            "d’attente s’était déjà formée. Dans ce village du nord de la Moselle, le premier ophtalmologiste est à "
            "quarante minutes de route, et il faut souvent attendre six mois pour un rendez-vous.",
            "À bord, une infirmière et un technicien réalisent des examens simples : tension, glycémie, fond d’œil. "
            "Les résultats sont lus à distance par des médecins, qui orientent les patients si nécessaire.",
            "« Beaucoup de gens ne se font plus suivre parce que c’est trop compliqué. Ici, c’est nous qui venons à "
            "eux », explique l’infirmière coordinatrice, qui reçoit jusqu’à cinquante personnes par jour.",
            "L’opération est financée par l’assurance maladie et plusieurs communes. Le calendrier des étapes est "
            "affiché dans les mairies et publié sur le site du département.",
        ],
    },
    {
        "slug": "nancy-metz-plus-de-trains-heures-de-pointe",
        "title": "Transport : plus de trains entre Nancy et Metz aux heures de pointe",
        "section": "societe",
        "published": (17, 6, 30),
        "tags": ["Transport", "Mobilité"],
        "territories": ["nancy", "metz", "sillon-lorrain"],
        "related": ["metz-plan-mobilite-centre-ville"],
        "authors": ["journaliste"],
        "standfirst": "Six trains supplémentaires circuleront chaque jour de semaine entre les deux villes. Les "
        "usagers saluent l’annonce, tout en réclamant d’abord des trains à l’heure.",
        "body": [
            "C’est l’axe le plus fréquenté du Sillon Lorrain, et sans doute le plus critiqué. Chaque matin, des "
            "milliers de salariés et d’étudiants font le trajet entre Nancy et Metz, souvent debout dans des "
            "voitures bondées.",
            "À partir du mois prochain, trois allers et trois retours supplémentaires seront proposés entre 6 heures "
            "et 9 heures, puis entre 16 h 30 et 19 heures. Certains trains rouleront avec deux rames accouplées pour "
            "doubler le nombre de places assises.",
            "« C’est une bonne nouvelle, mais la priorité reste la ponctualité », tempère le président d’une "
            "association d’usagers, qui a compté près d’un train sur cinq en retard de plus de cinq minutes depuis "
            "le début de l’année.",
            "Des travaux de modernisation de la signalisation doivent réduire les incidents. Ils entraîneront "
            "toutefois des fermetures de la ligne certains week-ends, avec des cars de remplacement.",
        ],
    },
    {
        "slug": "thionville-epicerie-solidaire-gare",
        "title": "Thionville : une épicerie solidaire ouvre près de la gare",
        "section": "societe",
        "published": (40, 14, 0),
        "tags": ["Solidarité", "Alimentation"],
        "territories": ["thionville"],
        "authors": ["journaliste"],
        "standfirst": "Portée par trois associations, l’épicerie vend ses produits à 30 % de leur prix habituel aux "
        "familles aux revenus modestes. Elle compte déjà une centaine d’inscrits.",
        "body": [
            "Des rayons bien rangés, des fruits et légumes frais, un coin café : au premier regard, rien ne "
            "distingue cette petite boutique d’une supérette de quartier. Mais ici, les clients sont orientés par "
            "les services sociaux et ne paient qu’une fraction du prix.",
            "L’épicerie est approvisionnée par des dons de supermarchés, des producteurs locaux et une banque "
            "alimentaire. Une quinzaine de bénévoles se relaient pour l’ouvrir quatre jours par semaine.",
            "« Ce qui compte, c’est que les gens choisissent eux-mêmes ce qu’ils mettent dans leur panier. Ce n’est "
            "pas un colis, c’est un magasin », insiste la responsable, ancienne commerçante à Thionville.",
            "L’accès est accordé pour six mois renouvelables, avec un accompagnement pour faire face aux dettes ou "
            "retrouver un emploi. Un atelier de cuisine est proposé chaque mercredi.",
        ],
    },
    {
        "slug": "epinal-hopital-portes-ouvertes-soignants",
        "title": "Épinal : l’hôpital ouvre ses portes pour recruter des soignants",
        "section": "societe",
        "published": (-3, 7, 0),  # scheduled
        "tags": ["Santé", "Emploi"],
        "territories": ["epinal"],
        "authors": ["journaliste"],
        "standfirst": "Infirmiers, aides-soignants, manipulateurs radio : l’hôpital d’Épinal cherche à pourvoir une "
        "soixantaine de postes. Il organise une journée portes ouvertes avec des entretiens sur place.",
        "body": [
            "Comme beaucoup d’établissements de taille moyenne, l’hôpital d’Épinal peine à remplacer les départs à "
            "la retraite. Certains services tournent avec des intérimaires, une solution coûteuse et pesante pour "
            "les équipes.",
            "Pour la première fois, la direction invite le public dans les coulisses : bloc opératoire, urgences, "
            "maternité. Les visites seront guidées par des soignants volontaires, prêts à répondre aux questions sur "
            "leur métier.",
            "Des entretiens d’embauche auront lieu sur place, sans rendez-vous. Les candidats sont invités à venir "
            "avec un CV, même incomplet.",
            "L’hôpital met en avant des plannings plus prévisibles, une aide au logement pour les nouveaux arrivants "
            "et la prise en charge de formations qualifiantes.",
        ],
    },
    # Sport -------------------------------------------------------------------------------------------------------
    {
        "slug": "football-sporting-club-seille-finale-regionale",
        "title": "Football : les joueuses du Sporting Club de la Seille s’offrent une finale régionale",
        "section": "sport",
        "published": (1, 22, 15),
        "featured": True,
        "tags": ["Football", "Football féminin"],
        "territories": ["metz"],
        "related": ["nancy-centre-formation-football"],
        "authors": ["journaliste"],
        "standfirst": "Au terme d’un match à rebondissements, l’équipe féminine du club messin s’est imposée 3 à 2 "
        "après prolongation. Elle disputera la première finale de son histoire dans trois semaines.",
        "body": [
            "Il restait quatre minutes à jouer dans la prolongation quand Manon Kaci a repris de la tête un corner "
            "parfaitement tiré. Les 1 500 spectateurs se sont levés d’un bond : le Sporting Club de la Seille tenait "
            "sa qualification.",
            "La soirée avait pourtant mal commencé pour les Messines, menées 2 à 0 à la pause par des adversaires "
            "plus expérimentées. Deux buts en dix minutes au retour des vestiaires ont relancé une rencontre qui "
            "semblait jouée.",
            "« Les filles n’ont jamais lâché. On a travaillé toute la saison pour ce genre de match », savourait "
            "l’entraîneur, ému, au coup de sifflet final.",
            "Le club, fondé dans un quartier de Metz il y a un siècle, ne comptait qu’une équipe féminine il y a "
            "cinq ans. Il en aligne aujourd’hui sept, des moins de 11 ans aux seniors, et espère que ce parcours "
            "suscitera de nouvelles vocations.",
            "La finale se jouera sur terrain neutre. Le club affrétera des cars pour ses supporters ; les "
            "inscriptions sont ouvertes au club-house.",
        ],
    },
    {
        "slug": "epinal-semi-marathon-record-participation",
        "title": "Course à pied : le semi-marathon d’Épinal bat son record de participation",
        "section": "sport",
        "published": (10, 19, 0),
        "tags": ["Course à pied"],
        "territories": ["epinal"],
        "authors": ["journaliste"],
        "standfirst": "Près de 3 200 coureurs ont pris le départ, un millier de plus que l’an dernier. Chez les "
        "hommes, la victoire s’est jouée au sprint.",
        "body": [
            "Le départ a été donné sous un ciel gris mais sec, devant une foule massée le long des quais. Pendant "
            "plus de trois heures, les coureurs ont sillonné les rues d’Épinal avant de remonter vers les hauteurs "
            "de la ville.",
            "Chez les hommes, deux athlètes se sont livré un duel jusqu’aux derniers mètres, séparés d’à peine une "
            "seconde sur la ligne. Chez les femmes, une coureuse d’un club local l’a emporté avec près de deux "
            "minutes d’avance.",
            "Les organisateurs expliquent ce succès par un parcours plus roulant et par l’ajout d’une course de dix "
            "kilomètres, très prisée des débutants. L’épreuve en relais réservée aux entreprises a elle aussi fait "
            "le plein.",
            "Quelque 300 bénévoles ont assuré les ravitaillements et la sécurité. Une partie des droits "
            "d’inscription sera reversée à une association qui soutient les enfants hospitalisés.",
        ],
    },
    {
        "slug": "nancy-centre-formation-football",
        "title": "Football : à Nancy, un centre de formation tout neuf pour les jeunes talents",
        "section": "sport",
        "published": (23, 16, 0),
        "tags": ["Football", "Formation"],
        "territories": ["nancy", "meurthe-et-moselle"],
        "related": ["football-sporting-club-seille-finale-regionale"],
        "authors": ["journaliste"],
        "standfirst": "Terrains synthétiques, internat et salle de soins : le nouveau centre accueillera 80 jeunes "
        "footballeurs de 13 à 18 ans, qui étudieront et s’entraîneront sur le même site.",
        "body": [
            "Le chantier aura duré dix-huit mois. En périphérie de Nancy, trois terrains, un gymnase et un bâtiment "
            "de quarante chambres accueillent désormais les jeunes joueurs repérés dans les clubs de "
            "Meurthe-et-Moselle et des départements voisins.",
            "Les adolescents suivront les cours d’un collège et d’un lycée partenaires le matin, et s’entraîneront "
            "l’après-midi. Un suivi médical et psychologique est prévu, ainsi qu’une aide aux devoirs le soir.",
            "« Seule une petite minorité deviendra professionnelle. Notre mission, c’est aussi que les autres "
            "repartent d’ici avec un diplôme », insiste le directeur du centre.",
            "L’équipement, qui a coûté 12 millions d’euros, sera ouvert aux clubs amateurs de la région pour des "
            "stages pendant les vacances scolaires.",
        ],
    },
    # Culture -----------------------------------------------------------------------------------------------------
    {
        "slug": "festival-nuits-sillon-lorrain-programmation",
        "title": "Festival : les Nuits du Sillon Lorrain dévoilent leur programmation",
        "section": "culture",
        "published": (6, 18, 0),
        "tags": ["Festival", "Musique"],
        "territories": ["sillon-lorrain"],
        "related": ["metz-salle-immersive-art-numerique"],
        "authors": ["journaliste"],
        "standfirst": "Pour sa dixième édition, le festival itinérant proposera quarante concerts dans des lieux "
        "parfois inattendus. La billetterie ouvre la semaine prochaine.",
        "body": [
            "Une ancienne halle industrielle, un cloître, un parc, une piscine désaffectée : les Nuits du Sillon "
            "Lorrain ont une fois encore choisi de sortir des salles de concert. Pendant trois semaines, le festival "
            "fera étape dans les quatre villes de son territoire.",
            "L’affiche mêle vedettes de la chanson, groupes de rock émergents et musiques du monde. Une soirée "
            "entière sera consacrée aux artistes passés par les conservatoires de la région.",
            "« Nous voulons que quelqu’un qui n’a jamais mis les pieds dans un festival ose pousser la porte », "
            "explique la directrice artistique. Un tiers des concerts sera gratuit, et aucune place ne dépassera "
            "25 euros.",
            "Pour la première fois, des navettes relieront les différents lieux les soirs de concert. Le festival "
            "s’est aussi engagé à bannir la vaisselle jetable de tous ses sites.",
            "La billetterie en ligne ouvrira la semaine prochaine, avec deux jours de prévente réservés aux "
            "habitants des communes partenaires.",
        ],
    },
    {
        # Everything an article body can hold: a table, a gallery, a video from another site (behind
        # its facade), a document of the library, a pull quote and a quotation with its source.
        # load_demo puts the gallery and the document in place of RICH_ARTICLE_PLACEHOLDERS.
        "slug": "metz-fetes-mirabelle-programme-corso",
        "title": "Fêtes de la Mirabelle : le programme, les images du corso et le cinéma en plein air",
        "section": "culture",
        "published": (1, 17, 30),
        "tags": ["Festival", "Patrimoine"],
        "territories": ["metz", "moselle"],
        "related": ["festival-nuits-sillon-lorrain-programmation"],
        "authors": ["journaliste"],
        "standfirst": "Dix jours de fête, un corso fleuri de vingt-quatre chars et des projections gratuites au "
        "bord de la Moselle : tout ce qu’il faut savoir sur l’édition de cette année, en images.",
        "body": [
            "Les Fêtes de la Mirabelle reviennent à Metz pour dix jours. Marchés de producteurs, concerts sur la "
            "place de la République, cinéma en plein air et, pour finir, le grand corso fleuri du dimanche : la "
            "ville attend plus de 200 000 visiteurs.",
            "<h2>Le programme jour par jour</h2>",
            "<table><caption>Les temps forts des Fêtes de la Mirabelle</caption><tbody>"
            "<tr><th><p>Jour</p></th><th><p>Rendez-vous</p></th><th><p>Lieu</p></th><th><p>Entrée</p></th></tr>"
            "<tr><th><p>Vendredi</p></th><td><p>Ouverture et élection de la Reine de la Mirabelle</p></td>"
            "<td><p>Place de la République</p></td><td><p>Libre</p></td></tr>"
            "<tr><th><p>Samedi</p></th><td><p>Marché des producteurs</p></td><td><p>Place Saint-Louis</p></td>"
            "<td><p>Libre</p></td></tr>"
            "<tr><th><p>Mercredi</p></th><td><p>Cinéma en plein air</p></td><td><p>Plan d’eau</p></td>"
            "<td><p>Libre</p></td></tr>"
            "<tr><th><p>Dimanche</p></th><td><p>Corso fleuri et feu d’artifice</p></td>"
            "<td><p>Centre-ville</p></td><td><p>5 € (gradins)</p></td></tr></tbody></table>",
            "<p>Le programme complet, avec les horaires et les plans d’accès, est à télécharger : {{document}}.</p>",
            "<h2>Le corso en images</h2>",
            "Vingt-quatre chars, plus de mille figurants et des centaines de milliers de fleurs : le corso "
            "reste le moment le plus attendu. Voici les chars de l’an dernier, en préparation dans les ateliers "
            "municipaux.",
            "{{diaporama}}",
            '<blockquote data-pullquote=""><p>Chaque char demande trois mois de travail à une vingtaine de '
            "bénévoles.</p></blockquote>",
            '<blockquote data-source="Le responsable des ateliers municipaux"><p>On commence à piquer les fleurs '
            "le jeudi soir, pas avant : il faut qu’elles tiennent jusqu’au défilé.</p></blockquote>",
            "<h2>Du cinéma au bord de l’eau</h2>",
            "Mercredi soir, l’écran gonflable du plan d’eau accueillera des courts métrages d’animation pour "
            "toute la famille, dont un classique du cinéma libre, que l’on peut déjà voir en ligne.",
            '<figure data-embed="youtube" data-embed-id="aqz-KE-bpKQ"><figcaption>« Big Buck Bunny », court '
            "métrage d’animation de la Blender Foundation, sous licence libre, projeté en ouverture.</figcaption>"
            "</figure>",
            '<aside data-callout="" data-color="jaune" data-title="Pratique"><p>Navettes gratuites depuis les '
            "parkings relais toutes les dix minutes pendant le corso. Les gradins sont en vente à l’office de "
            "tourisme.</p></aside>",
        ],
    },
    {
        # Names Nancy without tagging it: the admin should suggest adding it.
        "slug": "epinal-imagerie-populaire-ancienne-usine",
        "title": "Épinal : l’imagerie populaire s’expose dans une ancienne usine textile",
        "section": "culture",
        "published": (15, 10, 0),
        "tags": ["Exposition", "Patrimoine"],
        "territories": ["epinal"],
        "authors": ["journaliste"],
        "standfirst": "Plus de deux cents gravures colorées, dont certaines jamais montrées au public, sont réunies "
        "dans une friche industrielle reconvertie. L’exposition se tient jusqu’à la fin de l’année.",
        "body": [
            "Soldats en rang, contes de fées, scènes de la vie paysanne : les images aux couleurs vives qui ont fait "
            "la réputation d’Épinal dans toute l’Europe occupent désormais les anciens ateliers de tissage d’une "
            "usine fermée depuis trente ans.",
            "Une partie des œuvres provient d’un collectionneur privé installé à Nancy, qui prête pour la première "
            "fois une série d’images consacrées aux métiers disparus. Les autres sortent des réserves de la ville.",
            "Le parcours, pensé pour les familles, propose des ateliers de coloriage au pochoir et une presse "
            "d’imprimerie reconstituée. Les enfants peuvent y fabriquer leur propre image et l’emporter.",
            "L’association qui gère le lieu espère attirer de nouveaux publics dans ce quartier en pleine "
            "transformation, où des logements et des bureaux doivent voir le jour.",
            "L’entrée est gratuite pour les moins de 18 ans et les demandeurs d’emploi. Des visites commentées ont "
            "lieu chaque dimanche après-midi.",
        ],
    },
    {
        "slug": "metz-salle-immersive-art-numerique",
        "title": "Metz : une salle immersive pour l’art numérique",
        "section": "culture",
        "published": (30, 11, 0),
        "tags": ["Art numérique", "Exposition"],
        "territories": ["metz"],
        "personalities": ["jean-marc-heitzmann"],
        "related": ["festival-nuits-sillon-lorrain-programmation"],
        "authors": ["journaliste"],
        "standfirst": "Projections à 360 degrés, son spatialisé et œuvres interactives : un nouvel espace consacré "
        "à la création numérique ouvre à Metz. Les premières expositions visent autant les familles que les "
        "amateurs.",
        "body": [
            "Il faut d’abord laisser ses yeux s’habituer à l’obscurité. Puis les murs, le sol et le plafond "
            "s’animent : une forêt pousse autour des visiteurs, des oiseaux s’envolent au moindre geste. La nouvelle "
            "salle immersive de Metz mise sur l’émerveillement.",
            "L’espace de 600 mètres carrés a été aménagé dans un ancien entrepôt au bord de la Seille. Vingt "
            "projecteurs et une soixantaine de haut-parleurs plongent le public dans des œuvres créées pour le lieu.",
            "« Nous voulons montrer que la création numérique n’est pas réservée aux initiés », a déclaré Jean-Marc "
            "Heitzmann, le maire, lors de l’inauguration. La ville a financé un tiers des travaux.",
            "La programmation alternera commandes à des artistes de la région et œuvres de créateurs étrangers. Des "
            "résidences seront proposées aux étudiants des écoles d’art et d’informatique.",
        ],
    },
    {
        "slug": "thionville-theatre-municipal-reouverture",
        "title": "Thionville : le théâtre municipal rouvre après deux ans de travaux",
        "section": "culture",
        "published": (55, 20, 0),
        "tags": ["Théâtre", "Patrimoine"],
        "territories": ["thionville", "moselle"],
        "authors": ["redacteur-en-chef"],
        "standfirst": "Façade restaurée, fauteuils neufs et accessibilité enfin assurée : la salle à l’italienne "
        "retrouve son public. La saison d’ouverture fait la part belle aux compagnies de Moselle.",
        "body": [
            "Le rideau rouge s’est levé devant une salle comble. Après deux ans de chantier, le théâtre municipal de "
            "Thionville a rouvert avec une soirée de théâtre, de danse et de musique offerte aux habitants.",
            "Les travaux, d’un montant de 9 millions d’euros, ont permis de restaurer le plafond peint, de remplacer "
            "les 500 fauteuils et d’installer un ascenseur pour rendre tous les niveaux accessibles.",
            "La machinerie de scène a aussi été modernisée. « Nous pouvons enfin accueillir des spectacles que nous "
            "devions refuser faute de place en coulisses », se réjouit le directeur technique.",
            "La première saison réserve une large place aux compagnies installées en Moselle, avec une dizaine de "
            "créations. Des tarifs réduits sont prévus pour les étudiants et les abonnés.",
        ],
    },
]

# Reader comments on the flagship article: approved ones (one a reply), and one still
# waiting, so that the moderators' queue is not empty. Addresses use example domains.
COMMENTS_ARTICLE = "gen4-metz-fintech-iot-sillon-lorrain"
COMMENTS = [
    {
        "key": "sophie",
        "name": "Sophie L.",
        "email": "sophie.l@example.org",
        "url": "",
        "body": "J’y étais samedi avec mes deux ados : beaucoup plus accessible que je ne le craignais. "
        "Les démonstrations de capteurs dans les scieries ont passionné tout le monde.\n\n"
        "Vivement l’édition nancéienne !",
        "status": "approved",
        "hours_after": 5,
    },
    {
        "key": "thomas",
        "name": "Thomas Berthier",
        "email": "t.berthier@example.net",
        "url": "https://example.net/thomas",
        "body": "Bel article. Dommage qu’on ne parle pas davantage du logement des développeurs : "
        "recruter 500 personnes, c’est aussi leur trouver où vivre à Metz ou à Thionville.",
        "status": "approved",
        "hours_after": 9,
    },
    {
        "key": "reponse-thomas",
        "parent": "thomas",
        "name": "Karim",
        "email": "karim.h@example.com",
        "url": "",
        "body": "Tout à fait d’accord, c’est la première question que m’ont posée les candidats luxembourgeois.",
        "status": "approved",
        "hours_after": 11,
    },
    {
        "key": "en-attente",
        "name": "Un lecteur d’Épinal",
        "email": "lecteur.epinal@example.org",
        "url": "",
        "body": "Et les Vosges dans tout ça ? On a aussi des entreprises qui innovent !",
        "status": "pending",
        "hours_after": 20,
    },
]

# Demo pictures, drawn by the demo command itself (no photo of anyone, no file to ship):
# each becomes the main image of its article, or a picture in its body.
PICTURES = [
    {
        "article": "gen4-metz-fintech-iot-sillon-lorrain",
        "alt": "Illustration : des cartes de paiement et des capteurs reliés entre eux, sur fond bleu nuit.",
        "caption": "Paiement et objets connectés étaient au cœur du salon GEN4.",
        "credit": "Illustration : la rédaction",
        "colours": ("#1d3557", "#457b9d", "#ffcc00"),
        "in_body": False,
    },
    {
        "article": "gen4-metz-fintech-iot-sillon-lorrain",
        "alt": "Illustration : des rangées de stands stylisés sous des projecteurs orangés.",
        "caption": "Plus de 3 000 visiteurs ont parcouru les allées du centre des congrès.",
        "credit": "Illustration : la rédaction",
        "colours": ("#7f4f24", "#dda15e", "#fefae0"),
        "in_body": True,
    },
    {
        "article": "metz-plan-mobilite-centre-ville",
        "alt": "Illustration : des rues piétonnes et une navette électrique stylisées, en vert et gris.",
        "caption": "Le plan prévoit d’élargir les zones piétonnes du centre-ville.",
        "credit": "Illustration : la rédaction",
        "colours": ("#2a9d8f", "#e9f5f2", "#264653"),
        "in_body": False,
    },
    {
        "article": "football-sporting-club-seille-finale-regionale",
        "alt": "Illustration : un ballon de football sur une pelouse rayée, sous les projecteurs.",
        "caption": "Les joueuses disputeront la première finale régionale de leur histoire.",
        "credit": "Illustration : la rédaction",
        "colours": ("#2b9348", "#55a630", "#ffffff"),
        "in_body": False,
    },
]


# The rich article's gallery and document, made by load_demo (pictures drawn like PICTURES').
RICH_ARTICLE = "metz-fetes-mirabelle-programme-corso"
GALLERY_CAPTION = "Les chars du corso, en préparation dans les ateliers municipaux."
GALLERY = [
    {
        "alt": "Illustration : un char couvert de fleurs jaunes sous les néons d’un atelier.",
        "caption": "Le char de la Reine de la Mirabelle, couvert de fleurs jaunes.",
        "colours": ("#6a4c00", "#ffd166", "#fff3b0"),
    },
    {
        "alt": "Illustration : des bénévoles piquent des fleurs rouges sur une structure en grillage.",
        "caption": "Des bénévoles piquent les fleurs une à une.",
        "colours": ("#6d0f1a", "#e63946", "#f1faee"),
    },
    {
        "alt": "Illustration : la structure en bois d’un char, encore nue, vue de face.",
        "caption": "La structure d’un char, avant les fleurs.",
        "colours": ("#3d2b1f", "#a47148", "#f0e6d2"),
    },
    {
        "alt": "Illustration : des caisses de fleurs violettes alignées sur des tables.",
        "caption": "Les fleurs arrivent le jeudi, pas avant.",
        "colours": ("#3c096c", "#9d4edd", "#e0aaff"),
    },
    {
        "alt": "Illustration : un char en forme de mirabelle géante sur une remorque.",
        "caption": "La mirabelle géante, emblème du défilé.",
        "colours": ("#7f5539", "#f4a261", "#ffe8d6"),
    },
    {
        "alt": "Illustration : un atelier de nuit éclairé, avec plusieurs chars alignés.",
        "caption": "Les ateliers tournent jusque tard la dernière semaine.",
        "colours": ("#0b132b", "#3a506b", "#ffd166"),
    },
]
PROGRAMME = {
    "title": "Programme des Fêtes de la Mirabelle",
    "lines": [
        "Fetes de la Mirabelle - programme",
        "Vendredi 18 h : ouverture, place de la Republique",
        "Samedi 8 h - 13 h : marche des producteurs, place Saint-Louis",
        "Mercredi 21 h 30 : cinema en plein air, plan d'eau",
        "Dimanche 15 h : corso fleuri ; 22 h 30 : feu d'artifice",
    ],
}
