"""The demo newsroom's composed front page, added by ``manage.py load_demo`` once its articles exist."""

from django.dispatch import receiver

from . import demo_content as demo
from .models import Article, FrontPageComposition

# The editors' choice: the derby's final leads, then the day's other stories in their order.
# A scheduled article among them (the hospital's open day) takes its place on its date.
FRONT_PAGE = [
    "football-sporting-club-seille-finale-regionale",
    "gen4-metz-fintech-iot-sillon-lorrain",
    "metz-plan-mobilite-centre-ville",
    "epinal-hopital-portes-ouvertes-soignants",
    "moselle-bus-depistage-villages",
    "thionville-start-up-paiement-sans-contact-3-millions",
    "epinal-capteurs-connectes-scieries",
]


@receiver(demo.demo_articles_loaded)
def load_demo_front_page(sender, report, **kwargs) -> None:
    """Once: a second run, or a newsroom whose editors already composed the front page, adds nothing."""
    if FrontPageComposition.objects.exists():
        report("Une composée", 0, 1)
        return
    found = Article.objects.filter(slug__in=FRONT_PAGE).in_bulk(field_name="slug")
    FrontPageComposition.objects.compose([found[slug] for slug in FRONT_PAGE if slug in found])
    report("Une composée", 1, 1)
