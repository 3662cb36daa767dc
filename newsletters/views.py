"""Readers' pages of the newsletters: subscribing, confirming, managing one's lists, unsubscribing.

No CSRF cookie anywhere: the subscription forms sit on pages kept in a shared cache (the footer,
the end of every article), and the other pages answer links from mails — a confirmation token or
a subscriber's key, secrets that a forged request from another site cannot hold. Cross-site posts
from browsers are refused by their Origin / Sec-Fetch-Site headers (``pagecache.origin``), except
the one-click unsubscription, which mail providers' servers post without them (RFC 8058).

Pages that carry a token or a key are never cached, never indexed, and their address goes in no
Referer to another site.
"""

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

import pagecache
from common.ratelimit import client_ip, over_limit, sender
from pagecache.origin import cross_site

from . import subscribing
from .caching import LISTS_TAG, tagged_open_lists
from .forms import SubscribeForm
from .links import key_from_confirmation_token
from .models import Edition, NewsletterList, Subscriber, Subscription

SENT_PARAMETER = "demande"
SENT_VALUE = "envoyee"
CROSS_SITE_MESSAGE = gettext_lazy("Ce formulaire doit être envoyé depuis notre site. Votre saisie est ci-dessous.")


def _private(response: HttpResponse) -> HttpResponse:
    """A page holding a secret of its address (token, key): kept nowhere, indexed nowhere.

    Its address leaves the site in no Referer: the site's policy (SECURE_REFERRER_POLICY,
    « same-origin ») sends it to our own pages only. Not « no-referrer »: the browser would then
    post the page's own form with « Origin: null », which the cross-site check rightly refuses.
    """
    patch_cache_control(response, private=True, no_store=True)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _subscribe_page(request, form: SubscribeForm, *, status: int = 200, message: str = "") -> HttpResponse:
    context = {"form": form, "lists": form.lists, "message": message, "newsletter_in_page": True}
    context["consent_text"] = subscribing.consent_text()
    response = render(request, "newsletters/subscribe.html", context, status=status)
    if form.is_bound:  # the reader's typed address: theirs alone
        patch_cache_control(response, private=True, no_store=True)
    return response


def _sent() -> HttpResponseRedirect:
    """The one answer to every request taken: the same whatever the address's state, or a bot's."""
    return HttpResponseRedirect(f"{reverse('newsletters:subscribe')}?{SENT_PARAMETER}={SENT_VALUE}", status=303)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def subscribe(request):
    """/lettres/: every open list with its description; the footer's and the articles' forms post here too."""
    lists = tagged_open_lists()
    if request.method == "GET":
        sent = request.GET.get(SENT_PARAMETER) == SENT_VALUE
        pagecache.tag(LISTS_TAG)
        pagecache.canonical_query(**{SENT_PARAMETER: SENT_VALUE if sent else None})
        if sent:
            return render(
                request, "newsletters/sent.html", {"newsletter_in_page": True, "days": settings.NEWSLETTER_CONFIRM_DAYS}
            )
        return _subscribe_page(request, SubscribeForm(lists=lists))

    data = request.POST.copy()
    compact = "lettre" in data and "lettres" not in data
    if compact:
        data.setlist("lettres", data.getlist("lettre")[:1])
    form = SubscribeForm(data, lists=lists)
    if cross_site(request):
        form.is_valid()
        return _subscribe_page(request, form, status=403, message=CROSS_SITE_MESSAGE)
    if form.is_bot:
        return _sent()
    if not form.is_valid():
        return _subscribe_page(request, form, status=400)
    address = client_ip(request)
    if address and over_limit(
        f"newsletters:subscribe:{sender(address)}", subscribing.SENDER_LIMIT, subscribing.SENDER_WINDOW_SECONDS
    ):
        message = _("Vous avez envoyé beaucoup de demandes en peu de temps. Merci de réessayer dans quelques minutes.")
        return _subscribe_page(request, form, status=429, message=message)
    newsletters = list(NewsletterList.objects.open().filter(slug__in=form.cleaned_data["lettres"]))
    if not newsletters:  # closed since the page was kept
        form.add_error("lettres", form.fields["lettres"].error_messages["invalid_choice"])
        return _subscribe_page(request, form, status=400)
    text = subscribing.consent_text(newsletters[0].name if compact else None)
    subscribing.request_subscription(form.cleaned_data["email"], newsletters, text)
    return _sent()


def _unknown_link(request) -> HttpResponse:
    return _private(render(request, "newsletters/unknown_link.html", status=404))


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The confirmation link's page: a button, because mail scanners follow links; the POST confirms."""
    key = key_from_confirmation_token(token)
    subscriber = Subscriber.objects.filter(key=key).first() if key else None
    if subscriber is None:
        # Forged, expired or erased since: one page for all, which says nothing of the address.
        return _private(render(request, "newsletters/confirm_expired.html", {"days": settings.NEWSLETTER_CONFIRM_DAYS}))
    context = {"manage_url": reverse("newsletters:manage", args=[subscriber.key])}
    if request.method == "POST":
        if cross_site(request):
            context.update(waiting=subscribing.waiting_lists(subscriber), message=CROSS_SITE_MESSAGE)
            return _private(render(request, "newsletters/confirm.html", context, status=403))
        subscribing.confirm(subscriber)
        context["confirmed"] = True
    else:
        context["waiting"] = subscribing.waiting_lists(subscriber)
    return _private(render(request, "newsletters/confirm.html", context))


def _manage_context(subscriber: Subscriber) -> dict:
    subscriptions = {sub.newsletter_id: sub for sub in subscriber.subscriptions.select_related("newsletter")}
    shown = [sub.newsletter for sub in subscriptions.values() if sub.status != Subscription.Status.UNSUBSCRIBED] + list(
        NewsletterList.objects.open()
    )
    offered = list({item.pk: item for item in sorted(shown, key=lambda n: (n.position, n.name))}.values())
    on = {pk for pk, sub in subscriptions.items() if sub.status != Subscription.Status.UNSUBSCRIBED}
    return {
        "offered": offered,
        "rows": [(item, item.pk in on, subscriptions.get(item.pk)) for item in offered],
        "consent_text": subscribing.manage_consent_text(),
        "newsletter_in_page": True,
    }


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def manage(request, key):
    """The subscriber's lists, from the link of any of its mails: tick, untick, or leave them all."""
    subscriber = Subscriber.objects.filter(key=key).first()
    if subscriber is None:
        return _unknown_link(request)
    context = _manage_context(subscriber)
    status = 200
    if request.method == "POST":
        if cross_site(request):
            context["message"] = _("Ce formulaire doit être envoyé depuis notre site : rien n’a été changé.")
            status = 403
        else:
            if "tout" in request.POST:
                subscribing.unsubscribe(subscriber, reason=Subscription.Reason.READER)
                context["saved"] = _("Vous êtes désabonné de toutes nos lettres. Vous ne recevrez plus rien.")
            else:
                wanted = set(request.POST.getlist("lettres"))
                subscribing.choose_lists(subscriber, context["offered"], wanted)
                context["saved"] = _("Vos choix sont enregistrés.")
            context = {**_manage_context(subscriber), "saved": context["saved"]}
    return _private(render(request, "newsletters/manage.html", context, status=status))


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, key, edition_id):
    """List-Unsubscribe's https address: a POST unsubscribes from the edition's list at once (RFC 8058).

    Mail providers post ``List-Unsubscribe=One-Click`` from their servers, with no Origin, cookie
    or token: the key is the proof. A GET never unsubscribes (scanners and previews fetch links):
    it shows one button, and the way to the manage page. Posting again changes nothing.
    """
    subscriber = Subscriber.objects.filter(key=key).first()
    edition = Edition.objects.select_related("newsletter").filter(pk=edition_id).first()
    if subscriber is None or edition is None:
        return _unknown_link(request)
    context = {
        "newsletter": edition.newsletter,
        "manage_url": reverse("newsletters:manage", args=[subscriber.key]),
        "newsletter_in_page": True,
    }
    if request.method == "POST":
        subscribing.unsubscribe(subscriber, edition.newsletter, reason=Subscription.Reason.ONE_CLICK, edition=edition)
        context["done"] = True
    return _private(render(request, "newsletters/unsubscribe.html", context))
