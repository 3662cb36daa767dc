"""The demo's live (« Direct »), added by ``manage.py load_demo`` once its articles exist (articles never imports live).

A storm evening in Moselle, still under way: twenty entries over three hours, the safety
instructions pinned at the top, two key moments, one entry corrected. Everything is invented.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.dispatch import receiver
from django.utils import timezone

from articles import demo_content as demo
from articles.models import Article, Section, Territory

from .models import LiveCoverage, LiveEntry

ARTICLE = {
    "slug": "orages-moselle-direct",
    "title": "Orages en Moselle : suivez la situation en direct",
    "section": "societe",
    "territories": ["moselle", "metz", "thionville"],
    "standfirst": "Placée en vigilance orange aux orages, la Moselle a été traversée en fin de journée par une "
    "ligne orageuse accompagnée de grêle et de fortes rafales. Routes coupées, caves inondées, coupures "
    "d’électricité : les dernières informations.",
    "body": "<p>Météo-France a placé la Moselle en vigilance orange aux orages de 16 heures à minuit. Ce direct "
    "rassemble les informations de notre rédaction et de nos correspondants, des pompiers, de la préfecture "
    "et des gestionnaires de réseaux.</p>",
}

# (minutes before now, author's username, text, options): oldest first, as they were posted.
ENTRIES = [
    (
        185,
        "journaliste",
        "<p>Bonjour à toutes et à tous, bienvenue dans ce direct consacré aux orages attendus en "
        "Moselle. Météo-France a placé le département en vigilance orange de 16 heures à minuit.</p>",
        {},
    ),
    (
        176,
        "journaliste",
        "<p>Les premiers grêlons sont signalés à Sarreguemines. Les cellules orageuses remontent "
        "vers le nord-est à près de 60 km/h.</p>",
        {},
    ),
    (
        168,
        "redacteur-en-chef",
        "<p><strong>Les consignes de sécurité :</strong> restez à l’abri, ne vous engagez "
        "pas sur une route inondée, ne descendez pas dans les caves et les parkings souterrains, rangez ce qui "
        "pourrait être emporté par le vent. En cas d’urgence : le 18 ou le 112.</p>",
        {"is_pinned": True},
    ),
    (
        160,
        "journaliste",
        "<p>À Metz, le ciel s’assombrit sur le quartier de Plantières. Les terrasses de la place "
        "Saint-Louis se vident.</p>",
        {},
    ),
    (151, "journaliste", "<p>Premières rafales mesurées : 94 km/h à Metz-Frescaty selon Météo-France.</p>", {}),
    (
        143,
        "redacteur-en-chef",
        "<p>La préfecture de la Moselle ouvre un centre opérationnel départemental. Les "
        "communes de la vallée de l’Orne sont invitées à la vigilance.</p>",
        {},
    ),
    (
        137,
        "journaliste",
        "<p>Grêle de la taille d’une balle de golf à Thionville, où plusieurs pare-brise ont été "
        "brisés sur le parking de la gare.</p>",
        {"is_key_moment": True},
    ),
    (
        128,
        "journaliste",
        "<p>Le trafic des TER entre Metz et Luxembourg est interrompu : un arbre est tombé sur "
        "les voies près d’Hagondange. Pas de reprise avant 21 heures au plus tôt.</p>",
        {},
    ),
    (
        119,
        "journaliste",
        "<p>Les pompiers de la Moselle comptent déjà 140 interventions, pour l’essentiel des "
        "épuisements de caves et des arbres tombés.</p>",
        {"edited": 112},
    ),
    (
        110,
        "journaliste",
        "<p>La route départementale 953 est coupée entre Boulay-Moselle et Bouzonville en raison "
        "d’une coulée de boue. Une déviation est en place.</p>",
        {},
    ),
    (
        101,
        "redacteur-en-chef",
        "<p>Près de 18 000 foyers sont privés d’électricité en Moselle, selon le "
        "gestionnaire du réseau. Les équipes d’intervention sont mobilisées mais attendent la fin de l’orage pour "
        "monter sur les lignes.</p>",
        {},
    ),
    (
        93,
        "journaliste",
        "<p>Nos lecteurs nous envoient leurs photos : rues transformées en torrents à "
        "Yutz, voitures à l’arrêt sous les ponts à Metz-Nord. Ne prenez pas de risques pour photographier.</p>",
        {},
    ),
    (
        84,
        "journaliste",
        "<p>L’autoroute A31 est fermée dans le sens Luxembourg-Metz à hauteur de Richemont : la "
        "chaussée est inondée sur deux voies.</p>",
        {"is_key_moment": True},
    ),
    (
        75,
        "journaliste",
        "<p>À Metz, le concert prévu ce soir au jardin botanique est annulé. Les billets seront "
        "remboursés, précise la mairie.</p>",
        {},
    ),
    (
        66,
        "redacteur-en-chef",
        "<p>Le point à 20 heures : 310 interventions des pompiers, aucune victime grave, "
        "deux personnes légèrement blessées par des chutes de branches à Hayange.</p>",
        {},
    ),
    (54, "journaliste", "<p>L’orage s’éloigne vers la Sarre. La pluie faiblit à Thionville et à Metz.</p>", {}),
    (
        41,
        "journaliste",
        "<p>L’A31 a rouvert dans le sens Luxembourg-Metz. La circulation reste difficile à hauteur de Richemont.</p>",
        {},
    ),
    (
        29,
        "journaliste",
        "<p>Le trafic ferroviaire reprend progressivement entre Metz et Luxembourg, avec des "
        "retards d’une demi-heure environ.</p>",
        {},
    ),
    (
        17,
        "redacteur-en-chef",
        "<p>Encore 6 500 foyers sans électricité. Le retour du courant est espéré dans la "
        "nuit pour la plupart d’entre eux.</p>",
        {},
    ),
    (
        6,
        "journaliste",
        "<p>Météo-France maintient la vigilance orange jusqu’à minuit : une seconde ligne orageuse, "
        "moins forte, pourrait toucher le nord du département vers 23 heures.</p>",
        {},
    ),
]


@receiver(demo.demo_articles_loaded)
def load_demo_live(sender, report, **kwargs) -> None:
    """The storm live and its entries, once: a second run finds the live and adds nothing."""
    if LiveCoverage.objects.filter(article__slug=ARTICLE["slug"]).exists():
        report("Direct (entrées)", 0, len(ENTRIES))
        return
    now = timezone.now()
    users = get_user_model().objects.filter(username__in={row[1] for row in ENTRIES}).in_bulk(field_name="username")
    article = Article.objects.filter(slug=ARTICLE["slug"]).first()
    if article is None:
        article = Article.objects.create(
            slug=ARTICLE["slug"],
            title=ARTICLE["title"],
            section=Section.objects.get(slug=ARTICLE["section"]),
            standfirst=ARTICLE["standfirst"],
            body=ARTICLE["body"],
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=190),
        )
        article.territories.add(*Territory.objects.filter(slug__in=ARTICLE["territories"]))
        article.authors.add(*(user for user in users.values()))
    coverage = LiveCoverage.objects.create(
        article=article, started_at=now - timedelta(minutes=190), started_by=users.get("redacteur-en-chef")
    )
    for minutes, username, body, options in ENTRIES:
        options = dict(options)
        edited = options.pop("edited", None)
        LiveEntry(
            coverage=coverage,
            body=body,
            author=users.get(username),
            published_at=now - timedelta(minutes=minutes),
            edited_at=now - timedelta(minutes=edited) if edited else None,
            **options,
        ).save()
    report("Direct (entrées)", len(ENTRIES), len(ENTRIES))
