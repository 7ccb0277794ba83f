"""Instruction Markdown → HTML. A release is untrusted input: raw HTML is escaped, never passed on."""

from markdown_it import MarkdownIt

# "commonmark" with html=False turns <script> into text; markdown-it's validateLink
# already refuses javascript:, vbscript:, file: and data: (except images) links.
_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def render_instruction(text: str) -> str:
    return _renderer.render(text or "")
