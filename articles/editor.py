"""What the journalists' editor offers: the only place to change it, read by the model field."""

from django.conf import settings
from django.urls import reverse_lazy

from .embeds import BY_HOST, PROVIDERS


def body_editor_extensions() -> dict:
    """Read when the model is loaded, once settings (and the palette) are ready."""
    return {
        "Heading": {"levels": [2, 3]},
        "Bold": True,
        "Italic": True,
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        # A quotation's source and the pull quote (« Exergue »): static/articles/editor/quote.js.
        "Blockquote": True,
        "HardBreak": True,
        # Tables with a caption and header row/column, no merged cells: static/articles/editor/table.js.
        "Table": True,
        "TableRow": True,
        "TableHeader": True,
        "TableCell": True,
        # No link from typed text (« 2016.Il »); see static/articles/editor/writing.js.
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"], "autolink": False},
        "Figure": {"pickerUrl": reverse_lazy("admin:images_image_picker")},
        "Caption": True,
        "Image": True,
        "Callout": {"palette": settings.NOTE_PALETTE},
        "History": True,
        "NewsroomWriting": True,
        # The link dialog's search of the site and pasted addresses: static/articles/editor/links.js.
        "NewsroomLinks": {"searchUrl": reverse_lazy("admin:articles_article_links")},
        # The library in a dialog, images dropped or pasted, galleries: static/articles/editor/library.js, gallery.js.
        "NewsroomLibrary": {"pickerUrl": reverse_lazy("admin:images_image_picker")},
        "Gallery": True,
        # Documents, audio and video of the library: static/articles/editor/media.js.
        "Media": True,
        "NewsroomMedia": {"libraryUrl": reverse_lazy("admin:documents_document_library")},
        # Embeds (static/articles/editor/embed.js): the server recognises addresses; the editor learns
        # the providers' hosts (which pasted addresses to offer as embeds) and names from articles.embeds.
        "Embed": {
            "recogniseUrl": reverse_lazy("admin:articles_article_embed"),
            "hosts": sorted(BY_HOST),
            "names": {key: provider.name for key, provider in PROVIDERS.items()},
        },
    }


def process_callout(config, shared_config):
    """Tell django-prose-editor's own allowlist about our callout node (we sanitise with ours)."""
    shared_config["tags"].add("aside")
    shared_config["attributes"].setdefault("aside", set()).update({"data-callout", "data-color", "data-title"})


def process_writing(config, shared_config):
    """Our writing behaviours (static/articles/editor/writing.js) add no tag of their own."""


def process_links(config, shared_config):
    """The link dialog (static/articles/editor/links.js) makes ordinary links: no tag of its own."""


def process_table(config, shared_config):
    """Our tables (static/articles/editor/table.js): a caption and header cells, never merged ones."""
    shared_config["tags"].update({"table", "caption", "tbody", "tr", "th", "td"})
    shared_config["attributes"].setdefault("th", set()).add("scope")


def process_quote(config, shared_config):
    """Quotations (static/articles/editor/quote.js): who said it, and whether it is a pull quote."""
    shared_config["tags"].add("blockquote")
    shared_config["attributes"].setdefault("blockquote", set()).update({"data-source", "data-pullquote"})


def process_no_tag(config, shared_config):
    """Table rows and cells: their tags come with process_table."""


def process_library(config, shared_config):
    """The library's dialog and drop/paste uploads (static/articles/editor/library.js) insert ordinary figures."""


def process_media(config, shared_config):
    """Audio and video (static/articles/editor/media.js): a figure naming its library document, and a caption;
    documents are ordinary links to their address."""
    shared_config["tags"].update({"figure", "figcaption"})
    shared_config["attributes"].setdefault("figure", set()).add("data-media")


def process_gallery(config, shared_config):
    """Galleries (static/articles/editor/gallery.js): a figure naming its library images, and a caption."""
    shared_config["tags"].update({"figure", "figcaption"})
    shared_config["attributes"].setdefault("figure", set()).add("data-gallery")


def process_embed(config, shared_config):
    """Tell django-prose-editor's own allowlist about our embed node (we sanitise with ours)."""
    shared_config["tags"].update({"figure", "figcaption"})
    shared_config["attributes"].setdefault("figure", set()).update({"data-embed", "data-embed-id"})
