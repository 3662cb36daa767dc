"""What the journalists' editor offers: the only place to change it, read by the model field."""

from django.conf import settings
from django.urls import reverse_lazy


def body_editor_extensions() -> dict:
    """Read when the model is loaded, once settings (and the palette) are ready."""
    return {
        "Heading": {"levels": [2, 3]},
        "Bold": True,
        "Italic": True,
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "HardBreak": True,
        # No link from typed text (« 2016.Il »); see static/articles/editor/writing.js.
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"], "autolink": False},
        "Figure": {"pickerUrl": reverse_lazy("admin:images_image_picker")},
        "Caption": True,
        "Image": True,
        "Callout": {"palette": settings.NOTE_PALETTE},
        "History": True,
        "NewsroomWriting": True,
    }


def process_callout(config, shared_config):
    """Tell django-prose-editor's own allowlist about our callout node (we sanitise with ours)."""
    shared_config["tags"].add("aside")
    shared_config["attributes"].setdefault("aside", set()).update({"data-callout", "data-color", "data-title"})


def process_writing(config, shared_config):
    """Our writing behaviours (static/articles/editor/writing.js) add no tag of their own."""
