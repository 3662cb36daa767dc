"""{% picture image %}: a responsive, accessible <picture> for an image of the library."""

from django import template

register = template.Library()

DEFAULT_SIZES = "(min-width: 48rem) 42rem, 100vw"


@register.inclusion_tag("images/picture.html")
def picture(image, sizes: str = DEFAULT_SIZES, lazy: bool = True, css_class: str = "") -> dict:
    """WebP for the browsers that take it, JPEG or PNG for the others, at the width the layout needs.

    ``sizes`` tells the browser how wide the image is displayed, so that it picks
    the right rendition; ``lazy=False`` is for the image at the top of the page
    (loaded first, with ``fetchpriority="high"``). Width and height are the
    image's own, so that the page does not jump while it loads. Reads no query.
    """
    if image is None:
        return {"image": None}
    return {
        "image": image,
        "sizes": sizes,
        "lazy": lazy,
        "css_class": css_class,
        "webp_srcset": image.srcset("webp"),
        "fallback_srcset": image.srcset(image.fallback_format),
        "fallback_url": image.fallback_url,
    }
