"""Domain rules written the one way they are now stored and compared: Unicode, lower case, checked
(``comments.models.canonical_domain``). « xn--bcher-kva.de » becomes « bücher.de », which every
address at that domain, in either spelling, now meets. A value that cannot be a domain is left as
it was, for moderators to see and lift. Of two active rules that turn out to ban one domain, the
first made stays and the other is lifted, by nobody (the list says « le système »)."""

from django.db import migrations
from django.utils import timezone

from comments.models import InvalidDomain, canonical_domain


def spelled_one_way(value: str) -> str:
    try:
        return canonical_domain(value)
    except InvalidDomain:
        return value


def write_domains_one_way(apps, schema_editor):
    Rule = apps.get_model("comments", "CommenterRule")
    rules = list(Rule.objects.filter(kind="domain").order_by("created_at", "pk"))
    first_active = {}
    for rule in rules:
        rule.canonical = spelled_one_way(rule.value)
        if rule.lifted_at is None and first_active.setdefault(rule.canonical, rule) is not rule:
            # Lifted before any value changes, so that two active rules never hold one value.
            Rule.objects.filter(pk=rule.pk).update(lifted_at=timezone.now())
    for rule in rules:
        if rule.canonical != rule.value:
            Rule.objects.filter(pk=rule.pk).update(value=rule.canonical)


class Migration(migrations.Migration):
    dependencies = [("comments", "0007_submission_key")]

    operations = [migrations.RunPython(write_domains_one_way, migrations.RunPython.noop)]
