"""Form wording: a tiny Markdown subset, everything else escaped (S35's spirit)."""

from consent.markup import render


def test_paragraphs_headings_lists_and_bold():
    html = render("# Title\n\n## Part\n\nOne **bold** line\nnext line\n\n- a\n- b")
    assert html == (
        "<h2>Title</h2>\n<h3>Part</h3>\n"
        "<p>One <strong>bold</strong> line<br>next line</p>\n"
        "<ul><li>a</li><li>b</li></ul>"
    )


def test_html_links_and_images_stay_text():
    html = render("<img src=x onerror=alert(1)> [link](https://evil) ![i](https://x)")
    assert "<img" not in html and "&lt;img" in html
    assert "<a " not in html and "[link](https://evil)" in html


def test_bold_cannot_smuggle_markup():
    html = render("**<script>alert(1)</script>**")
    assert html == "<p><strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong></p>"
