# Varnish 7.1 in front of the newsroom's app servers: docs/varnish.md explains each rule.
#
# - Anonymous GET/HEAD pages are cached for the time the app's Cache-Control gives shared caches
#   (s-maxage), and purged by tag with xkey: the app sends its tags in Surrogate-Key.
# - Requests with one of our cookies (session, CSRF, messages, a reader's held comment or saved
#   details, a visitor pinned to the primary) and /admin/ are passed: never cached, never served from the cache.
# - Tracking parameters (utm_*, fbclid…) and other cookies (analytics) are dropped from cacheable
#   requests, as the app ignores them, so that they share one cached object.
# - A purged or expired page is served stale (X-Cache: HIT-GRACE) for the app's
#   stale-while-revalidate while Varnish fetches it again; when every app server is sick, for
#   up to a day (a withdrawn page is hard-purged, never kept in grace).
# - A failed fetch is retried on the next app server.
# - PURGE with `xkey-purge: tag1 tag2` (hard) or `xkey-softpurge: …` (soft) from the app servers only.
#
# The deployment's own part, newsroom-backends.vcl, is looked up in vcl_path: it declares the app
# servers (each with `.probe = newsroom_health;`), `sub newsroom_add_backends` adding them to the
# director `newsroom`, and `acl newsroom_purgers` (the app servers' addresses). Write it with
#   python deploy/varnish/backends.py --app 10.0.0.2:8000 --app 10.0.0.3:8000 --purger 10.0.0.0/24 \
#       > /etc/varnish/newsroom-backends.vcl
# and start varnishd with `-p vcl_path=/etc/varnish:<this folder> -f <this folder>/newsroom.vcl`.
# The copy shipped beside this file (one app server on 127.0.0.1:8000) is the fallback.
# Check a change with `varnishd -C -p vcl_path=… -f newsroom.vcl`.

vcl 4.1;

import directors;
import std;
import xkey;

# What the app servers answer when healthy: /sante/ (database and cache reachable, never cached).
probe newsroom_health {
    .request =
        "GET /sante/ HTTP/1.1"
        "Host: localhost"
        "User-Agent: varnish-probe"
        "Connection: close";
    .expected_response = 200;
    .timeout = 1s;
    .interval = 1s;
    # Sick after two failures out of the last three, healthy again after two successes;
    # healthy from the start, so that a fresh Varnish serves before its first probes.
    .window = 3;
    .threshold = 2;
    .initial = 2;
}

sub vcl_init {
    new newsroom = directors.round_robin();
    call newsroom_add_backends;
}

# After the director it fills, before the rules that read its ACL.
include "newsroom-backends.vcl";

sub vcl_recv {
    if (req.restarts == 0) {
        # Headers of ours that only Varnish sets, and only for itself.
        unset req.http.x-newsroom-cache;
        unset req.http.x-newsroom-restarted;
        unset req.http.x-newsroom-stale-if-error;
        unset req.http.x-newsroom-purged;
        unset req.http.x-newsroom-body-kept;
    }

    if (req.method == "PURGE") {
        call newsroom_purge;
    }
    if (req.method !~ "^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$") {
        return (synth(405, "Method Not Allowed"));
    }

    set req.backend_hint = newsroom.backend();

    if (req.method != "GET" && req.method != "HEAD") {
        # A reader's form (a comment): kept in memory so that it can be sent again to the other
        # app server if the first one fails (a comment sent twice is stored once:
        # decisions/comment-form-token.md). Never the admin's: an action may not be safe to run
        # twice, and a server killed mid-request may have run it. A larger or chunked body (an
        # upload) is streamed, once: asking Varnish to keep one larger than its bound fails the request.
        if (req.url !~ "^/admin(/|$)" && !req.http.Transfer-Encoding
            && std.integer(req.http.Content-Length, 0) <= 1048576) {
            if (std.cache_req_body(1MB)) {
                set req.http.x-newsroom-body-kept = "1";
            }
        }
        return (pass);
    }
    if (req.url ~ "^/admin(/|$)") {
        return (pass);
    }
    # Someone's own page (the app answers it `private`): the cookies of pagecache's
    # personal_cookie_names() — session, CSRF, messages, a reader's held comment and saved details,
    # a visitor pinned to the primary database after a write. tests/test_varnish.py checks the list.
    if (req.http.Cookie ~ "(^|;)\s*(sessionid|csrftoken|messages|commentaires_en_attente|commentaire_auteur|lecture_fraiche)=") {
        return (pass);
    }
    # Any other cookie (analytics) changes nothing the app renders.
    unset req.http.Cookie;
    if (req.http.Authorization) {
        return (pass);
    }

    # Parameters added to links by newsletters and social networks: the app ignores them
    # (pagecache/middleware.py, TRACKING_PARAMETERS), so they share the page's cached object.
    if (req.url ~ "[?&](utm_[^=&]*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga)(=|&|$)") {
        set req.url = regsuball(req.url, "([?&])(utm_[^=&]*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga)(=[^&]*)?(?=&|$)", "\1");
        set req.url = regsuball(req.url, "[?&]+(&|$)", "\1");
        set req.url = regsub(req.url, "\?&+", "?");
        set req.url = regsub(req.url, "[?&]+$", "");
    }
    # One order of parameters, one object (the app reads them in any order).
    set req.url = std.querysort(req.url);

    if (req.http.x-newsroom-stale-if-error) {
        # Any copy kept (vcl_synth). Set each time: req.grace outlives a restart.
        set req.grace = 24h;
    } else if (req.http.x-newsroom-restarted) {
        # vcl_hit found a copy past its stale-while-revalidate with app servers healthy: fetch it.
        set req.grace = 0s;
    }
    return (hash);
}

sub newsroom_purge {
    # From an app server, straight: Varnish has added the sender to X-Forwarded-For, and an address
    # before it means a proxy in between (a TLS terminator on an allowed address, forwarding a reader).
    if (client.ip !~ newsroom_purgers || req.http.X-Forwarded-For ~ ",") {
        return (synth(403, "Forbidden"));
    }
    if (req.http.xkey-purge) {
        set req.http.x-newsroom-purged = xkey.purge(req.http.xkey-purge);
    } else if (req.http.xkey-softpurge) {
        set req.http.x-newsroom-purged = xkey.softpurge(req.http.xkey-softpurge);
    } else {
        return (synth(400, "xkey-purge or xkey-softpurge header required"));
    }
    return (synth(200, "Purged " + req.http.x-newsroom-purged));
}

sub vcl_hash {
    # A page rendered for https links to https: not the same object as over plain http.
    hash_data(req.http.X-Forwarded-Proto);
}

sub vcl_hit {
    if (req.http.x-newsroom-stale-if-error) {
        # Fetching it again failed on every app server (vcl_synth): the stale copy, not an error.
        set req.http.x-newsroom-cache = "HIT-GRACE";
        return (deliver);
    }
    if (obj.ttl >= 0s) {
        set req.http.x-newsroom-cache = "HIT";
        return (deliver);
    }
    # Stale (expired, or soft-purged): served while Varnish fetches it again in the background,
    # for the app's stale-while-revalidate; for as long as it is kept when no app server is healthy.
    if (obj.ttl + std.duration(obj.http.x-newsroom-swr, 0s) > 0s || !std.healthy(req.backend_hint)) {
        set req.http.x-newsroom-cache = "HIT-GRACE";
        return (deliver);
    }
    # Too old to serve while the app servers answer: look it up again without grace (a miss,
    # coalesced with other readers' requests for it).
    set req.http.x-newsroom-restarted = "1";
    return (restart);
}

sub vcl_miss {
    if (req.http.x-newsroom-stale-if-error) {
        # No stale copy to fall back on: the fetch already failed on every app server.
        return (synth(503, "Service Unavailable"));
    }
    set req.http.x-newsroom-cache = "MISS";
}

sub vcl_pass {
    set req.http.x-newsroom-cache = "PASS";
}

sub vcl_backend_fetch {
    # Not a header the app should see.
    unset bereq.http.x-newsroom-cache;
    unset bereq.http.x-newsroom-restarted;
    unset bereq.http.x-newsroom-stale-if-error;
}

sub vcl_backend_response {
    # An app server answering an error (shutting down, its database out of reach): the next one.
    if (beresp.status >= 502 && beresp.status <= 504 && bereq.retries < 2 && bereq.method ~ "^(GET|HEAD)$") {
        return (retry);
    }
    if (beresp.status >= 502 && beresp.status <= 504 && !bereq.uncacheable) {
        # Every app server failed a page: no error object that would hide the stale copy, which
        # vcl_synth looks up again (« stale if error »); a background fetch leaves it in place.
        return (abandon);
    }
    if (bereq.uncacheable) {
        return (deliver);
    }
    # Only what the app says shared caches may keep: `public` with a lifetime (pages with
    # s-maxage, static files with max-age). A response without it (a search, a form, a 404) is
    # never kept, whatever Varnish's default TTL.
    if (beresp.http.Cache-Control !~ "(?i)(^|,)\s*public\s*(,|$)"
        || beresp.http.Cache-Control ~ "(?i)private|no-store|no-cache"
        || beresp.http.Set-Cookie
        || beresp.http.Vary ~ "(?i)(cookie|\*)"
        || beresp.ttl <= 0s) {
        set beresp.ttl = 10s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # The app's tags, for xkey purges.
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    # Varnish has set the grace from stale-while-revalidate: remember it (vcl_hit serves that
    # window while the app servers are healthy), then keep the object a day for when they are not.
    set beresp.http.x-newsroom-swr = beresp.grace + "s";
    set beresp.grace = 24h;
    return (deliver);
}

sub vcl_backend_error {
    # No answer (refused, reset, timed out): the next app server in turn — for a request with a
    # body, only if Varnish kept it (vcl_recv).
    if (bereq.retries < 2 && (bereq.method ~ "^(GET|HEAD)$" || bereq.http.x-newsroom-body-kept)) {
        return (retry);
    }
    # No app server answered: no error object (it would hide the stale copy), Varnish's own answer
    # instead (vcl_synth: the stale copy of a page, otherwise the French error page). A background
    # fetch leaves the stale copy in place.
    return (abandon);
}

sub vcl_deliver {
    set resp.http.X-Cache = req.http.x-newsroom-cache;
    if (obj.uncacheable && req.http.x-newsroom-cache == "MISS") {
        # A miss on something never kept (hit-for-miss): say so.
        set resp.http.X-Cache = "PASS";
    }
    # Internal: tags, the remembered grace, and the app's own cache outcome.
    unset resp.http.xkey;
    unset resp.http.x-newsroom-swr;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
    unset resp.http.X-Varnish;
    unset resp.http.Via;
    # s-maxage and stale-while-revalidate are for this cache, which is purged; a cache further
    # down (a browser, a company proxy) is told to ask again each time (a 304 is cheap).
    if (resp.http.Cache-Control ~ "(?i)s-maxage") {
        set resp.http.Cache-Control = "public, max-age=0";
    }
}

sub vcl_synth {
    if (resp.status == 503 && req.http.x-newsroom-cache == "MISS" && !req.http.x-newsroom-stale-if-error) {
        # The fetch of a page failed on every app server (down but not yet found sick by the probes,
        # or answering errors): look it up again, for a stale copy this time (« stale if error »).
        set req.http.x-newsroom-stale-if-error = "1";
        return (restart);
    }
    set resp.http.X-Cache = "SYNTH";
    if (resp.status == 503) {
        # What readers see when no app server answers and no copy is kept: in French, like the site.
        set resp.http.Content-Type = "text/html; charset=utf-8";
        set resp.http.Retry-After = "10";
        set resp.http.Cache-Control = "no-store";
        synthetic({"<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Site momentanément indisponible</title></head>
<body><h1>Site momentanément indisponible</h1>
<p>Nous ne pouvons pas afficher cette page pour l’instant. Réessayez dans quelques instants.</p></body></html>
"});
        return (deliver);
    }
}
