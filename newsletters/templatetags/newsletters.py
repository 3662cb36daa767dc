"""``{% newsletter_footer %}``: the compact subscription form in the footer of every reader page."""

from django import template

from ..page_part import compact_form_context

register = template.Library()


@register.inclusion_tag("newsletters/_compact_form.html", takes_context=True)
def newsletter_footer(context) -> dict:
    # A page with a form of its own (an article's end, /lettres/, a mail's link) shows no second one.
    if context.get("newsletter_in_page"):
        return {"newsletter_offer": None}
    return compact_form_context("nl-pied")
