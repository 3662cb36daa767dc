"""Address rules written the one way they are now stored and compared: the part before « @ » in lower
case, the domain in Unicode (``comments.models.canonical_email``). « jo@xn--bcher-kva.de » becomes
« jo@bücher.de », which the address now meets in either spelling of its domain.

Two active rules may turn out to be about one address. One stays and the other is lifted, by nobody
(the list says « le système »): a ban if there is one, as a ban outweighs trust when both apply to a
comment (``CommentPolicy.trusted``), otherwise the first made."""

from django.db import migrations
from django.utils import timezone

from comments.models import canonical_email


def write_addresses_one_way(apps, schema_editor):
    Rule = apps.get_model("comments", "CommenterRule")
    rules = list(Rule.objects.filter(kind="email").order_by("created_at", "pk"))
    kept = {}
    for rule in sorted(rules, key=lambda rule: rule.action != "ban"):  # stable: bans first, then trusts, each by age
        rule.canonical = canonical_email(rule.value)
        if rule.lifted_at is None and kept.setdefault(rule.canonical, rule) is not rule:
            # Lifted before any value changes, so that two active rules never hold one value.
            Rule.objects.filter(pk=rule.pk).update(lifted_at=timezone.now())
    for rule in rules:
        if rule.canonical != rule.value:
            Rule.objects.filter(pk=rule.pk).update(value=rule.canonical)


class Migration(migrations.Migration):
    dependencies = [("comments", "0008_domain_rules_one_spelling")]

    operations = [migrations.RunPython(write_addresses_one_way, migrations.RunPython.noop)]
