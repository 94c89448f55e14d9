"""The site's HTML without indentation and blank lines, rendered the same (hub/site/squeeze.py)."""

from __future__ import annotations

from hub.site.squeeze import squeeze


def test_runs_with_a_line_break_become_one_line_break():
    html = '<ul>\n    <li><a href="x">Eins</a></li>\n\n\n    <li>Zwei  drei</li>\n  </ul>\n'
    assert squeeze(html) == '<ul>\n<li><a href="x">Eins</a></li>\n<li>Zwei  drei</li>\n</ul>\n'


def test_preformatted_text_fields_scripts_and_styles_keep_every_character():
    kept = [
        '<pre><span class="gh">diff</span>\n    eingerückt\n\n\nEnde</pre>',
        '<textarea rows="4">\n  Zeile\n\n</textarea>',
        "<script>\n  var a = 1;\n</script>",
        "<STYLE>\n  p { margin: 0 }\n</STYLE>",
        '<div class="highlight"><pre><span></span>schluessel:\n  - wert\n</pre></div>',
    ]
    for block in kept:
        assert squeeze(f"<p>\n  vorher\n</p>\n  {block}\n  <p>nachher</p>") == f"<p>\nvorher\n</p>\n{block}\n<p>nachher</p>"


def test_text_without_line_breaks_is_unchanged():
    html = "<p>Ein  Satz mit   Abständen</p><svg><text>x</text></svg>"
    assert squeeze(html) == html
