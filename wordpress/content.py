# TEMPORARY STUB (helper-19 writes the real one)
import html as _h
import re
from dataclasses import dataclass, field

from articles.body import clean_body


@dataclass(frozen=True)
class Problem:
    kind: str
    detail: str


@dataclass
class ConvertedBody:
    html: str
    problems: list = field(default_factory=list)


def plain_text_of(text):
    return re.sub(r"\s+", " ", _h.unescape(re.sub(r"<[^>]+>", "", text or ""))).strip()


def convert_body(content, resolver, *, site):
    text = re.sub(r"\[/?[^\]]*\]", "", content or "")
    return ConvertedBody(clean_body(text))


def standfirst_from(html, max_length=600):
    m = re.search(r"<p>(.*?)</p>", html or "", re.S)
    return plain_text_of(m.group(1))[:max_length] if m else ""


def comment_text(content):
    return plain_text_of(content)


def is_file_name_caption(text):
    return bool(re.fullmatch(r"[\w-]+\.(jpe?g|png|gif)", text or "", re.I))
