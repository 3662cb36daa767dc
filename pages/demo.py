"""The demo's pages, added by ``manage.py load_demo`` once its articles exist (articles never imports pages).

Everything is invented: the company, the people, the addresses (« fictive » says so on the
page), the numbers. The legal notice lists what French law asks of a press site (LCEN, article
6-III; loi du 1er août 1986, article 5): the publisher, the director of publication, the host,
a way to reach them, and the right of reply.
"""

from django.conf import settings
from django.dispatch import receiver

from articles import demo_content

from .models import Page

# In the footer in this order; « L’équipe » sits under « À propos », not in the footer.
PAGES = [
    {
        "slug": "a-propos",
        "title": "À propos",
        "footer_position": 1,
        "body": [
            "<p>{site} est un journal d’information en ligne consacré à Metz, Nancy, Thionville, Épinal et à "
            "tout le Sillon Lorrain. Sa rédaction couvre l’économie, la politique, la société, le sport et la "
            "culture de la région, au plus près des habitants.</p>",
            "<h2>Notre charte</h2>",
            "<ul><li><p>Vérifier chaque information avant de la publier, et citer nos sources.</p></li>"
            "<li><p>Distinguer clairement les faits des opinions.</p></li>"
            "<li><p>Corriger nos erreurs au grand jour : chaque rectificatif est daté sous l’article.</p></li></ul>",
            "<p>Une question, une information, une erreur à signaler ? Écrivez-nous : tout est sur la page "
            '<a href="/page/contact/">Contact</a>.</p>',
        ],
    },
    {
        "slug": "l-equipe",
        "title": "L’équipe",
        "parent": "a-propos",
        "show_in_footer": False,
        "body": [
            "<p>La rédaction compte une douzaine de journalistes, installés à Metz et à Nancy, et un réseau de "
            "correspondants dans les Vosges et le nord de la Moselle.</p>",
            "<ul><li><p>Directeur de la publication : Antoine Mersch (personne fictive).</p></li>"
            "<li><p>Rédacteur en chef : Marc Lhuillier (personne fictive).</p></li>"
            "<li><p>Journaliste : Camille Royer (personne fictive).</p></li>"
            "<li><p>Modération des commentaires : Inès Fabre (personne fictive).</p></li></ul>",
        ],
    },
    {
        "slug": "contact",
        "title": "Contact",
        "footer_position": 2,
        "body": [
            "<p>Pour nous signaler une information, proposer un sujet ou demander un rectificatif, écrivez à la "
            'rédaction : <a href="mailto:redaction@example.org">redaction@example.org</a>.</p>',
            "<h2>Par courrier ou par téléphone</h2>",
            "<p>Rédaction du {site}, 12, rue de l’Exemple, 57000 Metz (adresse fictive). Téléphone : "
            "03 00 00 00 00 (numéro fictif), du lundi au vendredi de 9 h à 18 h.</p>",
            "<h2>Droit de réponse</h2>",
            "<p>Toute personne nommée ou désignée dans un article peut exercer son droit de réponse auprès du "
            "directeur de la publication, par courrier ou à "
            '<a href="mailto:direction@example.org">direction@example.org</a>, dans les trois mois suivant la '
            "publication.</p>",
        ],
    },
    {
        "slug": "mentions-legales",
        "title": "Mentions légales",
        "footer_position": 3,
        "body": [
            '<aside data-callout="" data-color="jaune" data-title="Site de démonstration"><p>Les sociétés, les '
            "personnes, les adresses et les numéros de cette page sont fictifs.</p></aside>",
            "<h2>Éditeur</h2>",
            "<p>Le site {site} est édité par Éditions du Sillon Exemple SAS (société fictive), au capital de "
            "10 000 euros, immatriculée au RCS de Metz sous le numéro 000 000 000 (numéro fictif), dont le siège "
            "est au 12, rue de l’Exemple, 57000 Metz (adresse fictive). Téléphone : 03 00 00 00 00 (numéro "
            'fictif). Courriel : <a href="mailto:contact@example.org">contact@example.org</a>.</p>',
            "<h2>Directeur de la publication</h2>",
            "<p>Antoine Mersch (personne fictive), président des Éditions du Sillon Exemple. Rédacteur en chef : "
            "Marc Lhuillier (personne fictive).</p>",
            "<h2>Hébergeur</h2>",
            "<p>Hébergement Exemple SARL (société fictive), 1, avenue des Serveurs, 67000 Strasbourg (adresse "
            "fictive), téléphone : 03 00 00 00 01 (numéro fictif).</p>",
            "<h2>Contact et droit de réponse</h2>",
            '<p>La rédaction répond à <a href="mailto:redaction@example.org">redaction@example.org</a>. Le droit '
            "de réponse s’exerce auprès du directeur de la publication "
            '(<a href="mailto:direction@example.org">direction@example.org</a>), comme le prévoit l’article 6 de '
            "la loi pour la confiance dans l’économie numérique.</p>",
            "<h2>Données personnelles</h2>",
            '<p>Ce que nous faisons des données des lecteurs : voir la <a href="/page/politique-de-confidentialite/">'
            "politique de confidentialité</a>.</p>",
        ],
    },
    {
        "slug": "politique-de-confidentialite",
        "title": "Politique de confidentialité",
        "footer_position": 4,
        "body": [
            "<p>Lire {site} ne demande ni compte ni inscription. Le site ne diffuse aucune publicité, ne mesure "
            "pas l’audience avec un service tiers et ne charge rien depuis un autre site tant que vous ne l’avez "
            "pas demandé. Seuls les commentaires conservent des données personnelles. Le responsable du "
            "traitement est l’éditeur (voir les mentions légales).</p>",
            "<h2>Quand vous commentez un article</h2>",
            "<ul><li><p>Nous enregistrons le nom que vous choisissez (publié avec votre commentaire), votre "
            "adresse électronique (jamais publiée), le site web que vous indiquez si vous le souhaitez, votre "
            "texte, la date et l’adresse IP de votre connexion.</p></li>"
            "<li><p>Ces données servent à modérer les commentaires, à vous répondre et à limiter les abus "
            "(messages envoyés en rafale, indésirables) : c’est l’intérêt légitime du journal à tenir un "
            "espace de discussion sûr.</p></li>"
            "<li><p>Seuls les modérateurs et la rédaction en chef y ont accès. Elles ne sont ni vendues ni "
            "cédées.</p></li></ul>",
            "<h2>Combien de temps</h2>",
            "<p>Les données d’un commentaire sont conservées aussi longtemps que le commentaire lui-même, et "
            "effacées avec lui ou sur simple demande ; le texte d’un commentaire effacé laisse la place à "
            "« Commentaire supprimé ».</p>",
            "<h2>Cookies</h2>",
            "<p>Aucun cookie n’est déposé pour lire le site. Après un commentaire, un cookie vous permet de le "
            "voir pendant sa modération (30 jours) et, si vous cochez la case correspondante, un autre retient "
            "votre nom et votre adresse pour la prochaine fois (un an). Une vidéo ou une publication d’un autre "
            "site ne se charge que si vous cliquez dessus : ce site peut alors déposer ses propres cookies.</p>",
            "<h2>Vos droits</h2>",
            "<p>Vous pouvez obtenir une copie de vos données, les faire corriger ou effacer, et vous opposer à "
            'leur traitement, en écrivant à <a href="mailto:donnees@example.org">donnees@example.org</a>. Nous '
            "répondons dans un délai d’un mois. Si vous estimez que vos droits ne sont pas respectés, vous "
            "pouvez saisir la CNIL (cnil.fr).</p>",
        ],
    },
]


@receiver(demo_content.demo_articles_loaded)
def load_demo_pages(sender, report, **kwargs) -> None:
    """The demo's pages, once: a page already at its address is left as the editors made it."""
    created, by_slug = 0, {}
    for row in PAGES:
        page = Page.objects.filter(slug=row["slug"]).first()
        if page is None:
            page = Page(
                slug=row["slug"],
                title=row["title"],
                parent=by_slug.get(row.get("parent")),
                body="".join(row["body"]).format(site=settings.SITE_NAME),
                status=Page.Status.PUBLISHED,
                show_in_footer=row.get("show_in_footer", True),
                footer_position=row.get("footer_position", 0),
            )
            page.save()
            created += 1
        by_slug[row["slug"]] = page
    report("Pages", created, len(PAGES))
