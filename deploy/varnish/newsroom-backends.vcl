# Written by deploy/varnish/backends.py: the app servers and who may purge.

backend app1 {
    .host = "127.0.0.1";
    .port = "8000";
    .probe = newsroom_health;
    .connect_timeout = 1s;
}

sub newsroom_add_backends {
    newsroom.add_backend(app1);
}

acl newsroom_purgers {
    "127.0.0.1";
    "::1";
}
