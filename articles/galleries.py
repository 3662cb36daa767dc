"""Galleries (« Diaporamas »): several library images, each with its caption and credit."""

from django.template.loader import render_to_string


def render_gallery(images: list, caption_html: str) -> str:
    return render_to_string("articles/includes/gallery.html", {"images": images, "caption": caption_html})
