"""Every fault an author can make is named with its file and line, never a traceback (and never buried)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from asipack import cli

from .conftest import PROJECT, line_with, page


def check_output(monkeypatch, root) -> tuple[int, str]:
    """Run `build.py check` on a pack as an author does; return the exit code and what it printed."""
    monkeypatch.setattr(cli, "PROJECT_ROOT", root)
    result = CliRunner().invoke(cli.main, ["check"])
    assert result.exit_code in (0, 1) and "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), "a fault is reported, never raised"
    return result.exit_code, result.output


def test_a_broken_jinja_tag_is_named_at_its_line_in_the_file(tmp_pack, monkeypatch):
    root = tmp_pack({"content/families/test.en.md": page("en", "# Test page\n\nKeep it {{ fact('storage.fridge' } in the fridge.\n")})
    code, output = check_output(monkeypatch, root)
    line = line_with(root, "content/families/test.en.md", "Keep it")
    assert code == 1
    assert f"content/families/test.en.md:{line}: error: a {{{{ ... }}}} tag does not parse" in output


def test_an_unknown_function_is_named_at_its_line(tmp_pack, monkeypatch):
    root = tmp_pack({"content/families/test.en.md": page("en", "# Test page\n\nMilk keeps {{ fakt('storage.fridge') }} in the fridge.\n")})
    code, output = check_output(monkeypatch, root)
    line = line_with(root, "content/families/test.en.md", "fakt(")
    assert code == 1
    assert f"content/families/test.en.md:{line}: error: unknown name 'fakt' in a {{{{ ... }}}} tag" in output


def test_an_impossible_date_is_an_error_at_its_line_not_a_traceback(tmp_pack, monkeypatch):
    root = tmp_pack(
        {"content/families/test.en.md": page("en", "# Test page\n\nMilk keeps {{ fact('storage.fridge') }}.\n", next_review="2027-13-45")}
    )
    code, output = check_output(monkeypatch, root)
    line = line_with(root, "content/families/test.en.md", "next_review")
    assert code == 1
    assert f"content/families/test.en.md:{line}: error: 'next_review' must be a date written YYYY-MM-DD" in output


def test_a_review_before_the_check_and_a_check_in_the_future_are_errors(tmp_pack, monkeypatch):
    body = "# Test page\n\nMilk keeps {{ fact('storage.fridge') }}.\n"
    root = tmp_pack(
        {
            "content/families/test.en.md": page("en", body, last_checked="2026-11-01", next_review="2026-10-01"),
            "content/families/test.id.md": page("id", body, last_checked="2099-01-01", next_review="2099-06-01"),
        }
    )
    code, output = check_output(monkeypatch, root)
    assert code == 1
    en_line = line_with(root, "content/families/test.en.md", "next_review")
    id_line = line_with(root, "content/families/test.id.md", "last_checked")
    assert f"content/families/test.en.md:{en_line}: error: next_review 2026-10-01 is not after last_checked 2026-11-01" in output
    assert f"content/families/test.id.md:{id_line}: error: last_checked 2099-01-01 is in the future" in output


@pytest.mark.parametrize(
    ("file", "text", "expected"),
    [
        (
            "content/leaflets.yml",
            "test-leaflet:\n  page: families/test\n  audience: families\n  format: a4\n  pages: two\n",
            "content/leaflets.yml:5: error: leaflet 'test-leaflet': 'pages' must be a whole number",
        ),
        (
            "content/languages.yml",
            "- {name: Bahasa Indonesia}\n- {code: en, name: English, locale: en_GB}\n",
            "content/languages.yml:1: error: language 1: required key 'code' is missing",
        ),
        (
            "content/organisation.yml",
            "name: Puskesmas Uji\nphone: '(021) 555 0100'\nreferrals: Bidan Sari\n",
            "content/organisation.yml:3: error: 'referrals' must be a list",
        ),
    ],
)
def test_a_wrong_type_in_a_data_file_is_one_message_at_its_line(tmp_pack, monkeypatch, file, text, expected):
    code, output = check_output(monkeypatch, tmp_pack({file: text}))
    assert code == 1
    assert expected in output
    assert output.count(f"{file}:") == 1, "one message per mistake, no noise"


def test_a_facts_file_that_does_not_parse_is_not_buried_under_follow_on_errors(tmp_pack, monkeypatch):
    code, output = check_output(monkeypatch, tmp_pack({"content/facts.yml": "storage.fridge:\n  value: 4\n unit: day\n"}))
    assert code == 1
    assert "content/facts.yml:3: error: this is not valid YAML" in output
    assert "unknown fact" not in output


@pytest.mark.parametrize("spelling", ["nutrilon", "Sgm", "S26", "s 26", "NUTRILON"])
def test_a_brand_name_is_found_in_any_case_and_common_spellings(tmp_pack, monkeypatch, spelling):
    body = f"# Test page\n\nMilk keeps {{{{ fact('storage.fridge') }}}}. Not {spelling}.\n"
    code, output = check_output(monkeypatch, tmp_pack({"content/families/test.en.md": page("en", body)}))
    assert code == 1
    assert f"names the brand '{spelling}'" in output


def test_the_command_line_never_imports_weasyprint_in_the_parent():
    """Only leaflet workers lay out PDFs; loading the commands stays light (and a no-op build fast)."""
    script = "import sys, asipack.cli, asipack.commands.build, asipack.commands.personal; print('weasyprint' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, check=True).stdout.strip() == "False"
